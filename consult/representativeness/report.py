"""Who takes part in a challenge against who lives in its territory.

Each dimension (territory, age band, gender) compares the challenge's participants (rows
of ``participations``: whoever proposed, supported, voted or answered) who declared it,
with the population of the challenge's territory. Its score is the ratio of the lowest
participation rate to the highest (1: every group takes part alike; 0: a group is
absent), as Go Vocal reports it. Counts of 1 to 4 people are never shown (« moins de
5 ») and such groups stay out of the score; a group whose rate is under half the
dimension's overall rate is « missing », and the page says so."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import func, select

from consult.accounts.models import AgeBand, Gender, User
from consult.challenges.models import Challenge, Participation
from consult.db import db
from consult.representativeness import reference
from consult.territories.models import Territory, TerritoryKind

SMALL = 5  # fewer people than this in a group: its count is not shown
MISSING_BELOW = 0.5  # under half the overall rate: the group is missing
COMMUNE_FLOOR = 10_000  # communes smaller than this are compared together
UNITS = (1_000, 10_000, 100_000, 1_000_000)  # rates are shown per one of these


@dataclass
class Group:
    key: str
    label: str
    population: int
    participants: int = 0
    territory: Territory | None = None  # where to organise an event to meet them

    @property
    def suppressed(self) -> bool:
        return 0 < self.participants < SMALL

    @property
    def rate(self) -> float:
        """Participants per inhabitant."""
        return self.participants / self.population if self.population else 0.0

    @property
    def rate_at_most(self) -> float:
        """The highest rate its hidden count allows (the rate itself when shown)."""
        shown = SMALL - 1 if self.suppressed else self.participants
        return shown / self.population if self.population else 0.0


@dataclass
class Dimension:
    key: str
    title: str
    source: str
    groups: list[Group]
    # participants who could not be compared, by reason (not declared, outside…)
    aside: dict[str, int] = field(default_factory=dict)

    @property
    def compared(self) -> int:
        return sum(g.participants for g in self.groups)

    @property
    def overall_rate(self) -> float:
        population = sum(g.population for g in self.groups)
        return self.compared / population if population else 0.0

    @property
    def per(self) -> int:
        """The unit the rates are read in: per 1 000 inhabitants down to per million,
        the first that gives the highest rate at least 1 (« 2,4 pour 100 000 »)."""
        top = self.top_rate
        return next((unit for unit in UNITS if top * unit >= 1), UNITS[-1]) if top else UNITS[1]

    @property
    def scored(self) -> list[Group]:
        return [g for g in self.groups if g.population and not g.suppressed]

    @property
    def score(self) -> float | None:
        """Lowest rate over highest, over the groups whose count is shown; None when
        fewer than two such groups or nobody to compare."""
        rates = [g.rate for g in self.scored]
        if len(rates) < 2 or max(rates) == 0:
            return None
        return min(rates) / max(rates)

    @property
    def missing(self) -> list[Group]:
        """The groups that take part less than half as much as the whole, least first."""
        if not self.compared:
            return []
        floor = MISSING_BELOW * self.overall_rate
        return sorted((g for g in self.groups if g.population and g.rate_at_most < floor),
                      key=lambda g: (g.rate_at_most, -g.population))

    @property
    def top_rate(self) -> float:
        return max((g.rate_at_most for g in self.groups), default=0.0)


@dataclass
class Report:
    challenge: Challenge
    scope: str  # « France entière » or the territory's label
    participants: int
    dimensions: list[Dimension]

    @property
    def missing(self) -> list[tuple[Dimension, Group]]:
        return [(d, g) for d in self.dimensions for g in d.missing]


def _chains(territory_ids: set[int]) -> dict[int, list[Territory]]:
    """Each territory with its ancestors, itself first (commune, département, région)."""
    known: dict[int, Territory] = {}
    wanted = set(territory_ids)
    while wanted:
        rows = db.session.scalars(select(Territory).where(Territory.id.in_(wanted))).all()
        known.update({t.id: t for t in rows})
        wanted = {t.parent_id for t in rows if t.parent_id and t.parent_id not in known}
    chains: dict[int, list[Territory]] = {}
    for territory_id in territory_ids:
        chain, current = [], known.get(territory_id)
        while current is not None:
            chain.append(current)
            current = known.get(current.parent_id) if current.parent_id else None
        chains[territory_id] = chain
    return chains


def _children(kind: TerritoryKind, parent_id: int | None) -> list[Territory]:
    query = select(Territory).where(Territory.kind == kind)
    if parent_id is not None:
        query = query.where(Territory.parent_id == parent_id)
    return list(db.session.scalars(query.order_by(Territory.name)))


def _departement_codes(region: Territory | None) -> list[str]:
    return [d.code for d in _children(TerritoryKind.DEPARTEMENT,
                                      region.id if region is not None else None)]


def _codes_by_region() -> dict[int, list[str]]:
    """Each région's départements, in one query (not one per région)."""
    codes: dict[int, list[str]] = {}
    for dep in _children(TerritoryKind.DEPARTEMENT, None):
        if dep.parent_id is not None:
            codes.setdefault(dep.parent_id, []).append(dep.code)
    return codes


class _Scope:
    """The challenge's territory: its groups, where a participant's territory falls, and
    the population by sex and age that the other dimensions compare with."""

    def __init__(self, territory: Territory | None):
        self.territory = territory
        self.kind = territory.kind if territory is not None else None
        self.groups: dict[str, Group] = {}
        self.group_of_territory: dict[int, str] = {}
        self.source = str(reference.SOURCE_DEPARTEMENTS)
        if territory is None:
            self._by_region()
        elif territory.kind == TerritoryKind.REGION:
            self._by_departement(territory)
        elif territory.kind == TerritoryKind.DEPARTEMENT:
            self._by_commune(territory)
        self.structure = self._structure()

    def _by_region(self) -> None:
        codes = _codes_by_region()
        for region in _children(TerritoryKind.REGION, None):
            population = reference.population(codes.get(region.id, []))
            if population:
                self._add(str(region.id), region.name, population, region)

    def _by_departement(self, region: Territory) -> None:
        for dep in _children(TerritoryKind.DEPARTEMENT, region.id):
            self._add(str(dep.id), dep.label, reference.population([dep.code]), dep)

    def _by_commune(self, dep: Territory) -> None:
        self.source = str(reference.SOURCE_COMMUNES)
        others = Group("others", _("Communes de moins de %(n)s habitants",
                                   n=f"{COMMUNE_FLOOR:,}".replace(",", "\u202f")), 0)
        for commune in _children(TerritoryKind.COMMUNE, dep.id):
            if (commune.population or 0) >= COMMUNE_FLOOR:
                self._add(str(commune.id), commune.name, commune.population, commune)
            else:
                others.population += commune.population or 0
                self.group_of_territory[commune.id] = others.key
        if others.population:
            self.groups[others.key] = others

    def _add(self, key: str, label: str, population: int, territory: Territory) -> None:
        self.groups[key] = Group(key, label, population, territory=territory)
        self.group_of_territory[territory.id] = key

    def _structure(self) -> Counter:
        if self.territory is None:
            return reference.structure(reference.departements())
        if self.kind == TerritoryKind.REGION:
            return reference.structure(_departement_codes(self.territory))
        if self.kind == TerritoryKind.DEPARTEMENT:
            return reference.structure([self.territory.code])
        # a commune: its département's structure, brought to the commune's population
        parent = self.territory.parent
        base = reference.structure([parent.code]) if parent is not None else Counter()
        total = sum(base.values())
        if not total or not self.territory.population:
            return Counter()
        ratio = self.territory.population / total
        return Counter({key: round(n * ratio) for key, n in base.items()})

    def place(self, chain: list[Territory]) -> str:
        """The group key of a participant's declared territory, or why it has none:
        « outside » (not in the challenge's territory), « broad » (a larger area than
        the groups, such as a département for a challenge compared by commune)."""
        inside = self.territory is None or any(t.id == self.territory.id for t in chain)
        if not inside:
            return "outside"
        if not self.groups:  # a commune: no smaller groups
            return "inside"
        for territory in chain:
            if territory.id in self.group_of_territory:
                return self.group_of_territory[territory.id]
        if any(t.kind == TerritoryKind.DEPARTEMENT and t.code not in reference.departements()
               for t in chain):
            return "uncounted"  # a collectivité d'outre-mer: not in the INSEE's estimates
        return "broad"


def _aside_labels() -> dict[str, str]:
    return {"unknown": _("territoire non renseigné"),
            "outside": _("habitent hors du territoire"),
            "broad": _("ont indiqué un territoire plus large"),
            "uncounted": _("vivent dans une collectivité d’outre-mer, hors des chiffres "
                           "de l’Insee"),
            "unsaid": _("non renseigné"), "other": _("autre réponse")}


def _dimension(key: str, title: str, source: str, groups: list[Group],
               aside: Counter) -> Dimension:
    labels = _aside_labels()
    return Dimension(key, title, source, groups,
                     {labels[k]: n for k, n in aside.items() if n})


def representativeness(challenge: Challenge) -> Report:
    """The challenge's report, computed from its participations (a few grouped queries:
    fast at any size, since the grouping has at most a few thousand rows)."""
    rows = db.session.execute(
        select(User.territory_id, User.age_band, User.gender, func.count())
        .join(Participation, Participation.user_id == User.id)
        .where(Participation.challenge_id == challenge.id)
        .group_by(User.territory_id, User.age_band, User.gender)).all()
    scope = _Scope(challenge.territory)
    chains = _chains({r[0] for r in rows if r[0] is not None})
    territory_aside: Counter = Counter()
    age_aside: Counter = Counter()
    gender_aside: Counter = Counter()
    by_age: Counter = Counter()
    by_gender: Counter = Counter()
    inside = 0
    total = 0
    for territory_id, age_band, gender, count in rows:
        total += count
        where = scope.place(chains.get(territory_id, [])) if territory_id else "unknown"
        if where in scope.groups:
            scope.groups[where].participants += count
        elif where != "inside":
            territory_aside[where] += count
        if where in ("outside", "uncounted"):  # not in the population compared below
            continue
        inside += count
        if age_band is None:
            age_aside["unsaid"] += count
        else:
            by_age[AgeBand(age_band)] += count
        if gender is None:
            gender_aside["unsaid"] += count
        elif gender == Gender.OTHER:
            gender_aside["other"] += count
        else:
            by_gender[Gender(gender)] += count

    dimensions = []
    if scope.groups:
        title = {None: _("Par région"), TerritoryKind.REGION: _("Par département"),
                 TerritoryKind.DEPARTEMENT: _("Par commune")}[scope.kind]
        dimensions.append(_dimension("territoire", title, scope.source,
                                     list(scope.groups.values()), territory_aside))
    structure = scope.structure
    age_source = str(reference.SOURCE_DEPARTEMENTS) + (
        _(" ; structure du département appliquée à la population de la commune")
        if scope.kind == TerritoryKind.COMMUNE else "")
    dimensions.append(_dimension(
        "age", _("Par tranche d’âge"), age_source,
        [Group(b.value, b.label, sum(n for (_s, band), n in structure.items() if band == b),
               by_age[b]) for b in AgeBand], age_aside))
    dimensions.append(_dimension(
        "genre", _("Par genre"), age_source,
        [Group(g.value, g.label, sum(n for (sex, _b), n in structure.items() if sex == g),
               by_gender[g]) for g in (Gender.WOMAN, Gender.MAN)], gender_aside))
    scope_label = challenge.territory.label if challenge.territory else _("France entière")
    return Report(challenge, scope_label, total, dimensions)
