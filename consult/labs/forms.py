"""Forms of labs: calling on a lab, triage, partners, projects, calls for projects,
applications and the jury's scores. The rules are the operations' (``*_problems``): a
form adds them to its own errors, on their fields, so a person sees every problem at
once and keeps what they typed."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateTimeLocalField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from consult.challenges.forms import DATE_FORMAT
from consult.core.forms import CheckboxList, ConsultForm, email_address, length, required
from consult.core.params import is_number as _number
from consult.core.timezones import local_to_utc, utc_to_local
from consult.labs import calls
from consult.labs.models import METHODS, ProjectStage
from consult.labs.operations import ProjectDraft, RequestDraft, project_problems, request_problems
from consult.organisations.models import OrganisationKind


class RequestForm(ConsultForm):
    organisation = SelectField(_l("Au nom de"), coerce=str, choices=[], validate_choice=False)
    service = StringField(_l("Service public concerné"), [required(), length(200)],
                          description=_l("Par exemple : l’instruction des bourses "
                                         "départementales, l’accueil de la mairie."))
    users_concerned = TextAreaField(_l("Usagers concernés"), [required(), length(2000)],
                                    description=_l("Qui vit le problème : familles, "
                                                   "personnes âgées, entreprises, agents…"))
    problem = TextAreaField(_l("Ce qui ne va pas"), [required(), length(8000)],
                            description=_l("Ce que vivent les usagers et les agents, avec "
                                           "des exemples et, si vous en avez, des chiffres."))
    tried = TextAreaField(_l("Ce qui a déjà été essayé (facultatif)"),
                          [Optional(), length(4000)])
    to_involve = TextAreaField(_l("Qui associer (facultatif)"), [Optional(), length(2000)],
                               description=_l("Services, partenaires, usagers à rencontrer."))

    def draft(self) -> RequestDraft:
        return RequestDraft(service=self.service.data or "",
                            users_concerned=self.users_concerned.data or "",
                            problem=self.problem.data or "", tried=self.tried.data or "",
                            to_involve=self.to_involve.data or "")

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        return self.add_problems(request_problems(self.draft())) and valid


class TriageForm(ConsultForm):
    decision = SelectField(_l("Réponse"), choices=lambda: [
        SelectChoice("accept", _l("Accepter : ouvrir un projet")),
        SelectChoice("details", _l("Demander des précisions")),
        SelectChoice("redirect", _l("Orienter vers un autre laboratoire")),
        SelectChoice("decline", _l("Décliner"))])
    title = StringField(_l("Titre du projet (si vous acceptez)"), [Optional(), length(160)])
    redirect_to = SelectField(_l("Laboratoire (si vous orientez)"), coerce=str, choices=[],
                              validate_choice=False)
    reason = TextAreaField(_l("Votre message"), [Optional(), length(4000)],
                           description=_l("Obligatoire sauf pour accepter : la personne qui a "
                                          "sollicité le laboratoire le lira."))


class PartnerForm(ConsultForm):
    partner = SelectField(_l("Organisation partenaire"), coerce=str, choices=[],
                          validate_choice=False)


class ProjectForm(ConsultForm):
    title = StringField(_l("Titre"), [required(), length(160, 3)])
    summary = TextAreaField(_l("Présentation"), [Optional(), length(8000)],
                            description=_l("Le problème, ce que le projet cherche, avec qui. "
                                           "Markdown accepté."))
    methods = CheckboxList(_l("Méthodes"), choices=lambda: [(k, v) for k, v in METHODS.items()],
                           validate_choice=False)
    organisations = CheckboxList(_l("Organisations associées"), coerce=int,
                                 validate_choice=False)
    public = BooleanField(_l("Projet public (sa page et son journal sont visibles de tous)"),
                          default=True)

    def draft(self) -> ProjectDraft:
        return ProjectDraft(title=self.title.data or "", summary=self.summary.data or "",
                            methods=list(self.methods.data or []),
                            organisation_ids=list(self.organisations.data or []),
                            public=bool(self.public.data))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        return self.add_problems(project_problems(self.draft())) and valid


class StageForm(ConsultForm):
    stage = SelectField(_l("Nouvelle étape"), choices=lambda: [
        SelectChoice(s.value, s.label) for s in ProjectStage])
    text = TextAreaField(_l("Ce qui s’est passé (publié au journal)"),
                         [Optional(), length(4000)])
    reason = TextAreaField(_l("Pourquoi le projet s’arrête (si vous l’arrêtez)"),
                           [Optional(), length(4000)])


class JournalForm(ConsultForm):
    text = TextAreaField(_l("Nouvelle du projet"), [required(), length(4000)],
                         description=_l("Publiée au journal du projet, datée."))


class LinkForm(ConsultForm):
    kind = SelectField(_l("Type"), choices=lambda: [
        SelectChoice(k.value, str(label)) for k, label in _link_labels().items()])
    target = StringField(_l("Numéro"), [required(), length(12)],
                         description=_l("Le numéro dans son adresse : /cahiers/12 → 12."))


def _link_labels():
    from consult.labs.queries import LINK_LABELS

    return LINK_LABELS


# --- Calls for projects ----------------------------------------------------------------


class CallForm(ConsultForm):
    title = StringField(_l("Titre de l’appel"), [required(), length(160, 3)])
    description = TextAreaField(_l("Présentation"), [Optional(), length(8000)],
                                description=_l("Ce que le laboratoire propose, le calendrier, "
                                               "l’accompagnement. Markdown accepté."))
    eligibility = TextAreaField(_l("Qui peut candidater"), [required(), length(4000)])
    eligible_kinds = CheckboxList(_l("Types d’organisation admis (aucun coché : tous)"),
                                  choices=lambda: [(k.value, k.label) for k in OrganisationKind],
                                  validate_choice=False)
    partners_only = BooleanField(_l("Réservé aux partenaires du laboratoire"))
    opens_at = DateTimeLocalField(_l("Ouverture des candidatures (heure de Paris)"),
                                  [required()], format=DATE_FORMAT)
    closes_at = DateTimeLocalField(_l("Clôture des candidatures (heure de Paris)"),
                                   [required()], format=DATE_FORMAT)
    questions = TextAreaField(_l("Questions du formulaire de candidature (facultatif)"),
                              [Optional(), length(3000)],
                              description=_l("Une question par ligne, %(max)s au plus ; "
                                             "terminez par « * » une question obligatoire.",
                                             max=calls.MAX_QUESTIONS))
    criteria = TextAreaField(_l("Critères de sélection"), [required(), length(3000)],
                             description=_l("Un critère par ligne ; son poids après une barre "
                                            "si ce n’est pas 1 : « Impact pour les usagers "
                                            "| 2 »."))
    scale_max = SelectField(_l("Notation de chaque critère"), coerce=str, choices=lambda: [
        SelectChoice(str(n), _l("de 0 à %(max)d", max=n)) for n in calls.SCALES],
        default="5")

    existing = None

    def draft(self) -> calls.CallDraft:
        def utc(field):
            return local_to_utc(field.data) if field.data and not field.errors else None

        return calls.CallDraft(
            title=self.title.data or "", description=self.description.data or "",
            eligibility=self.eligibility.data or "",
            eligible_kinds=list(self.eligible_kinds.data or []),
            partners_only=bool(self.partners_only.data), opens_at=utc(self.opens_at),
            closes_at=utc(self.closes_at), questions=self.questions.data or "",
            criteria=self.criteria.data or "",
            scale_max=int(self.scale_max.data) if _number(self.scale_max.data) else 0)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        problems = calls.call_problems(self.draft(), self.existing)
        if self.opens_at.errors or self.closes_at.errors:  # their own error says it
            problems.pop("opens_at", None), problems.pop("closes_at", None)
        return self.add_problems(problems) and valid

    def fill_from(self, call) -> None:
        self.process(obj=call)
        self.opens_at.data = utc_to_local(call.opens_at)
        self.closes_at.data = utc_to_local(call.closes_at)
        self.questions.data = calls.questions_text(call)
        self.criteria.data = calls.criteria_text(call)
        self.scale_max.data = str(call.scale_max)


class JurorForm(ConsultForm):
    email = StringField(_l("Adresse e-mail du juré"), [required(), email_address()])


def application_form(call, organisations=(), data=None):
    """The call's form: title, summary, then one field per question of the call."""

    class ApplicationForm(ConsultForm):
        organisation = SelectField(_l("Au nom de"), coerce=str, choices=[
            SelectChoice(o.slug, o.name) for o in organisations], validate_choice=False)
        title = StringField(_l("Titre du projet"), [required(), length(160, 3)])
        summary = TextAreaField(_l("Présentation du projet"), [required(), length(8000)],
                                description=_l("Le service concerné, le problème, ce que vous "
                                               "attendez du laboratoire."))

        def draft(self) -> calls.ApplicationDraft:
            return calls.ApplicationDraft(
                title=self.title.data or "", summary=self.summary.data or "",
                answers=[getattr(self, f"answer_{i}").data or ""
                         for i in range(len(call.questions))])

        def validate(self, extra_validators=None) -> bool:
            valid = super().validate(extra_validators)
            return self.add_problems(calls.application_problems(call, self.draft())) and valid

    for i, question in enumerate(call.questions):
        label = question["label"] + ("" if question.get("required") else
                                     " " + str(_l("(facultatif)")))
        setattr(ApplicationForm, f"answer_{i}",
                TextAreaField(label, [Optional(), length(8000)]))
    return ApplicationForm(data=data)


def score_form(call, data=None):
    """One field per criterion (a whole number on the call's scale), and a comment."""

    class ScoreForm(ConsultForm):
        comment = TextAreaField(_l("Votre appréciation (vue du laboratoire et du jury)"),
                                [Optional(), length(4000)])

        def values(self) -> dict[int, object]:
            return {c.id: getattr(self, f"criterion_{c.id}").data for c in call.criteria}

        def validate(self, extra_validators=None) -> bool:
            valid = super().validate(extra_validators)
            return self.add_problems(calls.score_problems(call, self.values())) and valid

    for criterion in call.criteria:
        label = criterion.label + (" " + str(_l("(poids %(weight)d)", weight=criterion.weight))
                                   if criterion.weight != 1 else "")
        setattr(ScoreForm, f"criterion_{criterion.id}", StringField(
            label, [Optional(), length(3)], render_kw={"inputmode": "numeric"},
            description=_l("Note entière de 0 à %(max)d.", max=call.scale_max)))
    return ScoreForm(data=data)


class DecisionForm(ConsultForm):
    decision = SelectField(_l("Décision"), choices=lambda: [
        SelectChoice("select", _l("Retenir")), SelectChoice("reject", _l("Ne pas retenir"))])
    justification = TextAreaField(_l("Justification publique"), [Optional(), length(4000)],
                                  description=_l("Publiée avec le résultat de l’appel et "
                                                 "adressée au candidat."))




class SolutionForm(ConsultForm):
    title = StringField(_l("Nom de la solution"), [required(), length(160, 3)])
    summary = TextAreaField(_l("Ce qu’elle résout et comment elle marche"),
                            [required(), length(8000)],
                            description=_l("Pour une autre administration qui voudrait "
                                           "l’essayer. Markdown accepté."))
    assessment = TextAreaField(_l("Appréciation du laboratoire"), [required(), length(8000)],
                               description=_l("Ce qui a marché, ce qui reste à améliorer, les "
                                              "conditions de réussite ailleurs."))

    def validate(self, extra_validators=None) -> bool:
        from consult.labs.catalogue import solution_problems

        valid = super().validate(extra_validators)
        return self.add_problems(solution_problems(
            self.title.data or "", self.summary.data or "", self.assessment.data or "")) \
            and valid


class ReuseForm(ConsultForm):
    organisation = SelectField(_l("Pour l’administration"), coerce=str, choices=[],
                               validate_choice=False)
    lab = SelectField(_l("Projet porté par le laboratoire"), coerce=str, choices=[],
                      validate_choice=False)
