"""A lab's activity report and the network view (issue 19): every figure by its stated
definition, each person counted once (across activities, and across the labs of a
network), nobody listed; the catalogue of solutions with its evidence and one-step
reuse crediting the original."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from consult.briefs.models import BriefStatus
from consult.briefs.operations import change_status
from consult.core.errors_domain import Refused
from consult.db import db, utcnow
from consult.events import registration as seats
from consult.events.models import EventKind, Registration
from consult.events.operations import schedule_event
from consult.ideas.models import AnswerStatus
from consult.labs import activity, catalogue
from consult.labs import operations as ops
from consult.labs.models import LinkKind, ProjectStage
from consult.organisations.models import MembershipRole, OrganisationKind
from tests.conftest import login, post_form
from tests.events.helpers import draft as event_draft
from tests.factories import (
    ChallengeFactory,
    IdeaFactory,
    OrganisationFactory,
    UserFactory,
    agent_of,
    brief_from,
)


def _held(event, *people):
    """The event took place yesterday; ``people`` were checked in."""
    for person in people:
        seats.register(person, event)
    event.starts_at, event.ends_at = utcnow() - timedelta(days=1), utcnow() - timedelta(
        hours=22)
    db.session.flush()
    for registration in db.session.scalars(select(Registration).where(
            Registration.event_id == event.id)):
        seats.check_in(event, registration, True)


def _adopted_brief(lab, team):
    challenge = ChallengeFactory(phase="results", organisations=[lab])
    ideas = [IdeaFactory(challenge=challenge, title="Un rendez-vous en ligne")]
    brief = brief_from(ideas, lab, team)
    for status in (BriefStatus.PUBLISHED, BriefStatus.PROTOTYPING, BriefStatus.TESTING,
                   BriefStatus.ADOPTED):
        change_status(team, brief, status)
    return challenge, brief


def _world():
    lab = OrganisationFactory(name="ZIP Val d'Oise", slug="zip",
                              kind=OrganisationKind.LABORATOIRE)
    team = agent_of(lab, role=MembershipRole.ADMIN)
    commune = OrganisationFactory(name="Ville de Cergy", kind=OrganisationKind.COMMUNE)
    ops.add_partner(team, lab, commune)
    requester = agent_of(commune)
    request = ops.submit_request(requester, lab, commune, ops.RequestDraft(
        service="Accueil", users_concerned="Les familles",
        problem="Les familles attendent des semaines une réponse."))
    project = ops.triage(team, request, "accept")
    citizen, trainee = UserFactory(), agent_of(commune)
    workshop = schedule_event(team, lab, event_draft(title="Atelier avec des parents"))
    ops.link(team, project, LinkKind.EVENT, workshop.id)  # linked AND organised: once
    _held(workshop, citizen, trainee)
    training = schedule_event(team, lab, event_draft(title="Formation au design",
                                                     kind=EventKind.TRAINING))
    _held(training, trainee)  # the same agent again: still one agent
    challenge, brief = _adopted_brief(lab, team)
    ops.link(team, project, LinkKind.BRIEF, brief.id)
    IdeaFactory(challenge=challenge, author=citizen)  # the same citizen, proposing
    answered = IdeaFactory(challenge=challenge)
    answered.answer_status, answered.answered_at = AnswerStatus.SELECTED, utcnow()
    db.session.flush()
    return lab, team, project, brief, citizen


def test_the_labs_year_counts_each_thing_and_each_person_once():
    lab, _team, _project, _brief, _citizen = _world()
    report = activity.report([lab], activity.Period.year(utcnow().year))
    assert report.projects == 1 and report.projects_opened == 1
    assert report.projects_by_stage[ProjectStage.EXPLORATION] == 1
    assert report.projects_by_partner == [("Ville de Cergy", 1)]
    assert report.requests == 1 and report.events == 2 and report.trainings == 1
    assert report.attendance == 3  # 2 at the workshop, 1 at the training
    # the citizen (workshop + idea) and the trainee (workshop + training) once each, the
    # agent who called on the lab too; the idea authors of the factory are citizens
    assert report.agents == 2 and report.citizens == 1 + 2
    assert report.briefs_adopted == 1 and report.ideas_answered == 1
    last_year = activity.report([lab], activity.Period.year(utcnow().year - 1))
    assert (last_year.projects, last_year.events, last_year.people) == (0, 0, 0)


def test_the_catalogue_evidence_and_a_reuse_in_one_step(client):
    lab, team, _project, brief, _citizen = _world()
    with pytest.raises(Refused):
        catalogue.publish(team, brief, "Rendez-vous", "court", "court")
    solution = catalogue.publish(team, brief, "Le rendez-vous en ligne",
                                 "Prendre rendez-vous en ligne pour les bourses.",
                                 "Adopté après deux tests ; il faut un agent référent.")
    other = OrganisationFactory(name="Département de la Gironde", slug="gironde",
                                kind=OrganisationKind.DEPARTEMENT)
    labase = OrganisationFactory(name="LaBase", slug="labase",
                                 kind=OrganisationKind.LABORATOIRE)
    agent = agent_of(other)
    assert "laboratoire" in catalogue.reuse_problem(agent, solution, labase, other)
    ops.add_partner(agent_of(labase), labase, other)
    login(client, agent)
    page = client.get(f"/solutions/{solution.id}").text
    assert "Essaimer cette solution" in page and "Pas encore." in page
    made = post_form(client, f"/solutions/{solution.id}/essaimer",
                     {"organisation": "gironde", "lab": "labase"})
    reuse = catalogue.reuses_of(solution)[0]
    assert made.location.endswith(f"/projets/{reuse.project_id}")
    project_page = client.get(f"/projets/{reuse.project_id}").text
    assert "Essaimage de" in project_page and "ZIP Val d&#39;Oise" in project_page
    assert f"/cahiers/{brief.id}" in project_page  # linked to the original
    assert "Département de la Gironde" in client.get(f"/solutions/{solution.id}").text
    assert "Essaimé par : Département de la Gironde" in client.get(f"/cahiers/{brief.id}").text
    # both labs' years, and the network that adds them up
    year = activity.Period.year(utcnow().year)
    assert (activity.report([lab], year).solutions, activity.report([lab], year).reuses) == (
        1, 1)
    network = activity.report([lab, labase], year)
    assert network.projects == 2 and network.people == activity.report([lab], year).people


def test_the_report_page_pdf_and_open_data(client):
    lab, *_rest = _world()
    page = client.get("/labos/zip/activite").text
    assert "Rapport d’activité de ZIP Val d&#39;Oise" in page
    assert "<svg" in page and "Projets par étape, à la fin de la période" in page
    assert client.get("/labos/zip/activite?annee=deux").status_code == 400
    assert client.get("/labos/zip/activite?du=2026-12-31&au=2026-01-01").status_code == 400
    from pypdf import PdfReader

    pdf = client.get("/labos/zip/activite.pdf")
    reader = PdfReader(io.BytesIO(pdf.data))
    assert "ZIP Val d'Oise" in " ".join(p.extract_text() for p in reader.pages)
    assert "/StructTreeRoot" in reader.trailer["/Root"]  # tagged (PDF/UA)
    network = client.get("/labos/reseau").text
    assert "Le réseau des laboratoires" in network and "ZIP Val d&#39;Oise" in network
    import csv

    header, *rows = list(csv.reader(io.StringIO(client.get("/donnees/activite.csv").text)))
    assert header[:4] == ["laboratoire_id", "laboratoire", "annee", "projets"]
    assert [str(lab.id), "ZIP Val d'Oise", str(utcnow().year), "1", "1"] in [r[:5] for r in rows]
    schema = client.get("/donnees/activite.schema.json").get_json()
    assert schema["primaryKey"] == ["laboratoire_id", "annee"]


def test_odd_parameters_of_the_report_are_refused_not_crashing(client):
    _world()
    assert client.get("/labos/zip/activite?slug=autre&annee=2026").status_code == 200
    assert client.get("/labos/zip/activite.pdf?slug=autre").status_code == 200
    assert client.get("/labos/reseau?territoire=departement:9%005").status_code != 500
    assert client.get("/labos/reseau?territoire=commune:00000").status_code == 404
    assert client.get("/labos/reseau?territoire=departement:95").status_code in (200, 404)
    assert client.get("/labos/zip/activite?du=2026-01-01").status_code == 400
    assert client.get("/labos/zip?etape=%00").status_code == 200
