"""Writes on challenges (creation and publication come from the administrations, see
issue 5; participation is shared by ideas, supports and comments)."""

from __future__ import annotations

from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import bindparam, func, select

from consult.accounts.models import User
from consult.challenges.co_ownership import may_attach, set_organisations
from consult.challenges.models import (
    Challenge,
    ModerationMode,
    Participation,
    Theme,
    challenge_counters,
    counter_slot,
)
from consult.challenges.phases import CLOSABLE, Phase
from consult.challenges.timeline import PhaseSpec, phase_problems, set_phases
from consult.core.errors_domain import Refused
from consult.core.events import record
from consult.core.sql import add_to_counter, insert_ignore, read
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
                     service: str, problem: str, phases: list[PhaseSpec],
                     audience: str = "", context: str = "", themes: list[str] = (),
                     territory_id: int | None = None,
                     moderation_mode: ModerationMode = ModerationMode.POST,
                     moderation_charter: str = "", publish: bool = False) -> Challenge:
    if not organisations:
        raise Refused(_("Un défi appartient à au moins une organisation."), "organisations")
    _check_phases(phases)
    challenge = Challenge(
        slug=unique_challenge_slug(title), title=title.strip(), service=service.strip(),
        problem=problem, audience=audience, context=context, territory_id=territory_id,
        moderation_mode=moderation_mode,
        moderation_charter=moderation_charter,
        organisations=[o for o in organisations if actor is None or may_attach(actor, o)],
        themes=[Theme(name=name) for name in themes],
        published_at=utcnow() if publish else None)
    set_phases(challenge, phases)
    if publish:
        _started_phases_announced(challenge)
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


def _check_phases(phases: list[PhaseSpec]) -> None:
    problems = phase_problems(phases)
    if problems:
        raise Refused(" ".join(message for _, _, message in problems), "phases")


def _started_phases_announced(challenge: Challenge) -> None:
    """Phases under way when a challenge appears are not news to its (new) followers."""
    now = utcnow()
    for phase in challenge.phases:
        if phase.has_started(now):
            phase.announced_at = now


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
    if inserted:  # on the person's counter row, not the challenge's own (models)
        add_to_counter(challenge_counters, "participants", 1, challenge_id=challenge.id,
                       slot=counter_slot(user.id))
        db.session.expire(challenge, ["participants_count"])
    return db.session.scalar(select(Participation.id).where(
        Participation.user_id == user.id, Participation.challenge_id == challenge.id))


def supports_left(user: User, challenge: Challenge) -> int | None:
    """How many more ideas the person may support (None: no limit)."""
    if challenge.supports_per_person is None:
        return None
    used = read(_SUPPORTS_USED, person=user.id, challenge=challenge.id).scalar() or 0
    return max(0, challenge.supports_per_person - used)


_participations = Participation.__table__
_SUPPORTS_USED = select(_participations.c.supports_used).where(
    _participations.c.user_id == bindparam("person"),
    _participations.c.challenge_id == bindparam("challenge"))


def close_phase_early(actor: User, challenge: Challenge) -> Phase:
    """End the current phase now; when nothing else is under way, the next phase starts
    now (its end stays, unless it came first)."""
    now = utcnow()
    current = challenge.current_phase(now)
    if current is None or current.kind not in CLOSABLE or current.ends_at is None:
        raise Refused(_("Cette phase ne peut pas être close."))
    closed = current.kind
    current.ends_at = now
    if current.starts_at >= now:  # SQLite's clock tick: a phase lasts at least a moment
        current.starts_at = now - timedelta(seconds=1)
    if not challenge.phases_at(now):
        upcoming = [p for p in challenge.timeline() if p.starts_at > now]
        if upcoming:
            upcoming[0].starts_at = now
            if upcoming[0].ends_at is not None and upcoming[0].ends_at <= now:
                upcoming[0].ends_at = None
    db.session.flush()
    record(actor, "challenge.close_phase", challenge,
               organisation_id=acting_organisation(actor, challenge), challenge_id=challenge.id,
               phase=str(closed))
    return challenge.phase_at(now)


def bring_results_forward(challenge: Challenge, now) -> None:
    """Results published during the review: the review ends and the results phase
    starts now."""
    current = challenge.current_phase(now)
    if current is None or current.kind != Phase.REVIEW:
        return
    current.ends_at = max(now, current.starts_at + timedelta(seconds=1))
    results = challenge.phase_of(Phase.RESULTS)
    if results is not None and results.starts_at > current.ends_at:
        results.starts_at = current.ends_at
        if results.ends_at is not None and results.ends_at <= results.starts_at:
            results.ends_at = None


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
                     *, phases: list[PhaseSpec] | None = None, **fields) -> None:
    """Edit a challenge. Once published, its phases still move (its state follows their
    dates)."""
    if phases is not None:
        _check_phases(phases)
    if not organisations:
        raise Refused(_("Un défi appartient à au moins une organisation."), "organisations")
    for name, value in fields.items():
        setattr(challenge, name, value)
    if phases is not None:
        set_phases(challenge, phases)
    set_organisations(actor, challenge, list(organisations))
    db.session.flush()
    record(actor, "challenge.update", challenge,
               organisation_id=acting_organisation(actor, challenge), challenge_id=challenge.id)


def publish_challenge(actor: User, challenge: Challenge) -> None:
    if challenge.published_at is not None:
        raise Refused(_("Ce défi est déjà publié."))
    challenge.published_at = utcnow()
    _started_phases_announced(challenge)
    db.session.flush()
    record(actor, "challenge.publish", challenge,
               organisation_id=acting_organisation(actor, challenge), challenge_id=challenge.id)
