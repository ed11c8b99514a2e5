"""Reads: everything public about the consultations, nothing else."""

from __future__ import annotations

from datetime import datetime

from flask import request
from flask_babel import gettext as _
from sqlalchemy import Select, select

from consult.api import schemas as s
from consult.api import serialize
from consult.api.auth import current_integration
from consult.api.blueprint import bp
from consult.api.cursor import Ordering, page
from consult.api.errors import ApiError, not_found
from consult.api.spec import api, responses
from consult.briefs.models import Brief, BriefStatus, brief_ideas
from consult.challenges.models import DEFAULT_CHARTER_RULES, Challenge, CharterRule
from consult.challenges.phases import Phase
from consult.challenges.queries import ChallengeFilters, published_challenges
from consult.comments.models import Comment, CommentStatus
from consult.core.urls import external_url
from consult.db import db
from consult.ideas.models import Idea, IdeaStatus
from consult.ideas.queries import IdeaFilters, ideas_query
from consult.ideas.results import ranking
from consult.organisations.models import Organisation, OrganisationKind
from consult.territories.reference import territory_id_by_key

ID = "int(min=1, max=2147483647)"  # ids fit in 32 bits: larger ones are simply not found


def _next_link(cursor: str | None) -> str | None:
    if cursor is None:
        return None
    args = request.args.to_dict()
    args["cursor"] = cursor
    return external_url(request.endpoint, **request.view_args, **args)


def _territory_id(key: str | None) -> int | None:
    """``departement:93`` → the territory's id; -1 (matches nothing) when unknown."""
    if not key:
        return None
    found = territory_id_by_key(key)
    return found if found is not None else -1


def charter_rules(challenge_ids: list[int]) -> dict[int, list[str]]:
    rules: dict[int, list[str]] = {i: [] for i in challenge_ids}
    if challenge_ids:
        for challenge_id, label in db.session.execute(
                select(CharterRule.challenge_id, CharterRule.label)
                .where(CharterRule.challenge_id.in_(challenge_ids))
                .order_by(CharterRule.challenge_id, CharterRule.position)):
            rules[challenge_id].append(label)
    return {i: labels or list(DEFAULT_CHARTER_RULES) for i, labels in rules.items()}


def visible_challenge(challenge_id: int) -> Challenge:
    """A published challenge, or a draft the calling organisation runs."""
    challenge = db.session.get(Challenge, challenge_id)
    if challenge is None:
        raise not_found(_("Défi introuvable."))
    if challenge.published_at is None:
        integration = current_integration()
        if integration is None or not challenge.is_run_by(integration.organisation.id):
            raise not_found(_("Défi introuvable."))
    return challenge


def public_idea(idea_id: int) -> Idea:
    idea = db.session.get(Idea, idea_id)
    if (idea is None or idea.status != IdeaStatus.PUBLISHED
            or idea.challenge.published_at is None):
        raise not_found(_("Idée introuvable ou non publiée."))
    return idea


# --- Organisations ----------------------------------------------------------------------

ORGANISATIONS = Ordering("id", [Organisation.id], False, [int])


@bp.get("/organisations")
@api.validate(query=s.OrganisationQuery, resp=responses(200, s.OrganisationPage),
              tags=["organisations"])
def organisations():
    """Organisations

    Les administrations, collectivités et laboratoires qui lancent des défis."""
    query: s.OrganisationQuery = request.context.query
    statement = select(Organisation)
    if query.kind:
        statement = statement.where(Organisation.kind == OrganisationKind(query.kind))
    rows, cursor = page(statement, ORGANISATIONS, query.cursor, query.limit,
                        lambda o: [o.id])
    return s.OrganisationPage(items=[serialize.organisation(o) for o in rows],
                              next_cursor=cursor, next=_next_link(cursor))


@bp.get(f"/organisations/<{ID}:organisation_id>")
@api.validate(resp=responses(200, s.OrganisationOut, 404), tags=["organisations"])
def organisation(organisation_id: int):
    """Une organisation"""
    found = db.session.get(Organisation, organisation_id)
    if found is None:
        raise not_found(_("Organisation introuvable."))
    return serialize.organisation(found)


# --- Challenges -------------------------------------------------------------------------

CHALLENGES = Ordering("id-desc", [Challenge.id], True, [int])


def challenges_out(challenges: list[Challenge]) -> list[s.ChallengeOut]:
    rules = charter_rules([c.id for c in challenges])
    return [serialize.challenge(c, rules[c.id]) for c in challenges]


@bp.get("/challenges")
@api.validate(query=s.ChallengeQuery, resp=responses(200, s.ChallengePage), tags=["défis"])
def challenges():
    """Défis publiés

    Du plus récent au plus ancien, filtrés comme sur le site."""
    query: s.ChallengeQuery = request.context.query
    organisation_id = None
    if query.organisation:
        organisation_id = db.session.scalar(select(Organisation.id).where(
            Organisation.slug == query.organisation)) or -1
    statement = published_challenges(ChallengeFilters(
        organisation_id=organisation_id, theme=query.theme or "",
        territory_id=_territory_id(query.territory),
        phase=Phase(query.phase) if query.phase else None)).order_by(None)
    rows, cursor = page(statement, CHALLENGES, query.cursor, query.limit, lambda c: [c.id])
    return s.ChallengePage(items=challenges_out(rows), next_cursor=cursor,
                           next=_next_link(cursor))


@bp.get(f"/challenges/<{ID}:challenge_id>")
@api.validate(resp=responses(200, s.ChallengeOut, 404), tags=["défis"])
def challenge(challenge_id: int):
    """Un défi, avec ses phases et ses règles

    Un brouillon n'est visible qu'avec un jeton d'une organisation qui le porte."""
    return challenges_out([visible_challenge(challenge_id)])[0]


@bp.get(f"/challenges/<{ID}:challenge_id>/results")
@api.validate(query=s.ResultsQuery, resp=responses(200, s.ResultsOut, 404), tags=["défis"])
def results(challenge_id: int):
    """Résultats d'un défi

    Le classement des idées publiées, les idées retenues et leur justification. `404`
    tant que l'administration ne les a pas publiés."""
    found = visible_challenge(challenge_id)
    if found.results_published_at is None:
        raise ApiError(404, "results_not_published", _("Les résultats ne sont pas encore publiés."))
    ranked = ranking(found, limit=request.context.query.limit)
    selected = sorted(ranking(found, selected_only=True), key=lambda r: r.idea.id)
    return s.ResultsOut(
        challenge_id=found.id, published_at=found.results_published_at,
        message=found.results_message or "", participants=found.results_participants or 0,
        basis=found.results_basis or "supports",
        statements=[s.CitedStatementOut(**cited) for cited in found.results_statements or []],
        selected=[s.SelectedOut(idea=serialize.idea_ref(r.idea),
                                justification=r.justification or "") for r in selected],
        ranking=[s.RankedOut(rank=r.rank, idea=serialize.idea_ref(r.idea),
                             supports=r.supports, share=round(r.share, 4),
                             selected=r.selected, justification=r.justification,
                             score=None if r.score is None else round(r.score, 2))
                 for r in ranked])


# --- Ideas ------------------------------------------------------------------------------

IDEA_ORDERINGS = {
    "supports": Ordering("supports", [Idea.supports_count, Idea.id], True, [int, int]),
    "newest": Ordering("newest", [Idea.published_at, Idea.id], True, [datetime, int]),
    "comments": Ordering("comments", [Idea.comments_count, Idea.id], True, [int, int]),
    "id": Ordering("id", [Idea.id], False, [int]),
}
IDEA_KEYS = {
    "supports": lambda i: [i.supports_count, i.id],
    "newest": lambda i: [i.published_at, i.id],
    "comments": lambda i: [i.comments_count, i.id],
    "id": lambda i: [i.id],
}


@bp.get(f"/challenges/<{ID}:challenge_id>/ideas")
@api.validate(query=s.IdeaQuery, resp=responses(200, s.IdeaPage, 404), tags=["idées"])
def ideas(challenge_id: int):
    """Idées publiées d'un défi

    Filtres du site : thème, territoire, réponse officielle, recherche plein texte."""
    query: s.IdeaQuery = request.context.query
    found = visible_challenge(challenge_id)
    theme_id = None
    if query.theme:
        theme_id = next((t.id for t in found.themes if t.name == query.theme), -1)
    statement: Select = ideas_query(found, IdeaFilters(
        theme_id=theme_id, territory_id=_territory_id(query.territory),
        answer=query.answer or "", search=query.q or "")).order_by(None)
    rows, cursor = page(statement, IDEA_ORDERINGS[query.sort], query.cursor, query.limit,
                        IDEA_KEYS[query.sort])
    return s.IdeaPage(items=[serialize.idea(i) for i in rows], next_cursor=cursor,
                      next=_next_link(cursor))


@bp.get(f"/ideas/<{ID}:idea_id>")
@api.validate(resp=responses(200, s.IdeaDetail, 404), tags=["idées"])
def idea(idea_id: int):
    """Une idée publiée

    Avec la réponse officielle et les cahiers des charges qui en sont issus."""
    return idea_detail_out(public_idea(idea_id))


def idea_detail_out(found: Idea) -> s.IdeaDetail:
    brief_ids = list(db.session.scalars(
        select(Brief.id).join(brief_ideas, brief_ideas.c.brief_id == Brief.id)
        .where(brief_ideas.c.idea_id == found.id, Brief.status != BriefStatus.DRAFT)
        .order_by(Brief.id)))
    return serialize.idea_detail(found, brief_ids)


COMMENTS = Ordering("id", [Comment.id], False, [int])


@bp.get(f"/ideas/<{ID}:idea_id>/comments")
@api.validate(query=s.CommentQuery, resp=responses(200, s.CommentPage, 404), tags=["idées"])
def comments(idea_id: int):
    """Commentaires publiés d'une idée

    Dans l'ordre où ils ont été écrits ; `parent_id` désigne le commentaire auquel une
    réponse s'adresse (il peut avoir été masqué ou supprimé depuis)."""
    query: s.CommentQuery = request.context.query
    found = public_idea(idea_id)
    statement = select(Comment).where(Comment.idea_id == found.id,
                                      Comment.status == CommentStatus.PUBLISHED)
    rows, cursor = page(statement, COMMENTS, query.cursor, query.limit, lambda c: [c.id])
    return s.CommentPage(items=[serialize.comment(c) for c in rows], next_cursor=cursor,
                         next=_next_link(cursor))


# --- Briefs -----------------------------------------------------------------------------

BRIEFS = Ordering("id-desc", [Brief.id], True, [int])


@bp.get("/briefs")
@api.validate(query=s.BriefQuery, resp=responses(200, s.BriefPage), tags=["cahiers"])
def briefs():
    """Cahiers des charges de prototype

    Publiés, avec leur lignée (idées sources), leur état, leur journal et leurs jalons."""
    query: s.BriefQuery = request.context.query
    statement = select(Brief).join(Challenge, Challenge.id == Brief.challenge_id).where(
        Brief.status != BriefStatus.DRAFT, Challenge.published_at.is_not(None))
    if query.challenge:
        statement = statement.where(Brief.challenge_id == query.challenge)
    if query.organisation:
        statement = statement.join(Organisation, Organisation.id == Brief.organisation_id) \
            .where(Organisation.slug == query.organisation)
    if query.status:
        statement = statement.where(Brief.status == BriefStatus(query.status))
    rows, cursor = page(statement, BRIEFS, query.cursor, query.limit, lambda b: [b.id])
    return s.BriefPage(items=[serialize.brief(b) for b in rows], next_cursor=cursor,
                       next=_next_link(cursor))


@bp.get(f"/briefs/<{ID}:brief_id>")
@api.validate(resp=responses(200, s.BriefOut, 404), tags=["cahiers"])
def brief(brief_id: int):
    """Un cahier des charges de prototype"""
    found = db.session.get(Brief, brief_id)
    if found is None or not found.is_public or found.challenge.published_at is None:
        raise not_found(_("Cahier des charges introuvable."))
    return serialize.brief(found)


