"""What labs hold about a person (export) and let go with the account: the requests
and applications they wrote for their organisation (the organisation keeps them, no
longer signed), the journal lines and catalogue entries they wrote (same), and, as a
juror, their scores (the values stay with the call's decision; their remarks are
erased) and their seats on juries still deciding."""

from __future__ import annotations

from sqlalchemy import delete, select, update

from consult.accounts.models import User
from consult.accounts.personal_data import eraser, iso, section
from consult.db import db
from consult.labs.models import (
    Application,
    Call,
    LabRequest,
    ProjectEntry,
    Score,
    Solution,
    call_jurors,
)


@section("lab_requests")
def requests(user: User) -> list[dict]:
    return [{"id": r.id, "lab": r.lab.name, "organisation": r.organisation.name,
             "service": r.service, "status": str(r.status), "at": iso(r.created_at)}
            for r in db.session.scalars(select(LabRequest).where(
                LabRequest.author_id == user.id).order_by(LabRequest.id))]


@section("lab_applications")
def applications(user: User) -> list[dict]:
    return [{"id": a.id, "call": a.call.title, "organisation": a.organisation.name,
             "title": a.title, "status": str(a.status), "at": iso(a.created_at)}
            for a in db.session.scalars(select(Application).where(
                Application.author_id == user.id).order_by(Application.id))]


@section("jury_scores")
def scores(user: User) -> list[dict]:
    rows = db.session.execute(select(Score, Application.title, Call.title).join(
        Application, Application.id == Score.application_id).join(
        Call, Call.id == Application.call_id).where(Score.juror_id == user.id)
        .order_by(Score.application_id, Score.criterion_id)).all()
    return [{"call": call, "application": title, "criterion_id": s.criterion_id,
             "value": s.value, "comment": s.comment, "at": iso(s.created_at)}
            for s, title, call in rows]


@eraser
def erase_lab_authorship(user: User) -> None:
    for model, column in ((LabRequest, LabRequest.author_id),
                          (Application, Application.author_id),
                          (ProjectEntry, ProjectEntry.author_id),
                          (Solution, Solution.published_by_id)):
        db.session.execute(update(model).where(column == user.id).values({column: None}))
    db.session.execute(update(Score).where(Score.juror_id == user.id).values(comment=""))
    db.session.execute(delete(call_jurors).where(
        call_jurors.c.user_id == user.id, call_jurors.c.call_id.in_(
            select(Call.id).where(Call.decisions_published_at.is_(None)))))
