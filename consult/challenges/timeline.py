"""Composing a challenge's phases: the rules a sequence must follow, the process
templates labs start from, and writing the rows (kept by id, so that what hangs on a
phase — a survey's questionnaire, the date its start was announced — survives edits)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from consult.challenges.models import Challenge, ChallengePhase
from consult.challenges.phases import COMES_AFTER, KINDS, UNIQUE_KINDS, Phase, may_overlap

MAX_PHASES = 12


@dataclass
class PhaseSpec:
    kind: Phase
    starts_at: datetime
    ends_at: datetime | None
    title: str = ""
    description: str = ""
    settings: dict = field(default_factory=dict)
    id: int | None = None  # the row it edits, if any

    @property
    def label(self) -> str:
        return self.title or self.kind.label


def _overlap(a: PhaseSpec, b: PhaseSpec) -> bool:
    far = datetime.max
    return a.starts_at < (b.ends_at or far) and b.starts_at < (a.ends_at or far)


def phase_problems(specs: list[PhaseSpec]) -> list[tuple[int | None, str, str]]:
    """What is wrong with a sequence of phases: (index of the phase it is about or None
    for the whole sequence, the field at fault, the message). Empty: it can be saved."""
    problems: list[tuple[int | None, str, str]] = []
    if not specs:
        return [(None, "phases", _("Un défi a au moins une phase."))]
    if len(specs) > MAX_PHASES:
        problems.append((None, "phases", _("%(num)d phases au plus.", num=MAX_PHASES)))
    last_start = max(s.starts_at for s in specs)
    late = _("Seule la dernière phase peut rester sans date de fin.")
    for i, spec in enumerate(specs):
        if spec.kind not in KINDS:
            problems.append((i, "kind", _("Choisissez le type de la phase.")))
        if spec.ends_at is not None and spec.ends_at <= spec.starts_at:
            problems.append((i, "ends_at", _("La fin de la phase doit suivre son début.")))
        elif spec.ends_at is None and spec.starts_at != last_start:
            problems.append((i, "ends_at", late))
    seen: dict[Phase, int] = {}
    for i, spec in enumerate(specs):
        if spec.kind in UNIQUE_KINDS and spec.kind in seen:
            problems.append((i, "kind", _("Un défi n’a qu’une phase « %(kind)s ».",
                                          kind=spec.kind.label)))
        seen.setdefault(spec.kind, i)
    for i, spec in enumerate(specs):
        for other in specs[:i]:
            if _overlap(spec, other) and not may_overlap(spec.kind, other.kind):
                problems.append((i, "starts_at", _(
                    "« %(a)s » ne peut pas se dérouler en même temps que « %(b)s ».",
                    a=spec.label, b=other.label)))
        for before in COMES_AFTER.get(spec.kind, ()):
            if before in seen and specs[seen[before]].starts_at > spec.starts_at:
                problems.append((i, "starts_at", _(
                    "« %(a)s » ne peut pas commencer avant « %(b)s ».",
                    a=spec.label, b=specs[seen[before]].label)))
    if Phase.SUPPORTS in seen and Phase.IDEAS not in seen:
        problems.append((seen[Phase.SUPPORTS], "kind", _(
            "Le vote porte sur des idées : ajoutez une phase de dépôt des idées.")))
    return problems


def set_phases(challenge: Challenge, specs: list[PhaseSpec]) -> None:
    """Make the challenge's phases these (validated by ``phase_problems`` before):
    rows named by id are edited, others added, the rest removed."""
    by_id = {p.id: p for p in challenge.phases if p.id is not None}
    kept = []
    for spec in specs:
        row = by_id.pop(spec.id, None) if spec.id is not None else None
        if row is None or row.kind != spec.kind:
            if row is not None:
                by_id[row.id] = row
            row = ChallengePhase(kind=spec.kind)
            challenge.phases.append(row)
        if row.starts_at != spec.starts_at:
            row.announced_at = None  # a phase moved later is announced when it starts
        row.title, row.description = spec.title.strip(), spec.description.strip()
        row.starts_at, row.ends_at = spec.starts_at, spec.ends_at
        row.settings = {**(row.settings or {}), **spec.settings}
        kept.append(row)
    for row in by_id.values():
        if row not in kept:
            challenge.phases.remove(row)


def specs_of(challenge: Challenge) -> list[PhaseSpec]:
    return [PhaseSpec(kind=p.kind, starts_at=p.starts_at, ends_at=p.ends_at, title=p.title,
                      description=p.description, settings=dict(p.settings or {}), id=p.id)
            for p in challenge.timeline()]


# --- Process templates ----------------------------------------------------------------

@dataclass(frozen=True)
class Process:
    key: str
    label: object
    description: object
    steps: tuple[tuple[Phase, int | None], ...]  # kind and length in days (None: open)


PROCESSES = {p.key: p for p in (
    Process("defi-service", _l("Défi de service"),
            _l("Des idées pour améliorer un service, soutenues par le public, étudiées par "
               "l’administration qui publie ses réponses."),
            ((Phase.IDEAS, 28), (Phase.SUPPORTS, 14), (Phase.REVIEW, 21), (Phase.RESULTS, None))),
    Process("diagnostic-usage", _l("Diagnostic d’usage"),
            _l("Comprendre comment les usagers vivent le service (questionnaire), puis "
               "recueillir leurs idées."),
            ((Phase.SURVEY, 21), (Phase.IDEAS, 28), (Phase.RESULTS, None))),
    Process("consultation-express", _l("Consultation express"),
            _l("Un questionnaire court, puis ses résultats."),
            ((Phase.SURVEY, 14), (Phase.RESULTS, None))),
    Process("test-prototype", _l("Test de prototype"),
            _l("Un questionnaire sur une version du prototype d’une fiche (l’échelle "
               "d’utilisabilité SUS, par exemple), puis ses résultats."),
            ((Phase.SURVEY, 14), (Phase.RESULTS, None))),
)}
DEFAULT_PROCESS = "defi-service"


def prefill(process_key: str, start: datetime, *, supports_per_person: int | None = 5,
            self_support_allowed: bool = False) -> list[PhaseSpec]:
    """The phases of a process template, one after another from ``start``."""
    process = PROCESSES.get(process_key) or PROCESSES[DEFAULT_PROCESS]
    specs, at = [], start
    for kind, days in process.steps:
        end = at + timedelta(days=days) if days is not None else None
        settings = ({"supports_per_person": supports_per_person,
                     "self_support_allowed": self_support_allowed}
                    if kind == Phase.SUPPORTS else {})
        specs.append(PhaseSpec(kind=kind, starts_at=at, ends_at=end, settings=settings))
        at = end or at
    return specs


def classic(dates: tuple[datetime, datetime, datetime, datetime], *,
            supports_per_person: int | None = 3,
            self_support_allowed: bool = False) -> list[PhaseSpec]:
    """« Défi de service » from its four dates: ideas, supports, review, results."""
    kinds = (Phase.IDEAS, Phase.SUPPORTS, Phase.REVIEW, Phase.RESULTS)
    ends = (*dates[1:], None)
    return [PhaseSpec(kind=k, starts_at=s, ends_at=e, settings=(
        {"supports_per_person": supports_per_person,
         "self_support_allowed": self_support_allowed} if k == Phase.SUPPORTS else {}))
        for k, s, e in zip(kinds, dates, ends, strict=True)]


# Days from now to the start of ideas, supports, review and results that put a « Défi
# de service » in each state (the demonstration data and the tests place challenges so).
CLASSIC_OFFSETS = {
    "announced": (5, 20, 35, 50), "ideas": (-10, 10, 25, 40), "supports": (-25, -5, 12, 30),
    "review": (-40, -20, -5, 20), "results": (-90, -60, -40, -10),
}


def classic_at(state: str, now: datetime, **rules) -> list[PhaseSpec]:
    """The four phases of a « Défi de service » placed so that ``state`` is under way."""
    days = CLASSIC_OFFSETS["announced" if state == "draft" else state]
    return classic(tuple(now + timedelta(days=d) for d in days), **rules)


def move_classic(challenge: Challenge, state: str, now: datetime) -> None:
    """Move the dates of a challenge's four classic phases so that ``state`` is under
    way (its rows, settings and announcements stay)."""
    placed = {spec.kind: spec for spec in classic_at(state, now)}
    for row in challenge.phases:
        spec = placed.get(row.kind)
        if spec is not None:
            row.starts_at, row.ends_at = spec.starts_at, spec.ends_at
