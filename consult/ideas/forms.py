from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from consult.core.forms import ConsultForm, length, required
from consult.territories.forms import TerritoryField


class IdeaForm(ConsultForm):
    title = StringField(_l("Titre de l’idée"), [required(), length(140, 5)],
                        description=_l("Une phrase qui dit ce que vous proposez."))
    body = TextAreaField(_l("Description"), [required(), length(10_000, 20)],
                         description=_l("Le problème que vous avez rencontré et ce que vous "
                                        "proposez. Markdown accepté : **gras**, listes, "
                                        "liens."))
    theme = SelectField(_l("Thème"), [Optional()], coerce=str, validate_choice=True)
    territory = TerritoryField(_l("Territoire concerné (facultatif)"), [Optional(), length(120)],
                            description=_l("Une commune ou un département, par exemple "
                                           "« Pontoise » ou « 95 »."))
    unique_confirmed = HiddenField(default="")

    def set_themes(self, themes) -> None:
        self.theme.choices = [SelectChoice("", _l("Aucun thème en particulier"))] + [
            SelectChoice(str(t.id), t.name) for t in themes]
