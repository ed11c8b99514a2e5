"""A lab's activity for a period — what a lab director reports at the end of the year —
and the network view that adds up the reports of several labs with the same
definitions (one query per figure over the set of labs, so a person involved with two
labs of a network is counted once).

Definitions (the page and the open data state them):
- **projects**: the labs' projects opened by the end of the period, by current stage and
  by organisation involved; « opened » counts those opened within the period;
- **requests** received within the period, by their current answer; **calls**
  published within it, their applications and the selected ones;
- **events delivered**: events organised or co-organised by the labs, started within
  the period (and before now: an announced event is not yet delivered), not cancelled,
  by kind, with their attendance (as written up, or else the people checked in);
- **people involved**: distinct accounts that, within the period, were checked in at one
  of these events, answered (not anonymously) a survey of a challenge run by the labs
  or linked to their projects, gave feedback on a prototype of their briefs, proposed
  an idea in those challenges, called on the labs, applied to their calls or scored
  applications as jurors; agents are those who belong to an organisation,
  citizens the others. Anonymous survey answers are counted apart (they cannot be told
  apart from the others). Nobody is listed;
- **briefs adopted** within the period: briefs of the labs or linked to their projects,
  whose journal marks their adoption within it;
- **ideas answered** within the period in those challenges;
- **solutions** published to the catalogue within the period, and their reuses by other
  administrations within it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, distinct, func, or_, select, union

from consult.db import db, utcnow
from consult.labs.models import (
    Application,
    ApplicationStatus,
    Call,
    LabProject,
    LabRequest,
    LinkKind,
    ProjectLink,
    ProjectStage,
    RequestStatus,
    Reuse,
    Score,
    Solution,
    project_organisations,
)
from consult.organisations.models import Organisation, OrganisationKind

# What the page, the PDF, the API and the open data say of how each figure is counted.
DEFINITIONS = (
    _l("Projets : ceux du laboratoire ouverts avant la fin de la période, selon leur étape "
       "actuelle (arrêtés compris)."),
    _l("Événements : organisés ou co-organisés par le laboratoire, commencés dans la "
       "période (un événement annoncé mais pas encore tenu n’est pas compté), non annulés ; "
       "participants selon le compte rendu, sinon les présences pointées."),
    _l("Personnes impliquées : comptes distincts pointés à ces événements, ayant répondu "
       "(non anonymement) à un questionnaire, donné un avis sur un prototype ou proposé une "
       "idée dans les défis du laboratoire ou liés à ses projets, sollicité le laboratoire, "
       "candidaté à ses appels ou noté des candidatures comme juré, pendant la période. Les "
       "agents sont les membres d’une organisation."),
    _l("Cahiers adoptés : ceux du laboratoire ou liés à ses projets dont l’adoption est "
       "datée dans la période."),
    _l("Chaque personne est comptée une fois, quel que soit le nombre de ses participations "
       "(présence pointée à un événement, réponse à un questionnaire, avis sur un "
       "prototype, idée proposée), et n’est jamais nommée."),
    _l("Le réseau additionne les laboratoires avec les mêmes définitions."),
)


@dataclass
class Period:
    start: date
    end: date  # included

    @property
    def since(self) -> datetime:  # naive UTC bounds, as stored
        return datetime.combine(self.start, time())

    @property
    def until(self) -> datetime:
        return datetime.combine(self.end + timedelta(days=1), time())

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(date(year, 1, 1), date(year, 12, 31))

    @property
    def is_year(self) -> bool:
        return (self.start.month, self.start.day, self.end.month, self.end.day) == (
            1, 1, 12, 31) and self.start.year == self.end.year


@dataclass
class Report:
    labs: list[Organisation]
    period: Period
    projects_by_stage: dict[ProjectStage, int] = field(default_factory=dict)
    projects_opened: int = 0
    projects_by_partner: list[tuple[str, int]] = field(default_factory=list)
    requests_by_status: dict[RequestStatus, int] = field(default_factory=dict)
    calls: int = 0
    applications: int = 0
    selected: int = 0
    events_by_kind: dict = field(default_factory=dict)  # EventKind → (events, attendance)
    citizens: int = 0
    agents: int = 0
    anonymous_answers: int = 0
    briefs_adopted: int = 0
    ideas_answered: int = 0
    solutions: int = 0
    reuses: int = 0

    @property
    def projects(self) -> int:
        return sum(self.projects_by_stage.values())

    @property
    def requests(self) -> int:
        return sum(self.requests_by_status.values())

    @property
    def events(self) -> int:
        return sum(n for n, _a in self.events_by_kind.values())

    @property
    def attendance(self) -> int:
        return sum(a for _n, a in self.events_by_kind.values())

    @property
    def trainings(self) -> int:
        from consult.events.models import EventKind

        return self.events_by_kind.get(EventKind.TRAINING, (0, 0))[0]

    @property
    def people(self) -> int:
        return self.citizens + self.agents


def report(labs: list[Organisation], period: Period) -> Report:
    ids = [lab.id for lab in labs]
    result = Report(labs=labs, period=period)
    if not ids:
        return result
    _projects(result, ids, period)
    _requests_and_calls(result, ids, period)
    _events(result, ids, period)
    _people(result, ids, period)
    _outcomes(result, ids, period)
    return result


def _projects(result: Report, ids: list[int], period: Period) -> None:
    existing = and_(LabProject.lab_id.in_(ids), LabProject.created_at < period.until)
    counts = dict(db.session.execute(select(LabProject.stage, func.count())
                                     .where(existing).group_by(LabProject.stage)).all())
    result.projects_by_stage = {s: counts.get(s, 0) for s in ProjectStage}
    result.projects_opened = db.session.scalar(select(func.count()).where(
        LabProject.lab_id.in_(ids), LabProject.created_at >= period.since,
        LabProject.created_at < period.until)) or 0
    result.projects_by_partner = [(name, n) for name, n in db.session.execute(
        select(Organisation.name, func.count(distinct(LabProject.id)))
        .join(project_organisations, project_organisations.c.organisation_id
              == Organisation.id)
        .join(LabProject, LabProject.id == project_organisations.c.project_id)
        .where(existing).group_by(Organisation.name)
        .order_by(func.count(distinct(LabProject.id)).desc(), Organisation.name))]


def _requests_and_calls(result: Report, ids: list[int], period: Period) -> None:
    counts = dict(db.session.execute(
        select(LabRequest.status, func.count()).where(
            LabRequest.lab_id.in_(ids), LabRequest.created_at >= period.since,
            LabRequest.created_at < period.until).group_by(LabRequest.status)).all())
    result.requests_by_status = {s: counts.get(s, 0) for s in RequestStatus}
    calls = select(Call.id).where(Call.lab_id.in_(ids), Call.created_at >= period.since,
                                  Call.created_at < period.until)
    result.calls = db.session.scalar(select(func.count()).select_from(calls.subquery())) or 0
    result.applications = db.session.scalar(select(func.count()).where(
        Application.call_id.in_(calls),
        Application.status != ApplicationStatus.WITHDRAWN)) or 0
    result.selected = db.session.scalar(select(func.count()).where(
        Application.call_id.in_(calls), Application.status == ApplicationStatus.SELECTED,
        Application.told_at.is_not(None))) or 0


def _lab_events(ids: list[int], period: Period):
    from consult.events.models import Event, EventStatus, event_partners

    return select(Event.id).where(
        or_(Event.organisation_id.in_(ids), Event.id.in_(
            select(event_partners.c.event_id).where(
                event_partners.c.organisation_id.in_(ids)))),
        Event.status != EventStatus.CANCELLED, Event.starts_at >= period.since,
        Event.starts_at < min(period.until, utcnow()))  # held: begun, not announced


def _events(result: Report, ids: list[int], period: Period) -> None:
    from consult.events.models import Event, EventKind, Registration

    checked_in = (select(func.count()).where(Registration.event_id == Event.id,
                                             Registration.checked_in_at.is_not(None))
                  .scalar_subquery())
    rows = db.session.execute(
        select(Event.kind, func.count(), func.sum(func.coalesce(Event.attendance, checked_in)))
        .where(Event.id.in_(_lab_events(ids, period))).group_by(Event.kind)).all()
    found = {kind: (n, int(attendance or 0)) for kind, n, attendance in rows}
    result.events_by_kind = {k: found.get(k, (0, 0)) for k in EventKind}


def _challenges(ids: list[int]):
    """The challenges the labs run, or linked to their projects."""
    from consult.challenges.models import challenge_organisations

    return union(
        select(challenge_organisations.c.challenge_id.label("id")).where(
            challenge_organisations.c.organisation_id.in_(ids)),
        select(ProjectLink.target_id.label("id")).join(
            LabProject, LabProject.id == ProjectLink.project_id).where(
            LabProject.lab_id.in_(ids), ProjectLink.kind == LinkKind.CHALLENGE))


def _briefs(ids: list[int]):
    from consult.briefs.models import Brief

    return union(
        select(Brief.id.label("id")).where(Brief.organisation_id.in_(ids)),
        select(ProjectLink.target_id.label("id")).join(
            LabProject, LabProject.id == ProjectLink.project_id).where(
            LabProject.lab_id.in_(ids), ProjectLink.kind == LinkKind.BRIEF))


def _people(result: Report, ids: list[int], period: Period) -> None:
    from consult.codesign.models import Feedback
    from consult.events.models import Registration
    from consult.ideas.models import Idea
    from consult.organisations.models import Membership
    from consult.surveys.models import Response, Survey

    challenges = select(_challenges(ids).subquery().c.id)
    briefs = select(_briefs(ids).subquery().c.id)
    within = (period.since, period.until)
    involved = union(
        select(Registration.user_id.label("user_id")).where(
            Registration.event_id.in_(_lab_events(ids, period)),
            Registration.checked_in_at.is_not(None)),
        select(Response.user_id).join(Survey, Survey.id == Response.survey_id).where(
            Survey.challenge_id.in_(challenges), Response.user_id.is_not(None),
            Response.created_at >= within[0], Response.created_at < within[1]),
        select(Feedback.user_id).where(
            Feedback.brief_id.in_(briefs), Feedback.created_at >= within[0],
            Feedback.created_at < within[1]),
        select(Idea.author_id).where(
            Idea.challenge_id.in_(challenges), Idea.author_id.is_not(None),
            Idea.created_at >= within[0], Idea.created_at < within[1]),
        select(LabRequest.author_id).where(
            LabRequest.lab_id.in_(ids), LabRequest.author_id.is_not(None),
            LabRequest.created_at >= within[0], LabRequest.created_at < within[1]),
        select(Application.author_id).join(Call, Call.id == Application.call_id).where(
            Call.lab_id.in_(ids), Application.author_id.is_not(None),
            Application.created_at >= within[0], Application.created_at < within[1]),
        select(Score.juror_id).join(Application, Application.id == Score.application_id)
        .join(Call, Call.id == Application.call_id).where(
            Call.lab_id.in_(ids), Score.created_at >= within[0],
            Score.created_at < within[1]),
    ).subquery()
    is_agent = select(Membership.id).where(Membership.user_id == involved.c.user_id).exists()
    agents, everyone = db.session.execute(select(
        func.count().filter(is_agent), func.count()).select_from(involved)).one()
    result.agents, result.citizens = int(agents or 0), int(everyone or 0) - int(agents or 0)
    result.anonymous_answers = db.session.scalar(select(func.count()).select_from(
        Response).join(Survey, Survey.id == Response.survey_id).where(
        Survey.challenge_id.in_(challenges), Response.user_id.is_(None),
        Response.created_at >= within[0], Response.created_at < within[1])) or 0


def _outcomes(result: Report, ids: list[int], period: Period) -> None:
    from consult.briefs.models import BriefStatus, BriefUpdate
    from consult.ideas.models import Idea

    briefs = select(_briefs(ids).subquery().c.id)
    result.briefs_adopted = db.session.scalar(select(func.count(distinct(
        BriefUpdate.brief_id))).where(
        BriefUpdate.brief_id.in_(briefs), BriefUpdate.status == BriefStatus.ADOPTED,
        BriefUpdate.created_at >= period.since, BriefUpdate.created_at < period.until)) or 0
    result.ideas_answered = db.session.scalar(select(func.count()).where(
        Idea.challenge_id.in_(select(_challenges(ids).subquery().c.id)),
        Idea.answered_at >= period.since, Idea.answered_at < period.until)) or 0
    solutions = select(Solution.id).where(Solution.brief_id.in_(briefs))
    result.solutions = db.session.scalar(select(func.count()).where(
        Solution.id.in_(solutions), Solution.published_at >= period.since,
        Solution.published_at < period.until)) or 0
    result.reuses = db.session.scalar(select(func.count()).where(
        Reuse.solution_id.in_(solutions), Reuse.created_at >= period.since,
        Reuse.created_at < period.until)) or 0


# --- Which labs ------------------------------------------------------------------------


def all_labs() -> list[Organisation]:
    return list(db.session.scalars(select(Organisation).where(
        Organisation.kind == OrganisationKind.LABORATOIRE).order_by(Organisation.name)))


def labs_of_territory(territory) -> list[Organisation]:
    """The labs whose territory is ``territory`` or lies within it (a commune's lab in
    its département, a département's in its région)."""
    found = []
    for lab in all_labs():
        place = lab.territory
        while place is not None:
            if place.id == territory.id:
                found.append(lab)
                break
            place = place.parent
    return found
