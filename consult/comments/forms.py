"""The forms of the discussion: a comment, a report."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from consult.comments.models import REPORT_REASON_LABELS
from consult.core.forms import ConsultForm, length, required


class CommentForm(ConsultForm):
    body = TextAreaField(_l("Votre commentaire"), [required(), length(5000, 2)])
    parent_id = HiddenField()


class ReportForm(ConsultForm):
    reason = SelectField(_l("Raison du signalement"), [required()])
    details = TextAreaField(_l("Précisions (facultatives)"), [Optional(), length(2000)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # no reason chosen in advance: the person picks one (issue 14)
        self.reason.choices = [SelectChoice("", _l("— Choisissez une raison —")), *(
            SelectChoice(k.value, v) for k, v in REPORT_REASON_LABELS.items())]
