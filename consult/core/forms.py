"""Shared form pieces: French messages, the password policy as a validator."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectMultipleField, ValidationError
from wtforms.validators import DataRequired, Email, Length
from wtforms.widgets import CheckboxInput, ListWidget

from consult.core.passwords import password_problem


def required():
    return DataRequired(message=_l("Ce champ est obligatoire."))


def email_address():
    return Email(message=_l("Saisissez une adresse e-mail valide, par exemple nom@exemple.fr."),
                 check_deliverability=False)


def length(maximum: int, minimum: int = -1):
    if minimum > 0:
        return Length(min=minimum, max=maximum, message=_l(
            "Saisissez entre %(min)d et %(max)d caractères.", min=minimum, max=maximum))
    return Length(max=maximum, message=_l("Saisissez au plus %(max)d caractères.", max=maximum))


class AcceptablePassword:
    """The password policy of ``core.passwords``; compares with the form's e-mail field."""

    def __init__(self, email_field: str | None = "email") -> None:
        self.email_field = email_field

    def __call__(self, form, field) -> None:
        email = None
        if self.email_field and self.email_field in form:
            email = form[self.email_field].data
        elif getattr(form, "account_email", None):
            email = form.account_email
        problem = password_problem(field.data or "", email)
        if problem:
            raise ValidationError(problem)



class CheckboxList(SelectMultipleField):
    """Several choices as checkboxes (rendered by the ``checkboxes`` macro)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()
