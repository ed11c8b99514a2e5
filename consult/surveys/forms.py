"""The forms of the questionnaire builder (the answers' page reads its own fields, see
answering.py: its questions are data)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from consult.core.forms import ConsultForm, length, required
from consult.surveys.models import QuestionKind


class SettingsForm(ConsultForm):
    intro = TextAreaField(_l("Introduction"), [Optional(), length(6000)],
                          description=_l("Ce que l’on cherche à comprendre, combien de temps "
                                         "il faut, ce que deviendront les réponses. Markdown "
                                         "accepté."))
    anonymous = BooleanField(
        _l("Réponses anonymes"),
        description=_l("Les réponses ne gardent aucun lien avec le compte, au-delà de ce qui "
                       "empêche de répondre deux fois. Ne peut plus changer après la "
                       "première réponse."))
    version = SelectField(_l("Version de prototype testée (facultatif)"), coerce=str,
                          description=_l("Pour un test de prototype : le score SUS de "
                                         "chaque version s’affiche sur son cahier."))

    def set_versions(self, versions) -> None:
        self.version.choices = [SelectChoice("", _l("— Aucune —"))] + [
            SelectChoice(str(v.id), f"{brief_title} — {v.name}") for v, brief_title in versions]


class QuestionForm(ConsultForm):
    kind = SelectField(_l("Type de question"), choices=[
        SelectChoice(k.value, k.label) for k in QuestionKind])
    label = StringField(_l("Question"), [required(), length(300, 3)])
    help = TextAreaField(_l("Aide (facultative)"), [Optional(), length(1000)],
                         description=_l("Une précision, un exemple."))
    required = BooleanField(_l("Réponse obligatoire"), default=True)
    choices = TextAreaField(
        _l("Options, ou affirmations d’une grille (une par ligne)"), [Optional(), length(8000)],
        description=_l("Pour les choix, les classements et les grilles."))
    scale = SelectField(_l("Échelle"), choices=[SelectChoice("1-5", _l("De 1 à 5")),
                                               SelectChoice("0-10", _l("De 0 à 10"))],
                        description=_l("Pour les échelles et les grilles."))
    low_label = StringField(_l("Libellé du bas de l’échelle (facultatif)"),
                            [Optional(), length(80)],
                            description=_l("Par exemple : « Pas du tout d’accord »."))
    high_label = StringField(_l("Libellé du haut de l’échelle (facultatif)"),
                             [Optional(), length(80)])

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        kind = QuestionKind(self.kind.data) if self.kind.data in set(QuestionKind) else None
        lines = [line for line in (self.choices.data or "").splitlines() if line.strip()]
        if kind is not None and kind.has_choices and \
                len(lines) < (1 if kind == QuestionKind.GRID else 2):
            self.choices.errors.append(str(
                _l("Une affirmation au moins, une par ligne.") if kind == QuestionKind.GRID
                else _l("Deux options au moins, une par ligne.")))
            valid = False
        return valid

    def values(self) -> dict:
        return {"label": self.label.data, "help": self.help.data or "",
                "required": bool(self.required.data),
                "choices": (self.choices.data or "").splitlines(), "scale": self.scale.data,
                "low_label": self.low_label.data or "", "high_label": self.high_label.data or ""}
