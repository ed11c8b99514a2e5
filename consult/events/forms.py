"""Forms of events and programmes. The rules on what an event may be are the
operations' (``event_problems``): the form adds them to its own errors, on their
fields, so that a person sees every problem at once and keeps what they typed."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional

from consult.challenges.forms import DATE_FORMAT
from consult.core.forms import CheckboxList, ConsultForm, length, required
from consult.core.timezones import local_to_utc
from consult.events.models import Audience, EventFormat, EventKind
from consult.events.operations import MAX_QUESTIONS, EventDraft, event_problems
from consult.events.programmes import ProgrammeDraft, programme_problems
from consult.events.themes import theme_choices
from consult.territories.forms import TerritoryField


def _kinds(with_test: bool):
    return [SelectChoice(k.value, k.label) for k in EventKind
            if with_test or k is not EventKind.USER_TEST]


class EventForm(ConsultForm):
    kind = SelectField(_l("Type d’événement"), choices=lambda: _kinds(False))
    title = StringField(_l("Titre"), [required(), length(160, 3)])
    description = TextAreaField(_l("Présentation (facultative)"), [Optional(), length(8000)],
                                description=_l("Le programme, à qui il s’adresse, ce qu’on y "
                                               "fera. Markdown accepté."))
    starts_at = DateTimeLocalField(_l("Début (heure de Paris)"), [required()],
                                   format=DATE_FORMAT)
    ends_at = DateTimeLocalField(_l("Fin (heure de Paris)"), [required()], format=DATE_FORMAT)
    format = SelectField(_l("Format"), choices=lambda: [SelectChoice(f.value, f.label)
                                                        for f in EventFormat])
    address = StringField(_l("Adresse du lieu (sur place)"), [Optional(), length(300)],
                          description=_l("Par exemple : Salle du conseil, 2 place de la "
                                         "Mairie."))
    commune = TerritoryField(_l("Commune (sur place)"), [Optional(), length(120)],
                             description=_l("Son nom, « Cergy (95) », ou son code INSEE."))
    online_url = StringField(_l("Lien de connexion (en ligne)"), [Optional(), length(500)],
                             description=_l("Donné seulement aux personnes inscrites."))
    audience = SelectField(_l("Public"), choices=lambda: [SelectChoice(a.value, a.label)
                                                          for a in Audience])
    capacity = IntegerField(_l("Nombre de places"), [  # 0 is a typed value, not a missing one
        InputRequired(message=_l("Ce champ est obligatoire."))])
    themes = CheckboxList(_l("Thèmes"), choices=theme_choices, validate_choice=False)
    step_free = BooleanField(_l("Accès de plain-pied ou ascenseur"))
    sign_language = BooleanField(_l("Interprétation en langue des signes"))
    easy_read = BooleanField(_l("Supports en français facile à lire et à comprendre (FALC)"))
    accessibility_notes = TextAreaField(_l("Autres informations d’accessibilité (facultatif)"),
                                        [Optional(), length(2000)])
    partners = CheckboxList(_l("Organisations partenaires (co-organisatrices)"), coerce=int,
                            validate_choice=False)
    challenge = SelectField(_l("Défi lié (facultatif)"), coerce=str, choices=[],
                            validate_choice=False,
                            description=_l("Les idées recueillies pendant l’événement y "
                                           "seront déposées."))
    questions = TextAreaField(_l("Questions posées à l’inscription (facultatif)"),
                              [Optional(), length(1500)],
                              description=_l("Une question par ligne, %(max)s au plus ; "
                                             "terminez par « * » une question obligatoire.",
                                             max=MAX_QUESTIONS))

    programme = None  # the programme the event is submitted to, if any
    brief_id: int | None = None
    existing = None

    def draft(self) -> EventDraft:
        def utc(field):
            return local_to_utc(field.data) if field.data and not field.errors else None

        return EventDraft(
            kind=EventKind(self.kind.data) if self.kind.data in set(EventKind) else
            EventKind.WORKSHOP,
            title=self.title.data or "", description=self.description.data or "",
            starts_at=utc(self.starts_at), ends_at=utc(self.ends_at),
            format=EventFormat(self.format.data) if self.format.data in set(EventFormat)
            else EventFormat.IN_PERSON,
            capacity=self.capacity.data if not self.capacity.errors else None,
            address=self.address.data, commune=self.commune.territory,
            online_url=self.online_url.data,
            audience=Audience(self.audience.data) if self.audience.data in set(Audience)
            else Audience.EVERYONE,
            themes=list(self.themes.data or []), step_free=self.step_free.data,
            sign_language=self.sign_language.data, easy_read=self.easy_read.data,
            accessibility_notes=self.accessibility_notes.data or "",
            challenge_id=_int(self.challenge.data), brief_id=self.brief_id,
            version_id=_int(getattr(getattr(self, "version", None), "data", None)),
            partner_ids=list(self.partners.data or []),
            questions=parse_questions(self.questions.data or ""))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        return self.add_problems(event_problems(self.draft(), self.programme,
                                                self.existing)) and valid

    def fill_from(self, event) -> None:
        """The form, on GET, with the event as it stands (dates in Paris time)."""
        from consult.core.timezones import utc_to_local

        self.process(obj=event)
        self.kind.data, self.format.data = event.kind.value, event.format.value
        self.audience.data = event.audience.value
        self.starts_at.data = utc_to_local(event.starts_at)
        self.ends_at.data = utc_to_local(event.ends_at)
        self.commune.data = event.commune.label if event.commune else ""
        self.themes.data = event.theme_codes
        self.partners.data = [p.id for p in event.partners]
        self.challenge.data = str(event.challenge_id or "")
        self.questions.data = "\n".join(q.label + (" *" if q.required else "")
                                        for q in event.questions)


def _int(value) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def parse_questions(text: str) -> list[tuple[str, bool]]:
    """« Votre service ? * » → (« Votre service ? », required)."""
    questions = []
    for line in text.splitlines():
        line = " ".join(line.split())
        if not line:
            continue
        required_ = line.endswith("*")
        questions.append((line.rstrip("*").strip(), required_))
    return [q for q in questions if q[0]]


class UserTestForm(EventForm):
    """A user test of a brief: the same event, with the version of the prototype."""

    kind = SelectField(_l("Type d’événement"), choices=lambda: [
        SelectChoice(EventKind.USER_TEST.value, EventKind.USER_TEST.label)],
        default=EventKind.USER_TEST.value)
    version = SelectField(_l("Version du prototype testée (facultatif)"), coerce=str,
                          choices=[], validate_choice=False)  # checked by the operation


class RegistrationForm(ConsultForm):
    needs = TextAreaField(_l("Besoins d’accessibilité (facultatif)"), [Optional(), length(2000)],
                          description=_l("Par exemple : place pour un fauteuil, boucle "
                                         "magnétique, accompagnant·e. Seuls les organisateurs "
                                         "le lisent."))


class CancelEventForm(ConsultForm):
    reason = TextAreaField(_l("Message aux personnes inscrites"), [required(), length(2000)])


class WriteUpForm(ConsultForm):
    summary = TextAreaField(_l("Ce qui s’est passé"), [required(), length(10000)],
                            description=_l("Ce qui a été dit, décidé, ce qui suit. Markdown "
                                           "accepté."))
    attendance = IntegerField(_l("Nombre de participants"), [Optional()],
                              description=_l("Vide : le nombre de personnes pointées."))
    materials = TextAreaField(_l("Supports (facultatif)"), [Optional(), length(4000)],
                              description=_l("Liens vers les diaporamas, photos, restitutions."))
    ideas = TextAreaField(_l("Idées recueillies pendant l’atelier (facultatif)"),
                          [Optional(), length(20000)],
                          description=_l("Une idée par paragraphe : la première ligne est son "
                                         "titre. Elles sont déposées dans le défi lié, au nom "
                                         "de l’atelier, et passent par sa modération."))


class ProgrammeForm(ConsultForm):
    title = StringField(_l("Titre"), [required(), length(160, 3)],
                        description=_l("Par exemple : « Mois de l’innovation publique "
                                       "2027 »."))
    description = TextAreaField(_l("Présentation"), [Optional(), length(8000)])
    starts_on = DateField(_l("Premier jour"), [required()])
    ends_on = DateField(_l("Dernier jour"), [required()])
    territory = TerritoryField(_l("Territoire (vide : national)"), [Optional(), length(120)])
    submissions_open = BooleanField(_l("Les partenaires peuvent proposer des événements"),
                                    default=True)

    def draft(self) -> ProgrammeDraft:
        return ProgrammeDraft(title=self.title.data or "", description=self.description.data or "",
                              starts_on=self.starts_on.data if not self.starts_on.errors else None,
                              ends_on=self.ends_on.data if not self.ends_on.errors else None,
                              territory=self.territory.territory,
                              submissions_open=bool(self.submissions_open.data))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        return self.add_problems(programme_problems(self.draft())) and valid


class ReviewForm(ConsultForm):
    decision = SelectField(_l("Décision"), choices=lambda: [
        SelectChoice("accept", _l("Accepter")),
        SelectChoice("changes", _l("Demander des modifications")),
        SelectChoice("refuse", _l("Refuser"))])
    reason = TextAreaField(_l("Message à l’organisateur"), [Optional(), length(2000)],
                           description=_l("Obligatoire pour demander des modifications ou "
                                          "refuser."))
