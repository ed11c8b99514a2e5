"""Things that happen with time rather than with a request: a challenge entering a new
phase (phases follow their dates), and the daily e-mail digest.

``announce_phase_changes`` runs in the mail worker's loop; ``send_digests`` runs once a
day (``flask --app consult digest``, from cron or a systemd timer). Both are safe to run
on several machines at once: rows are claimed with ``FOR UPDATE SKIP LOCKED`` on
PostgreSQL, and SQLite serialises writers.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from consult.accounts.models import User
from consult.challenges.models import Challenge, ChallengePhase
from consult.core.outbox import queue_mail
from consult.core.urls import external_url
from consult.db import db, utcnow
from consult.notifications.messages import message
from consult.notifications.models import Notification
from consult.notifications.operations import follower_ids, notify


def _locked(query, table):
    """Claim rows so that runs on several machines never handle one row twice."""
    if db.dialect != "postgresql":
        return query  # SQLite serialises writers (BEGIN IMMEDIATE)
    return query.with_for_update(skip_locked=True, of=table)


def announce_phase_changes() -> int:
    """Tell followers of each challenge that a phase started (each phase once); returns
    how many phases were announced. Commits."""
    now = utcnow()
    query = _locked(select(ChallengePhase).join(Challenge).where(
        Challenge.published_at.is_not(None), ChallengePhase.announced_at.is_(None),
        ChallengePhase.starts_at <= now).order_by(ChallengePhase.starts_at), ChallengePhase)
    announced = 0
    for phase in db.session.scalars(query):
        phase.announced_at = now
        if phase.has_ended(now):
            continue  # over before anyone could be told: no news any more
        notify(follower_ids(challenge=phase.challenge), "new_phase",
               challenge=phase.challenge, phase=phase.label)
        announced += 1
    db.session.commit()
    return announced


def mail_important_notifications(batch: int = 500) -> int:
    """The notifications that also leave by e-mail (results, a freed seat), one mail
    each, to people who keep that option; run by the worker, so publishing the results
    of a 100,000-participant challenge never waits for 100,000 mails. Commits."""
    from flask_babel import force_locale

    from consult.notifications.messages import MAILED_KINDS, target_url

    now = utcnow()
    query = _locked(select(Notification, User).join(User, User.id == Notification.user_id)
                    .where(Notification.kind.in_(MAILED_KINDS),
                           Notification.mailed_at.is_(None), Notification.read_at.is_(None),
                           Notification.created_at >= now - timedelta(days=2))
                    .order_by(Notification.id).limit(batch), Notification)
    sent = 0
    for notification, user in db.session.execute(query).all():
        notification.mailed_at = now
        if not (user.important_mail and user.email and user.email_confirmed_at
                and user.deleted_at is None):
            continue
        with current_app.test_request_context("/"), force_locale(user.locale):
            text, link = message(notification), target_url(notification)
        queue_mail(user.email, "notifications/important", locale=user.locale, user=user,
                   text=text, link=current_app.config["BASE_URL"] + link if link else None,
                   profile_url=external_url("accounts.profile"))
        sent += 1
    db.session.commit()
    return sent


def send_digests(now=None) -> int:
    """One e-mail per person who opted in, listing what they have not been mailed yet
    from the last two days. Returns how many digests were queued. Commits."""
    now = now or utcnow()
    query = _locked(select(Notification).join(User, User.id == Notification.user_id).where(
        User.digest_opt_in.is_(True), User.deleted_at.is_(None),
        User.email_confirmed_at.is_not(None), Notification.digested_at.is_(None),
        Notification.created_at >= now - timedelta(days=2)).order_by(Notification.id),
        Notification)
    by_person: dict[int, list[Notification]] = defaultdict(list)
    for notification in db.session.scalars(query):
        by_person[notification.user_id].append(notification)
    for user_id, notifications in by_person.items():
        user = db.session.get(User, user_id)
        from flask_babel import force_locale

        with force_locale(user.locale):
            items = [(message(n), external_url("ideas.show", idea_id=n.idea_id)
                      if n.idea_id else None) for n in notifications]
        queue_mail(user.email, "notifications/digest", locale=user.locale, user=user,
                   items=items, space_url=external_url("notifications.my_space"),
                   profile_url=external_url("accounts.profile"))
        for notification in notifications:
            notification.digested_at = now
    db.session.commit()
    return len(by_person)
