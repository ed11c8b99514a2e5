"""Domain events (issue 16): operations say what happened, and what must follow — the
append-only journal, notifications — subscribes. The domain that acts no longer imports
the domains that react, so packages depend one way (tests/test_architecture.py).

Events are blinker signals (Flask's own signals library), sent synchronously inside
the operation's transaction: what a subscriber writes is committed or rolled back with
the operation, a refusal included (``errors_domain``). ``consult.create_app`` imports
the subscribers (``audit.subscribers``, ``notifications.subscribers``), and a test
checks that every event below has one.

Each event is sent with the object it is about as sender and keyword arguments that
say the rest; a subscriber may answer (``results_published``: how many people were
told), and ``emit`` returns the answers.
"""

from __future__ import annotations

from typing import Any

from blinker import Namespace, Signal

_events = Namespace()

# Any action someone took (or the platform took on its own), for the journal.
acted = _events.signal("acted")

# Participation, for the people concerned (notifications).
idea_submitted = _events.signal("idea-submitted")  # sender: idea; author
idea_withdrawn = _events.signal("idea-withdrawn")  # sender: idea; supporters given back
idea_moderated = _events.signal("idea-moderated")  # sender: idea; kind, params
idea_merged = _events.signal("idea-merged")  # sender: duplicate; kept
idea_answered = _events.signal("idea-answered")  # sender: idea; status
comment_posted = _events.signal("comment-posted")  # sender: comment; idea, author, parent
comment_hidden = _events.signal("comment-hidden")  # sender: comment; idea, reason
# An item the moderation queue may hold changed: an idea's status, an idea's or a
# comment's reports; sender: "idea" or "comment", target_id (moderation.backlog
# recomputes the item's row of the queue).
moderation_item_changed = _events.signal("moderation-item-changed")
co_ownership_proposed = _events.signal("co-ownership-proposed")  # sender: challenge; org
results_published = _events.signal("results-published")  # sender: challenge
brief_changed = _events.signal("brief-changed")  # sender: brief; kind, params
session_scheduled = _events.signal("session-scheduled")  # sender: user-test event; brief
seat_freed = _events.signal("seat-freed")  # sender: event; user_id (promoted from the line)
event_listed = _events.signal("event-listed")  # sender: event (public: followers hear)
event_changed = _events.signal("event-changed")  # sender: event; template (people told)
event_written_up = _events.signal("event-written-up")  # sender: event
lab_request_answered = _events.signal("lab-request-answered")  # sender: request
application_decided = _events.signal("application-decided")  # sender: application
membership_requested = _events.signal("membership-requested")  # sender: request (ProConnect)
membership_decided = _events.signal("membership-decided")  # sender: request
# Asked, not told: the answer form of an idea asks what the answering organisations
# offer (their templates, their own statuses, a template's draft); answers replies.
answer_form_asked = _events.signal("answer-form-asked")  # sender: idea; template_id

EVENTS: tuple[Signal, ...] = (
    acted, idea_submitted, idea_withdrawn, idea_moderated, idea_merged, idea_answered,
    comment_posted, comment_hidden, moderation_item_changed, co_ownership_proposed,
    results_published, brief_changed, session_scheduled, seat_freed, event_listed, event_changed,
    event_written_up, answer_form_asked)


def emit(event: Signal, sender: Any, **details: Any) -> list[Any]:
    """Say that ``event`` happened to ``sender``; the subscribers' answers, in order."""
    return [answer for _receiver, answer in event.send(sender, **details)]


def record(actor: Any, action: str, target: Any = None, **details: Any) -> None:
    """The journal entry of an action (``audit`` writes it, append-only): who, what,
    on what, and the details (``organisation_id``, ``challenge_id``, ``reason``…)."""
    acted.send(action, actor=actor, target=target, details=details)
