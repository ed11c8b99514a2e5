"""The one form of identity: proving an account with its password before linking."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import PasswordField

from consult.core.forms import ConsultForm, required


class ProveForm(ConsultForm):
    password = PasswordField(_l("Mot de passe de ce compte"), [required()])
