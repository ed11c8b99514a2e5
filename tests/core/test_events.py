"""Domain events reach their subscribers (issue 16)."""

from __future__ import annotations

from sqlalchemy import select

from consult.core import events
from consult.db import db


def test_every_event_has_a_subscriber(app):
    silent = [event.name for event in events.EVENTS if not event.receivers]
    assert silent == []


def test_a_recorded_action_is_in_the_journal(app):
    from consult.audit.models import ActionLog

    with app.test_request_context("/", method="POST"):
        events.record(None, "platform.test", None, reason="vérification")
        db.session.flush()
        entry = db.session.scalars(select(ActionLog).where(
            ActionLog.action == "platform.test")).one()
    assert (entry.actor_id, entry.target_type, entry.reason) == (None, "platform", "vérification")


def test_subscribers_answer_through_emit(app):
    from tests.factories import ChallengeFactory

    challenge = ChallengeFactory(phase="results")
    with app.test_request_context("/"):
        assert events.emit(events.results_published, challenge) == [0]  # nobody to tell
