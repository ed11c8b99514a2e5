"""Writes for integrations holding an organisation's token: create and update that
organisation's challenges, answer the ideas submitted to them. The same operations as
the workspace pages, so the same rules, the same audit log, the same notifications.
Citizens' actions (propose, support, comment) are not here: they stay on the site."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import request
from flask_babel import gettext as _

from consult.api import schemas as s
from consult.api.auth import require_integration
from consult.api.blueprint import bp
from consult.api.errors import ApiError
from consult.api.models import ApiScope
from consult.api.spec import TOKEN_SCHEME, api, responses
from consult.api.tokens import Integration
from consult.api.views import ID, challenges_out, idea_detail_out, public_idea, visible_challenge
from consult.challenges import operations as challenge_ops
from consult.challenges.models import Challenge, ModerationMode
from consult.challenges.phases import Phase
from consult.challenges.timeline import PhaseSpec, phase_problems
from consult.core.urls import external_url
from consult.db import db
from consult.ideas.models import AnswerStatus
from consult.moderation.operations import give_official_answer
from consult.territories.reference import territory_id_by_key

TOKEN = {TOKEN_SCHEME: []}


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC).replace(tzinfo=None)


def _territory(key: str | None) -> int | None:
    if key is None:
        return None
    found = territory_id_by_key(key)
    if found is None:
        raise ApiError(422, "unknown_territory", _("Territoire inconnu : %(key)s.", key=key),
                       "territory")
    return found


def _set_eligibility(integration: Integration, challenge: Challenge,
                     sent: list[s.EligibilityIn]) -> None:
    """The rules sent replace those of the whole challenge; a phase's own rules stay."""
    from consult.challenges import eligibility as el
    from consult.challenges.phases import Action
    from consult.core.errors_domain import Refused
    from consult.organisations.models import Organisation

    kept = [r for r in el.rules(challenge) if r.phase_id is not None]
    found, offered = [], el.ruled_actions(challenge)
    for index, rule in enumerate(sent):
        if Action(rule.action) not in offered:
            raise ApiError(422, "action_without_phase", _(
                "Ce défi n’a pas de phase où l’on peut %(verb)s.",
                verb=el.ACTION_VERBS[Action(rule.action)]), f"eligibility.{index}.action")
        missing = [i for i in rule.organisations if db.session.get(Organisation, i) is None]
        if missing:
            raise ApiError(422, "unknown_organisation", _("Organisation inconnue : %(ids)s.",
                           ids=", ".join(map(str, missing))),
                           f"eligibility.{index}.organisations")
        place = territory_id_by_key(rule.territory) if rule.territory else None
        if rule.territory and place is None:
            raise ApiError(422, "unknown_territory", _("Territoire inconnu : %(key)s.",
                                                       key=rule.territory),
                           f"eligibility.{index}.territory")
        found.append(el.Eligibility(Action(rule.action), el.Level(rule.level), rule.min_age,
                                    tuple(sorted(set(rule.organisations))), place))
    try:
        el.set_rules(integration.actor, challenge, found + kept)
    except Refused as refusal:
        raise ApiError(422, "eligibility_refused", refusal.message, "eligibility") from None


def _phases(sent: list[s.PhaseIn], limit: int | None, self_support: bool) -> list[PhaseSpec]:
    specs = [PhaseSpec(kind=Phase(p.kind), starts_at=_utc(p.starts_at),
                       ends_at=_utc(p.ends_at) if p.ends_at else None, title=p.title.strip(),
                       description=p.description.strip(),
                       settings={"supports_per_person": limit,
                                 "self_support_allowed": self_support}
                       if p.kind == Phase.SUPPORTS else {}) for p in sent]
    specs.sort(key=lambda spec: spec.starts_at)
    problems = phase_problems(specs)
    if problems:
        raise ApiError(422, "invalid_phases", " ".join(m for _, _, m in problems), "phases")
    return specs


def _own_challenge(integration: Integration, challenge_id: int) -> Challenge:
    challenge = visible_challenge(challenge_id)
    if not challenge.is_run_by(integration.organisation.id):
        raise ApiError(403, "forbidden", _("Ce défi n'est pas porté par l'organisation du jeton."))
    return challenge


@bp.post("/challenges")
@api.validate(json=s.ChallengeIn, resp=responses(201, s.ChallengeOut, 422),
              security=TOKEN, tags=["défis"])
def create_challenge():
    """Créer un défi

    Le défi appartient à l'organisation du jeton ; brouillon sauf si `publish` vaut
    `true`. Les dates sont en ISO 8601 avec fuseau horaire."""
    integration = require_integration(ApiScope.CHALLENGES)
    data: s.ChallengeIn = request.context.json
    challenge = challenge_ops.create_challenge(
        integration.actor, [integration.organisation], title=data.title,
        service=data.service, problem=data.problem,
        phases=_phases(data.phases, data.supports_per_person, data.self_support_allowed),
        audience=data.audience, context=data.context, themes=data.themes,
        territory_id=_territory(data.territory),
        moderation_mode=ModerationMode(data.moderation_mode),
        moderation_charter=data.moderation_charter, publish=data.publish)
    if data.charter_rules:
        challenge_ops.set_charter_rules(challenge, data.charter_rules)
    if data.eligibility:
        _set_eligibility(integration, challenge, data.eligibility)
    db.session.flush()
    db.session.expire(challenge)  # read back as stored (themes in order)
    location = external_url("api.challenge", challenge_id=challenge.id)
    return challenges_out([challenge])[0], 201, {"Location": location}


@bp.patch(f"/challenges/<{ID}:challenge_id>")
@api.validate(json=s.ChallengePatch, resp=responses(200, s.ChallengeOut, 404, 422),
              security=TOKEN, tags=["défis"])
def update_challenge(challenge_id: int):
    """Modifier un défi

    Seuls les champs envoyés changent ; `phases`, si envoyé, remplace toutes les
    phases (elles doivent se suivre). `"publish": true` publie un brouillon."""
    integration = require_integration(ApiScope.CHALLENGES)
    challenge = _own_challenge(integration, challenge_id)
    data: s.ChallengePatch = request.context.json
    sent = data.model_dump(exclude_unset=True)
    fields: dict = {}
    limit = sent.get("supports_per_person", challenge.supports_per_person)
    if data.phases is not None:
        fields["phases"] = _phases(data.phases, limit, challenge.self_support_allowed)
    for name in ("title", "service", "problem", "audience", "context",
                 "supports_per_person", "moderation_charter"):
        if sent.get(name) is not None:
            fields[name] = sent[name].strip() if isinstance(sent[name], str) else sent[name]
    challenge_ops.update_challenge(integration.actor, challenge, challenge.organisations,
                                   **fields)
    if data.themes is not None:
        challenge_ops.set_themes(challenge, data.themes)
    if data.charter_rules is not None:
        challenge_ops.set_charter_rules(challenge, data.charter_rules)
    if data.eligibility is not None:
        _set_eligibility(integration, challenge, data.eligibility)
    if data.publish and challenge.published_at is None:
        challenge_ops.publish_challenge(integration.actor, challenge)
    db.session.flush()
    db.session.expire(challenge)
    return challenges_out([challenge])[0]


@bp.put(f"/ideas/<{ID}:idea_id>/answer")
@api.validate(json=s.AnswerIn, resp=responses(200, s.IdeaDetail, 404, 422),
              security=TOKEN, tags=["idées"])
def answer_idea(idea_id: int):
    """Publier la réponse officielle à une idée

    Remplace la réponse précédente ; l'auteur, les soutiens et les abonnés sont
    prévenus comme depuis le site. Le texte est obligatoire pour `not_retained`."""
    integration = require_integration(ApiScope.ANSWERS)
    idea = public_idea(idea_id)
    if not idea.challenge.is_run_by(integration.organisation.id):
        raise ApiError(403, "forbidden", _("Cette idée répond à un défi d'une autre organisation."))
    data: s.AnswerIn = request.context.json
    give_official_answer(integration.actor, idea, AnswerStatus(data.status), data.text)
    db.session.flush()
    return idea_detail_out(idea)
