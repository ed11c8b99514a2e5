"""Calls for projects: a lab publishes a call (eligibility, criteria, a form, dates);
organisations apply through their agents; jurors named for the call score each
application on their own; the lab decides with a public justification and publishes
the decisions at once: each applicant is told once, and the selected applications
become lab projects. Every rule on a call or an application is a ``*_problems``
function, so the form and the API report every problem at once."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from consult.accounts.models import User
from consult.core import events as signals
from consult.core.errors_domain import Refused
from consult.core.events import record
from consult.core.params import is_number as _number
from consult.db import db, utcnow
from consult.labs.models import (
    Application,
    ApplicationStatus,
    Call,
    Criterion,
    Score,
)
from consult.labs.operations import is_lab, open_project, partner_ids
from consult.organisations.models import Organisation, OrganisationKind

MAX_QUESTIONS, MAX_CRITERIA = 10, 10
SCALES = (4, 5, 10, 20)


# --- The call ---------------------------------------------------------------------------


@dataclass
class CallDraft:
    title: str
    opens_at: datetime | None  # UTC
    closes_at: datetime | None
    description: str = ""
    eligibility: str = ""
    eligible_kinds: list[str] = field(default_factory=list)
    partners_only: bool = False
    questions: str = ""  # one per line, « * » at the end: required
    criteria: str = ""  # one per line, « | 2 » at the end: its weight
    scale_max: int = 5


def parse_questions(text: str) -> list[dict]:
    questions = []
    for line in (text or "").splitlines():
        label = line.strip()
        if not label:
            continue
        required = label.endswith("*")
        questions.append({"label": label.rstrip("*").strip()[:300], "required": required})
    return questions


def parse_criteria(text: str) -> list[tuple[str, int | None]]:
    """(label, weight) per line; weight None when what follows « | » is not a number."""
    criteria = []
    for line in (text or "").splitlines():
        label, bar, weight = line.partition("|")
        if not label.strip():
            continue
        weight = weight.strip()
        criteria.append((label.strip()[:200],
                         (int(weight) if _number(weight) else None) if bar else 1))
    return criteria


def questions_text(call: Call) -> str:
    return "\n".join(q["label"] + (" *" if q.get("required") else "") for q in call.questions)


def criteria_text(call: Call) -> str:
    return "\n".join(c.label + (f" | {c.weight}" if c.weight != 1 else "")
                     for c in call.criteria)


def call_problems(draft: CallDraft, existing: Call | None = None) -> dict[str, str]:
    problems = {}
    if len(" ".join((draft.title or "").split())) < 3:
        problems["title"] = _("Donnez un titre d’au moins 3 caractères.")
    if not (draft.eligibility or "").strip():
        problems["eligibility"] = _("Dites qui peut candidater.")
    unknown = [k for k in draft.eligible_kinds if k not in set(OrganisationKind)]
    if unknown:
        problems["eligible_kinds"] = _("Type d’organisation inconnu.")
    if draft.opens_at is None:
        problems["opens_at"] = _("Ce champ est obligatoire.")
    if draft.closes_at is None:
        problems["closes_at"] = _("Ce champ est obligatoire.")
    elif draft.opens_at is not None and draft.closes_at <= draft.opens_at:
        problems["closes_at"] = _("La clôture doit suivre l’ouverture.")
    elif existing is None and draft.closes_at <= utcnow():
        problems["closes_at"] = _("La date de clôture est passée.")
    if len(parse_questions(draft.questions)) > MAX_QUESTIONS:
        problems["questions"] = _("Dix questions au plus.")
    criteria = parse_criteria(draft.criteria)
    if not criteria:
        problems["criteria"] = _("Donnez au moins un critère : le jury note chaque "
                                 "candidature selon les critères.")
    elif len(criteria) > MAX_CRITERIA:
        problems["criteria"] = _("Dix critères au plus.")
    elif any(w is None or not 1 <= w <= 10 for _label, w in criteria):
        problems["criteria"] = _("Le poids d’un critère est un nombre entier de 1 à 10, après "
                                 "une barre : « Impact pour les usagers | 2 ».")
    if draft.scale_max not in SCALES:
        problems["scale_max"] = _("Choisissez une échelle de notation.")
    if existing is not None and _has_applications(existing):
        if parse_questions(draft.questions) != existing.questions:
            problems["questions"] = _("Des candidatures sont déposées : le formulaire ne "
                                      "change plus.")
        if criteria and [(label, w) for label, w in criteria] != [
                (c.label, c.weight) for c in existing.criteria]:
            problems["criteria"] = _("Des candidatures sont déposées : les critères ne "
                                     "changent plus.")
        if draft.scale_max != existing.scale_max:
            problems["scale_max"] = _("Des candidatures sont déposées : l’échelle ne change "
                                      "plus.")
    return problems


def _has_applications(call: Call) -> bool:
    return db.session.scalar(select(Application.id).where(
        Application.call_id == call.id).limit(1)) is not None


def _fill(call: Call, draft: CallDraft) -> None:
    call.title = " ".join(draft.title.split())[:160]
    call.description = (draft.description or "").strip()
    call.eligibility = draft.eligibility.strip()
    call.eligible_kinds = list(dict.fromkeys(draft.eligible_kinds))
    call.partners_only = draft.partners_only
    call.opens_at, call.closes_at = draft.opens_at, draft.closes_at
    call.scale_max = draft.scale_max
    questions = parse_questions(draft.questions)
    if questions != call.questions:
        call.questions = questions
    criteria = parse_criteria(draft.criteria)
    if [(c.label, c.weight) for c in call.criteria] != criteria:
        call.criteria = [Criterion(position=i, label=label, weight=weight)
                         for i, (label, weight) in enumerate(criteria)]


def publish_call(actor: User, lab: Organisation, draft: CallDraft) -> Call:
    if not is_lab(lab):
        raise Refused(_("Seul un laboratoire d’innovation publie des appels à projets."))
    for name, message in call_problems(draft).items():
        raise Refused(message, name)
    call = Call(lab_id=lab.id, created_by_id=actor.id, questions=[], criteria=[])
    _fill(call, draft)
    db.session.add(call)
    db.session.flush()
    record(actor, "lab.call", call, organisation_id=lab.id)
    return call


def update_call(actor: User, call: Call, draft: CallDraft) -> None:
    if call.decisions_published_at is not None:
        raise Refused(_("Les décisions de cet appel sont publiées."))
    for name, message in call_problems(draft, call).items():
        raise Refused(message, name)
    _fill(call, draft)
    db.session.flush()
    record(actor, "lab.call_edit", call, organisation_id=call.lab_id)


def is_open(call: Call, now: datetime | None = None) -> bool:
    now = now or utcnow()
    return call.opens_at <= now < call.closes_at


# --- Jurors -----------------------------------------------------------------------------


def name_juror(actor: User, call: Call, email: str) -> User:
    """A juror is a person with an account (an agent of the lab, of a partner, a
    qualified person); they see the applications of this call only."""
    juror = db.session.scalar(select(User).where(
        User.email == (email or "").strip().lower(), User.deleted_at.is_(None)))
    if juror is None:
        raise Refused(_("Aucun compte n’a cette adresse : la personne doit d’abord créer "
                        "son compte."), "email")
    if juror not in call.jurors:
        call.jurors.append(juror)
        db.session.flush()
        record(actor, "lab.juror", call, organisation_id=call.lab_id, juror_id=juror.id)
    return juror


def remove_juror(actor: User, call: Call, juror: User) -> None:
    if call.decisions_published_at is not None:
        raise Refused(_("Les décisions de cet appel sont publiées : le jury ne change plus."))
    if juror in call.jurors:
        call.jurors.remove(juror)
        db.session.execute(Score.__table__.delete().where(
            Score.juror_id == juror.id, Score.application_id.in_(
                select(Application.id).where(Application.call_id == call.id))))
        db.session.flush()
        record(actor, "lab.juror_removed", call, organisation_id=call.lab_id,
               juror_id=juror.id)


def is_juror(user, call: Call) -> bool:
    return getattr(user, "is_authenticated", False) and any(
        j.id == user.id for j in call.jurors)


# --- Applying ---------------------------------------------------------------------------


def apply_problem(user, call: Call, organisation: Organisation | None) -> str | None:
    """Why ``user`` may not apply to ``call`` for ``organisation`` (None: they may)."""
    if not getattr(user, "is_authenticated", False):
        return _("Connectez-vous pour candidater.")
    if not is_open(call):
        return (_("Les candidatures ouvrent le %(date)s.", date=_date(call.opens_at))
                if utcnow() < call.opens_at else _("Les candidatures sont closes."))
    if organisation is None or not user.is_agent_of(organisation.id):
        return _("Candidatez au nom d’une organisation dont vous êtes agent.")
    if organisation.id == call.lab_id:
        return _("Le laboratoire ne candidate pas à son propre appel.")
    if call.eligible_kinds and organisation.kind.value not in call.eligible_kinds:
        return _("Cet appel est ouvert à d’autres types d’organisation : %(kinds)s.",
                 kinds=", ".join(OrganisationKind(k).label for k in call.eligible_kinds))
    if call.partners_only and organisation.id not in partner_ids(call.lab):
        return _("Cet appel est réservé aux partenaires de %(lab)s.", lab=call.lab.name)
    return None


def _date(value: datetime) -> str:
    from consult.core.i18n import when

    return when(value, "long")


@dataclass
class ApplicationDraft:
    title: str
    summary: str
    answers: list[str] = field(default_factory=list)


def application_problems(call: Call, draft: ApplicationDraft) -> dict[str, str]:
    problems = {}
    if len(" ".join((draft.title or "").split())) < 3:
        problems["title"] = _("Donnez un titre d’au moins 3 caractères.")
    if len((draft.summary or "").strip()) < 20:
        problems["summary"] = _("Présentez le projet en quelques phrases (20 caractères au "
                                "moins).")
    answers = list(draft.answers) + [""] * len(call.questions)
    for i, question in enumerate(call.questions):
        if question.get("required") and not (answers[i] or "").strip():
            problems[f"answer_{i}"] = _("Répondez à cette question.")
    return problems


def submit_application(actor: User, call: Call, organisation: Organisation,
                       draft: ApplicationDraft) -> Application:
    problem = apply_problem(actor, call, organisation)
    if problem:
        raise Refused(problem)
    for name, message in application_problems(call, draft).items():
        raise Refused(message, name)
    application = Application(call_id=call.id, organisation_id=organisation.id,
                              author_id=actor.id)
    _fill_application(application, call, draft)
    db.session.add(application)
    db.session.flush()
    record(actor, "lab.apply", application, organisation_id=call.lab_id,
           applicant_id=organisation.id)
    return application


def _fill_application(application: Application, call: Call, draft: ApplicationDraft) -> None:
    application.title = " ".join(draft.title.split())[:160]
    application.summary = draft.summary.strip()
    answers = [(a or "").strip() for a in draft.answers][:len(call.questions)]
    application.answers = answers + [""] * (len(call.questions) - len(answers))


def update_application(actor: User, application: Application, draft: ApplicationDraft) -> None:
    call = application.call
    if application.status != ApplicationStatus.SUBMITTED or not is_open(call):
        raise Refused(_("Cette candidature ne peut plus être modifiée : les candidatures "
                        "sont closes."))
    for name, message in application_problems(call, draft).items():
        raise Refused(message, name)
    _fill_application(application, call, draft)
    application.updated_at = utcnow()
    db.session.flush()
    record(actor, "lab.apply_edit", application, organisation_id=call.lab_id)


def withdraw(actor: User, application: Application) -> None:
    if application.status != ApplicationStatus.SUBMITTED or not is_open(application.call):
        raise Refused(_("Cette candidature ne peut plus être retirée."))
    application.status = ApplicationStatus.WITHDRAWN
    db.session.flush()
    record(actor, "lab.withdraw", application, organisation_id=application.call.lab_id)


# --- The jury ---------------------------------------------------------------------------


def scoring_problem(user, application: Application) -> str | None:
    call = application.call
    if not is_juror(user, call):
        return _("Seuls les membres du jury de cet appel notent les candidatures.")
    if application.status == ApplicationStatus.WITHDRAWN:
        return _("Cette candidature a été retirée.")
    if call.decisions_published_at is not None:
        return _("Les décisions sont publiées : les notes ne changent plus.")
    if is_open(call):
        return _("Le jury note après la clôture des candidatures, le %(date)s.",
                 date=_date(call.closes_at))
    return None


def score_problems(call: Call, values: dict[int, object]) -> dict[str, str]:
    """Every criterion scored, each a whole number within the call's scale."""
    problems = {}
    for criterion in call.criteria:
        value = values.get(criterion.id)
        if value is None or value == "":
            problems[f"criterion_{criterion.id}"] = _("Notez ce critère.")
            continue
        try:
            number = int(str(value).strip())
        except ValueError:
            number = -1
        if not 0 <= number <= call.scale_max:
            problems[f"criterion_{criterion.id}"] = _(
                "Donnez une note entière de 0 à %(max)d.", max=call.scale_max)
    return problems


def score(juror: User, application: Application, values: dict[int, object],
          comment: str = "") -> None:
    """A juror's scores of one application, on every criterion at once (scored again:
    replaced)."""
    problem = scoring_problem(juror, application)
    if problem:
        raise Refused(problem)
    call = application.call
    for name, message in score_problems(call, values).items():
        raise Refused(message, name)
    db.session.execute(Score.__table__.delete().where(
        Score.application_id == application.id, Score.juror_id == juror.id))
    now = utcnow()
    db.session.add_all(Score(application_id=application.id, juror_id=juror.id,
                             criterion_id=c.id, value=int(str(values[c.id]).strip()),
                             comment=(comment or "").strip(), created_at=now)
                       for c in call.criteria)
    db.session.flush()
    record(juror, "lab.score", application, organisation_id=call.lab_id)


@dataclass
class Consolidated:
    """The jury's view of an application: each complete juror's weighted mean, and their
    mean (on the call's scale); ``None`` until a juror has scored it."""

    application: Application
    per_juror: dict[int, float]
    jurors: int

    @property
    def score(self) -> float | None:
        if not self.per_juror:
            return None
        return sum(self.per_juror.values()) / len(self.per_juror)


def consolidate(call: Call) -> list[Consolidated]:
    """Applications (withdrawn ones left out) ranked by consolidated score."""
    applications = list(db.session.scalars(select(Application).where(
        Application.call_id == call.id, Application.status != ApplicationStatus.WITHDRAWN)
        .order_by(Application.created_at, Application.id)))
    weights = {c.id: c.weight for c in call.criteria}
    total = sum(weights.values()) or 1
    sums: dict[tuple[int, int], list[float]] = {}
    for application_id, juror_id, criterion_id, value in db.session.execute(
            select(Score.application_id, Score.juror_id, Score.criterion_id, Score.value)
            .join(Application).where(Application.call_id == call.id)):
        sums.setdefault((application_id, juror_id), []).append(
            value * weights.get(criterion_id, 0))
    rows = []
    for application in applications:
        per_juror = {juror: sum(parts) / total for (aid, juror), parts in sums.items()
                     if aid == application.id and len(parts) == len(weights)}
        rows.append(Consolidated(application, per_juror, len(call.jurors)))
    return sorted(rows, key=lambda r: (r.score is None, -(r.score or 0)))


def my_scores(juror: User, application: Application) -> dict[int, Score]:
    return {s.criterion_id: s for s in db.session.scalars(select(Score).where(
        Score.application_id == application.id, Score.juror_id == juror.id))}


# --- The decision -----------------------------------------------------------------------

DECISIONS = {"select": ApplicationStatus.SELECTED, "reject": ApplicationStatus.NOT_SELECTED}


def decide(actor: User, application: Application, decision: str, justification: str) -> None:
    """The lab's decision on one application, with its public justification; applicants
    see it when the call's decisions are published."""
    call = application.call
    if call.decisions_published_at is not None:
        raise Refused(_("Les décisions de cet appel sont publiées."))
    if is_open(call):
        raise Refused(_("Les candidatures sont encore ouvertes."))
    if application.status == ApplicationStatus.WITHDRAWN:
        raise Refused(_("Cette candidature a été retirée."))
    status = DECISIONS.get(decision)
    if status is None:
        raise Refused(_("Choisissez une décision."), "decision")
    justification = (justification or "").strip()
    if len(justification) < 10:
        raise Refused(_("Justifiez la décision : elle sera publiée avec le résultat de "
                        "l’appel."), "justification")
    application.status, application.decision = status, justification
    application.decided_at = utcnow()
    db.session.flush()
    record(actor, f"lab.decide_{decision}", application, organisation_id=call.lab_id)


def publication_problem(call: Call) -> str | None:
    if call.decisions_published_at is not None:
        return _("Les décisions sont déjà publiées.")
    if is_open(call):
        return _("Les candidatures sont encore ouvertes.")
    waiting = db.session.scalar(select(Application.id).where(
        Application.call_id == call.id,
        Application.status == ApplicationStatus.SUBMITTED).limit(1))
    if waiting is not None:
        return _("Décidez d’abord de chaque candidature.")
    return None


def publish_decisions(actor: User, call: Call) -> int:
    """Every decision made public at once: each selected application becomes a lab
    project owned with the applicant; each applicant is told once. Returns how many
    projects were opened."""
    problem = publication_problem(call)
    if problem:
        raise Refused(problem)
    now = utcnow()
    call.decisions_published_at = now
    opened = 0
    for application in db.session.scalars(select(Application).where(
            Application.call_id == call.id,
            Application.status.in_((ApplicationStatus.SELECTED,
                                    ApplicationStatus.NOT_SELECTED)),
            Application.told_at.is_(None)).order_by(Application.id)):
        if application.status == ApplicationStatus.SELECTED and application.project_id is None:
            project = open_project(actor, call.lab, title=application.title,
                                   summary=application.summary,
                                   organisations=[application.organisation])
            application.project_id = project.id
            opened += 1
        application.told_at = now
        signals.application_decided.send(application)
    db.session.flush()
    record(actor, "lab.decisions", call, organisation_id=call.lab_id, projects=opened)
    return opened


