"""Writes of labs: partnerships (who may call on the lab), requests and their triage,
lab projects (stage, methods, journal, links). Every rule on what a request may be lives
in ``request_problems``, so the form and the API report every problem at once."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from consult.accounts.models import User
from consult.core import events as signals
from consult.core.errors_domain import Refused
from consult.core.events import record
from consult.db import db, utcnow
from consult.labs.models import (
    METHODS,
    STAGE_ORDER,
    LabPartnership,
    LabProject,
    LabRequest,
    LinkKind,
    ProjectEntry,
    ProjectLink,
    ProjectStage,
    RequestStatus,
)
from consult.organisations.models import Organisation, OrganisationKind


def is_lab(organisation: Organisation) -> bool:
    return organisation.kind == OrganisationKind.LABORATOIRE


def partner_ids(lab: Organisation) -> set[int]:
    return set(db.session.scalars(select(LabPartnership.partner_id).where(
        LabPartnership.lab_id == lab.id)))


def add_partner(actor: User, lab: Organisation, partner: Organisation) -> LabPartnership:
    if not is_lab(lab):
        raise Refused(_("Seul un laboratoire d’innovation a des partenaires."))
    if partner.id == lab.id:
        raise Refused(_("Un laboratoire n’est pas son propre partenaire."), "partner")
    existing = db.session.scalar(select(LabPartnership).where(
        LabPartnership.lab_id == lab.id, LabPartnership.partner_id == partner.id))
    if existing is not None:
        return existing
    partnership = LabPartnership(lab_id=lab.id, partner_id=partner.id)
    db.session.add(partnership)
    db.session.flush()
    record(actor, "lab.partner", partnership, organisation_id=lab.id, partner_id=partner.id)
    return partnership


def remove_partner(actor: User, lab: Organisation, partner: Organisation) -> None:
    partnership = db.session.scalar(select(LabPartnership).where(
        LabPartnership.lab_id == lab.id, LabPartnership.partner_id == partner.id))
    if partnership is not None:
        record(actor, "lab.unpartner", partnership, organisation_id=lab.id,
               partner_id=partner.id)
        db.session.delete(partnership)
        db.session.flush()


def request_problem(user, lab: Organisation, organisation: Organisation | None) -> str | None:
    """Why ``user`` may not call on ``lab`` for ``organisation`` (None: they may)."""
    if not getattr(user, "is_authenticated", False):
        return _("Connectez-vous pour solliciter le laboratoire.")
    if not is_lab(lab):
        return _("Cette organisation n’est pas un laboratoire d’innovation.")
    if organisation is None or not user.is_agent_of(organisation.id):
        return _("Sollicitez le laboratoire au nom d’une organisation dont vous êtes agent.")
    if organisation.id != lab.id and organisation.id not in partner_ids(lab):
        return _("%(organisation)s n’est pas partenaire de %(lab)s : demandez au laboratoire "
                 "de l’ajouter à ses partenaires.", organisation=organisation.name,
                 lab=lab.name)
    return None


@dataclass
class RequestDraft:
    service: str
    users_concerned: str
    problem: str
    tried: str = ""
    to_involve: str = ""


def request_problems(draft: RequestDraft) -> dict[str, str]:
    problems = {}
    if len((draft.service or "").strip()) < 3:
        problems["service"] = _("Nommez le service public concerné.")
    if not (draft.users_concerned or "").strip():
        problems["users_concerned"] = _("Dites quels usagers sont concernés.")
    if len((draft.problem or "").strip()) < 20:
        problems["problem"] = _("Décrivez ce qui ne va pas en quelques phrases (20 caractères "
                                "au moins).")
    return problems


def submit_request(actor: User, lab: Organisation, organisation: Organisation,
                   draft: RequestDraft) -> LabRequest:
    problem = request_problem(actor, lab, organisation)
    if problem:
        raise Refused(problem)
    for name, message in request_problems(draft).items():
        raise Refused(message, name)
    request = LabRequest(lab_id=lab.id, organisation_id=organisation.id, author_id=actor.id,
                         service=draft.service.strip(),
                         users_concerned=draft.users_concerned.strip(),
                         problem=draft.problem.strip(), tried=(draft.tried or "").strip(),
                         to_involve=(draft.to_involve or "").strip())
    db.session.add(request)
    db.session.flush()
    record(actor, "lab.request", request, organisation_id=lab.id,
           requester_id=organisation.id)
    return request


def update_request(actor: User, request: LabRequest, draft: RequestDraft) -> None:
    """The requester adds the details the lab asked for: back to the lab's queue."""
    if request.status not in (RequestStatus.SUBMITTED, RequestStatus.NEEDS_DETAILS):
        raise Refused(_("Cette demande a déjà reçu une réponse."))
    for name, message in request_problems(draft).items():
        raise Refused(message, name)
    request.service, request.users_concerned = draft.service.strip(), \
        draft.users_concerned.strip()
    request.problem, request.tried = draft.problem.strip(), (draft.tried or "").strip()
    request.to_involve = (draft.to_involve or "").strip()
    request.status, request.reason = RequestStatus.SUBMITTED, None
    db.session.flush()


DECISIONS = {"accept": RequestStatus.ACCEPTED, "details": RequestStatus.NEEDS_DETAILS,
             "redirect": RequestStatus.REDIRECTED, "decline": RequestStatus.DECLINED}


def triage(actor: User, request: LabRequest, decision: str, reason: str = "",
           redirect_to: Organisation | None = None, title: str = "") -> LabProject | None:
    """The lab's team answers a request; an accepted request becomes a lab project owned
    by the lab and the requesting organisation."""
    if request.status not in (RequestStatus.SUBMITTED, RequestStatus.NEEDS_DETAILS):
        raise Refused(_("Cette demande a déjà reçu une réponse."))
    status = DECISIONS.get(decision)
    if status is None:
        raise Refused(_("Choisissez une décision."), "decision")
    reason = (reason or "").strip()
    if status != RequestStatus.ACCEPTED and not reason:
        raise Refused(_("Expliquez votre réponse : la personne qui a sollicité le laboratoire "
                        "la lira."), "reason")
    if status == RequestStatus.REDIRECTED and (redirect_to is None or not is_lab(redirect_to)
                                               or redirect_to.id == request.lab_id):
        raise Refused(_("Choisissez le laboratoire vers lequel orienter la demande."),
                      "redirect_to")
    project = None
    if status == RequestStatus.ACCEPTED:
        project = open_project(actor, request.lab, title=title or request.service,
                               summary=request.problem,
                               organisations=[request.organisation])
        request.project_id = project.id
    request.status, request.reason, request.decided_at = status, reason or None, utcnow()
    request.redirected_to_id = redirect_to.id if status == RequestStatus.REDIRECTED else None
    db.session.flush()
    record(actor, f"lab.request_{decision}", request, organisation_id=request.lab_id,
           reason=reason or None)
    signals.lab_request_answered.send(request)
    return project


def open_project(actor: User, lab: Organisation, *, title: str, summary: str = "",
                 organisations: list[Organisation] = (), methods: list[str] = (),
                 public: bool = True) -> LabProject:
    title = " ".join((title or "").split())
    if len(title) < 3:
        raise Refused(_("Donnez un titre d’au moins 3 caractères."), "title")
    unknown = [m for m in methods if m not in METHODS]
    if unknown:
        raise Refused(_("Méthode inconnue : %(methods)s.", methods=", ".join(unknown)),
                      "methods")
    project = LabProject(lab_id=lab.id, title=title[:160], summary=(summary or "").strip(),
                         methods=list(dict.fromkeys(methods)), public=public,
                         organisations=[o for o in organisations if o.id != lab.id])
    project.journal.append(ProjectEntry(author_id=actor.id, stage=ProjectStage.EXPLORATION,
                                        text=_("Projet ouvert.")))
    db.session.add(project)
    db.session.flush()
    record(actor, "lab.project", project, organisation_id=lab.id)
    return project


def change_stage(actor: User, project: LabProject, stage: ProjectStage, text: str = "",
                 reason: str = "") -> None:
    """Move the project to another stage (any order: a test may send it back to
    prototyping); stopping needs a reason; a stopped project stays stopped."""
    if project.stage == ProjectStage.STOPPED:
        raise Refused(_("Ce projet est arrêté."))
    if stage == project.stage:
        raise Refused(_("Le projet est déjà à cette étape."), "stage")
    if stage == ProjectStage.STOPPED and not (reason or "").strip():
        raise Refused(_("Dites pourquoi le projet s’arrête."), "reason")
    project.stage = stage
    project.stop_reason = reason.strip() if stage == ProjectStage.STOPPED else None
    project.updated_at = utcnow()
    project.journal.append(ProjectEntry(author_id=actor.id, stage=stage,
                                        text=(text or reason or "").strip()))
    db.session.flush()
    record(actor, "lab.stage", project, organisation_id=project.lab_id, stage=stage.value)


@dataclass
class ProjectDraft:
    title: str
    summary: str = ""
    methods: list[str] = field(default_factory=list)
    organisation_ids: list[int] = field(default_factory=list)
    public: bool = True


def project_problems(draft: ProjectDraft) -> dict[str, str]:
    problems = {}
    if len(" ".join((draft.title or "").split())) < 3:
        problems["title"] = _("Donnez un titre d’au moins 3 caractères.")
    unknown = [m for m in draft.methods if m not in METHODS]
    if unknown:
        problems["methods"] = _("Méthode inconnue : %(methods)s.", methods=", ".join(unknown))
    return problems


def update_project(actor: User, project: LabProject, draft: ProjectDraft) -> None:
    """Title, summary, methods, organisations involved, visibility. The requesting
    organisation of an accepted request stays involved: the project is theirs too."""
    for name, message in project_problems(draft).items():
        raise Refused(message, name)
    organisations = list(db.session.scalars(select(Organisation).where(
        Organisation.id.in_(draft.organisation_ids), Organisation.id != project.lab_id)))
    from consult.labs.models import LabRequest as Request

    requester = db.session.scalar(select(Request.organisation_id).where(
        Request.project_id == project.id))
    if requester is not None and requester not in {o.id for o in organisations}:
        raise Refused(_("L’organisation qui a sollicité le laboratoire reste associée au "
                        "projet."), "organisations")
    project.title = " ".join(draft.title.split())[:160]
    project.summary = (draft.summary or "").strip()
    project.methods = list(dict.fromkeys(draft.methods))
    project.organisations = organisations
    project.public = draft.public
    project.updated_at = utcnow()
    db.session.flush()
    record(actor, "lab.project_edit", project, organisation_id=project.lab_id)


def tell(actor: User, project: LabProject, text: str) -> ProjectEntry:
    """A dated line of the project's public journal (a workshop held, a finding)."""
    text = (text or "").strip()
    if len(text) < 3:
        raise Refused(_("Écrivez ce qui s’est passé."), "text")
    entry = ProjectEntry(author_id=actor.id, text=text)
    project.journal.append(entry)
    project.updated_at = utcnow()
    db.session.flush()
    record(actor, "lab.journal", project, organisation_id=project.lab_id)
    return entry


def stage_rank(stage: ProjectStage) -> int:
    return STAGE_ORDER.index(stage) if stage in STAGE_ORDER else len(STAGE_ORDER)


def _target_exists(kind: LinkKind, target_id: int) -> bool:
    from consult.briefs.models import Brief
    from consult.challenges.models import Challenge
    from consult.events.models import Event
    from consult.surveys.models import Survey

    model = {LinkKind.CHALLENGE: Challenge, LinkKind.BRIEF: Brief, LinkKind.EVENT: Event,
             LinkKind.SURVEY: Survey}[kind]
    return db.session.get(model, target_id) is not None


def link(actor: User, project: LabProject, kind: LinkKind, target_id: int) -> ProjectLink:
    """Attach a challenge, a brief, an event or a survey to the project (once)."""
    if not _target_exists(kind, target_id):
        raise Refused(_("Introuvable : vérifiez le numéro."), "target")
    existing = db.session.get(ProjectLink, (project.id, kind, target_id))
    if existing is not None:
        return existing
    entry = ProjectLink(project_id=project.id, kind=kind, target_id=target_id)
    db.session.add(entry)
    db.session.flush()
    record(actor, "lab.link", project, organisation_id=project.lab_id, kind=kind.value,
           target_id=target_id)
    return entry


def unlink(actor: User, project: LabProject, kind: LinkKind, target_id: int) -> None:
    entry = db.session.get(ProjectLink, (project.id, kind, target_id))
    if entry is not None:
        db.session.delete(entry)
        db.session.flush()
        record(actor, "lab.unlink", project, organisation_id=project.lab_id,
               kind=kind.value, target_id=target_id)
