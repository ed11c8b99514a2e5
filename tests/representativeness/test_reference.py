"""The INSEE figures shipped for representativeness: whole, consistent with the source's
own totals, and covering every département of the territories reference."""

from __future__ import annotations

import csv
from importlib.resources import files

from sqlalchemy import select

from consult.accounts.models import AgeBand, Gender
from consult.db import db
from consult.representativeness import reference
from consult.territories.models import Territory, TerritoryKind

# « ensemble » totals of the source workbook (estimation au 1er janvier 2026), read apart
# from the per-sex rows the file holds
SOURCE_TOTALS = {"01": 698_810, "13": 2_119_367, "30": 786_657, "31": 1_519_613,
                 "61": 271_549, "75": 2_047_602, "91": 1_364_840, "93": 1_745_657,
                 "976": 338_208}


def _rows():
    text = files("consult.representativeness").joinpath(
        "data/population-departements-2026.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


def test_every_row_adds_up_and_matches_the_source_totals():
    rows = _rows()
    assert len(rows) == 202  # 101 départements, two sexes
    for row in rows:
        assert sum(int(row[b.value]) for b in AgeBand) == int(row["total"]), row["code"]
    for code, total in SOURCE_TOTALS.items():
        assert reference.population([code]) == total
    france = reference.population(reference.departements())
    assert 68_000_000 < france < 70_000_000


def test_structure_sums_sexes_and_bands():
    paris = reference.structure(["75"])
    assert paris[(Gender.WOMAN, AgeBand.FROM_20)] == 373_447
    assert sum(n for (sex, _b), n in paris.items() if sex == Gender.MAN) == 962_002
    assert reference.structure([]) == {}
    assert reference.population(["not a code"]) == 0


def test_every_departement_of_the_territories_has_figures():
    """All but the collectivités d'outre-mer (Saint-Pierre-et-Miquelon, Polynésie…),
    which the INSEE's estimates leave out: the report says so for their people."""
    codes = set(db.session.scalars(select(Territory.code).where(
        Territory.kind == TerritoryKind.DEPARTEMENT)))
    assert set(reference.departements()) <= codes
    assert all(code.startswith(("975", "977", "978", "98"))
               for code in codes - set(reference.departements()))
