from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from sqlalchemy import Select, and_, bindparam, func, or_, select

from consult.challenges.models import Challenge, ChallengePhase, Theme, challenge_organisations
from consult.challenges.phases import Phase
from consult.core.loading import Loader, loaded
from consult.core.pagination import Page, paginate
from consult.core.sql import read
from consult.db import db, utcnow


def challenge_by_slug(slug: str) -> Challenge | None:
    return db.session.scalar(select(Challenge).where(Challenge.slug == slug))


@cache  # built once, at first use (the mappers are complete by then)
def _challenge_reads():
    challenges, phases = Loader(Challenge), Loader(ChallengePhase)
    return (select(*challenges.columns, *phases.columns)
            .outerjoin_from(Challenge, ChallengePhase, ChallengePhase.challenge_id == Challenge.id)
            .where(Challenge.id == bindparam("challenge"))
            .order_by(ChallengePhase.starts_at, ChallengePhase.id)), challenges, phases


def challenge_for_rules(challenge_id: int) -> Challenge | None:
    """The challenge with its phases, what its rules and a ballot read (its territory,
    organisations and themes load if something asks), in one prebuilt statement built
    into objects without the ORM's row processing (core.loading): a signed-in hit of a
    challenge's idea list runs it (265 → 120 µs against the ORM's two statements)."""
    statement, challenges, phases = _challenge_reads()
    rows = read(statement, challenge=challenge_id).all()
    if not rows:
        return None
    size = len(challenges)
    challenge, built = challenges.instance(db.session, rows[0][:size])
    if built:
        loaded(challenge, "phases", phases.each(db.session, rows, size))
    return challenge


def _in_phase(phase: Phase, now) -> object:
    """Challenges in ``phase`` at ``now``: a phase of that kind under way, or, for the
    states without a phase, the absence of one under way and the dates around it."""
    rows = select(ChallengePhase.challenge_id)
    under_way = rows.where(ChallengePhase.starts_at <= now, or_(
        ChallengePhase.ends_at.is_(None), ChallengePhase.ends_at > now))
    if phase.is_kind:
        return Challenge.id.in_(under_way.where(ChallengePhase.kind == phase))
    started = rows.where(ChallengePhase.starts_at <= now)
    to_come = rows.where(or_(ChallengePhase.ends_at.is_(None), ChallengePhase.ends_at > now))
    quiet = Challenge.id.not_in(under_way)
    return {
        Phase.ANNOUNCED: Challenge.id.not_in(started),
        Phase.PAUSE: and_(quiet, Challenge.id.in_(started), Challenge.id.in_(to_come)),
        Phase.CLOSED: and_(quiet, Challenge.id.not_in(to_come)),
    }[phase]


def last_start():
    """When a challenge's last phase starts (lists show the latest first)."""
    return (select(func.max(ChallengePhase.starts_at))
            .where(ChallengePhase.challenge_id == Challenge.id).scalar_subquery())


@dataclass
class ChallengeFilters:
    organisation_id: int | None = None
    theme: str = ""
    territory_id: int | None = None
    phase: Phase | None = None


def published_challenges(filters: ChallengeFilters | None = None) -> Select:
    filters = filters or ChallengeFilters()
    now = utcnow()
    query = select(Challenge).where(Challenge.published_at.is_not(None))
    if filters.organisation_id:
        query = query.where(Challenge.id.in_(select(challenge_organisations.c.challenge_id).where(
            challenge_organisations.c.organisation_id == filters.organisation_id)))
    if filters.theme:
        query = query.where(Challenge.id.in_(select(Theme.challenge_id).where(
            Theme.name == filters.theme)))
    if filters.territory_id:
        query = query.where(Challenge.territory_id == filters.territory_id)
    if filters.phase and filters.phase != Phase.DRAFT:
        query = query.where(_in_phase(filters.phase, now))
    return query.order_by(last_start().desc(), Challenge.id.desc())


def challenge_page(filters: ChallengeFilters, number: int) -> Page:
    return paginate(published_challenges(filters), number, size=12)


# Phases in which people take part (open challenges: one of them has not ended).
PARTICIPATORY = (Phase.SURVEY, Phase.IDEAS, Phase.SUPPORTS)


def open_challenges(limit: int = 6) -> list[Challenge]:
    """Challenges still asking people something, the one closing first first."""
    now = utcnow()
    open_until = (select(func.min(ChallengePhase.ends_at)).where(
        ChallengePhase.challenge_id == Challenge.id, ChallengePhase.kind.in_(PARTICIPATORY),
        ChallengePhase.ends_at > now).scalar_subquery())
    return list(db.session.scalars(
        select(Challenge).where(Challenge.published_at.is_not(None), open_until.is_not(None))
        .order_by(open_until, Challenge.id).limit(limit)))


def theme_names() -> list[str]:
    return list(db.session.scalars(select(Theme.name).distinct().order_by(Theme.name)))


def challenge_territories() -> list:
    from consult.territories.models import Territory

    return list(db.session.scalars(select(Territory).where(Territory.id.in_(
        select(Challenge.territory_id).where(Challenge.published_at.is_not(None))
    )).order_by(Territory.name)))


def recent_results(limit: int = 3) -> list[Challenge]:
    """Challenges whose results were published last (the home page: what came of it)."""
    return list(db.session.scalars(
        select(Challenge).where(Challenge.published_at.is_not(None),
                                Challenge.results_published_at.is_not(None))
        .order_by(Challenge.results_published_at.desc()).limit(limit)))


def published_challenges_of(organisation_id: int) -> list[Challenge]:
    return list(db.session.scalars(published_challenges(
        ChallengeFilters(organisation_id=organisation_id)).limit(100)))


def search_challenges(words: str, limit: int = 20) -> list[Challenge]:
    """Published challenges whose title, service or problem hold every word (accents,
    case and endings ignored, as the idea search). Challenges are hundreds, not
    hundreds of thousands: their words are stemmed here rather than indexed."""
    from consult.core.search import holds_every_term, search_terms

    terms = search_terms(words)
    if not terms:
        return []
    found = []
    for challenge in db.session.scalars(published_challenges().limit(5000)):
        if holds_every_term(terms, challenge.title, challenge.service, challenge.problem):
            found.append(challenge)
            if len(found) == limit:
                break
    return found


def challenges_run_by(organisation_id: int) -> list[Challenge]:
    """Every challenge the organisation runs, drafts included (for its workspace)."""
    from consult.challenges.models import challenge_organisations

    return list(db.session.scalars(select(Challenge).where(Challenge.id.in_(
        select(challenge_organisations.c.challenge_id).where(
            challenge_organisations.c.organisation_id == organisation_id)))
        .order_by(Challenge.created_at.desc())))
