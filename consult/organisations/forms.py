from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, SelectField, StringField, TextAreaField, URLField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import URL, Optional

from consult.core.forms import ConsultForm, email_address, length, required
from consult.organisations.models import ORGANISATION_KIND_LABELS, MembershipRole
from consult.territories.forms import TerritoryField


class OrganisationForm(ConsultForm):
    name = StringField(_l("Nom de l'organisation"), [required(), length(160, 2)])
    kind = SelectField(_l("Type d'organisation"), [required()],
                       choices=[SelectChoice(kind.value, label)
                                for kind, label in ORGANISATION_KIND_LABELS.items()])
    territory = TerritoryField(_l("Territoire (facultatif)"), [Optional(), length(120)],
                            description=_l("Une région, un département ou une commune."))
    website = URLField(_l("Site internet (facultatif)"),
                       [Optional(), URL(message=_l("Saisissez une adresse commençant par "
                                                   "https://")), length(300)])
    description = TextAreaField(_l("Présentation (facultative)"), [Optional(), length(4000)],
                                description=_l("Markdown accepté."))


class InviteForm(ConsultForm):
    email = EmailField(_l("Adresse e-mail de la personne"),
                       [required(), email_address(), length(320)])
    role = SelectField(_l("Rôle"), choices=[
        SelectChoice(MembershipRole.AGENT.value, _l("Agent : lance et modère les défis")),
        SelectChoice(MembershipRole.ADMIN.value, _l("Administrateur : gère aussi les membres")),
    ], default=MembershipRole.AGENT.value)


class AppointAdminForm(ConsultForm):
    email = EmailField(_l("Adresse e-mail de l'administrateur"),
                       [required(), email_address(), length(320)])


class ConfirmForm(ConsultForm):
    """A form with only its CSRF token, for POST buttons."""
