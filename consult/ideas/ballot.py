"""What a person can do with their supports on one challenge, right now: one object that
the challenge page, the idea page and the support button's JSON answer all read, so the
page shows after every click the state the server holds (issue 14).

``option(idea, supported)`` names what the button of one idea is:

- ``"withdraw"``: the person supports it and may take the support back;
- ``"support"``: they may support it;
- ``"limit"``: they could, but every support is used (the button is rendered hidden, and
  shown again when a support is taken back: the server says so in its answer);
- ``"supported"``: they support it but the vote is closed (a mark, no button);
- ``None``: no button (vote closed, signed out, own idea, idea not published…).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import ngettext

from consult.challenges import eligibility
from consult.challenges.models import Challenge
from consult.challenges.operations import supports_left
from consult.challenges.permissions import open_to, participation_problem
from consult.challenges.phases import Action
from consult.ideas.models import Idea, IdeaStatus


@dataclass(frozen=True)
class Ballot:
    challenge: Challenge
    user_id: int | None
    problem: str | None  # why the person may not support now (None: they may)
    left: int | None  # supports left (None: no limit, or not signed in)
    # the challenge's conditions to support, when the person does not meet them yet
    # (« Pour soutenir une idée, connectez-vous avec FranceConnect. »), and whether
    # confirming their identity with FranceConnect is the way
    notice: str | None = None
    offer_franceconnect: bool = False

    @property
    def open(self) -> bool:
        return self.problem is None

    @property
    def limit(self) -> int | None:
        return self.challenge.supports_per_person

    @property
    def can_support_more(self) -> bool:
        return self.open and self.left != 0

    def option(self, idea: Idea, supported: bool) -> str | None:
        return self.option_of(idea.status == IdeaStatus.PUBLISHED, idea.author_id, supported)

    def option_of(self, published: bool, author_id: int, supported: bool) -> str | None:
        """``option`` from what a kept page remembers of the idea (core.personal)."""
        if supported:
            return "withdraw" if self.open else "supported"
        if not self.open or not published:
            return None
        if author_id == self.user_id and not self.challenge.self_support_allowed:
            return None
        return "support" if self.left != 0 else "limit"

    @property
    def left_text(self) -> str | None:
        """The sentence above the ideas: what remains, or that every support is used."""
        if not self.open or self.left is None or self.limit is None:
            return None
        if self.left == 0:
            return ngettext(
                "Vous avez utilisé votre soutien. Retirez-le pour soutenir une autre idée.",
                "Vous avez utilisé vos %(num)d soutiens. Retirez-en un pour soutenir une "
                "autre idée.", self.limit)
        return ngettext("Il vous reste %(num)d soutien sur %(limit)d.",
                        "Il vous reste %(num)d soutiens sur %(limit)d.", self.left,
                        limit=self.limit)

    @property
    def shown(self) -> tuple:
        """What ``ballot_status`` shows of it (the state of a memoised slot)."""
        return (self.notice, self.offer_franceconnect, self.left_text)

    def as_json(self) -> dict[str, Any]:
        """The state the button's JSON answer carries, after a success or a refusal."""
        return {"supports_left": self.left, "can_support_more": self.can_support_more,
                "supports_left_text": self.left_text}


_UNKNOWN = object()


def ballot_for(user: Any, challenge: Challenge, left: Any = _UNKNOWN) -> Ballot:
    """The person's ballot; ``left`` when the caller already read it back from its own
    writes (the support button's answer: no extra query)."""
    problem = participation_problem(user, challenge, Action.SUPPORT)
    authenticated = getattr(user, "is_authenticated", False)
    if not authenticated or problem is not None:
        left = None
    elif left is _UNKNOWN:
        left = supports_left(user, challenge)
    notice, offer = None, False
    if problem is not None and open_to(challenge, Action.SUPPORT) and eligibility.rules_now(
            challenge, Action.SUPPORT):
        notice = problem
        offer = eligibility.offers_franceconnect(user, challenge, Action.SUPPORT)
    return Ballot(challenge, user.id if authenticated else None, problem, left, notice, offer)
