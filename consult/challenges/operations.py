"""Writes on challenges (creation and publication come from the administrations, see
issue 5; participation is shared by ideas, supports and comments)."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select, update

from consult.accounts.models import User
from consult.challenges.co_ownership import may_attach, set_organisations
from consult.challenges.models import Challenge, ModerationMode, Participation, Theme
from consult.challenges.phases import CLOSABLE, Phase
from consult.core.errors_domain import Refused
from consult.core.events import record
from consult.core.sql import insert_ignore
from consult.db import db, utcnow
from consult.organisations.models import Organisation
from consult.organisations.operations import slugify


def unique_challenge_slug(title: str) -> str:
    base = slugify(title)[:80]
    slug, n = base, 2
    while db.session.scalar(select(func.count()).where(Challenge.slug == slug)):
        slug, n = f"{base}-{n}", n + 1
    return slug


def create_challenge(actor: User | None, organisations: list[Organisation], *, title: str,
                     service: str, problem: str, dates: tuple[datetime, datetime, datetime,
                                                              datetime],
                     audience: str = "", context: str = "", themes: list[str] = (),
                     territory_id: int | None = None, supports_per_person: int | None = 3,
                     self_support_allowed: bool = False,
                     moderation_mode: ModerationMode = ModerationMode.POST,
                     moderation_charter: str = "", publish: bool = False) -> Challenge:
    if not organisations:
        raise Refused(_("Un défi appartient à au moins une organisation."), "organisations")
    if not (dates[0] < dates[1] < dates[2] < dates[3]):
        raise Refused(_("Les dates des phases doivent se suivre."), "dates")
    challenge = Challenge(
        slug=unique_challenge_slug(title), title=title.strip(), service=service.strip(),
        problem=problem, audience=audience, context=context, territory_id=territory_id,
        submission_starts_at=dates[0], voting_starts_at=dates[1], review_starts_at=dates[2],
        results_at=dates[3], supports_per_person=supports_per_person,
        self_support_allowed=self_support_allowed, moderation_mode=moderation_mode,
        moderation_charter=moderation_charter,
        organisations=[o for o in organisations if actor is None or may_attach(actor, o)],
        themes=[Theme(name=name) for name in themes],
        published_at=utcnow() if publish else None)
    challenge.announced_phase = challenge.phase.value if publish else None
    if not challenge.organisations:
        raise Refused(_("Un défi appartient à au moins une organisation dont vous faites "
                        "partie."), "organisations")
    db.session.add(challenge)
    db.session.flush()
    for organisation in organisations:
        if organisation not in challenge.organisations:
            set_organisations(actor, challenge, [*challenge.organisations, organisation])
    set_charter_rules(challenge, [])  # the default charter, until the editor changes it
    record(actor, "challenge.create", challenge,
               organisation_id=acting_organisation(actor, challenge),
               challenge_id=challenge.id, title=challenge.title, published=publish)
    return challenge


def acting_organisation(actor: User | None, challenge: Challenge) -> int:
    """The organisation an action on the challenge is filed under: the actor's own."""
    ids = sorted(challenge.organisation_ids)
    if actor is not None:
        own = [oid for oid in ids if actor.is_agent_of(oid)]
        if own:
            return own[0]
    return ids[0]


def ensure_participation(user: User, challenge: Challenge) -> int:
    """The person's participation row in the challenge (created once, race-safe);
    counts a new participant when it is created."""
    existing = db.session.scalar(select(Participation.id).where(
        Participation.user_id == user.id, Participation.challenge_id == challenge.id))
    if existing is not None:  # the usual case: one read, no write
        return existing
    inserted = insert_ignore(Participation.__table__, user_id=user.id,
                             challenge_id=challenge.id, supports_used=0, created_at=utcnow())
    if inserted:
        db.session.execute(update(Challenge).where(Challenge.id == challenge.id).values(
            participants_count=Challenge.participants_count + 1))
    return db.session.scalar(select(Participation.id).where(
        Participation.user_id == user.id, Participation.challenge_id == challenge.id))


def supports_left(user: User, challenge: Challenge) -> int | None:
    """How many more ideas the person may support (None: no limit)."""
    if challenge.supports_per_person is None:
        return None
    used = db.session.scalar(select(Participation.supports_used).where(
        Participation.user_id == user.id, Participation.challenge_id == challenge.id)) or 0
    return max(0, challenge.supports_per_person - used)


def close_phase_early(actor: User, challenge: Challenge) -> Phase:
    """End the current phase now: the next phase's date moves to now."""
    now = utcnow()
    phase = challenge.phase_at(now)
    if phase not in CLOSABLE:
        raise Refused(_("Cette phase ne peut pas être close."))
    setattr(challenge, CLOSABLE[phase], now)
    db.session.flush()
    record(actor, "challenge.close_phase", challenge,
               organisation_id=acting_organisation(actor, challenge), challenge_id=challenge.id,
               phase=str(phase))
    return challenge.phase_at(now)


def set_themes(challenge: Challenge, names: list[str]) -> None:
    """Keep themes still named (ideas keep theirs), add new ones, drop the others."""
    wanted = {n.strip(): None for n in names if n.strip()}
    for theme in list(challenge.themes):
        if theme.name not in wanted:
            challenge.themes.remove(theme)
    present = {t.name for t in challenge.themes}
    for name in wanted:
        if name not in present:
            challenge.themes.append(Theme(name=name))


def set_charter_rules(challenge: Challenge, labels: list[str]) -> None:
    """The rules a rejection cites; none given: the default charter (a challenge always
    has rules, so pages that show them never have to create them)."""
    from consult.challenges.models import DEFAULT_CHARTER_RULES, CharterRule

    wanted = [label.strip()[:200] for label in labels if label.strip()]
    wanted = wanted or list(DEFAULT_CHARTER_RULES)
    existing = {r.label: r for r in db.session.scalars(select(CharterRule).where(
        CharterRule.challenge_id == challenge.id))}
    for label, rule_ in existing.items():
        if label not in wanted:
            db.session.delete(rule_)  # ideas citing it keep their decision (SET NULL)
    for position, label in enumerate(dict.fromkeys(wanted)):
        if label in existing:
            existing[label].position = position
        else:
            db.session.add(CharterRule(challenge_id=challenge.id, label=label,
                                       position=position))


def update_challenge(actor: User, challenge: Challenge, organisations: list[Organisation],
                     **fields) -> None:
    """Edit a challenge. Once published, its dates still move (phases follow them)."""
    dates = [fields[k] for k in ("submission_starts_at", "voting_starts_at",
                                 "review_starts_at", "results_at")]
    if not (dates[0] < dates[1] < dates[2] < dates[3]):
        raise Refused(_("Les dates des phases doivent se suivre."), "dates")
    if not organisations:
        raise Refused(_("Un défi appartient à au moins une organisation."), "organisations")
    for name, value in fields.items():
        setattr(challenge, name, value)
    set_organisations(actor, challenge, list(organisations))
    db.session.flush()
    record(actor, "challenge.update", challenge,
               organisation_id=acting_organisation(actor, challenge), challenge_id=challenge.id)


def publish_challenge(actor: User, challenge: Challenge) -> None:
    if challenge.published_at is not None:
        raise Refused(_("Ce défi est déjà publié."))
    challenge.published_at = utcnow()
    challenge.announced_phase = challenge.phase.value
    db.session.flush()
    record(actor, "challenge.publish", challenge,
               organisation_id=acting_organisation(actor, challenge), challenge_id=challenge.id)
