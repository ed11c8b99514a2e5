"""Calls for projects (issue 19): eligibility, a form, dates; applications by agents of
eligible organisations; jurors named per call scoring on their own within the scale; a
consolidated score; decisions justified, published at once, each applicant told once,
selected applications becoming lab projects."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from consult.core.errors_domain import Refused
from consult.db import db, utcnow
from consult.labs import calls
from consult.labs import operations as lab_ops
from consult.labs.models import Application, ApplicationStatus, LabProject, Score
from consult.notifications.models import Notification
from consult.organisations.models import OrganisationKind
from tests.conftest import login, post_form
from tests.factories import OrganisationFactory, UserFactory, agent_of

CRITERIA = "Impact pour les usagers | 2\nCapacité à associer les usagers"


def _draft(**overrides) -> calls.CallDraft:
    values = dict(title="Appel à projets 2027", opens_at=utcnow() - timedelta(days=1),
                  closes_at=utcnow() + timedelta(days=30),
                  eligibility="Les collectivités du Val-d’Oise.",
                  eligible_kinds=["commune"], questions="Service concerné *\nCalendrier",
                  criteria=CRITERIA, scale_max=5)
    values.update(overrides)
    return calls.CallDraft(**values)


def _setup():
    lab = OrganisationFactory(name="ZIP Val d'Oise", slug="zip",
                              kind=OrganisationKind.LABORATOIRE)
    team = agent_of(lab)
    call = calls.publish_call(team, lab, _draft())
    cergy = OrganisationFactory(name="Ville de Cergy", slug="cergy",
                                kind=OrganisationKind.COMMUNE)
    pontoise = OrganisationFactory(name="Ville de Pontoise", slug="pontoise",
                                   kind=OrganisationKind.COMMUNE)
    return lab, team, call, (cergy, agent_of(cergy)), (pontoise, agent_of(pontoise))


def _apply(call, organisation, agent, title):
    return calls.submit_application(agent, call, organisation, calls.ApplicationDraft(
        title=title, summary="Un accueil de mairie pensé avec les habitants.",
        answers=["L’accueil", ""]))


def _close(call):
    call.opens_at, call.closes_at = utcnow() - timedelta(days=40), utcnow() - timedelta(
        seconds=1)
    db.session.flush()


def test_every_problem_of_a_call_is_named_by_its_field():
    problems = calls.call_problems(_draft(
        title="", eligibility="", opens_at=utcnow(), closes_at=utcnow() - timedelta(days=1),
        criteria="Impact | deux", scale_max=7, questions="\n".join(["Q"] * 11)))
    assert set(problems) == {"title", "eligibility", "closes_at", "criteria", "scale_max",
                             "questions"}
    assert "barre" in calls.call_problems(_draft(criteria="Impact | 11"))["criteria"]
    assert "au moins un critère" in calls.call_problems(_draft(criteria=" "))["criteria"]
    assert calls.parse_criteria(CRITERIA) == [("Impact pour les usagers", 2),
                                              ("Capacité à associer les usagers", 1)]


def test_who_may_apply_and_when():
    lab, team, call, (cergy, agent), _other = _setup()
    region = OrganisationFactory(kind=OrganisationKind.REGION)
    assert calls.apply_problem(agent, call, cergy) is None
    assert "d’autres types" in calls.apply_problem(agent_of(region), call, region)
    assert "agent" in calls.apply_problem(UserFactory(), call, cergy)
    assert "propre appel" in calls.apply_problem(team, call, lab)
    call.partners_only = True
    assert "réservé aux partenaires" in calls.apply_problem(agent, call, cergy)
    lab_ops.add_partner(team, lab, cergy)
    assert calls.apply_problem(agent, call, cergy) is None
    problems = calls.application_problems(call, calls.ApplicationDraft(
        title="A", summary="court", answers=["", "facultatif"]))
    assert set(problems) == {"title", "summary", "answer_0"}  # the 2nd question is optional
    _close(call)
    assert "closes" in calls.apply_problem(agent, call, cergy)
    with pytest.raises(Refused):
        _apply(call, cergy, agent, "Trop tard")
    assert db.session.scalar(select(func.count()).select_from(Application)) == 0


def test_jurors_score_on_their_own_then_the_lab_decides_and_publishes_once():
    _lab, team, call, (cergy, a1), (pontoise, a2) = _setup()
    first = _apply(call, cergy, a1, "Un accueil sans file")
    second = _apply(call, pontoise, a2, "Des formulaires lisibles")
    alice, bruno, outsider = UserFactory(), UserFactory(), UserFactory()
    calls.name_juror(team, call, alice.email)
    calls.name_juror(team, call, bruno.email.upper())  # the address as typed
    with pytest.raises(Refused) as refusal:
        calls.name_juror(team, call, "personne@nulle-part.example")
    assert refusal.value.field == "email"
    impact, capacity = call.criteria
    assert "après la clôture" in calls.scoring_problem(alice, first)
    _close(call)
    assert "jury" in calls.scoring_problem(outsider, first)
    assert calls.score_problems(call, {impact.id: "6", capacity.id: ""}) == {
        f"criterion_{impact.id}": "Donnez une note entière de 0 à 5.",
        f"criterion_{capacity.id}": "Notez ce critère."}
    with pytest.raises(Refused):
        calls.score(alice, first, {impact.id: "-1", capacity.id: "3"})
    assert db.session.scalar(select(func.count()).select_from(Score)) == 0
    calls.score(alice, first, {impact.id: "5", capacity.id: "2"})  # (5×2 + 2) / 3 = 4
    calls.score(bruno, first, {impact.id: 3, capacity.id: 3})  # 3
    calls.score(alice, second, {impact.id: 1, capacity.id: 4})  # 2
    calls.score(alice, second, {impact.id: 2, capacity.id: 5})  # again: replaced, 3
    ranking = calls.consolidate(call)
    assert [r.application.id for r in ranking] == [first.id, second.id]
    assert ranking[0].score == pytest.approx(3.5) and ranking[1].score == pytest.approx(3)
    assert (len(ranking[1].per_juror), ranking[1].jurors) == (1, 2)

    with pytest.raises(Refused) as refusal:
        calls.decide(team, first, "select", "")
    assert refusal.value.field == "justification"
    calls.decide(team, first, "select", "Fort impact, commune prête à tester.")
    assert "Décidez d’abord" in calls.publication_problem(call)
    calls.decide(team, second, "reject", "Projet déjà accompagné par la Région.")
    # decided but not published: the applicants still read « under review »
    assert first.applicant_status == "En cours d’examen"
    assert db.session.scalar(select(Notification)) is None
    assert calls.publish_decisions(team, call) == 1
    project = db.session.scalar(select(LabProject))
    assert first.project_id == project.id and [o.id for o in project.organisations] == [
        cergy.id]
    assert first.applicant_status == "Retenue" and second.applicant_status == "Non retenue"
    told = list(db.session.scalars(select(Notification.user_id).where(
        Notification.kind == "application_decided")))
    assert sorted(told) == sorted([a1.id, a2.id])
    with pytest.raises(Refused):
        calls.publish_decisions(team, call)  # told once
    with pytest.raises(Refused):
        calls.score(alice, first, {impact.id: 0, capacity.id: 0})
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 2


def test_a_withdrawn_application_leaves_the_ranking():
    _lab, _team, call, (cergy, agent), _other = _setup()
    application = _apply(call, cergy, agent, "Un accueil sans file")
    calls.withdraw(agent, application)
    assert application.status == ApplicationStatus.WITHDRAWN
    assert calls.consolidate(call) == []
    with pytest.raises(Refused):
        calls.withdraw(agent, application)


def _call_form(**overrides):
    data = {"title": "Appel à projets 2027", "description": "",
            "eligibility": "Les collectivités du Val-d’Oise.", "eligible_kinds": ["commune"],
            "opens_at": "2026-01-01T09:00", "closes_at": "2099-01-31T18:00",
            "questions": "Service concerné *", "criteria": CRITERIA, "scale_max": "5"}
    data.update(overrides)
    return data


def test_calls_through_their_pages(client, app):
    lab = OrganisationFactory(name="ZIP Val d'Oise", slug="zip",
                              kind=OrganisationKind.LABORATOIRE)
    team = agent_of(lab)
    cergy = OrganisationFactory(name="Ville de Cergy", slug="cergy",
                                kind=OrganisationKind.COMMUNE)
    agent = agent_of(cergy)
    login(client, team)
    bad = post_form(client, "/labos/zip/appels/nouveau", _call_form(
        eligibility="", criteria="Impact | beaucoup", closes_at="2025-01-01T09:00"))
    assert bad.status_code == 422 and "Le formulaire contient 3 erreurs" in bad.text
    assert "Impact | beaucoup" in bad.text
    assert post_form(client, "/labos/zip/appels/nouveau", _call_form()).status_code == 302
    call = db.session.scalar(select(calls.Call))
    juror = UserFactory(email="jure@example.org")
    named = post_form(client, f"/appels/{call.id}/jury", {"jure-email": "jure@example.org"})
    assert named.status_code == 302
    db.session.refresh(call)
    assert [j.id for j in call.jurors] == [juror.id]

    applicant = app.test_client()
    login(applicant, agent)
    assert "Déposer une candidature" in applicant.get(f"/appels/{call.id}").text
    missing = post_form(applicant, f"/appels/{call.id}/candidater", {
        "organisation": "cergy", "title": "Un accueil sans file",
        "summary": "Un accueil de mairie pensé avec les habitants.", "answer_0": ""})
    assert missing.status_code == 422 and "Répondez à cette question." in missing.text
    assert "Un accueil sans file" in missing.text
    post_form(applicant, f"/appels/{call.id}/candidater", {
        "organisation": "cergy", "title": "Un accueil sans file",
        "summary": "Un accueil de mairie pensé avec les habitants.", "answer_0": "L’accueil"})
    application = db.session.scalar(select(Application))

    # a juror of another call, or a citizen, sees nothing of it
    other = app.test_client()
    login(other, UserFactory())
    assert other.get(f"/candidatures/{application.id}").status_code == 404
    assert other.get(f"/appels/{call.id}/jury").status_code == 403

    _close(call)
    jury = app.test_client()
    login(jury, juror)
    impact, capacity = call.criteria
    out = post_form(jury, f"/candidatures/{application.id}/note",
                    {f"criterion_{impact.id}": "9", f"criterion_{capacity.id}": "2"})
    assert out.status_code == 422 and "de 0 à 5" in out.text and 'value="9"' in out.text
    post_form(jury, f"/candidatures/{application.id}/note",
              {f"criterion_{impact.id}": "4", f"criterion_{capacity.id}": "2"})
    assert "Notée" in jury.get(f"/appels/{call.id}/jury").text
    assert "3,3" in client.get(f"/appels/{call.id}/jury").text  # (4×2 + 2) / 3

    unjustified = post_form(client, f"/candidatures/{application.id}/decision",
                            {"decision-decision": "select", "decision-justification": ""})
    assert unjustified.status_code == 422
    post_form(client, f"/candidatures/{application.id}/decision", {
        "decision-decision": "select",
        "decision-justification": "Fort impact, commune prête à tester."})
    assert "En cours d’examen" in applicant.get(f"/candidatures/{application.id}").text
    post_form(client, f"/appels/{call.id}/publier-decisions", {})
    result = app.test_client().get(f"/appels/{call.id}").text
    assert "Fort impact, commune prête à tester." in result and "Retenue" in result


def test_a_jurors_data_is_exported_and_let_go_with_the_account():
    from consult.accounts.operations import erase_account, export_personal_data

    _lab, team, call, (cergy, agent), _other = _setup()
    application = _apply(call, cergy, agent, "Un accueil sans file")
    juror = UserFactory()
    calls.name_juror(team, call, juror.email)
    _close(call)
    impact, capacity = call.criteria
    calls.score(juror, application, {impact.id: 4, capacity.id: 2}, "Très convaincant")
    data = export_personal_data(juror)
    assert {s["comment"] for s in data["jury_scores"]} == {"Très convaincant"}
    assert export_personal_data(agent)["lab_applications"][0]["title"] == "Un accueil sans file"
    erase_account(juror)
    erase_account(agent)
    db.session.refresh(call)
    assert call.jurors == []  # the call is still deciding: the seat is let go
    assert calls.consolidate(call)[0].score == pytest.approx(10 / 3)  # the values stay
    assert set(db.session.scalars(select(Score.comment))) == {""}
    assert application.author_id is None and application.organisation_id == cergy.id


def test_digits_that_are_not_numbers_are_refused_not_crashing(client):
    """« ² » is a digit to Python, not a number (the site fuzzer's find)."""
    lab = OrganisationFactory(slug="zip", kind=OrganisationKind.LABORATOIRE)
    login(client, agent_of(lab))
    bad = post_form(client, "/labos/zip/appels/nouveau",
                    _call_form(scale_max="²", criteria="Impact | ²"))
    assert bad.status_code == 422 and "barre" in bad.text  # the weight, named
    project = lab_ops.open_project(agent_of(lab), lab, title="Projet")
    linked = post_form(client, f"/projets/{project.id}/liens",
                       {"lien-kind": "brief", "lien-target": "²"})
    assert linked.status_code == 422
    assert post_form(client, f"/projets/{project.id}/liens/retirer",
                     {"kind": "brief", "target": "²"}).status_code == 400
    assert client.get("/labos/zip/activite?annee=²").status_code == 400
