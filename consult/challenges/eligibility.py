"""Who may take part in each action of a challenge: rules kept as data on the challenge
(``Challenge.eligibility``), asked by ``participation_problem`` — so that the pages, the
API and the CLI all enforce them — and described to people before they act.

A rule names an action (propose, support, answer a survey, comment, register to one of
the challenge's events, compare two ideas, propose or answer statements), the phase it
applies to (none: every phase), and what it asks:

- the account: any account (even before its address is confirmed), an account with a
  confirmed address (the platform's default), or an identity verified with FranceConnect;
- an age, from the birth date FranceConnect gave (only the threshold reached is kept);
- being an agent of one of given organisations;
- a declared territory (the person's commune, within the territory named).

Every rule of an action that applies now must hold: those of the whole challenge and
those of the phase under way.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from consult.challenges.phases import Action
from consult.core.params import is_number
from consult.identity.models import AGE_THRESHOLDS


class Level(enum.StrEnum):
    ACCOUNT = "account"  # any account, its address confirmed or not
    CONFIRMED = "confirmed"  # the platform's default
    VERIFIED = "verified"  # an identity verified with FranceConnect

    @property
    def label(self) -> str:
        return str(LEVEL_LABELS[self])


LEVEL_LABELS = {
    Level.ACCOUNT: _l("Toute personne inscrite, même avant de confirmer son adresse"),
    Level.CONFIRMED: _l("Toute personne inscrite dont l’adresse e-mail est confirmée"),
    Level.VERIFIED: _l("Identité vérifiée avec FranceConnect"),
}

# The actions a rule may govern, with the words that complete « Pour … ».
RULED_ACTIONS = (Action.PROPOSE, Action.SUPPORT, Action.RESPOND, Action.COMMENT,
                 Action.REGISTER, Action.COMPARE, Action.STATE, Action.AGREE)
# The participation methods' own actions: ruled only where the challenge has their phase.
METHOD_ACTIONS = frozenset({Action.COMPARE, Action.STATE, Action.AGREE})
ACTION_VERBS = {
    Action.PROPOSE: _l("proposer une idée"),
    Action.SUPPORT: _l("soutenir une idée"),
    Action.RESPOND: _l("répondre au questionnaire"),
    Action.COMMENT: _l("commenter"),
    Action.REGISTER: _l("vous inscrire aux événements du défi"),
    Action.COMPARE: _l("comparer les idées deux à deux"),
    Action.STATE: _l("soumettre une proposition"),
    Action.AGREE: _l("répondre aux propositions"),
}
ACTION_TITLES = {
    Action.PROPOSE: _l("Proposer une idée"),
    Action.SUPPORT: _l("Soutenir"),
    Action.RESPOND: _l("Répondre aux questionnaires"),
    Action.COMMENT: _l("Commenter"),
    Action.REGISTER: _l("S’inscrire aux événements"),
    Action.COMPARE: _l("Comparer deux à deux"),
    Action.STATE: _l("Soumettre des propositions (points d’accord)"),
    Action.AGREE: _l("Répondre aux propositions (points d’accord)"),
}


def ruled_actions(challenge) -> tuple[Action, ...]:
    """The actions whose rules an editor of ``challenge`` may set: the common ones, and a
    method's own only where one of the challenge's phases is of that method."""
    from consult.challenges.phases import CITIZEN_ACTIONS

    offered = set().union(*(CITIZEN_ACTIONS.get(p.kind, ()) for p in challenge.phases))
    return tuple(a for a in RULED_ACTIONS if a not in METHOD_ACTIONS or a in offered)


@dataclass(frozen=True)
class Eligibility:
    action: Action
    level: Level = Level.CONFIRMED
    min_age: int | None = None
    organisations: tuple[int, ...] = field(default=())
    territory_id: int | None = None
    phase_id: int | None = None

    @classmethod
    def read(cls, raw: Any) -> Eligibility | None:
        """A rule from the stored data (None for anything not understood)."""
        if not isinstance(raw, dict):
            return None
        try:
            action, level = Action(raw.get("action")), Level(raw.get("level", "confirmed"))
        except ValueError:
            return None
        if action not in RULED_ACTIONS:
            return None
        age = raw.get("min_age")
        return cls(action, level,
                   age if age in AGE_THRESHOLDS else None,
                   tuple(o for o in raw.get("organisations") or () if isinstance(o, int)),
                   _int_or_none(raw.get("territory_id")), _int_or_none(raw.get("phase_id")))

    def as_data(self) -> dict:
        return {"action": str(self.action), "level": str(self.level), "min_age": self.min_age,
                "organisations": list(self.organisations), "territory_id": self.territory_id,
                "phase_id": self.phase_id}

    @property
    def needs_verified_identity(self) -> bool:
        return self.level == Level.VERIFIED or self.min_age is not None

    @property
    def is_default(self) -> bool:
        return (self.level == Level.CONFIRMED and self.min_age is None
                and not self.organisations and self.territory_id is None)


def _int_or_none(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return int(value) if isinstance(value, str) and is_number(value) else None


def rules(challenge) -> list[Eligibility]:
    return [r for r in map(Eligibility.read, challenge.eligibility or ()) if r is not None]


def rules_now(challenge, action: Action) -> list[Eligibility]:
    """The rules of ``action`` that apply now: the whole challenge's and the phases' under
    way."""
    found = [r for r in rules(challenge) if r.action == action]
    if not found:
        return []
    current = {p.id for p in challenge.current_phases}
    return [r for r in found if r.phase_id is None or r.phase_id in current]


def accepts_unconfirmed(challenge, action: Action) -> bool:
    """Whether an account whose address is not confirmed yet may do ``action`` now."""
    found = rules_now(challenge, action)
    return bool(found) and all(r.level == Level.ACCOUNT and not r.needs_verified_identity
                               for r in found)


def needs_verified_identity(challenge, action: Action) -> bool:
    return any(r.needs_verified_identity for r in rules_now(challenge, action))


def offers_franceconnect(user: Any, challenge, action: Action) -> bool:
    """Whether the page of ``action`` offers « S’identifier avec FranceConnect »: a rule
    asks for a verified identity the person has not given yet."""
    return needs_verified_identity(challenge, action) and verified_identity(user) is None


# -- The person's side --------------------------------------------------------------------

def verified_identity(user: Any):
    """The person's identity verified by FranceConnect, or None (read once per request)."""
    if not getattr(user, "is_authenticated", False):
        return None
    cached = getattr(user, "_consult_verified", False)
    if cached is not False:
        return cached
    from sqlalchemy import select

    from consult.db import db
    from consult.identity.models import ExternalIdentity

    found = db.session.scalar(select(ExternalIdentity).where(
        ExternalIdentity.user_id == user.id, ExternalIdentity.verified_at.is_not(None))
        .order_by(ExternalIdentity.id).limit(1))
    user._consult_verified = found
    return found


def _within(territory, wanted_id: int) -> bool:
    while territory is not None:
        if territory.id == wanted_id:
            return True
        territory = territory.parent
    return False


def _territory_name(territory_id: int) -> str:
    from consult.db import db
    from consult.territories.models import Territory

    territory = db.session.get(Territory, territory_id)
    return territory.label if territory is not None else "?"


def _organisation_names(ids: tuple[int, ...]) -> str:
    from sqlalchemy import select

    from consult.db import db
    from consult.organisations.models import Organisation

    return ", ".join(db.session.scalars(select(Organisation.name).where(
        Organisation.id.in_(ids)).order_by(Organisation.name)))


def signed_out_problem(challenge, action: Action) -> str | None:
    """What a signed-out person is told when a rule asks for FranceConnect."""
    if action in ACTION_VERBS and needs_verified_identity(challenge, action):
        return _("Pour %(verb)s, connectez-vous avec FranceConnect.",
                 verb=ACTION_VERBS[action])
    return None


def rule_problem(user: Any, rule: Eligibility) -> str | None:
    """Why the signed-in ``user`` does not meet ``rule``, or None."""
    verb = ACTION_VERBS[rule.action]
    if rule.needs_verified_identity:
        identity = verified_identity(user)
        if identity is None:
            return _("Pour %(verb)s, confirmez votre identité avec FranceConnect.", verb=verb)
        if rule.min_age is not None and (identity.age_floor or 0) < rule.min_age:
            return _("Pour %(verb)s, il faut avoir %(age)d ans ou plus (selon l’identité "
                     "vérifiée par FranceConnect).", verb=verb, age=rule.min_age)
    if rule.organisations and not any(user.is_agent_of(o) for o in rule.organisations):
        return _("Pour %(verb)s, il faut être agent de : %(names)s.", verb=verb,
                 names=_organisation_names(rule.organisations))
    if rule.territory_id is not None:
        if user.territory_id is None:
            return _("Pour %(verb)s, indiquez dans votre profil la commune où vous habitez "
                     "(réservé aux habitants de %(territory)s).", verb=verb,
                     territory=_territory_name(rule.territory_id))
        if not _within(user.territory, rule.territory_id):
            return _("Pour %(verb)s, il faut habiter %(territory)s (selon le territoire "
                     "déclaré dans votre profil).", verb=verb,
                     territory=_territory_name(rule.territory_id))
    return None


def eligibility_problem(user: Any, challenge, action: Action) -> str | None:
    """Why the signed-in ``user`` may not do ``action`` under the challenge's rules now."""
    for found in rules_now(challenge, action):
        problem = rule_problem(user, found)
        if problem is not None:
            return problem
    return None


# -- What people read before acting --------------------------------------------------------

@dataclass(frozen=True)
class Described:
    action: Action
    title: str
    requirements: list[str]
    phase_title: str | None


def describe(rule: Eligibility) -> list[str]:
    parts = [] if rule.level == Level.CONFIRMED and rule.needs_verified_identity else [
        rule.level.label]
    if rule.needs_verified_identity and rule.level != Level.VERIFIED:
        parts = [Level.VERIFIED.label]
    if rule.min_age is not None:
        parts.append(_("%(age)d ans ou plus", age=rule.min_age))
    if rule.organisations:
        parts.append(_("agents de : %(names)s", names=_organisation_names(rule.organisations)))
    if rule.territory_id is not None:
        parts.append(_("habitants de %(territory)s",
                       territory=_territory_name(rule.territory_id)))
    return parts


def described(challenge) -> list[Described]:
    """The challenge's rules other than the default, for the page and the API."""
    phases = {p.id: p for p in challenge.phases}
    out = []
    for found in rules(challenge):
        if found.is_default:
            continue
        phase = phases.get(found.phase_id) if found.phase_id is not None else None
        out.append(Described(found.action, str(ACTION_TITLES[found.action]), describe(found),
                             phase.label if phase is not None else None))
    return out


# -- Setting them (the editor's page and the API) ------------------------------------------

def rule_refusal(rule: Eligibility) -> str | None:
    """Why a rule cannot be set on this deployment (nobody could meet it), or None."""
    from consult.identity.providers import provider

    if rule.needs_verified_identity and provider("franceconnect") is None:
        return _("FranceConnect n’est pas configuré sur cette plateforme : personne ne "
                 "pourrait remplir cette condition.")
    return None


def set_rules(actor: Any, challenge, found: list[Eligibility]) -> None:
    """Replace the challenge's rules (the default ones are not kept); recorded."""
    from consult.core.errors_domain import Refused
    from consult.core.events import record
    from consult.db import db

    for rule in found:
        refusal = rule_refusal(rule)
        if refusal is not None:
            raise Refused(refusal)
    phases = {p.id for p in challenge.phases}
    challenge.eligibility = [r.as_data() for r in found if not r.is_default
                             and (r.phase_id is None or r.phase_id in phases)]
    db.session.flush()
    record(actor, "challenge.eligibility", challenge, challenge_id=challenge.id,
           rules=challenge.eligibility)
