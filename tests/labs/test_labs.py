"""Labs (issue 19, first part): who may call on a lab, a request triaged by its team
(every decision but acceptance explained), an accepted request becoming a project owned
with the requesting organisation, the project's stages, journal and links."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from consult.core.errors_domain import Refused
from consult.db import db
from consult.labs import operations as ops
from consult.labs.models import LabRequest, LinkKind, ProjectStage, RequestStatus
from consult.organisations.models import OrganisationKind
from tests.factories import ChallengeFactory, OrganisationFactory, UserFactory, agent_of

PROBLEM = "Les familles attendent des semaines une réponse du service des bourses."


def _lab_and_partner():
    lab = OrganisationFactory(name="ZIP Val d'Oise", kind=OrganisationKind.LABORATOIRE)
    commune = OrganisationFactory(name="Ville de Cergy", kind=OrganisationKind.COMMUNE)
    team = agent_of(lab)
    ops.add_partner(team, lab, commune)
    return lab, commune, team, agent_of(commune)


def _draft(**overrides):
    values = dict(service="Bourses départementales", users_concerned="Les familles",
                  problem=PROBLEM, tried="Un formulaire en ligne", to_involve="Les collèges")
    values.update(overrides)
    return ops.RequestDraft(**values)


def test_only_agents_of_partners_may_call_on_the_lab():
    lab, commune, _team, agent = _lab_and_partner()
    stranger_org = OrganisationFactory(name="Ville de Lyon")
    stranger = agent_of(stranger_org)
    assert ops.request_problem(agent, lab, commune) is None
    assert "n’est pas partenaire" in ops.request_problem(stranger, lab, stranger_org)
    assert "agent" in ops.request_problem(UserFactory(), lab, commune)
    assert "pas un laboratoire" in ops.request_problem(agent, commune, commune)
    with pytest.raises(Refused):
        ops.submit_request(stranger, lab, stranger_org, _draft())
    assert db.session.scalar(select(LabRequest)) is None


def test_every_problem_of_a_request_is_named_by_its_field():
    problems = ops.request_problems(_draft(service="", users_concerned=" ", problem="court"))
    assert set(problems) == {"service", "users_concerned", "problem"}


def test_a_request_triaged_then_accepted_becomes_a_shared_project():
    lab, commune, team, agent = _lab_and_partner()
    request = ops.submit_request(agent, lab, commune, _draft())
    with pytest.raises(Refused) as refusal:
        ops.triage(team, request, "details", "")
    assert refusal.value.field == "reason"
    ops.triage(team, request, "details", "Combien de familles par an ?")
    assert request.status == RequestStatus.NEEDS_DETAILS
    ops.update_request(agent, request, _draft(problem=PROBLEM + " 3 000 familles par an."))
    assert request.status == RequestStatus.SUBMITTED and request.reason is None
    project = ops.triage(team, request, "accept", title="Des bourses sans attente")
    assert request.status == RequestStatus.ACCEPTED and request.project_id == project.id
    assert (project.lab_id, [o.name for o in project.organisations]) == (
        lab.id, ["Ville de Cergy"])
    assert project.stage == ProjectStage.EXPLORATION and len(project.journal) == 1
    with pytest.raises(Refused):
        ops.triage(team, request, "decline", "Trop tard")


def test_redirect_needs_another_lab_and_decline_a_reason():
    lab, commune, team, agent = _lab_and_partner()
    other_lab = OrganisationFactory(kind=OrganisationKind.LABORATOIRE)
    request = ops.submit_request(agent, lab, commune, _draft())
    with pytest.raises(Refused) as refusal:
        ops.triage(team, request, "redirect", "Hors de notre champ", redirect_to=commune)
    assert refusal.value.field == "redirect_to"
    ops.triage(team, request, "redirect", "La Région s’en occupe", redirect_to=other_lab)
    assert (request.status, request.redirected_to_id) == (RequestStatus.REDIRECTED,
                                                          other_lab.id)


def test_stages_journal_and_links():
    lab, _commune, team, _agent = _lab_and_partner()
    project = ops.open_project(team, lab, title="Accueil des familles",
                               methods=["interviews", "workshop"])
    with pytest.raises(Refused):
        ops.open_project(team, lab, title="Autre", methods=["divination"])
    ops.change_stage(team, project, ProjectStage.CODESIGN, "Trois ateliers avec des parents.")
    ops.change_stage(team, project, ProjectStage.PROTOTYPING)
    ops.change_stage(team, project, ProjectStage.CODESIGN, "Le prototype est revu.")  # back
    with pytest.raises(Refused) as refusal:
        ops.change_stage(team, project, ProjectStage.STOPPED)
    assert refusal.value.field == "reason"
    challenge = ChallengeFactory(phase="ideas")
    ops.link(team, project, LinkKind.CHALLENGE, challenge.id)
    ops.link(team, project, LinkKind.CHALLENGE, challenge.id)  # once
    with pytest.raises(Refused):
        ops.link(team, project, LinkKind.BRIEF, 999_999)
    ops.change_stage(team, project, ProjectStage.STOPPED, reason="Le service a fermé.")
    with pytest.raises(Refused):
        ops.change_stage(team, project, ProjectStage.TEST)
    db.session.refresh(project)
    assert [e.stage for e in project.journal][:2] == [ProjectStage.STOPPED,
                                                     ProjectStage.CODESIGN]
    assert len(project.journal) == 5 and project.stop_reason == "Le service a fermé."
