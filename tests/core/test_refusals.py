"""A refusal rolls back (issue 16): the request's rule and the savepoint helper."""

from __future__ import annotations

from flask import Response
from sqlalchemy import func, select

from consult.core.errors_domain import Refused, refusable
from consult.core.outbox import OutboxMessage
from consult.db import db
from consult.ideas.models import Support
from tests.conftest import login, post_form
from tests.factories import ChallengeFactory, IdeaFactory, UserFactory


def _mail(subject: str) -> None:
    db.session.add(OutboxMessage(to_address="x@exemple.fr", subject=subject, body_text="",
                                 kind="test"))
    db.session.flush()


def _kept(subject: str) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).where(OutboxMessage.subject == subject))


def _answer(app, status: int) -> None:
    """What the request does once the view answered: commit or roll back."""
    app.process_response(Response(status=status))


def test_a_refusal_caught_by_the_view_rolls_the_request_back(app):
    with app.test_request_context("/", method="POST"):
        _mail("avant le refus")
        try:
            raise Refused("Non.")
        except Refused:
            pass
        _answer(app, 303)  # a redirect, as a refused button answers
    assert _kept("avant le refus") == 0


def test_refusable_undoes_its_block_and_keeps_the_rest(app):
    with app.test_request_context("/", method="POST"):
        _mail("dehors")
        for subject in ("premier", "refusé", "troisième"):  # a batch, one item refused
            try:
                with refusable():
                    _mail(subject)
                    if subject == "refusé":
                        raise Refused("Pas celui-ci.")
            except Refused:
                pass
        _answer(app, 303)
    assert [_kept(s) for s in ("dehors", "premier", "refusé", "troisième")] == [1, 1, 0, 1]


def test_moving_a_support_onto_ones_own_idea_keeps_the_old_support(client):
    """The case seen in issue 16: the move deleted the support, then was refused (one
    cannot support one's own idea), and the redirect committed the deletion."""
    person = UserFactory()
    challenge = ChallengeFactory(phase="supports", supports_per_person=3)
    mine = IdeaFactory(challenge=challenge, author=person)
    duplicate = IdeaFactory(challenge=challenge)
    login(client, person)
    assert post_form(client, f"/idees/{duplicate.id}/soutenir").status_code == 302
    from consult.ideas.models import IdeaStatus

    duplicate.merged_into_id, duplicate.status = mine.id, IdeaStatus.MERGED
    db.session.flush()
    response = post_form(client, f"/idees/{mine.id}/deplacer-soutien/{duplicate.id}")
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).where(
        Support.user_id == person.id, Support.idea_id == duplicate.id)) == 1
    db.session.refresh(duplicate)
    assert duplicate.supports_count == 1
