from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.fields.choices import SelectChoice

from consult.api.models import ApiScope
from consult.core.forms import CheckboxList, ConsultForm, length, required


class TokenForm(ConsultForm):
    name = StringField(_l("Intégration qui utilisera le jeton"), [required(), length(80, 3)],
                       description=_l("Par exemple « Site de la ville » ou « Tableau de bord "
                                      "du laboratoire »."))
    scopes = CheckboxList(_l("Droits du jeton"), [required()],
                          choices=lambda: [SelectChoice(s.value, s.label) for s in ApiScope],
                          description=_l("La lecture des données publiques ne demande aucun "
                                         "jeton."))
