"""The RGAA self-assessment grid: loading, checking and the conformity rate.

RGAA 4.1's method: a criterion is *conforme* (C), *non conforme* (NC) or *non applicable*
(NA) on the sample; the global rate is C / (C + NC). The statement says « totalement
conforme » at 100 %, « partiellement conforme » from 50 %, « non conforme » below, or
when no audit backs it.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property, lru_cache
from pathlib import Path

PACKAGED_GRID = Path(__file__).with_name("rgaa-4.1.toml")
STATUSES = ("C", "NC", "NA")
# RGAA 4.1: thirteen themes and how many criteria each holds (106 in all).
CRITERIA_PER_THEME = {1: 9, 2: 2, 3: 3, 4: 13, 5: 8, 6: 2, 7: 5, 8: 10, 9: 4, 10: 14,
                      11: 13, 12: 11, 13: 12}
THEMES = {1: "Images", 2: "Cadres", 3: "Couleurs", 4: "Multimédia", 5: "Tableaux",
          6: "Liens", 7: "Scripts", 8: "Éléments obligatoires",
          9: "Structuration de l’information", 10: "Présentation de l’information",
          11: "Formulaires", 12: "Navigation", 13: "Consultation"}
TEST_REFERENCE = re.compile(r"^(tests/[\w/]+\.py)::(test_\w+)$")
AXE_REFERENCE = re.compile(r"^axe:([a-z0-9-]+)$")


@dataclass(frozen=True)
class Criterion:
    id: str
    title: str
    status: str
    checks: tuple[str, ...] = ()
    note: str = ""

    @property
    def theme(self) -> int:
        return int(self.id.split(".")[0])

    def check_kinds(self) -> list[str]:
        """How it was checked, in words: « test navigateur », « axe-core », « manuel »."""
        kinds = []
        for check in self.checks:
            if check.startswith("axe:"):
                kind = "axe"
            elif check.startswith("tests/browser/"):
                kind = "browser"
            elif check.startswith("tests/"):
                kind = "test"
            else:
                kind = "manual"
            if kind not in kinds:
                kinds.append(kind)
        return kinds


@dataclass(frozen=True)
class Assessment:
    audited_on: date
    audited_by: str
    version: str
    tools: tuple[str, ...]
    limits: str
    sample: tuple[tuple[str, str], ...]
    criteria: tuple[Criterion, ...]
    plan: tuple[tuple[int, str], ...] = field(default=())

    def count(self, status: str) -> int:
        return sum(1 for c in self.criteria if c.status == status)

    @cached_property  # (the grid is loaded once and never changes: every footer asks)
    def rate(self) -> float:
        """RGAA's global rate: conforming criteria over applicable ones (0.0 to 1.0)."""
        applicable = self.count("C") + self.count("NC")
        return self.count("C") / applicable if applicable else 1.0

    @cached_property
    def level(self) -> str:
        """« total », « partial » or « none », as the RGAA's statement model words it."""
        if self.rate >= 1.0:
            return "total"
        return "partial" if self.rate >= 0.5 else "none"

    def failing(self) -> list[Criterion]:
        return [c for c in self.criteria if c.status == "NC"]

    def by_theme(self) -> list[tuple[int, str, list[Criterion]]]:
        return [(number, name, [c for c in self.criteria if c.theme == number])
                for number, name in THEMES.items()]


def _criterion(raw: dict) -> Criterion:
    return Criterion(id=str(raw.get("id", "")), title=str(raw.get("title", "")),
                     status=str(raw.get("status", "")), checks=tuple(raw.get("checks", ())),
                     note=str(raw.get("note", "")))


def parse(text: str) -> Assessment:
    raw = tomllib.loads(text)
    audit = raw.get("audit", {})
    return Assessment(
        audited_on=audit.get("date"), audited_by=audit.get("by", ""),
        version=audit.get("version", ""), tools=tuple(audit.get("tools", ())),
        limits=audit.get("limits", ""),
        sample=tuple(tuple(page) for page in audit.get("sample", ())),
        criteria=tuple(_criterion(c) for c in raw.get("criterion", ())),
        plan=tuple((int(p["year"]), p["action"]) for p in raw.get("plan", ())))


@lru_cache(maxsize=4)
def load(path: str | None = None) -> Assessment:
    return parse(Path(path or PACKAGED_GRID).read_text(encoding="utf-8"))


def problems(assessment: Assessment, repository: Path | None = None,
             axe_source: str | None = None) -> list[str]:
    """Everything that makes the grid unfit to back a statement; empty when it is fit.

    With ``repository``, every cited test must exist there; with ``axe_source`` (the
    text of axe.min.js), every cited axe rule must be one axe knows.
    """
    found = []
    expected = {f"{theme}.{n}" for theme, count in CRITERIA_PER_THEME.items()
                for n in range(1, count + 1)}
    ids = [c.id for c in assessment.criteria]
    found += [f"{i}: missing" for i in sorted(expected - set(ids), key=_order)]
    found += [f"{i}: not an RGAA 4.1 criterion" for i in sorted(set(ids) - expected)]
    found += [f"{i}: listed twice" for i in sorted({i for i in ids if ids.count(i) > 1})]
    if not isinstance(assessment.audited_on, date):
        found.append("audit.date: missing (a statement is dated)")
    if not assessment.sample:
        found.append("audit.sample: no pages (the rate is for a sample)")
    for criterion in assessment.criteria:
        found += [f"{criterion.id}: {p}" for p in _criterion_problems(
            criterion, repository, axe_source)]
    return found


def _criterion_problems(criterion: Criterion, repository: Path | None,
                        axe_source: str | None) -> list[str]:
    found = []
    if criterion.status not in STATUSES:
        found.append(f"status {criterion.status!r} is not one of {', '.join(STATUSES)}")
    if not criterion.title:
        found.append("no title")
    if criterion.status in ("C", "NC") and not criterion.checks:
        found.append("no check says how the status was established")
    if criterion.status == "NA" and not criterion.note:
        found.append("not applicable without saying why")
    if criterion.status == "NC" and not criterion.note:
        found.append("not conform without saying what fails")
    if "manuel" in criterion.checks and not criterion.note:
        found.append("checked by hand without saying what was checked")
    for check in criterion.checks:
        found += _check_problems(check, repository, axe_source)
    return found


def _check_problems(check: str, repository: Path | None, axe_source: str | None) -> list[str]:
    if check == "manuel":
        return []
    if axe := AXE_REFERENCE.match(check):
        if axe_source is not None and f'id:"{axe.group(1)}"' not in axe_source:
            return [f"{check}: axe-core has no such rule"]
        return []
    test = TEST_REFERENCE.match(check)
    if not test:
        return [f"{check!r}: neither a test, an axe rule nor « manuel »"]
    if repository is not None:
        path = repository / test.group(1)
        if not path.exists() or not re.search(rf"^def {test.group(2)}\(",
                                              path.read_text(encoding="utf-8"), re.M):
            return [f"{check}: no such test"]
    return []


def _order(criterion_id: str) -> tuple[int, int]:
    theme, number = criterion_id.split(".")
    return int(theme), int(number)
