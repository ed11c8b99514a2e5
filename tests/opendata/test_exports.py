"""Open data: the archive validates with frictionless (Data Package, Table Schemas, foreign
keys), CSVs are UTF-8 with CRLF, a header row and quoted fields, formula cells are
neutralised, and only published content appears, authors by display name only."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest
from frictionless import validate

from consult.comments.models import Comment
from consult.db import db
from consult.ideas.models import IdeaStatus
from consult.ideas.results import publish_results
from consult.opendata.datasets import DATASETS
from tests.factories import ChallengeFactory, IdeaFactory, UserFactory, agent_of

FORMULAS = ["=HYPERLINK(\"http://evil.example\")", "+33 1 23", "-2+3", "@SUM(A1)"]


@pytest.fixture
def platform():
    author = UserFactory(email="secret.auteur@exemple.fr", display_name="Jeanne")
    challenge = ChallengeFactory(phase="review", title="Accueil, « guillemets », virgules")
    ideas = [IdeaFactory(challenge=challenge, author=author, title=title, supports_count=n)
             for n, title in enumerate(FORMULAS)]
    IdeaFactory(challenge=challenge, author=author, title="Idée masquée",
                status=IdeaStatus.HIDDEN)
    db.session.add(Comment(idea_id=ideas[0].id, author=author, body="Ligne 1\nLigne 2"))
    publish_results(agent_of(challenge.organisations[0]), challenge, "Merci.",
                    {ideas[1].id: "Retenue."})
    other = ChallengeFactory(phase="supports", title="Un autre défi")
    IdeaFactory(challenge=other, title="Idée de l'autre défi")
    ChallengeFactory(published_at=None, title="Défi en brouillon")
    _events(challenge)
    db.session.flush()
    return {"challenge": challenge, "other": other}


def _events(challenge):
    """A programme with an accepted workshop linked to the challenge (someone registered
    with a need), an online training, and a proposal still under review."""
    from consult.events import registration as seats
    from consult.events.models import EventFormat
    from consult.events.operations import schedule_event
    from consult.events.programmes import review_event
    from tests.events.helpers import draft
    from tests.events.test_programmes import _in, _month

    programme, team = _month()
    organisation = challenge.organisations[0]
    agent = agent_of(organisation)
    workshop = schedule_event(agent, organisation, draft(
        title="Atelier du défi", challenge_id=challenge.id, themes=["design"],
        **_in(programme, 1)), programme)
    review_event(team, workshop, "accept")
    seats.register(UserFactory(email="inscrite@exemple.fr"), workshop,
                   needs="Besoin très personnel")
    schedule_event(agent, organisation, draft(
        title="Formation en ligne", format=EventFormat.ONLINE,
        online_url="https://visio.example/lien-secret"))
    schedule_event(agent, organisation, draft(title="Proposition en attente",
                                              **_in(programme, 2)), programme)


def unzip(client, path, target):
    response = client.get(path)
    assert response.status_code == 200 and response.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        archive.extractall(target)
        return set(archive.namelist())


def test_the_platform_archive_is_a_valid_data_package(client, platform, tmp_path):
    names = unzip(client, "/donnees/consult.zip", tmp_path)
    for dataset in DATASETS:
        assert {f"{dataset}.csv", f"{dataset}.schema.json", f"{dataset}.json"} <= names
    report = validate(tmp_path / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]
    readme = (tmp_path / "README.md").read_text()
    assert "Licence Ouverte 2.0" in readme
    package = json.loads((tmp_path / "datapackage.json").read_text())
    assert package["licenses"][0]["name"] == "etalab-2.0"


def test_events_and_programmes_are_published_without_anything_personal(client, platform):
    events = list(csv.DictReader(io.StringIO(client.get("/donnees/evenements.csv").text)))
    assert sorted(e["titre"] for e in events) == ["Atelier du défi", "Formation en ligne"]
    workshop = next(e for e in events if e["titre"] == "Atelier du défi")
    assert (workshop["commune"], workshop["departement_code"], workshop["inscrits"],
            workshop["themes"]) == ("Cergy", "95", "1", "design")
    assert workshop["defi_id"] == str(platform["challenge"].id)
    [programme] = csv.DictReader(io.StringIO(client.get("/donnees/programmes.csv").text))
    assert (programme["evenements"], programme["inscriptions"]) == ("1", "1")
    everything = client.get("/donnees/consult.zip").data
    for secret in (b"Besoin tr", b"lien-secret", b"inscrite@"):
        assert secret not in everything


def test_csv_is_utf8_crlf_with_a_header_and_quoted_fields(client, platform):
    raw = client.get("/donnees/idees.csv").data
    text = raw.decode("utf-8")
    lines = text.split("\r\n")
    assert lines[0] == ",".join(f'"{c.name}"' for c in DATASETS["idees"].columns)
    assert all(line.startswith('"') for line in lines if line)
    assert "\n" not in text.replace("\r\n", "")  # no bare line feed outside of values
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert {r["titre"] for r in rows} >= {"'" + f for f in FORMULAS}
    assert not any(r["titre"][:1] in "=+-@" for r in rows)
    comments = client.get("/donnees/commentaires.csv").data.decode()
    assert "Ligne 1\nLigne 2" in comments  # a line break inside a quoted value is kept


def test_only_published_content_and_display_names(client, platform):
    everything = "".join(client.get(f"/donnees/{d}.{fmt}").text
                         for d in DATASETS for fmt in ("csv", "json"))
    assert "Idée masquée" not in everything and "Défi en brouillon" not in everything
    assert "Jeanne" in everything and "secret.auteur" not in everything
    assert "@exemple.fr" not in everything


def test_a_challenge_archive_holds_only_that_challenge(client, platform, tmp_path):
    challenge = platform["challenge"]
    unzip(client, f"/donnees/defis/{challenge.slug}.zip", tmp_path)
    assert validate(tmp_path / "datapackage.json").valid
    ideas = json.loads((tmp_path / "idees.json").read_text())
    assert len(ideas) == 4 and {i["defi_id"] for i in ideas} == {challenge.id}
    results = list(csv.DictReader((tmp_path / "resultats.csv").open(newline="")))
    assert [(r["rang"], r["retenue"]) for r in results] == [
        ("1", "false"), ("2", "false"), ("3", "true"), ("4", "false")]
    assert client.get("/donnees/defis/inconnu.zip").status_code == 404


def test_json_and_schema_agree_with_the_csv(client, platform):
    for name, dataset in DATASETS.items():
        schema = client.get(f"/donnees/{name}.schema.json").get_json()
        header = next(csv.reader(io.StringIO(client.get(f"/donnees/{name}.csv").text)))
        assert [f["name"] for f in schema["fields"]] == header
        records = json.loads(client.get(f"/donnees/{name}.json").data)
        rows = list(csv.reader(io.StringIO(client.get(f"/donnees/{name}.csv").text)))[1:]
        assert len(records) == len(rows), name
        assert all(set(r) == {c.name for c in dataset.columns} for r in records)


def test_the_open_data_page_lists_the_downloads(client, platform):
    page = client.get("/donnees")
    assert page.status_code == 200
    assert "Licence Ouverte 2.0" in page.text
    assert f"/donnees/defis/{platform['challenge'].slug}.zip" in page.text


def test_csv_has_one_charset_a_spreadsheet_variant_and_dated_zip_entries(client):
    """Issue 14: « text/csv; charset=utf-8; charset=utf-8 », no variant French
    spreadsheet software opens as it is, ZIP entries dated 1980."""
    import io
    import zipfile
    from datetime import datetime

    from tests.factories import ChallengeFactory, IdeaFactory

    IdeaFactory(challenge=ChallengeFactory(phase="supports"), title="Des bancs, des chaises")
    standard = client.get("/donnees/idees.csv")
    assert standard.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert standard.data.startswith(b'"id","')
    variant = client.get("/donnees/idees.csv?variante=tableur")
    assert variant.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert variant.data.startswith("\ufeff".encode()) and b'"id";"' in variant.data
    assert b'"Des bancs, des chaises"' in variant.data
    assert "tableur" in variant.headers["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(client.get("/donnees/consult.zip").data))
    for info in archive.infolist():
        assert datetime(*info.date_time).year >= 2026, info.filename
