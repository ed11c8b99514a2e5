"""Reads of labs (issue 19): public lab projects, calls for projects and their published
results, the catalogue of solutions with its evidence, a lab's activity figures (the
definitions of ``labs.activity``). Keyset pages; no person's data."""

from __future__ import annotations

from datetime import datetime

from flask import request
from flask_babel import gettext as _
from sqlalchemy import select

from consult.api import lab_schemas as s
from consult.api.blueprint import bp
from consult.api.cursor import Ordering, page
from consult.api.errors import ApiError, not_found
from consult.api.serialize import organisation_ref
from consult.api.spec import api, responses
from consult.api.views import ID, _next_link
from consult.core.urls import external_url
from consult.db import db, utcnow
from consult.labs import activity, call_queries, catalogue, queries
from consult.labs.models import Call, LabProject, ProjectStage, Solution
from consult.organisations.models import Organisation, OrganisationKind

NEWEST_PROJECTS = Ordering("id-desc", [LabProject.id], True, [int])
CALLS = Ordering("closes-desc", [Call.closes_at, Call.id], True, [datetime, int])
SOLUTIONS = Ordering("id-desc", [Solution.id], True, [int])


def project_out(project: LabProject) -> s.ProjectOut:
    reused = catalogue.origin_of_project(project.id)
    return s.ProjectOut(
        id=project.id, title=project.title, summary=project.summary,
        lab=organisation_ref(project.lab),
        organisations=[organisation_ref(o) for o in project.organisations],
        stage=project.stage.value, stage_label=project.stage.label,
        stop_reason=project.stop_reason, methods=list(project.methods),
        links=[s.LinkOut(kind=link.kind.value, id=link.target_id, title=link.title,
                         url=external_url("site.home").rstrip("/") + link.url)
               for link in queries.linked(project)],
        journal=[s.ProjectEntryOut(date=e.created_at, stage=e.stage.value if e.stage else None,
                                   text=e.text) for e in project.journal],
        reuses_solution=reused.id if reused else None, opened_at=project.created_at,
        url=external_url("labs.project", project_id=project.id))


@bp.get("/projects")
@api.validate(query=s.ProjectQuery, resp=responses(200, s.ProjectPage, 400),
              tags=["laboratoires"])
def projects():
    """Projets des laboratoires

    Les projets publics des laboratoires d'innovation, du plus récent au plus ancien :
    étape, organisations associées, méthodes, liens vers les défis, cahiers, événements et
    questionnaires, journal daté."""
    query: s.ProjectQuery = request.context.query
    statement = select(LabProject).where(LabProject.public.is_(True))
    if query.lab:
        lab_id = db.session.scalar(select(Organisation.id).where(
            Organisation.slug == query.lab, Organisation.kind == OrganisationKind.LABORATOIRE))
        statement = statement.where(LabProject.lab_id == (lab_id if lab_id else -1))
    if query.stage:
        statement = statement.where(LabProject.stage == ProjectStage(query.stage))
    rows, cursor = page(statement, NEWEST_PROJECTS, query.cursor, query.limit,
                        lambda p: [p.id])
    return s.ProjectPage(items=[project_out(p) for p in rows], next_cursor=cursor,
                         next=_next_link(cursor))


@bp.get(f"/projects/<{ID}:project_id>")
@api.validate(resp=responses(200, s.ProjectOut, 404), tags=["laboratoires"])
def project(project_id: int):
    """Un projet de laboratoire"""
    found = db.session.get(LabProject, project_id)
    if found is None or not found.public:
        raise not_found(_("Projet introuvable."))
    return project_out(found)


def call_out(call: Call) -> s.CallOut:
    from consult.labs.calls import is_open

    return s.CallOut(
        id=call.id, title=call.title, description=call.description,
        lab=organisation_ref(call.lab), eligibility=call.eligibility,
        eligible_kinds=list(call.eligible_kinds), partners_only=call.partners_only,
        criteria=[s.CriterionOut(label=c.label, weight=c.weight) for c in call.criteria],
        scale_max=call.scale_max, questions=[q["label"] for q in call.questions],
        opens_at=call.opens_at, closes_at=call.closes_at, open=is_open(call),
        applications=call_queries.applications_count(call),
        decisions_published_at=call.decisions_published_at,
        results=[s.ResultOut(title=a.title, organisation=organisation_ref(a.organisation),
                             selected=a.status.value == "selected",
                             justification=a.decision or "", project_id=a.project_id)
                 for a in call_queries.published_results(call)],
        url=external_url("labs.call", call_id=call.id))


@bp.get("/calls")
@api.validate(query=s.CallQuery, resp=responses(200, s.CallPage, 400), tags=["laboratoires"])
def calls():
    """Appels à projets

    Les appels à projets des laboratoires, de la clôture la plus lointaine à la plus
    ancienne : qui peut candidater, critères et leur poids, questions du formulaire,
    dates ; une fois les décisions publiées, chaque candidature décidée avec sa
    justification publique (ni le contenu des candidatures ni les notes du jury)."""
    query: s.CallQuery = request.context.query
    statement = select(Call)
    if query.open:
        now = utcnow()
        statement = statement.where(Call.opens_at <= now, Call.closes_at > now)
    rows, cursor = page(statement, CALLS, query.cursor, query.limit,
                        lambda c: [c.closes_at, c.id])
    return s.CallPage(items=[call_out(c) for c in rows], next_cursor=cursor,
                      next=_next_link(cursor))


@bp.get(f"/calls/<{ID}:call_id>")
@api.validate(resp=responses(200, s.CallOut, 404), tags=["laboratoires"])
def call(call_id: int):
    """Un appel à projets"""
    found = db.session.get(Call, call_id)
    if found is None:
        raise not_found(_("Appel à projets introuvable."))
    return call_out(found)


def solution_out(solution: Solution) -> s.SolutionOut:
    proof = catalogue.evidence(solution)
    sus = {version.id: score for version, score, _n in proof.sus}
    return s.SolutionOut(
        id=solution.id, title=solution.title, summary=solution.summary,
        assessment=solution.assessment, organisation=organisation_ref(solution.organisation),
        brief_id=solution.brief_id, tests=proof.tests, test_participants=proof.attendance,
        versions=[s.VersionEvidenceOut(version=v.version.name, reviews=v.count,
                                       average_rating=v.average,
                                       sus=round(sus[v.version.id], 1)
                                       if v.version.id in sus else None)
                  for v in proof.feedback],
        reuses=[organisation_ref(r.organisation) for r in catalogue.reuses_of(solution)],
        published_at=solution.published_at,
        url=external_url("labs.solution", solution_id=solution.id))


@bp.get("/solutions")
@api.validate(query=s.SolutionQuery, resp=responses(200, s.SolutionPage, 400),
              tags=["laboratoires"])
def solutions():
    """Catalogue des solutions

    Les solutions adoptées et partagées pour être essaimées, de la plus récente à la plus
    ancienne, avec leurs preuves (tests avec les usagers, avis et score SUS par version),
    l'appréciation du laboratoire et les administrations qui les essaiment."""
    query: s.SolutionQuery = request.context.query
    rows, cursor = page(select(Solution), SOLUTIONS, query.cursor, query.limit,
                        lambda x: [x.id])
    return s.SolutionPage(items=[solution_out(x) for x in rows], next_cursor=cursor,
                          next=_next_link(cursor))


@bp.get(f"/solutions/<{ID}:solution_id>")
@api.validate(resp=responses(200, s.SolutionOut, 404), tags=["laboratoires"])
def solution(solution_id: int):
    """Une solution du catalogue"""
    found = db.session.get(Solution, solution_id)
    if found is None:
        raise not_found(_("Solution introuvable."))
    return solution_out(found)


def _period(query: s.ActivityQuery) -> activity.Period:
    if (query.start is None) != (query.end is None):
        raise ApiError(400, "invalid", _("Donnez le début et la fin de la période."),
                       "end" if query.end is None else "start")
    if query.start is not None:
        if query.year is not None:
            raise ApiError(400, "invalid", _("Une année ou une période, pas les deux."),
                           "year")
        if query.start > query.end:
            raise ApiError(400, "invalid", _("La fin de la période suit son début."), "end")
        return activity.Period(query.start, query.end)
    return activity.Period.year(query.year or utcnow().year)


@bp.get("/labs/<slug>/activity")
@api.validate(query=s.ActivityQuery, resp=responses(200, s.ActivityOut, 400, 404),
              tags=["laboratoires"])
def lab_activity(slug: str):
    """Activité d'un laboratoire

    Les chiffres du rapport d'activité pour une année ou une période : projets par
    étape et par organisation, demandes, appels, événements et formations avec leur
    participation, personnes impliquées (comptées une fois chacune, jamais nommées),
    cahiers adoptés, idées répondues, essaimage."""
    lab = db.session.scalar(select(Organisation).where(
        Organisation.slug == slug, Organisation.kind == OrganisationKind.LABORATOIRE))
    if lab is None:
        raise not_found(_("Laboratoire introuvable."))
    r = activity.report([lab], _period(request.context.query))
    return s.ActivityOut(
        lab=organisation_ref(lab), start=r.period.start, end=r.period.end,
        projects=r.projects, projects_opened=r.projects_opened,
        projects_by_stage=[s.CountOut(key=k.value, label=k.label, count=n)
                           for k, n in r.projects_by_stage.items()],
        projects_by_partner=[s.CountOut(key=name, label=name, count=n)
                             for name, n in r.projects_by_partner],
        requests=r.requests,
        requests_by_answer=[s.CountOut(key=k.value, label=k.label, count=n)
                            for k, n in r.requests_by_status.items()],
        calls=r.calls, applications=r.applications, selected=r.selected, events=r.events,
        trainings=r.trainings, attendance=r.attendance,
        events_by_kind=[s.EventKindCountOut(kind=k.value, label=k.label, events=n,
                                            attendance=a)
                        for k, (n, a) in r.events_by_kind.items()],
        citizens=r.citizens, agents=r.agents, anonymous_answers=r.anonymous_answers,
        briefs_adopted=r.briefs_adopted, ideas_answered=r.ideas_answered,
        solutions=r.solutions, reuses=r.reuses,
        definitions=" ".join(str(line) for line in activity.DEFINITIONS))
