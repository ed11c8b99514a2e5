"""From the database's objects to the API's shapes. Each function picks the public
fields one by one: a new column never leaks into the API by accident."""

from __future__ import annotations

from flask_babel import gettext as _

from consult.api import schemas as s
from consult.briefs.models import Brief
from consult.challenges.models import Challenge
from consult.challenges.phases import Phase
from consult.comments.models import Comment
from consult.core.urls import external_url
from consult.ideas.models import Idea, IdeaStatus
from consult.organisations.models import Organisation
from consult.territories.models import Territory


def territory(value: Territory | None) -> s.TerritoryOut | None:
    if value is None:
        return None
    return s.TerritoryOut(key=f"{value.kind.value}:{value.code}", kind=value.kind.value,
                          code=value.code, name=value.name)


def organisation_ref(value: Organisation) -> s.OrganisationRef:
    return s.OrganisationRef(id=value.id, slug=value.slug, name=value.name)


def organisation(value: Organisation) -> s.OrganisationOut:
    return s.OrganisationOut(
        id=value.id, slug=value.slug, name=value.name, kind=value.kind.value,
        kind_label=value.kind.label, description=value.description, website=value.website,
        territory=territory(value.territory),
        url=external_url("site.organisation", slug=value.slug))


def challenge(value: Challenge, charter_rules: list[str]) -> s.ChallengeOut:
    phase = value.phase
    current = value.current_phases
    cover = None
    if value.cover_image:
        cover = s.CoverOut(url=external_url("challenges.media", name=value.cover_image),
                           alt=value.cover_alt or "")
    return s.ChallengeOut(
        id=value.id, slug=value.slug, title=value.title, service=value.service,
        problem=value.problem, audience=value.audience, context=value.context,
        phase=phase.value, phase_label=phase.label,
        phases=[s.PhaseOut(id=p.id, kind=p.kind.value, title=p.title, label=p.label,
                           description=p.description, starts_at=p.starts_at,
                           ends_at=p.ends_at, current=p in current)
                for p in value.timeline()],
        rules=s.RulesOut(supports_per_person=value.supports_per_person,
                         self_support_allowed=value.self_support_allowed,
                         moderation_mode=value.moderation_mode.value,
                         moderation_charter=value.moderation_charter,
                         charter_rules=charter_rules),
        eligibility=eligibility(value),
        themes=[t.name for t in value.themes], territory=territory(value.territory),
        organisations=[organisation_ref(o) for o in value.organisations],
        counts=s.CountsOut(ideas=value.ideas_count, supports=value.supports_count,
                           participants=value.participants_count),
        cover=cover, published_at=value.published_at,
        results_published_at=value.results_published_at,
        url=external_url("challenges.show", slug=value.slug))


def eligibility(value: Challenge) -> list[s.EligibilityOut]:
    from consult.challenges import eligibility as el
    from consult.db import db

    out = []
    for rule in el.rules(value):
        if rule.is_default:
            continue
        organisations = [organisation_ref(o) for o in (db.session.get(Organisation, i)
                                                          for i in rule.organisations) if o]
        place = db.session.get(Territory, rule.territory_id) if rule.territory_id else None
        out.append(s.EligibilityOut(
            action=rule.action.value, level=rule.level.value, min_age=rule.min_age,
            organisations=organisations, territory=territory(place), phase_id=rule.phase_id,
            description=f"{el.ACTION_TITLES[rule.action]} : {', '.join(el.describe(rule))}"))
    return out


def idea_ref(value: Idea) -> s.IdeaRef:
    """A link to an idea; one hidden by moderation since keeps its place, not its title."""
    public = value.status in {IdeaStatus.PUBLISHED, IdeaStatus.MERGED}
    return s.IdeaRef(id=value.id,
                     title=value.title if public else _("Idée masquée par la modération"),
                     url=external_url("ideas.show", idea_id=value.id))


def _answer(value: Idea) -> s.AnswerOut | None:
    if value.answer_status is None:
        return None
    return s.AnswerOut(status=value.answer_status.value, label=value.answer_status.label,
                       organisation_label=value.answer_label, text=value.answer_text,
                       answered_at=value.answered_at)


def _idea_fields(value: Idea) -> dict:
    assert value.status == IdeaStatus.PUBLISHED, "only published ideas are serialised"
    return dict(
        id=value.id, challenge_id=value.challenge_id, title=value.title, body=value.body,
        author=value.author.public_name, status="published",
        theme=value.theme.name if value.theme else None, territory=territory(value.territory),
        supports_count=value.supports_count, comments_count=value.comments_count,
        answer=_answer(value), published_at=value.published_at, updated_at=value.updated_at,
        url=external_url("ideas.show", idea_id=value.id))


def idea(value: Idea) -> s.IdeaOut:
    return s.IdeaOut(**_idea_fields(value))


def idea_detail(value: Idea, brief_ids: list[int]) -> s.IdeaDetail:
    return s.IdeaDetail(**_idea_fields(value), briefs=brief_ids)


def comment(value: Comment) -> s.CommentOut:
    return s.CommentOut(id=value.id, idea_id=value.idea_id, parent_id=value.parent_id,
                        author=value.author.public_name, body=value.body,
                        created_at=value.created_at, edited_at=value.edited_at)


def brief(value: Brief) -> s.BriefOut:
    assert value.is_public, "draft briefs are never serialised"
    return s.BriefOut(
        id=value.id, challenge_id=value.challenge_id,
        organisation=organisation_ref(value.organisation), title=value.title,
        status=value.status.value, status_label=value.status.label,
        problem_statement=value.problem_statement, users_and_needs=value.users_and_needs,
        proposed_solution=value.proposed_solution, hypotheses=value.hypotheses,
        success_indicators=value.success_indicators, legal_constraints=value.legal_constraints,
        budget_constraints=value.budget_constraints,
        technical_constraints=value.technical_constraints, abandon_reason=value.abandon_reason,
        published_at=value.published_at,
        ideas=[idea_ref(i) for i in value.ideas if i.status == IdeaStatus.PUBLISHED],
        milestones=[s.MilestoneOut(title=m.title, due_on=m.due_on, done_on=m.done_on)
                    for m in value.milestones],
        journal=[s.JournalEntryOut(date=u.created_at,
                                   status=u.status.value if u.status else None, text=u.text)
                 for u in value.journal],
        url=external_url("briefs.show", brief_id=value.id))


def is_public_challenge(value: Challenge) -> bool:
    return value.published_at is not None and value.phase != Phase.DRAFT
