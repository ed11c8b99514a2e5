from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional, ValidationError

from consult.codesign.models import ContactPreference, Reviewers
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
