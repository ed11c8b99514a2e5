"""Reads of labs: the labs and their portfolios, a lab's queue of requests, the requests
of a person's organisations, and what a project's links lead to (only what the reader
may see)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from consult.db import db
from consult.labs.models import (
    LabProject,
    LabRequest,
    LinkKind,
    ProjectLink,
    ProjectStage,
    RequestStatus,
)
from consult.organisations.models import Organisation, OrganisationKind

LINK_LABELS = {LinkKind.CHALLENGE: _l("Défi"), LinkKind.BRIEF: _l("Cahier de prototypage"),
               LinkKind.EVENT: _l("Événement"), LinkKind.SURVEY: _l("Questionnaire")}


def labs() -> list[tuple[Organisation, int]]:
    """Every lab with the number of its public projects."""
    counts = (select(LabProject.lab_id, func.count().label("n"))
              .where(LabProject.public.is_(True)).group_by(LabProject.lab_id).subquery())
    return list(db.session.execute(
        select(Organisation, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.lab_id == Organisation.id)
        .where(Organisation.kind == OrganisationKind.LABORATOIRE)
        .order_by(Organisation.name)))


def lab_projects(lab: Organisation, *, with_private: bool = False,
                 stage: ProjectStage | None = None) -> list[LabProject]:
    query = select(LabProject).where(LabProject.lab_id == lab.id)
    if not with_private:
        query = query.where(LabProject.public.is_(True))
    if stage is not None:
        query = query.where(LabProject.stage == stage)
    return list(db.session.scalars(query.order_by(LabProject.created_at.desc(),
                                                  LabProject.id.desc())))


def projects_of_organisation(organisation: Organisation) -> list[LabProject]:
    from consult.labs.models import project_organisations

    return list(db.session.scalars(
        select(LabProject).join(project_organisations).where(
            project_organisations.c.organisation_id == organisation.id)
        .order_by(LabProject.created_at.desc())))


OPEN = (RequestStatus.SUBMITTED, RequestStatus.NEEDS_DETAILS)


def queue(lab: Organisation) -> tuple[list[LabRequest], list[LabRequest]]:
    """The lab's requests: those waiting for an answer (oldest first), then the answered
    ones (latest first, the last 100)."""
    waiting = list(db.session.scalars(select(LabRequest).where(
        LabRequest.lab_id == lab.id, LabRequest.status.in_(OPEN))
        .order_by(LabRequest.created_at, LabRequest.id)))
    answered = list(db.session.scalars(select(LabRequest).where(
        LabRequest.lab_id == lab.id, LabRequest.status.not_in(OPEN))
        .order_by(LabRequest.decided_at.desc(), LabRequest.id.desc()).limit(100)))
    return waiting, answered


def requests_of(user) -> list[LabRequest]:
    """The requests sent by the person's organisations (a colleague's too)."""
    ids = [m.organisation_id for m in user.memberships]
    if not ids:
        return []
    return list(db.session.scalars(select(LabRequest).where(
        LabRequest.organisation_id.in_(ids)).order_by(LabRequest.created_at.desc())))


@dataclass
class Linked:
    kind: LinkKind
    target_id: int
    title: str
    url: str

    @property
    def label(self) -> str:
        return str(LINK_LABELS[self.kind])


def linked(project: LabProject) -> list[Linked]:
    """What the project's links lead to, among what is public (a draft brief, an
    unpublished challenge or an event under review is not shown)."""
    from consult.briefs.models import Brief
    from consult.challenges.models import Challenge, ChallengePhase
    from consult.events.models import Event
    from consult.surveys.models import Survey

    links = list(db.session.scalars(select(ProjectLink).where(
        ProjectLink.project_id == project.id).order_by(ProjectLink.created_at)))
    found = []
    for entry in links:
        if entry.kind == LinkKind.CHALLENGE:
            c = db.session.get(Challenge, entry.target_id)
            if c is not None and c.published_at:
                found.append(Linked(entry.kind, c.id, c.title,
                                    url_for("challenges.show", slug=c.slug)))
        elif entry.kind == LinkKind.BRIEF:
            b = db.session.get(Brief, entry.target_id)
            if b is not None and b.is_public:
                found.append(Linked(entry.kind, b.id, b.title,
                                    url_for("briefs.show", brief_id=b.id)))
        elif entry.kind == LinkKind.EVENT:
            e = db.session.get(Event, entry.target_id)
            if e is not None and e.is_listed:
                found.append(Linked(entry.kind, e.id, e.title,
                                    url_for("events.show", event_id=e.id)))
        else:
            s = db.session.get(Survey, entry.target_id)
            if s is not None and s.challenge.published_at:
                phase = db.session.get(ChallengePhase, s.phase_id)
                found.append(Linked(entry.kind, s.id, phase.title or phase.kind.label,
                                    url_for("surveys.respond", slug=s.challenge.slug,
                                            phase_id=s.phase_id)))
    return found


def request_of_project(project: LabProject) -> LabRequest | None:
    return db.session.scalar(select(LabRequest).where(LabRequest.project_id == project.id))


def partners(lab: Organisation) -> list[Organisation]:
    from consult.labs.models import LabPartnership

    return list(db.session.scalars(select(Organisation).join(
        LabPartnership, LabPartnership.partner_id == Organisation.id).where(
        LabPartnership.lab_id == lab.id).order_by(Organisation.name)))


def origin_of(project: LabProject):
    """Where the project comes from: a request accepted, or an application selected."""
    from consult.labs.models import Application

    return request_of_project(project) or db.session.scalar(select(Application).where(
        Application.project_id == project.id))
