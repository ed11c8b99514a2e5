"""Labs in the API (issue 19): public projects, calls and their published results, the
catalogue, a lab's activity; private projects, applications' content and the jury's
scores never appear; bad parameters answer a JSON error naming the field."""

from __future__ import annotations

from datetime import timedelta

from consult.db import db, utcnow
from consult.labs import calls, catalogue
from consult.labs import operations as ops
from consult.organisations.models import OrganisationKind
from tests.factories import OrganisationFactory, UserFactory, agent_of
from tests.labs.test_activity import _world


def test_projects_calls_solutions_and_activity(client):
    lab, team, project, brief, _citizen = _world()
    hidden = ops.open_project(team, lab, title="Projet interne", public=False)
    solution = catalogue.publish(team, brief, "Le rendez-vous en ligne",
                                 "Prendre rendez-vous en ligne pour les bourses.",
                                 "Adopté après deux tests ; il faut un agent référent.")
    call = calls.publish_call(team, lab, calls.CallDraft(
        title="Appel 2027", opens_at=utcnow() - timedelta(days=1),
        closes_at=utcnow() + timedelta(days=30), eligibility="Les communes du 95",
        criteria="Impact | 2\nFaisabilité"))
    commune = OrganisationFactory(kind=OrganisationKind.COMMUNE)
    application = calls.submit_application(agent_of(commune), call, commune,
                                           calls.ApplicationDraft(
                                               title="Accueil sans file",
                                               summary="Le contenu reste confidentiel."))

    listed = client.get("/api/v1/projects").get_json()
    assert [p["id"] for p in listed["items"]] == [project.id]  # not the private one
    assert client.get(f"/api/v1/projects/{hidden.id}").status_code == 404
    one = client.get(f"/api/v1/projects/{project.id}").get_json()
    assert one["stage"] == "exploration" and one["lab"]["slug"] == "zip"
    assert {link["kind"] for link in one["links"]} == {"event", "brief"}
    assert one["journal"][-1]["text"] == "Projet ouvert."
    assert client.get("/api/v1/projects?lab=zip&stage=test").get_json()["items"] == []
    bad = client.get("/api/v1/projects?stage=fini")
    assert bad.status_code == 400 and bad.get_json()["error"]["field"] == "stage"

    found = client.get("/api/v1/calls?open=true").get_json()["items"]
    assert [c["id"] for c in found] == [call.id] and found[0]["applications"] == 1
    assert found[0]["criteria"] == [{"label": "Impact", "weight": 2},
                                    {"label": "Faisabilité", "weight": 1}]
    assert "confidentiel" not in client.get(f"/api/v1/calls/{call.id}").text
    call.opens_at, call.closes_at = utcnow() - timedelta(days=40), utcnow() - timedelta(
        seconds=1)
    calls.decide(team, application, "select", "Un projet mûr, une équipe prête.")
    assert client.get(f"/api/v1/calls/{call.id}").get_json()["results"] == []  # not yet
    calls.publish_decisions(team, call)
    db.session.flush()
    results = client.get(f"/api/v1/calls/{call.id}").get_json()["results"]
    assert results[0]["justification"] == "Un projet mûr, une équipe prête."
    assert results[0]["project_id"] == application.project_id

    item = client.get(f"/api/v1/solutions/{solution.id}").get_json()
    assert item["brief_id"] == brief.id and item["reuses"] == []
    assert client.get("/api/v1/solutions").get_json()["items"][0]["id"] == solution.id

    figures = client.get("/api/v1/labs/zip/activity").get_json()
    # agents: the trainee, the requester, the applicant
    assert (figures["projects"], figures["events"], figures["agents"]) == (3, 2, 3)
    assert figures["start"].endswith("-01-01") and "une fois" in figures["definitions"]
    assert client.get(f"/api/v1/labs/zip/activity?year={utcnow().year - 1}").get_json()[
        "projects"] == 0
    half = client.get("/api/v1/labs/zip/activity?start=2026-01-01")
    assert half.status_code == 400 and half.get_json()["error"]["field"] == "end"
    backwards = client.get("/api/v1/labs/zip/activity?start=2026-12-01&end=2026-01-01")
    assert backwards.status_code == 400 and backwards.get_json()["error"]["field"] == "end"
    assert client.get("/api/v1/labs/nulle-part/activity").status_code == 404
    UserFactory()  # (a person existing changes nothing)
