"""Writes on ideas and supports. Every counter changes in the same transaction as the
rows it counts, through SQL increments (never read-modify-write in Python)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.orm.attributes import set_committed_value

from consult.accounts.models import User
from consult.challenges.models import (
    Challenge,
    ModerationMode,
    Participation,
    challenge_counters,
    counter_slot,
)
from consult.challenges.operations import ensure_participation
from consult.challenges.permissions import participation_problem
from consult.challenges.phases import Action
from consult.core import events
from consult.core.errors_domain import Refused
from consult.core.events import emit
from consult.core.search import search_text
from consult.core.sql import add_to_counter, execute, insert_ignore
from consult.db import db, utcnow
from consult.ideas import permissions as rules
from consult.ideas.models import Idea, IdeaStatus, Support


def _require(problem: str | None) -> None:
    if problem:
        raise Refused(problem)


def submit_idea(user: User, challenge: Challenge, *, title: str, body: str,
                theme_id: int | None = None, territory_id: int | None = None) -> Idea:
    _require(participation_problem(user, challenge, Action.PROPOSE))
    if theme_id is not None and theme_id not in {t.id for t in challenge.themes}:
        raise Refused(_("Thème inconnu pour ce défi."), "theme")
    now = utcnow()
    published = challenge.moderation_mode == ModerationMode.POST
    idea = Idea(challenge=challenge, author=user, title=title.strip(), body=body,
                theme_id=theme_id, territory_id=territory_id,
                status=IdeaStatus.PUBLISHED if published else IdeaStatus.PENDING,
                published_at=now if published else None, search_text=search_text(title, body))
    db.session.add(idea)
    db.session.flush()
    if published:
        _count_published(challenge, +1)
    else:
        emit(events.moderation_item_changed, "idea", target_id=idea.id)
    ensure_participation(user, challenge)
    emit(events.idea_submitted, idea, author=user)  # the author follows it
    return idea


def _count_published(challenge: Challenge, delta: int) -> None:
    db.session.execute(update(Challenge).where(Challenge.id == challenge.id).values(
        ideas_count=Challenge.ideas_count + delta))


def edit_idea(user: User, idea: Idea, *, title: str, body: str, theme_id: int | None,
              territory_id: int | None) -> None:
    _require(rules.edit_problem(user, idea))
    if theme_id is not None and theme_id not in {t.id for t in idea.challenge.themes}:
        raise Refused(_("Thème inconnu pour ce défi."), "theme")
    idea.title, idea.body = title.strip(), body
    idea.theme_id, idea.territory_id = theme_id, territory_id
    idea.search_text = search_text(title, body)
    idea.updated_at = utcnow()
    db.session.flush()


def withdraw_idea(user: User, idea: Idea) -> None:
    """The author withdraws the idea. While the vote can still change, its supporters
    get their supports back and are told; once it is over, the supports stay what they
    were (the vote happened) and nobody is told they can use them again."""
    _require(rules.withdraw_problem(user, idea))
    was_published, was_pending = (idea.status == IdeaStatus.PUBLISHED,
                                  idea.status == IdeaStatus.PENDING)
    vote_over = idea.challenge.vote_over()
    supporters = [] if vote_over else release_supports(idea)
    idea.status = IdeaStatus.WITHDRAWN
    idea.updated_at = utcnow()
    if was_published:
        _count_published(idea.challenge, -1)
    db.session.flush()
    if was_pending:  # it leaves the moderation queue (its reports, if any, stay)
        emit(events.moderation_item_changed, "idea", target_id=idea.id)
    emit(events.idea_withdrawn, idea, supporters=supporters)


def release_supports(idea: Idea) -> list[int]:
    """Remove every support of ``idea`` and give them back to their people: exactly the
    supports deleted (DELETE … RETURNING), so that one added meanwhile is given back too
    (it was deleted with the others)."""
    supporters = list(db.session.connection().execute(
        delete(_supports).where(_supports.c.idea_id == idea.id)
        .returning(_supports.c.user_id)).scalars())
    if not supporters:
        return []
    db.session.execute(update(Participation).where(
        Participation.challenge_id == idea.challenge_id,
        Participation.user_id.in_(supporters)).values(
        supports_used=Participation.supports_used - 1))
    db.session.execute(update(Idea).where(Idea.id == idea.id).values(supports_count=0))
    for slot, count in Counter(counter_slot(user_id) for user_id in supporters).items():
        add_to_counter(challenge_counters, "supports", -count,
                       challenge_id=idea.challenge_id, slot=slot)
    db.session.expire(idea.challenge, ["supports_count"])
    return supporters


@dataclass(frozen=True)
class SupportTally:
    """What the support button shows after a click, read back from the writes themselves."""

    supports: int  # the idea's supports now
    supported: bool  # whether the person supports it now
    supports_left: int | None  # what remains of the person's supports (None: no limit)


def _tally(challenge: Challenge, supports: int, supported: bool, used: int) -> SupportTally:
    limit = challenge.supports_per_person
    return SupportTally(supports, supported, None if limit is None else max(0, limit - used))


# The support path is the hottest write of a consultation: its statements are built
# once, on the tables (no ORM bookkeeping per statement), and the objects in memory
# take the counts the database returns.
_participations, _supports = Participation.__table__, Support.__table__
_ideas = Idea.__table__
_SPEND = (update(_participations)
          .where(_participations.c.user_id == bindparam("person"),
                 _participations.c.challenge_id == bindparam("challenge"))
          .values(supports_used=_participations.c.supports_used + bindparam("step"))
          .returning(_participations.c.supports_used))
_SPEND_WITHIN = _SPEND.where(_participations.c.supports_used < bindparam("limit"))
_IDEA_SUPPORTS = (update(_ideas).where(_ideas.c.id == bindparam("idea"))
                  .values(supports_count=_ideas.c.supports_count + bindparam("step"))
                  .returning(_ideas.c.supports_count))
_LOCK_PARTICIPATION = (select(_participations.c.supports_used)
                       .where(_participations.c.user_id == bindparam("person"),
                              _participations.c.challenge_id == bindparam("challenge"))
                       .with_for_update())
_UNSUPPORT = (delete(_supports).where(_supports.c.idea_id == bindparam("idea"),
                                      _supports.c.user_id == bindparam("person"))
              .returning(_supports.c.id))


def _count_supports(idea: Idea, person_id: int, step: int) -> int:
    """Move the idea's counter and the person's slot of its challenge's counters by
    ``step``; the idea's new count."""
    supports = execute(_IDEA_SUPPORTS, {"idea": idea.id, "step": step}).scalar()
    add_to_counter(challenge_counters, "supports", step,
                   challenge_id=idea.challenge_id, slot=counter_slot(person_id))
    set_committed_value(idea, "supports_count", supports)
    db.session.expire(idea.challenge, ["supports_count"])  # read again if shown
    return supports


def cast_support(user: User, idea: Idea) -> SupportTally:
    """Support an idea. Safe under concurrency without a savepoint: a conditional UPDATE
    on the person's participation row spends one support (it locks that row, and stops
    at the challenge's limit), then INSERT … ON CONFLICT DO NOTHING adds the support; a
    support that already existed gives the spent one back. Counters move in the same
    transaction as the rows."""
    _require(rules.support_problem(user, idea, limit=False))  # the UPDATE below checks it
    challenge = idea.challenge
    limit = challenge.supports_per_person
    voter, spent_elsewhere = _voter_key(user, idea)
    spend = _SPEND if limit is None else _SPEND_WITHIN
    person = {"person": user.id, "challenge": challenge.id, "step": 1,
              "limit": None if limit is None else limit - spent_elsewhere}
    used = execute(spend, person).scalar()
    if used is None:  # the person's first act in the challenge, or the limit reached
        ensure_participation(user, challenge)
        used = execute(spend, person).scalar()
    if used is None:
        raise Refused(rules.limit_reached_message(limit))
    if not insert_ignore(_supports, idea_id=idea.id, user_id=user.id,
                         challenge_id=challenge.id, created_at=utcnow(), voter_key=voter):
        execute(_SPEND, {**person, "step": -1})
        raise Refused(_("Vous soutenez déjà cette idée."))
    return _tally(challenge, _count_supports(idea, user.id, 1), True, used)


def _voter_key(user: User, idea: Idea) -> tuple[str | None, int]:
    """Where the challenge's rules ask a verified identity to support: the key of that
    identity and the supports it gave in the challenge through other accounts (they
    count against the limit), or a refusal when it already supported this idea through
    another account (one FranceConnect identity, one vote, even after an account was
    deleted and another made)."""
    from consult.challenges import eligibility
    from consult.challenges.phases import Action
    from consult.identity.operations import voter_key

    if not eligibility.needs_verified_identity(idea.challenge, Action.SUPPORT):
        return None, 0
    identity = eligibility.verified_identity(user)
    if identity is None:  # (support_problem said so already)
        raise Refused(_("Confirmez votre identité avec FranceConnect pour soutenir."))
    key = voter_key(identity)
    others = select(func.count()).select_from(_supports).where(
        _supports.c.voter_key == key, _supports.c.challenge_id == idea.challenge_id,
        _supports.c.user_id != user.id)
    if db.session.scalar(others.where(_supports.c.idea_id == idea.id)):
        raise Refused(_("Cette identité a déjà soutenu cette idée, depuis un autre compte."))
    return key, db.session.scalar(others) or 0


def _remove_support(user: User, idea: Idea) -> SupportTally | None:
    """Delete the person's support of ``idea`` and give it back, counters included;
    None when there was none. Rows are locked in the order a support takes them (the
    person's participation, then the support, the idea, the challenge): otherwise a
    support and a withdrawal of the same person crossing each other on PostgreSQL
    deadlock (one holds the participation and waits for the support row the other
    deleted, the other waits for the participation)."""
    execute(_LOCK_PARTICIPATION, {"person": user.id, "challenge": idea.challenge_id})
    if execute(_UNSUPPORT, {"idea": idea.id, "person": user.id}).first() is None:
        return None
    used = execute(_SPEND, {"person": user.id, "challenge": idea.challenge_id,
                            "step": -1}).scalar()
    return _tally(idea.challenge, _count_supports(idea, user.id, -1), False, used)


def withdraw_support(user: User, idea: Idea) -> SupportTally:
    _require(rules.unsupport_problem(user, idea))
    tally = _remove_support(user, idea)
    if tally is None:
        raise Refused(_("Vous ne soutenez pas cette idée."))
    return tally


def move_support(user: User, duplicate: Idea, kept: Idea) -> None:
    """One click after a merge: take the support from the duplicate and give it to the
    idea it was merged into, in one transaction (nothing moves without the person)."""
    if duplicate.merged_into_id != kept.id:
        raise Refused(_("Ces idées n’ont pas été fusionnées."))
    _require(rules.unsupport_problem(user, kept))
    if not _remove_support(user, duplicate):
        raise Refused(_("Vous ne souteniez pas l’idée fusionnée."))
    already = db.session.scalar(select(Support.id).where(
        Support.idea_id == kept.id, Support.user_id == user.id))
    if already is None:
        cast_support(user, kept)
