"""Shared form pieces: the base of every form (the text rule of ``core.text`` and dates
a person can mean, on every field), French messages, the password policy."""

from __future__ import annotations

import functools
from datetime import date, datetime

from flask import current_app
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import DataRequired, Email, Length, NumberRange
from wtforms.widgets import CheckboxInput, ListWidget

from consult.core.passwords import password_problem
from consult.core.text import forbidden_characters_message, has_forbidden_characters

FIRST_YEAR, LAST_YEAR = 2000, 2100  # dates outside are typing mistakes (or attacks)
MAX_INTEGER = 2**31 - 1  # what every integer column holds, on both databases


def _no_control_characters(form, field) -> None:
    if isinstance(field.data, str) and has_forbidden_characters(
            field.data, multiline=isinstance(field, TextAreaField)):
        raise ValidationError(forbidden_characters_message())


def _reasonable_date(form, field) -> None:
    value = field.data
    if isinstance(value, date | datetime) and not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValidationError(_l("Saisissez une date entre %(first)d et %(last)d.",
                                 first=FIRST_YEAR, last=LAST_YEAR))


def _rules_for(field) -> list:
    if isinstance(field, HiddenField):
        return []  # set by the page, not typed: each is read by its own rule (safe_next…)
    if isinstance(field, StringField):
        return [_no_control_characters]
    if isinstance(field, DateField | DateTimeLocalField):
        return [_reasonable_date]
    if isinstance(field, IntegerField):
        return [NumberRange(max=MAX_INTEGER, message=_l("Saisissez un nombre plus petit."))]
    return []


class InputRules:
    """Every field of the form checked by the same rules as the API: no control
    character in text, integers within what the database holds, dates within reason
    (issue 14). Mixed into every form (``ConsultForm``, and sub-forms of lists)."""

    def validate(self, extra_validators=None):
        extra = {name: list(validators) for name, validators in (extra_validators or {}).items()}
        for name, field in self._fields.items():
            rules = _rules_for(field)
            if rules:
                extra[name] = [*extra.get(name, []), *rules]
        return super().validate(extra_validators=extra)


@functools.cache
def _wtforms_catalogue(locale: str):
    from babel import support
    from wtforms.i18n import messages_path

    return support.Translations.load(messages_path(), [locale], domain="wtforms")


class WTFormsTranslations:
    """WTForms' own messages in the request's language, each catalogue read once per
    process: Flask-WTF reads it again from disk on every request that builds a form
    (0.3 ms, a tenth of a signed-in idea page served from the page cache)."""

    def gettext(self, string: str) -> str:
        return _wtforms_catalogue(str(get_locale())).ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return _wtforms_catalogue(str(get_locale())).ungettext(singular, plural, n)


WTFORMS_TRANSLATIONS = WTFormsTranslations()


class ConsultForm(InputRules, FlaskForm):
    """The base of every form of the site."""

    class Meta(FlaskForm.Meta):
        def get_translations(self, form):
            if not current_app.config.get("WTF_I18N_ENABLED", True):
                return super().get_translations(form)
            return WTFORMS_TRANSLATIONS

    def show_refusal(self, refusal) -> None:
        """An operation's ``Refused``: on the field it names, else above the form."""
        target = getattr(self, refusal.field or "", None)
        (target.errors if target is not None and hasattr(target, "errors") else
         self.form_errors).append(refusal.message)

    def add_problems(self, problems: dict[str, str]) -> bool:
        """A domain rule's problems (``*_problems``) on their fields, after each field's
        own error (missing, bad date), so a person sees every problem at once. True when
        there was none."""
        for name, message in problems.items():
            target = getattr(self, name, None)
            if target is None or not hasattr(target, "errors"):
                self.form_errors.append(message)
            elif not target.errors:
                target.errors = [*target.errors, message]
        return not problems

    def error_list(self) -> list[tuple[str | None, str, str]]:
        """Every error at once, as the summary lists them: (id of the field to go to,
        its label, the message); the fields of a list of sub-forms (a challenge's
        phases) are named by their row."""
        found: list[tuple[str | None, str, str]] = []
        for message in self.form_errors:
            found.append((None, "", message))
        for field in self:
            if field.type == "FieldList":
                for number, entry in enumerate(field.entries, start=1):
                    for sub in getattr(entry, "form", [entry]):
                        for message in sub.errors:
                            found.append((sub.id, f"{field.label.text} {number} — "
                                          f"{sub.label.text}", message))
            elif field.type == "FormField":  # a block of sub-fields, named by its title
                for sub in field.form:
                    for message in sub.errors:
                        found.append((sub.id, f"{field.label.text} — {sub.label.text}",
                                      message))
            elif field.errors:
                found.append((field.id, field.label.text, field.errors[0]))
        return found


def required():
    return DataRequired(message=_l("Ce champ est obligatoire."))


class EmailAddress(Email):
    """A valid address that cannot pass for another: addresses mixing look-alike letters
    of several scripts (a Cyrillic « а » in a Latin name) are refused, so that
    « саmille@… » cannot open a second account beside « camille@… » (issue 14; the
    Unicode TR39 confusables data, through confusable-homoglyphs). Width and
    compatibility forms (« ｃａｍｉｌｌｅ ») are folded by ``normalise_email``."""

    def __call__(self, form, field) -> None:
        super().__call__(form, field)
        if looks_like_another_address(field.data or ""):
            raise ValidationError(_l("Cette adresse mêle des lettres d’écritures différentes "
                                     "qui se ressemblent : saisissez-la avec un seul "
                                     "alphabet."))


def looks_like_another_address(address: str) -> bool:
    from confusable_homoglyphs import confusables

    local, _, domain = address.partition("@")
    return any(part and not part.isascii() and confusables.is_dangerous(part)
               for part in (local, domain))


def email_address():
    return EmailAddress(message=_l("Saisissez une adresse e-mail valide, par exemple "
                                   "nom@exemple.fr."), check_deliverability=False)


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
