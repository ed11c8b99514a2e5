"""The forms of identity: proving an account with its password before linking, and an
organisation's way of recognising its agents at a ProConnect sign-in."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, TextAreaField
from wtforms.validators import Optional

from consult.core.forms import ConsultForm, length, required


class ProveForm(ConsultForm):
    password = PasswordField(_l("Mot de passe de ce compte"), [required()])


class RecognitionForm(ConsultForm):
    """How the organisation's agents are recognised at a ProConnect sign-in."""

    sirets = TextAreaField(_l("Numéros SIRET ou SIREN"), [Optional(), length(2000)],
                           description=_l("Un par ligne. Un SIREN (9 chiffres) reconnaît "
                                          "tous les établissements de l’organisation."))
    email_domains = TextAreaField(_l("Domaines des adresses e-mail"),
                                  [Optional(), length(2000)],
                                  description=_l("Un par ligne, par exemple "
                                                 "« valdoise.fr »."))
    found_sirets: list[str] = []
    found_domains: list[str] = []

    def validate(self, extra_validators=None) -> bool:
        from consult.identity.agents import parse_domains, parse_sirets

        valid = super().validate(extra_validators)
        self.found_sirets, wrong = parse_sirets(self.sirets.data or "")
        if wrong:
            self.sirets.errors.append(str(_l("Pas un SIRET (14 chiffres) ni un SIREN "
                                             "(9 chiffres) : %(list)s",
                                             list=", ".join(wrong[:5]))))
            valid = False
        self.found_domains, wrong = parse_domains(self.email_domains.data or "")
        if wrong:
            self.email_domains.errors.append(str(_l("Domaine invalide : %(list)s",
                                                    list=", ".join(wrong[:5]))))
            valid = False
        if len(self.found_sirets) > 30 or len(self.found_domains) > 30:
            self.form_errors.append(str(_l("30 numéros et 30 domaines au plus.")))
            valid = False
        return valid
