"""Who is told what, when the domains say what happened (``core.events``): the
notifications package reads the domains, the domains never import it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from consult.core import events
from consult.db import db
from consult.notifications.operations import follow, follower_ids, notify


def _supporters(idea_id: int) -> set[int]:
    from consult.ideas.models import Support

    return set(db.session.scalars(select(Support.user_id).where(Support.idea_id == idea_id)))


@events.idea_submitted.connect
def _author_follows(idea, *, author) -> None:
    follow(author, idea=idea)


@events.idea_withdrawn.connect
def _supports_given_back(idea, *, supporters: list[int]) -> None:
    if supporters:
        notify(supporters, "idea_withdrawn", challenge=idea.challenge, idea=idea)


@events.idea_moderated.connect
def _author_told(idea, *, kind: str, params: dict[str, Any]) -> None:
    notify([idea.author_id], kind, challenge=idea.challenge, idea=idea, **params)


@events.idea_merged.connect
def _supporters_may_move(duplicate, *, kept) -> None:
    notify(_supporters(duplicate.id) - {duplicate.author_id}, "support_can_move",
           challenge=duplicate.challenge, idea=kept, duplicate_title=duplicate.title)


@events.idea_answered.connect
def _answer_told(idea, *, status) -> None:
    notify((follower_ids(idea=idea) | _supporters(idea.id)) - {idea.author_id},
           "official_answer", challenge=idea.challenge, idea=idea, status=str(status.label))


@events.comment_posted.connect
def _comment_told(comment, *, idea, author, parent) -> None:
    replied_to = parent.author_id if parent is not None else None
    if replied_to and replied_to != author.id:
        notify([replied_to], "reply", challenge=idea.challenge, idea=idea,
               comment_id=comment.id, author_id=author.id)  # the name is read when shown
    notify(follower_ids(idea=idea) - {replied_to}, "new_comment", challenge=idea.challenge,
           idea=idea, exclude=author.id)


@events.comment_hidden.connect
def _comment_author_told(comment, *, idea, reason: str) -> None:
    notify([comment.author_id], "comment_hidden", challenge=idea.challenge, idea=idea,
           reason=reason)


@events.co_ownership_proposed.connect
def _administrators_asked(challenge, *, organisation) -> None:
    from consult.organisations.models import Membership, MembershipRole

    admins = set(db.session.scalars(select(Membership.user_id).where(
        Membership.organisation_id == organisation.id,
        Membership.role == MembershipRole.ADMIN)))
    notify(admins, "co_ownership_proposed", challenge=challenge,
           organisation_slug=organisation.slug, organisation_name=organisation.name)


@events.results_published.connect
def _participants_told(challenge) -> int:
    """Everyone who took part or follows the challenge; the answer: how many."""
    from consult.challenges.models import Participation

    took_part = set(db.session.scalars(select(Participation.user_id).where(
        Participation.challenge_id == challenge.id)))
    return notify(took_part | follower_ids(challenge=challenge), "results", challenge=challenge)


@events.brief_changed.connect
def _brief_followers_told(brief, *, kind: str, params: dict[str, Any]) -> None:
    """The followers (and authors) of the source ideas, each told once."""
    people: set[int] = set()
    for idea in brief.ideas:
        people |= follower_ids(idea=idea) | {idea.author_id}
    notify(people, kind, challenge=brief.challenge, brief_id=brief.id, brief_title=brief.title,
           **params)


@events.session_scheduled.connect
def _volunteers_told(event, *, brief) -> None:
    from consult.codesign.models import Volunteer

    volunteers = db.session.scalars(select(Volunteer.user_id).where(
        Volunteer.brief_id == brief.id))
    notify(set(volunteers), "session_scheduled", challenge=brief.challenge,
           brief_id=brief.id, brief_title=brief.title, session=event.title,
           event_id=event.id)


@events.seat_freed.connect
def _next_in_line_told(event, *, user_id: int) -> None:
    notify([user_id], "seat_available", session=event.title, event_id=event.id,
           brief_title=event.title)


@events.event_listed.connect
def _agenda_followers_told(event) -> None:
    """Followers of its organisers, its territory or its programme hear of a new event."""
    from consult.events.follows import followers_of

    notify(followers_of(event), "new_event", exclude=event.created_by_id,
           event_id=event.id, event_title=event.title,
           starts_at=event.starts_at.isoformat(timespec="minutes"),
           place=event.commune.name if event.commune else None)


@events.event_changed.connect
def _registered_told(event, *, template: str) -> None:
    """In their notifications too (the mail left through the outbox already)."""
    from consult.events.models import Registration, RegistrationStatus

    people = db.session.scalars(select(Registration.user_id).where(
        Registration.event_id == event.id,
        Registration.status != RegistrationStatus.CANCELLED))
    notify(set(people), "event_cancelled" if template.endswith("cancelled") else
           "event_changed", mailed=True, event_id=event.id, event_title=event.title)


@events.event_written_up.connect
def _participants_told_of_the_write_up(event) -> None:
    """Those who were registered hear that the write-up is out (what became of what they
    said)."""
    from consult.events.models import Registration, RegistrationStatus

    people = db.session.scalars(select(Registration.user_id).where(
        Registration.event_id == event.id,
        Registration.status == RegistrationStatus.CONFIRMED))
    notify(set(people), "event_written_up", event_id=event.id, event_title=event.title)


@events.lab_request_answered.connect
def _requester_told(request) -> None:
    """The agent who called on the lab hears its answer (accepted, details asked,
    redirected, declined), with its reason."""
    notify([request.author_id] if request.author_id else [], "lab_request_answered",
           lab_request_id=request.id, lab_name=request.lab.name, service=request.service,
           status=request.status.value)


@events.application_decided.connect
def _applicant_told(application) -> None:
    """Once, when the call's decisions are published (``told_at`` guards it)."""
    notify([application.author_id] if application.author_id else [], "application_decided",
           application_id=application.id, call_title=application.call.title,
           status=application.status.value)


@events.membership_requested.connect
def _organisation_admins_asked(request) -> None:
    """An agent signed in with ProConnect for the organisation: its administrators
    confirm (or decline) that they work there."""
    from consult.organisations.models import Membership, MembershipRole

    admins = db.session.scalars(select(Membership.user_id).where(
        Membership.organisation_id == request.organisation_id,
        Membership.role == MembershipRole.ADMIN))
    notify(set(admins), "membership_requested", membership_request_id=request.id,
           organisation_slug=request.organisation.slug,
           organisation_name=request.organisation.name,
           person=request.user.display_name)


@events.membership_decided.connect
def _agent_told(request) -> None:
    notify([request.user_id], "membership_decided", organisation_slug=request.organisation.slug,
           organisation_name=request.organisation.name, accepted=bool(request.accepted))
