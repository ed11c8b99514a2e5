from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import NumberRange, Optional

from consult.core.forms import ConsultForm, length, required
from consult.ideas.models import ANSWER_STATUS_LABELS


class DecisionForm(ConsultForm):
    action = SelectField(_l("Décision"), [required()], choices=[
        SelectChoice("approve", _l("Approuver (publier ou garder publiée)")),
        SelectChoice("reject", _l("Refuser, en citant la charte")),
        SelectChoice("hide", _l("Masquer")),
        SelectChoice("restore", _l("Rétablir")),
    ])
    rule = SelectField(_l("Règle de la charte (pour un refus)"), [Optional()], coerce=str)
    reason = StringField(_l("Raison (pour masquer ou rétablir)"), [Optional(), length(300)])
    message = TextAreaField(_l("Message à l’auteur (facultatif)"), [Optional(), length(2000)])

    def set_rules(self, rules) -> None:
        self.rule.choices = [SelectChoice("", "—")] + [
            SelectChoice(str(r.id), r.label) for r in rules]


class BulkForm(DecisionForm):
    """The same decision applied to every ticked item."""


class TitleForm(ConsultForm):
    title = StringField(_l("Titre corrigé"), [required(), length(140, 5)])
    note = StringField(_l("Note pour l’auteur (facultative)"), [Optional(), length(300)])


class ThemeForm(ConsultForm):
    theme = SelectField(_l("Thème"), [Optional()], coerce=str)


class MergeForm(ConsultForm):
    kept = IntegerField(_l("Numéro de l’idée à garder"), [required(), NumberRange(min=1)],
                        description=_l("L’idée en double sera close ; son auteur sera crédité "
                                       "sur l’idée gardée et ses soutiens seront prévenus."))


class AnswerForm(ConsultForm):
    status = SelectField(_l("Réponse"), [required()], choices=[
        SelectChoice(k.value, v) for k, v in ANSWER_STATUS_LABELS.items()])
    text = TextAreaField(_l("Explication publique"), [Optional(), length(4000)],
                         description=_l("Obligatoire pour une idée non retenue. "
                                        "Markdown accepté."))


class CommentDecisionForm(ConsultForm):
    action = SelectField(_l("Décision"), [required()], choices=[
        SelectChoice("hide", _l("Masquer le commentaire")),
        SelectChoice("keep", _l("Garder : les signalements ne sont pas fondés")),
        SelectChoice("restore", _l("Rétablir")),
    ])
    reason = StringField(_l("Raison"), [Optional(), length(300)])


class SettingsForm(ConsultForm):
    mode = SelectField(_l("Modération des nouvelles idées"), choices=[
        SelectChoice("post", _l("Après publication : les idées paraissent tout de suite")),
        SelectChoice("pre", _l("Avant publication : les idées attendent une approbation")),
    ])
    threshold = IntegerField(
        _l("Masquage automatique après combien de signalements ?"),
        [Optional(), NumberRange(min=1, max=1000, message=_l("Entre 1 et 1000."))],
        description=_l("Un contenu signalé par ce nombre de personnes différentes est masqué "
                       "jusqu’à la décision d’un agent. Laisser vide pour ne jamais masquer "
                       "automatiquement."))
