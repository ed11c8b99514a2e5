"""Writing the datasets: CSV (UTF-8, comma, CRLF, header row, every field quoted,
formula cells neutralised), JSON, Table Schema, Data Package, README, and a ZIP of all."""

from __future__ import annotations

import csv
import io
import json
import tempfile
import zipfile
from collections.abc import Iterator
from datetime import datetime
from typing import IO, Any

from flask import current_app

from consult.challenges.models import Challenge
from consult.core.spreadsheet import safe_cell
from consult.core.timezones import utc_to_local
from consult.db import utcnow
from consult.opendata.datasets import DATASETS, Dataset, plain

LICENCE = {"name": "etalab-2.0", "title": "Licence Ouverte / Open Licence 2.0",
           "path": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"}


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, int | float):
        return str(value)
    return safe_cell(value)


class _Line:
    """A file-like object that hands back what csv.writer wrote, one row at a time."""

    def __init__(self) -> None:
        self.value = ""

    def write(self, text: str) -> None:
        self.value += text

    def take(self) -> str:
        value, self.value = self.value, ""
        return value


def csv_lines(dataset: Dataset, scope: Challenge | None,
              spreadsheet: bool = False) -> Iterator[str]:
    """RFC 4180 CSV (comma, UTF-8); ``spreadsheet``: the variant French spreadsheet
    software opens as it is (semicolons, and a byte-order mark so UTF-8 is recognised)."""
    line = _Line()
    writer = csv.writer(line, lineterminator="\r\n", quoting=csv.QUOTE_ALL,
                        delimiter=";" if spreadsheet else ",")
    if spreadsheet:
        yield "\ufeff"
    writer.writerow([c.name for c in dataset.columns])
    yield line.take()
    for row in dataset.rows(scope):
        writer.writerow([_cell(v) for v in row])
        yield line.take()


def json_chunks(dataset: Dataset, scope: Challenge | None) -> Iterator[str]:
    """A JSON array of objects, written as it is read."""
    names = [c.name for c in dataset.columns]
    yield "["
    for n, row in enumerate(dataset.rows(scope)):
        record = {name: plain(value) for name, value in zip(names, row, strict=True)}
        yield ("," if n else "") + "\n" + json.dumps(record, ensure_ascii=False)
    yield "\n]\n"


def schema_json(dataset: Dataset) -> str:
    return json.dumps(dataset.table_schema(), ensure_ascii=False, indent=2) + "\n"


def _title(scope: Challenge | None) -> str:
    platform = current_app.config.get("PLATFORM_NAME", "Consult")
    return f"{platform} — {scope.title}" if scope else f"{platform} — toutes les consultations"


def datapackage(scope: Challenge | None) -> dict[str, Any]:
    return {
        "name": f"consult-{scope.slug}" if scope else "consult",
        "title": _title(scope),
        "licenses": [LICENCE],
        "created": utcnow().strftime("%Y-%m-%dT%H:%M:%SZ"),
        "resources": [{
            "name": d.name, "title": str(d.title), "description": str(d.description),
            "path": f"{d.name}.csv", "format": "csv", "mediatype": "text/csv",
            "encoding": "utf-8", "profile": "tabular-data-resource",
            "dialect": {"delimiter": ",", "lineTerminator": "\r\n", "quoteChar": '"',
                        "doubleQuote": True, "header": True},
            "schema": f"{d.name}.schema.json"} for d in DATASETS.values()],
    }


def readme(scope: Challenge | None, base_url: str) -> str:
    lines = [
        f"# {_title(scope)}", "",
        f"Données exportées le {utcnow():%d/%m/%Y à %H:%M} (UTC) depuis {base_url}.", "",
        "## Licence", "",
        "Ces données sont publiées sous la **Licence Ouverte 2.0** (Etalab) : vous pouvez "
        "les réutiliser librement, y compris commercialement, en mentionnant leur source "
        f"(« {current_app.config.get('PLATFORM_NAME', 'Consult')} ») et la date de leur "
        "dernière mise à jour. Texte : " + LICENCE["path"], "",
        "## Contenu", "",
        "Seuls les contenus publiés y figurent. Les auteurs n'apparaissent que par le nom "
        "qu'ils ont choisi d'afficher ; ni adresse électronique, ni territoire d'une "
        "personne, ni qui a soutenu quoi.", "",
        "Chaque fichier CSV (UTF-8, virgule, fin de ligne CRLF, ligne d'en-tête, champs "
        "entre guillemets) a son schéma (Table Schema) en `.schema.json` et son équivalent "
        "JSON ; `datapackage.json` les décrit ensemble. Les cellules de texte commençant "
        "par `=`, `+`, `-` ou `@` sont précédées d'une apostrophe pour qu'aucun tableur ne "
        "les exécute comme une formule. Les dates sont en UTC, au format ISO 8601.", "",
    ]
    for d in DATASETS.values():
        lines += [f"### {d.name}.csv — {d.title}", "", str(d.description), "",
                  "| Colonne | Type | Description |", "|---|---|---|"]
        lines += [f"| `{c.name}` | {c.type} | {c.title} |" for c in d.columns]
        lines.append("")
    return "\n".join(lines)


def write_archive(scope: Challenge | None, base_url: str) -> IO[bytes]:
    """The ZIP of every dataset, in a temporary file (spooled to disk when large); each
    entry carries the export's real date (issue 14: they said 1980)."""
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
    now = utc_to_local(utcnow()).timetuple()[:6]

    def entry(name: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=now)
        info.compress_type = zipfile.ZIP_DEFLATED
        return info

    with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(entry("README.md"), readme(scope, base_url))
        archive.writestr(entry("datapackage.json"), json.dumps(
            datapackage(scope), ensure_ascii=False, indent=2))
        for d in DATASETS.values():
            archive.writestr(entry(f"{d.name}.schema.json"), schema_json(d))
            with archive.open(entry(f"{d.name}.csv"), "w") as out:
                for line in csv_lines(d, scope):
                    out.write(line.encode())
            with archive.open(entry(f"{d.name}.json"), "w") as out:
                for chunk in json_chunks(d, scope):
                    out.write(chunk.encode())
    spool.seek(0)
    return spool


def csv_text(dataset: Dataset, scope: Challenge | None) -> str:
    buffer = io.StringIO()
    for line in csv_lines(dataset, scope):
        buffer.write(line)
    return buffer.getvalue()
