from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, FieldList, FormField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from consult.briefs.models import BRIEF_STATUS_LABELS
from consult.core.forms import CheckboxList, ConsultForm, length, required


class MilestoneForm(ConsultForm):
    class Meta:
        csrf = False

    title = StringField(_l("Jalon"), [Optional(), length(200)])
    due_on = DateField(_l("Date"), [Optional()])


class BriefForm(ConsultForm):
    ideas = CheckboxList(_l("Idées d’origine"), coerce=int,
                         description=_l("Le cahier les cite et crédite leurs auteurs ; chaque "
                                        "idée renvoie au cahier."))
    organisation = SelectField(_l("Équipe ou laboratoire responsable"), coerce=int)
    title = StringField(_l("Titre du cahier"), [required(), length(160, 5)])
    problem_statement = TextAreaField(_l("Énoncé du problème"), [required(), length(8000)])
    users_and_needs = TextAreaField(_l("Les usagers et leurs besoins"), [Optional(),
                                                                         length(8000)])
    proposed_solution = TextAreaField(_l("La solution proposée"), [Optional(), length(12000)])
    hypotheses = TextAreaField(_l("Les hypothèses à tester"), [Optional(), length(6000)])
    success_indicators = TextAreaField(_l("Les indicateurs de réussite"),
                                       [Optional(), length(6000)])
    legal_constraints = TextAreaField(_l("Contraintes juridiques"), [Optional(), length(4000)])
    budget_constraints = TextAreaField(_l("Contraintes budgétaires"), [Optional(),
                                                                       length(4000)])
    technical_constraints = TextAreaField(_l("Contraintes techniques"),
                                          [Optional(), length(4000)])
    team = StringField(_l("Équipe (noms, services)"), [Optional(), length(300)])
    milestones = FieldList(FormField(MilestoneForm), min_entries=4, max_entries=12)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not self.ideas.data:
            self.ideas.errors.append(str(_l("Choisissez au moins une idée.")))
            valid = False
        incomplete = [entry for entry in self.milestones
                      if bool(entry.form.title.data) != bool(entry.form.due_on.data)]
        for entry in incomplete:
            entry.form.due_on.errors.append(str(_l("Un jalon a un nom et une date.")))
        if incomplete:  # FieldList caches its errors during validation: say it here too
            self.form_errors.append(str(_l("Un jalon a un nom et une date.")))
            valid = False
        return valid


class StatusForm(ConsultForm):
    status = SelectField(_l("Nouvel état"), choices=[
        SelectChoice(k.value, v) for k, v in BRIEF_STATUS_LABELS.items()])
    text = TextAreaField(_l("Message public (facultatif)"), [Optional(), length(4000)])
    reason = TextAreaField(_l("Raison de l’abandon"), [Optional(), length(4000)])


class UpdateForm(ConsultForm):
    text = TextAreaField(_l("Nouvelles du cahier"), [required(), length(6000)],
                         description=_l("Publiées dans le journal et envoyées aux personnes "
                                        "qui suivent les idées d’origine."))
