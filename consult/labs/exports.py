"""Labs as open data (Licence Ouverte): public lab projects, calls for projects with
their published results as figures, the catalogue of solutions, and each lab's activity
per year with the definitions of ``labs.activity``. Never a person: requests, the
content of applications and the jury's scores stay inside."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from consult.core.urls import external_url
from consult.db import db, utcnow
from consult.labs import activity
from consult.labs.models import (
    Application,
    ApplicationStatus,
    Call,
    LabProject,
    LinkKind,
    ProjectLink,
    Reuse,
    Solution,
)

PROJECT_COLUMNS = (
    ("id", "integer", _l("Identifiant")),
    ("titre", "string", _l("Titre")),
    ("laboratoire_id", "integer", _l("Laboratoire qui le porte")),
    ("etape", "string", _l("Étape (exploration, codesign, prototyping, test, deployment, "
                           "evaluation, stopped)")),
    ("motif_arret", "string", _l("Pourquoi le projet s'est arrêté")),
    ("organisations", "string", _l("Identifiants des organisations associées, séparés par "
                                   "« ; »")),
    ("methodes", "string", _l("Méthodes, séparées par « ; »")),
    ("defis", "string", _l("Défis liés, séparés par « ; »")),
    ("cahiers", "string", _l("Cahiers liés, séparés par « ; »")),
    ("evenements", "string", _l("Événements liés, séparés par « ; »")),
    ("ouverture", "datetime", _l("Ouverture (UTC)")),
    ("url", "string", _l("Page du projet")),
)

CALL_COLUMNS = (
    ("id", "integer", _l("Identifiant")),
    ("titre", "string", _l("Titre")),
    ("laboratoire_id", "integer", _l("Laboratoire")),
    ("ouverture", "datetime", _l("Ouverture des candidatures (UTC)")),
    ("cloture", "datetime", _l("Clôture des candidatures (UTC)")),
    ("criteres", "string", _l("Critères et leur poids, séparés par « ; »")),
    ("candidatures", "integer", _l("Candidatures déposées (non retirées)")),
    ("retenues", "integer", _l("Candidatures retenues (une fois les décisions publiées)")),
    ("decisions_publiees", "datetime", _l("Publication des décisions (UTC)")),
    ("url", "string", _l("Page de l'appel")),
)

SOLUTION_COLUMNS = (
    ("id", "integer", _l("Identifiant")),
    ("titre", "string", _l("Titre")),
    ("cahier_id", "integer", _l("Cahier de prototypage d'origine")),
    ("organisation_id", "integer", _l("Organisation qui l'a conçue")),
    ("tests", "integer", _l("Tests avec les usagers tenus")),
    ("participants_tests", "integer", _l("Participants à ces tests")),
    ("sus", "number", _l("Dernier score SUS mesuré (0 à 100)")),
    ("essaimages", "integer", _l("Réutilisations par d'autres administrations")),
    ("publication", "datetime", _l("Publication au catalogue (UTC)")),
    ("url", "string", _l("Page de la solution")),
)

ACTIVITY_COLUMNS = (
    ("laboratoire_id", "integer", _l("Laboratoire")),
    ("laboratoire", "string", _l("Nom du laboratoire")),
    ("annee", "integer", _l("Année")),
    ("projets", "integer", _l("Projets ouverts à la fin de l'année, arrêtés compris")),
    ("projets_ouverts", "integer", _l("Projets ouverts dans l'année")),
    ("projets_arretes", "integer", _l("Projets arrêtés")),
    ("demandes", "integer", _l("Demandes reçues")),
    ("appels", "integer", _l("Appels à projets publiés")),
    ("candidatures", "integer", _l("Candidatures reçues")),
    ("candidatures_retenues", "integer", _l("Candidatures retenues")),
    ("evenements", "integer", _l("Événements tenus (non annulés)")),
    ("formations", "integer", _l("Formations tenues")),
    ("participants", "integer", _l("Participants aux événements")),
    ("citoyens", "integer", _l("Citoyens impliqués, comptés une fois chacun")),
    ("agents", "integer", _l("Agents impliqués, comptés une fois chacun")),
    ("reponses_anonymes", "integer", _l("Réponses anonymes aux questionnaires")),
    ("cahiers_adoptes", "integer", _l("Cahiers adoptés")),
    ("idees_repondues", "integer", _l("Idées ayant reçu une réponse")),
    ("solutions", "integer", _l("Solutions publiées au catalogue")),
    ("essaimages", "integer", _l("Réutilisations de ses solutions")),
)


def _joined(values) -> str:
    return ";".join(str(v) for v in values)


def project_rows(challenge_id: int | None = None) -> Iterator[list[Any]]:
    query = select(LabProject).where(LabProject.public.is_(True))
    if challenge_id is not None:
        query = query.where(LabProject.id.in_(select(ProjectLink.project_id).where(
            ProjectLink.kind == LinkKind.CHALLENGE, ProjectLink.target_id == challenge_id)))
    for project in db.session.scalars(query.order_by(LabProject.id)):
        links: dict[LinkKind, list[int]] = {}
        for kind, target in db.session.execute(select(ProjectLink.kind, ProjectLink.target_id)
                                               .where(ProjectLink.project_id == project.id)):
            links.setdefault(kind, []).append(target)
        yield [project.id, project.title, project.lab_id, project.stage.value,
               project.stop_reason or "", _joined(o.id for o in project.organisations),
               _joined(project.methods), _joined(links.get(LinkKind.CHALLENGE, [])),
               _joined(links.get(LinkKind.BRIEF, [])), _joined(links.get(LinkKind.EVENT, [])),
               project.created_at, external_url("labs.project", project_id=project.id)]


def call_rows(challenge_id: int | None = None) -> Iterator[list[Any]]:
    if challenge_id is not None:
        return
    for call in db.session.scalars(select(Call).order_by(Call.id)):
        counts = dict(db.session.execute(select(Application.status, func.count()).where(
            Application.call_id == call.id).group_by(Application.status)).all())
        applied = sum(n for s, n in counts.items() if s != ApplicationStatus.WITHDRAWN)
        selected = counts.get(ApplicationStatus.SELECTED, 0) if call.decisions_published_at \
            else None
        yield [call.id, call.title, call.lab_id, call.opens_at, call.closes_at,
               _joined(f"{c.label} ({c.weight})" for c in call.criteria), applied, selected,
               call.decisions_published_at, external_url("labs.call", call_id=call.id)]


def solution_rows(challenge_id: int | None = None) -> Iterator[list[Any]]:
    from consult.briefs.models import Brief
    from consult.labs.catalogue import evidence

    query = select(Solution)
    if challenge_id is not None:
        query = query.join(Brief, Brief.id == Solution.brief_id).where(
            Brief.challenge_id == challenge_id)
    for solution in db.session.scalars(query.order_by(Solution.id)):
        proof = evidence(solution)
        reuses = db.session.scalar(select(func.count()).where(
            Reuse.solution_id == solution.id)) or 0
        yield [solution.id, solution.title, solution.brief_id, solution.organisation_id,
               proof.tests, proof.attendance, round(proof.sus[-1][1], 1) if proof.sus else None,
               reuses, solution.published_at,
               external_url("labs.solution", solution_id=solution.id)]


def activity_row(report: activity.Report, lab) -> list[Any]:
    from consult.labs.models import ProjectStage

    return [lab.id, lab.name, report.period.start.year, report.projects,
            report.projects_opened, report.projects_by_stage.get(ProjectStage.STOPPED, 0),
            report.requests, report.calls, report.applications, report.selected,
            report.events, report.trainings, report.attendance, report.citizens,
            report.agents, report.anonymous_answers, report.briefs_adopted,
            report.ideas_answered, report.solutions, report.reuses]


def activity_rows(challenge_id: int | None = None) -> Iterator[list[Any]]:
    """Each lab, each year from its creation on Consult to this one."""
    if challenge_id is not None:
        return
    this_year = utcnow().year
    for lab in activity.all_labs():
        for year in range(lab.created_at.year, this_year + 1):
            yield activity_row(activity.report([lab], activity.Period.year(year)), lab)
