from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, NumberRange, Optional, ValidationError

from consult.challenges.forms import DATE_FORMAT
from consult.codesign.models import ContactPreference, Reviewers, SessionMode
from consult.core.forms import ConsultForm, length, required


class VolunteerForm(ConsultForm):
    consent = BooleanField(_l("J’accepte d’être contacté·e par l’équipe pour tester le "
                              "prototype. Je peux retirer cet accord à tout moment."),
                           [required()])
    availability = TextAreaField(_l("Vos disponibilités (facultatif)"),
                                 [Optional(), length(1000)],
                                 description=_l("Par exemple : « le mercredi après-midi »."))
    contact = SelectField(_l("Comment préférez-vous être contacté·e ?"), choices=lambda: [
        SelectChoice(c.value, c.label) for c in ContactPreference])  # labels at request time
    phone = StringField(_l("Téléphone (si vous préférez être appelé·e)"), [length(30)],
                        description=_l("Par exemple 06 12 34 56 78, ou +32 … hors de France."))

    def validate_phone(self, field) -> None:
        """A number that can be dialled (libphonenumber's data, French numbers by
        default), kept in international format; required when calls are preferred."""
        import phonenumbers

        if not (field.data or "").strip():
            if self.contact.data == ContactPreference.PHONE.value:
                raise ValidationError(_l("Indiquez un numéro pour être appelé·e."))
            return
        try:
            number = phonenumbers.parse(field.data, "FR")
        except phonenumbers.NumberParseException:
            number = None
        if number is None or not phonenumbers.is_valid_number(number):
            raise ValidationError(_l("Ce numéro n’est pas valide : saisissez par exemple "
                                     "06 12 34 56 78 ou +33 6 12 34 56 78."))
        field.data = phonenumbers.format_number(
            number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


class SessionForm(ConsultForm):
    title = StringField(_l("Titre de la séance"), [required(), length(160, 3)])
    description = TextAreaField(_l("Déroulé (facultatif)"), [Optional(), length(4000)])
    starts_at = DateTimeLocalField(_l("Début (heure de Paris)"), [required()],
                                   format=DATE_FORMAT)
    ends_at = DateTimeLocalField(_l("Fin (heure de Paris)"), [required()], format=DATE_FORMAT)
    mode = SelectField(_l("Format"), choices=lambda: [SelectChoice(m.value, m.label)
                                                      for m in SessionMode])
    version = SelectField(_l("Version du prototype testée (facultatif)"), coerce=str,
                          choices=[], validate_choice=False)  # checked by the operation
    location = StringField(_l("Lieu ou lien de visioconférence"), [required(), length(300)])
    capacity = IntegerField(_l("Nombre de places"), [  # 0 is a typed value, not a missing one
        InputRequired(message=_l("Ce champ est obligatoire.")),
        NumberRange(min=1, max=10_000, message=_l("Au moins une place."))])

    def validate(self, extra_validators=None) -> bool:
        """The dates' rules (in the past, end before start) with every other error."""
        valid = super().validate(extra_validators)
        from consult.codesign.operations import session_date_problems
        from consult.core.timezones import local_to_utc

        def utc(field):
            return local_to_utc(field.data) if field.data and not field.errors else None

        problems = session_date_problems(utc(self.starts_at), utc(self.ends_at))
        for name, message in problems.items():
            getattr(self, name).errors = [*getattr(self, name).errors, message]
        return valid and not problems


class VersionForm(ConsultForm):
    name = StringField(_l("Nom de la version"), [required(), length(60)],
                       description=_l("Par exemple « Version 1 » ou « Prototype papier »."))
    released_on = DateField(_l("Date (facultative)"), [Optional()])
    changes = TextAreaField(_l("Ce qui change dans cette version"), [Optional(), length(4000)])
    reviewers = SelectField(_l("Qui peut donner son avis"), choices=lambda: [
        SelectChoice(r.value, r.label) for r in Reviewers])


class FeedbackForm(ConsultForm):
    worked = TextAreaField(_l("Ce qui a bien marché"), [Optional(), length(4000)])
    did_not_work = TextAreaField(_l("Ce qui n’a pas marché"), [Optional(), length(4000)])
    rating = RadioField(_l("Votre note"), [required()], coerce=int, choices=[
        SelectChoice(n, str(n)) for n in range(1, 6)],
        description=_l("De 1 (pas du tout utile) à 5 (très utile)."))
    comment = TextAreaField(_l("Autre chose à dire ? (facultatif)"), [Optional(),
                                                                      length(4000)])
