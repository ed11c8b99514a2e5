"""Labs through their pages (issue 19): « Solliciter le labo » from a partner, the
team's queue and answers, the public project page with its journal and links, the
partnerships; every refusal names its field, keeps what was typed and saves nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from consult.db import db
from consult.labs import operations as ops
from consult.labs.models import LabProject, LabRequest, ProjectStage, RequestStatus
from consult.notifications.models import Notification
from consult.organisations.models import MembershipRole, OrganisationKind
from tests.conftest import login, post_form
from tests.events.helpers import draft as event_draft
from tests.factories import OrganisationFactory, UserFactory, agent_of

PROBLEM = "Les familles attendent des semaines une réponse du service des bourses."


def _lab():
    lab = OrganisationFactory(name="ZIP Val d'Oise", slug="zip",
                              kind=OrganisationKind.LABORATOIRE)
    commune = OrganisationFactory(name="Ville de Cergy", slug="cergy",
                                  kind=OrganisationKind.COMMUNE)
    admin = agent_of(lab, role=MembershipRole.ADMIN)
    ops.add_partner(admin, lab, commune)
    return lab, commune, admin, agent_of(commune)


def _request_form(**overrides):
    data = {"organisation": "cergy", "service": "Bourses départementales",
            "users_concerned": "Les familles", "problem": PROBLEM, "tried": "",
            "to_involve": ""}
    data.update(overrides)
    return data


def test_a_partner_calls_on_the_lab_and_follows_the_answer(client, app):
    _lab_org, commune, admin, agent = _lab()
    stranger = agent_of(OrganisationFactory(name="Ville de Lyon"))
    login(client, stranger)
    refused = client.get("/labos/zip/solliciter")
    assert refused.status_code == 403 and "n’est pas partenaire" in refused.text
    assert post_form(client, "/labos/zip/solliciter", _request_form()).status_code == 403

    login(client, agent)
    assert "Solliciter le labo" in client.get("/labos/zip").text
    bad = post_form(client, "/labos/zip/solliciter", _request_form(
        service="", users_concerned="", problem="Trop court", tried="Un formulaire"))
    assert bad.status_code == 422
    assert "Le formulaire contient 3 erreurs" in bad.text
    assert "Un formulaire" in bad.text and "Trop court" in bad.text  # kept
    assert db.session.scalar(select(func.count()).select_from(LabRequest)) == 0
    sent = post_form(client, "/labos/zip/solliciter", _request_form())
    request = db.session.scalar(select(LabRequest))
    assert sent.status_code == 302 and sent.location.endswith(f"/labos/demandes/{request.id}")
    assert "À examiner" in client.get(f"/labos/demandes/{request.id}").text
    assert "Bourses départementales" in client.get("/labos/mes-demandes").text

    team = app.test_client()
    login(team, admin)
    assert "1 demande en attente" in team.get("/labos/zip/demandes").text
    assert client.get("/labos/zip/demandes").status_code == 403  # the requester is not the team
    silent = post_form(team, f"/labos/demandes/{request.id}/reponse",
                       {"reponse-decision": "details", "reponse-reason": ""})
    assert silent.status_code == 422 and "la lira" in silent.text
    post_form(team, f"/labos/demandes/{request.id}/reponse", {
        "reponse-decision": "details", "reponse-reason": "Combien de familles par an ?"})
    db.session.refresh(request)
    assert request.status == RequestStatus.NEEDS_DETAILS
    told = db.session.scalar(select(Notification).where(Notification.user_id == agent.id))
    assert told.kind == "lab_request_answered" and told.params["status"] == "needs_details"

    # the requester completes it: back to the team
    page = client.get(f"/labos/demandes/{request.id}").text
    assert "Combien de familles par an ?" in page and "Compléter la demande" in page
    post_form(client, f"/labos/demandes/{request.id}",
              _request_form(problem=PROBLEM + " 3 000 familles par an."))
    db.session.refresh(request)
    assert request.status == RequestStatus.SUBMITTED

    accepted = post_form(team, f"/labos/demandes/{request.id}/reponse", {
        "reponse-decision": "accept", "reponse-title": "Des bourses sans attente"})
    project = db.session.scalar(select(LabProject))
    assert accepted.location.endswith(f"/projets/{project.id}")
    # the requesting commune carries the project too; citizens read it
    assert [o.id for o in project.organisations] == [commune.id]
    citizen = app.test_client()
    public = citizen.get(f"/projets/{project.id}").text
    assert "Des bourses sans attente" in public and "Une demande de Ville de Cergy" in public
    assert "Projet ouvert." in public and "Changer d’étape" not in public
    assert "Changer d’étape" in client.get(f"/projets/{project.id}").text  # co-owner


def test_the_project_page_stage_journal_and_links(client, app):
    lab, commune, admin, agent = _lab()
    project = ops.open_project(admin, lab, title="Accueil des familles",
                               organisations=[commune])
    from consult.events.operations import schedule_event

    event = schedule_event(admin, lab, event_draft(title="Atelier avec des parents"))
    login(client, agent)
    stopped = post_form(client, f"/projets/{project.id}/etape",
                        {"etape-stage": "stopped", "etape-reason": ""})
    assert stopped.status_code == 422 and "pourquoi le projet s’arrête" in stopped.text
    post_form(client, f"/projets/{project.id}/etape",
              {"etape-stage": "codesign", "etape-text": "Trois ateliers avec des parents."})
    missing = post_form(client, f"/projets/{project.id}/liens",
                        {"lien-kind": "brief", "lien-target": "999999"})
    assert missing.status_code == 422 and "Introuvable" in missing.text
    assert "999999" in missing.text  # what was typed stays
    post_form(client, f"/projets/{project.id}/liens",
              {"lien-kind": "event", "lien-target": str(event.id)})
    post_form(client, f"/projets/{project.id}/journal",
              {"journal-text": "Le prototype de formulaire est prêt."})
    page = app.test_client().get(f"/projets/{project.id}").text
    assert "Co-conception" in page and 'aria-current="step"' in page
    assert "Trois ateliers avec des parents." in page
    assert "Le prototype de formulaire est prêt." in page
    assert f"/evenements/{event.id}" in page and "Atelier avec des parents" in page
    db.session.refresh(project)
    assert project.stage == ProjectStage.CODESIGN

    # a private project: hidden from citizens, seen by those who carry it
    project.public = False
    db.session.flush()
    assert app.test_client().get(f"/projets/{project.id}").status_code == 404
    assert client.get(f"/projets/{project.id}").status_code == 200
    outsider = app.test_client()
    login(outsider, UserFactory())
    assert outsider.get(f"/projets/{project.id}").status_code == 404
    assert post_form(outsider, f"/projets/{project.id}/journal",
                     {"journal-text": "Piraté"}).status_code == 404


def test_partnerships_are_managed_by_the_labs_administrators(client, app):
    lab, commune, admin, _agent = _lab()
    region = OrganisationFactory(name="Région Île-de-France", slug="idf")
    team_agent = agent_of(lab)
    login(client, team_agent)
    assert client.get("/labos/zip/partenaires").status_code == 403
    login(client, admin)
    assert "Ville de Cergy" in client.get("/labos/zip/partenaires").text
    empty = post_form(client, "/labos/zip/partenaires", {"partner": ""})
    assert empty.status_code == 422
    post_form(client, "/labos/zip/partenaires", {"partner": "idf"})
    assert region.id in ops.partner_ids(lab)
    post_form(client, f"/labos/zip/partenaires/{commune.id}/retirer", {})
    assert ops.partner_ids(lab) == {region.id}


def test_a_choice_that_was_not_offered_is_refused_on_its_field(client):
    """A NUL or any slug not in the list never reaches the database (PostgreSQL refuses
    NUL: the site fuzzer's find)."""
    _lab_org, _commune, admin, _agent = _lab()
    login(client, admin)
    for value in ("abc\x00def", "une-organisation-inventee"):
        refused = post_form(client, "/labos/zip/partenaires", {"partner": value})
        assert refused.status_code == 422 and "Choisissez une organisation" in refused.text
