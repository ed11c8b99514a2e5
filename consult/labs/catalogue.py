"""The shared catalogue of solutions (« essaimage »): an adopted brief published with
its evidence (user tests held and their attendance, feedback per prototype version, SUS
scores where a survey measured it) and the lab's assessment; another administration
starts a linked project from it in one step, crediting the original, whose page shows
where it has been reused."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select

from consult.accounts.models import User
from consult.briefs.models import Brief, BriefStatus
from consult.core.errors_domain import Refused
from consult.core.events import record
from consult.core.security import Permission, can
from consult.db import db
from consult.labs.models import LinkKind, Reuse, Solution
from consult.labs.operations import is_lab, link, open_project, partner_ids
from consult.organisations.models import Organisation


def publication_problem(user, brief: Brief) -> str | None:
    if not can(user, Permission.EDIT_BRIEF, brief):
        return _("Seule l’équipe du cahier le publie au catalogue.")
    if brief.status != BriefStatus.ADOPTED:
        return _("Seul un cahier adopté entre au catalogue des solutions : il a fait ses "
                 "preuves.")
    return None


def solution_of(brief_id: int) -> Solution | None:
    return db.session.scalar(select(Solution).where(Solution.brief_id == brief_id))


def solution_problems(title: str, summary: str, assessment: str) -> dict[str, str]:
    problems = {}
    if len(" ".join((title or "").split())) < 3:
        problems["title"] = _("Donnez un titre d’au moins 3 caractères.")
    if len((summary or "").strip()) < 20:
        problems["summary"] = _("Dites ce que la solution résout et comment elle marche "
                                "(20 caractères au moins).")
    if len((assessment or "").strip()) < 20:
        problems["assessment"] = _("Donnez l’appréciation du laboratoire : ce qui a marché, "
                                   "les conditions de réussite (20 caractères au moins).")
    return problems


def publish(actor: User, brief: Brief, title: str, summary: str,
            assessment: str) -> Solution:
    """Publish (or update) the brief's entry in the catalogue."""
    problem = publication_problem(actor, brief)
    if problem:
        raise Refused(problem)
    for name, message in solution_problems(title, summary, assessment).items():
        raise Refused(message, name)
    solution = solution_of(brief.id)
    if solution is None:
        solution = Solution(brief_id=brief.id, organisation_id=brief.organisation_id,
                            published_by_id=actor.id)
        db.session.add(solution)
    solution.title = " ".join(title.split())[:160]
    solution.summary, solution.assessment = summary.strip(), assessment.strip()
    db.session.flush()
    record(actor, "lab.solution", solution, organisation_id=brief.organisation_id,
           brief_id=brief.id)
    return solution


def carrying_labs(user) -> list[Organisation]:
    """The labs that may carry a reuse for this person: those they work for, and those
    their organisations are partners of."""
    if not getattr(user, "is_authenticated", False):
        return []
    mine = {m.organisation_id for m in user.memberships}
    labs = [m.organisation for m in user.memberships if is_lab(m.organisation)]
    for lab in db.session.scalars(select(Organisation).where(
            Organisation.kind == "laboratoire").order_by(Organisation.name)):
        if lab not in labs and partner_ids(lab) & mine:
            labs.append(lab)
    return labs


def reuse_problem(user, solution: Solution, lab: Organisation | None,
                  organisation: Organisation | None) -> str | None:
    if not getattr(user, "is_authenticated", False):
        return _("Connectez-vous pour essaimer cette solution.")
    if organisation is None or not user.is_agent_of(organisation.id):
        return _("Essaimez au nom d’une organisation dont vous êtes agent.")
    if lab is None or lab not in carrying_labs(user):
        return _("Choisissez un laboratoire pour porter le projet : le vôtre, ou un "
                 "laboratoire dont votre organisation est partenaire.")
    if organisation.id == solution.organisation_id:
        return _("Cette solution vient de votre organisation.")
    return None


def reuse(actor: User, solution: Solution, lab: Organisation,
          organisation: Organisation) -> Reuse:
    """One step: a project carried by ``lab`` with ``organisation``, presenting the
    original, linked to its brief, and the reuse recorded on the original's page."""
    problem = reuse_problem(actor, solution, lab, organisation)
    if problem:
        raise Refused(problem)
    brief = db.session.get(Brief, solution.brief_id)
    summary = _("Essaimage de « %(title)s », une solution de %(origin)s.",
                title=solution.title, origin=solution.organisation.name) + "\n\n" \
        + solution.summary
    project = open_project(actor, lab, title=f"{solution.title} — {organisation.name}",
                           summary=summary, organisations=[organisation])
    link(actor, project, LinkKind.BRIEF, brief.id)
    entry = Reuse(solution_id=solution.id, organisation_id=organisation.id,
                  project_id=project.id, created_by_id=actor.id)
    db.session.add(entry)
    db.session.flush()
    record(actor, "lab.reuse", solution, organisation_id=organisation.id,
           project_id=project.id)
    return entry


def reuses_of(solution: Solution) -> list[Reuse]:
    return list(db.session.scalars(select(Reuse).where(Reuse.solution_id == solution.id)
                                   .order_by(Reuse.created_at)))


def origin_of_project(project_id: int) -> Solution | None:
    """The solution a project reuses (credited on the project's page)."""
    return db.session.scalar(select(Solution).join(Reuse).where(
        Reuse.project_id == project_id))


def catalogue() -> list[tuple[Solution, int]]:
    counts = (select(Reuse.solution_id, func.count().label("n"))
              .group_by(Reuse.solution_id).subquery())
    return list(db.session.execute(
        select(Solution, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.solution_id == Solution.id)
        .order_by(Solution.published_at.desc())))


@dataclass
class Evidence:
    tests: int  # user tests held (not cancelled, already started)
    attendance: int  # people present at them, as checked in
    feedback: list  # codesign VersionSummary per version
    sus: list  # (version, score, respondents)


def evidence(solution: Solution) -> Evidence:
    from consult.codesign.queries import feedback_summary
    from consult.db import utcnow
    from consult.events.models import Event, EventKind, EventStatus
    from consult.surveys.results import sus_by_version

    tests, attendance = db.session.execute(
        select(func.count(), func.coalesce(func.sum(Event.attendance), 0)).where(
            Event.brief_id == solution.brief_id, Event.kind == EventKind.USER_TEST,
            Event.status != EventStatus.CANCELLED, Event.starts_at <= utcnow())).one()
    return Evidence(int(tests), int(attendance), feedback_summary(solution.brief_id),
                    sus_by_version(solution.brief_id))
