"""The population figures shipped in ``data/`` (their source and year: data/README.md)."""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from importlib.resources import files

from flask_babel import lazy_gettext as _l

from consult.accounts.models import AgeBand, Gender

SOURCE_DEPARTEMENTS = _l("Insee, estimation de la population au 1er janvier 2026 (résultats "
                         "provisoires), par département, sexe et grande classe d’âge")
SOURCE_COMMUNES = _l("Insee, populations légales des communes (population municipale), "
                     "publiées avec le découpage administratif d’Etalab (géographie 2026)")
YEAR = 2026
_SEXES = {"H": Gender.MAN, "F": Gender.WOMAN}


@lru_cache(maxsize=1)
def departements() -> dict[str, Counter]:
    """For each département's INSEE code: its population by (sex, age band)."""
    raw = files("consult.representativeness").joinpath(
        "data/population-departements-2026.csv").read_text(encoding="utf-8")
    figures: dict[str, Counter] = {}
    for row in csv.DictReader(io.StringIO(raw)):
        cells = figures.setdefault(row["code"], Counter())
        for band in AgeBand:
            cells[(_SEXES[row["sexe"]], band)] += int(row[band.value])
    return figures


def structure(codes: Iterable[str]) -> Counter:
    """The population of these départements together, by (sex, age band)."""
    total: Counter = Counter()
    for code in codes:
        total.update(departements().get(code, Counter()))
    return total


def population(codes: Iterable[str]) -> int:
    return sum(structure(codes).values())
