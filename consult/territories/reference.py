"""Reading the shipped reference file and matching what a person typed to a territory."""

from __future__ import annotations

import csv
import gzip
import io
import re
from collections.abc import Iterator
from importlib.resources import files

from sqlalchemy import func, insert, select

from consult.core.text import search_key
from consult.db import db
from consult.territories.models import Territory, TerritoryKind


def reference_rows() -> Iterator[dict[str, str]]:
    raw = files("consult.territories").joinpath("data/territories.csv.gz").read_bytes()
    with io.TextIOWrapper(gzip.GzipFile(fileobj=io.BytesIO(raw)), encoding="utf-8") as text:
        yield from csv.DictReader(text)


def load_reference(connection, table) -> int:
    """Insert every territory in bulk through ``connection`` into ``table`` (the
    migration passes its own snapshot of the table, so later model changes never break
    it)."""
    rows = list(reference_rows())
    ids: dict[tuple[str, str], int] = {}
    next_id = 1
    for kind, parent_kind in (("region", None), ("departement", "region"),
                              ("commune", "departement")):
        batch = []
        for row in rows:
            if row["kind"] != kind:
                continue
            parent = ids.get((parent_kind, row["parent_code"])) if parent_kind else None
            ids[(kind, row["code"])] = next_id
            batch.append({
                "id": next_id, "kind": kind, "code": row["code"], "name": row["name"],
                "search_name": search_key(row["name"]), "parent_id": parent,
                "population": int(row["population"]) if row["population"] else None,
            })
            next_id += 1
        for start in range(0, len(batch), 5000):
            connection.execute(insert(table), batch[start:start + 5000])
    return next_id - 1


_WITH_DEPARTEMENT = re.compile(r"^(?P<name>.+?)\s*\((?P<dep>[0-9][0-9AB]{1,2})\)\s*$")
_A_DEPARTEMENT = re.compile(r"^.+?\(d[ée]partement\s+(?P<code>[0-9][0-9AB]{1,2})\)\s*$", re.I)
_A_REGION = re.compile(r"^(?P<name>.+?)\s*\(r[ée]gion\)\s*$", re.I)


def find_territories(text: str, limit: int = 10) -> list[Territory]:
    """Territories matching what a person typed: an INSEE code, a département number,
    a name, or « Name (93) ». Exact names come first, then the most populated."""
    text = (text or "").strip()
    if not text:
        return []
    query = select(Territory)
    with_dep = _WITH_DEPARTEMENT.match(text)
    if departement := _A_DEPARTEMENT.match(text):
        query = query.where(Territory.kind == TerritoryKind.DEPARTEMENT,
                            Territory.code == departement["code"].upper())
    elif region := _A_REGION.match(text):
        query = query.where(Territory.kind == TerritoryKind.REGION,
                            Territory.search_name == search_key(region["name"]))
    elif re.fullmatch(r"[0-9][0-9AB]{1,4}", text.upper()):
        code = text.upper()
        kind = TerritoryKind.DEPARTEMENT if len(code) <= 3 else TerritoryKind.COMMUNE
        query = query.where(Territory.kind == kind, Territory.code == code)
    elif with_dep:
        parent_ids = select(Territory.id).where(
            Territory.kind == TerritoryKind.DEPARTEMENT, Territory.code == with_dep["dep"].upper())
        query = query.where(Territory.search_name == search_key(with_dep["name"]),
                            Territory.parent_id.in_(parent_ids))
    else:
        key = search_key(text)
        if not key:
            return []
        query = query.where(Territory.search_name.startswith(key, autoescape=True)).order_by(
            (Territory.search_name == key).desc())
    query = query.order_by(func.coalesce(Territory.population, 10**9).desc(), Territory.id)
    return list(db.session.scalars(query.limit(limit)))


def resolve_territory(text: str) -> tuple[Territory | None, list[Territory]]:
    """The one territory ``text`` names, or (None, candidates) when it is ambiguous."""
    candidates = find_territories(text, limit=8)
    key = search_key(text)
    typed = text.strip()
    exact = [t for t in candidates
             if t.label == typed or t.search_name == key or t.code == typed.upper()]
    if len(exact) == 1:
        return exact[0], []
    if not exact and len(candidates) == 1:
        return candidates[0], []
    return None, exact or candidates


def territory_id_by_key(key: str) -> int | None:
    """``departement:93`` (kind:INSEE code, as the API and open data write it) → the
    territory's id, or None when no territory has that code."""
    kind, _sep, code = key.partition(":")
    if kind not in {k.value for k in TerritoryKind}:
        return None
    return db.session.scalar(select(Territory.id).where(
        Territory.kind == TerritoryKind(kind), Territory.code == code))
