"""Reading a person's answers from the page they posted, question by question: what each
kind of question expects, the error a person reads on the question that is wrong, and
the answer rows to store. Field names: ``q<id>`` (``q<id>-c<choice>`` for a rank or a
statement of a grid)."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from consult.core.text import forbidden_characters_message, has_forbidden_characters
from consult.surveys.models import Answer, Question, QuestionKind

SHORT_TEXT_MAX = 300
LONG_TEXT_MAX = 5000


@dataclass
class Row:
    """An answer to store: (choice, value, text)."""

    choice_id: int | None = None
    value: int | None = None
    text: str | None = None


@dataclass
class Reading:
    rows: dict[int, list[Row]] = field(default_factory=dict)  # question id → rows
    errors: dict[int, str] = field(default_factory=dict)  # question id → message


def field_name(question: Question, choice=None) -> str:
    return f"q{question.id}" + (f"-c{choice.id}" if choice is not None else "")


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None


def _read(question: Question, form: MultiDict) -> tuple[list[Row], str | None]:
    """The rows of one question, or the message saying what is wrong."""
    kind, name = question.kind, field_name(question)
    choice_ids = {c.id for c in question.choices}
    if kind.is_text:
        text = (form.get(name) or "").strip()
        limit = SHORT_TEXT_MAX if kind == QuestionKind.SHORT_TEXT else LONG_TEXT_MAX
        if len(text) > limit:
            return [], _("%(num)d caractères au plus.", num=limit)
        if has_forbidden_characters(text, multiline=kind == QuestionKind.LONG_TEXT):
            return [], forbidden_characters_message()
        return ([Row(text=text)] if text else []), None
    if kind == QuestionKind.SINGLE:
        chosen = _int(form.get(name))
        if form.get(name) and chosen not in choice_ids:
            return [], _("Choisissez l’une des options proposées.")
        return ([Row(choice_id=chosen)] if chosen else []), None
    if kind == QuestionKind.MULTIPLE:
        chosen = [_int(v) for v in form.getlist(name)]
        if any(c not in choice_ids for c in chosen):
            return [], _("Choisissez parmi les options proposées.")
        return [Row(choice_id=c) for c in sorted(set(chosen))], None
    if kind == QuestionKind.YES_NO:
        value = form.get(name)
        if value not in (None, "", "1", "0"):
            return [], _("Répondez par oui ou par non.")
        return ([Row(value=int(value))] if value else []), None
    if kind == QuestionKind.SCALE:
        value = _int(form.get(name))
        if form.get(name) and value not in question.scale:
            return [], _("Choisissez une valeur de %(low)d à %(high)d.", low=question.scale_min,
                         high=question.scale_max)
        return ([Row(value=value)] if value is not None else []), None
    if kind == QuestionKind.RANKING:
        ranks = {c.id: _int(form.get(field_name(question, c))) for c in question.choices}
        given = [r for r in ranks.values() if r is not None]
        if not given:
            return [], None
        if len(given) != len(ranks) or sorted(given) != list(range(1, len(ranks) + 1)):
            return [], _("Donnez à chaque option un rang différent, de 1 à %(num)d.",
                         num=len(ranks))
        return [Row(choice_id=c, value=r) for c, r in ranks.items()], None
    if kind == QuestionKind.GRID:
        values = {c.id: _int(form.get(field_name(question, c))) for c in question.choices}
        if any(v is not None and v not in question.scale for v in values.values()):
            return [], _("Choisissez une valeur de %(low)d à %(high)d.", low=question.scale_min,
                         high=question.scale_max)
        rows = [Row(choice_id=c, value=v) for c, v in values.items() if v is not None]
        if rows and question.required and len(rows) != len(values):
            return [], _("Répondez à chaque affirmation.")
        return rows, None
    raise AssertionError(kind)  # pragma: no cover - every kind is read above


def read_answers(questions: list[Question], form: MultiDict) -> Reading:
    """Every question at once: each error on its question, nothing else lost."""
    reading = Reading()
    for question in questions:
        rows, error = _read(question, form)
        if error is None and question.required and not rows:
            error = _("Cette question est obligatoire.")
        if error is not None:
            reading.errors[question.id] = error
        else:
            reading.rows[question.id] = rows
    return reading


def as_form(questions: list[Question], answers: list[Answer]) -> MultiDict:
    """A person's stored answers as the page posts them, to show them again."""
    by_id = {q.id: q for q in questions}
    form: MultiDict = MultiDict()
    for answer in answers:
        question = by_id.get(answer.question_id)
        if question is None:
            continue
        if question.kind in (QuestionKind.RANKING, QuestionKind.GRID):
            form.add(f"q{question.id}-c{answer.choice_id}", str(answer.value))
        elif question.kind.is_text:
            form.add(f"q{question.id}", answer.text or "")
        elif answer.choice_id is not None:
            form.add(f"q{question.id}", str(answer.choice_id))
        else:
            form.add(f"q{question.id}", str(answer.value))
    return form
