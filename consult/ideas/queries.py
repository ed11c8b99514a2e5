"""Reads on ideas shared by the pages and (later) the API: filters, sorts, search."""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import Select, bindparam, case, func, literal_column, select, text
from sqlalchemy.orm import joinedload, lazyload

from consult.challenges.models import Challenge
from consult.core.pagination import Page, count_rows, paginate
from consult.core.search import fts5_any_query, fts5_query
from consult.core.sql import read
from consult.db import db
from consult.ideas.models import SHUFFLE_RING, AnswerStatus, Idea, IdeaStatus, Support


class IdeaSort(enum.StrEnum):
    SUPPORTS = "soutiens"
    NEWEST = "recentes"
    COMMENTS = "commentees"
    RANDOM = "hasard"


# Other domains narrow a challenge's ideas by a parameter of their own (topics: « sujet »):
# its name → (challenge, value) → a subquery of idea ids, or None when the value means
# nothing in this challenge (no idea then). The challenge page reads each parameter.
NARROWERS: dict[str, Callable[[Challenge, int], Select | None]] = {}


def narrower(param: str):
    def register(func: Callable[[Challenge, int], Select | None]):
        NARROWERS[param] = func
        return func

    return register


@dataclass
class IdeaFilters:
    theme_id: int | None = None
    territory_id: int | None = None
    status: IdeaStatus = IdeaStatus.PUBLISHED
    answer: str = ""  # an AnswerStatus value, or "none" for ideas not answered yet
    search: str = ""
    sort: IdeaSort = IdeaSort.SUPPORTS
    seed: int = 1  # the visitor's own random order
    narrow: dict[str, int] = field(default_factory=dict)  # NARROWERS' parameters


def default_sort(challenge: Challenge, searching: bool = False) -> IdeaSort:
    """While voting is open, a random order (stable for each visitor), so that early
    ideas do not win by being seen first. A search is an answer to a question: the
    matches come most supported first (and the page is the same for every visitor)."""
    from consult.challenges.phases import Phase

    if Phase.SUPPORTS in challenge.states and not searching:
        return IdeaSort.RANDOM
    return IdeaSort.SUPPORTS


def _search_clause(query: Select, terms: str, any_term: bool = False) -> Select | None:
    if db.dialect == "postgresql":
        function = "plainto_tsquery" if not any_term else "websearch_to_tsquery"
        words = terms if not any_term else " or ".join(terms.split())
        tsquery = getattr(func, function)(text("'consult_french'::regconfig"), words)
        # ideas.search_vector: a generated tsvector column, PostgreSQL only (migration)
        return query.where(literal_column("ideas.search_vector").op("@@")(tsquery))
    match = fts5_any_query(terms) if any_term else fts5_query(terms)
    if match is None:
        return None
    return query.where(Idea.id.in_(
        select(text("rowid")).select_from(text("ideas_fts")).where(
            text("ideas_fts MATCH :match")).params(match=match)))


def ideas_query(challenge: Challenge, filters: IdeaFilters) -> Select:
    # the challenge is already loaded: its ideas find it in the session, instead of
    # joining it again and reloading its organisations and themes for every query
    query = (select(Idea).options(lazyload(Idea.challenge))
             .where(Idea.challenge_id == challenge.id, Idea.status == filters.status))
    if filters.theme_id:
        query = query.where(Idea.theme_id == filters.theme_id)
    if filters.territory_id:
        query = query.where(Idea.territory_id == filters.territory_id)
    if filters.answer == "none":
        query = query.where(Idea.answer_status.is_(None))
    elif filters.answer in {a.value for a in AnswerStatus}:
        query = query.where(Idea.answer_status == AnswerStatus(filters.answer))
    for name, value in filters.narrow.items():
        among = NARROWERS[name](challenge, value) if name in NARROWERS else None
        query = query.where(Idea.id.in_(among)) if among is not None else query.where(False)
    if filters.search.strip():
        searched = _search_clause(query, filters.search)
        query = searched if searched is not None else query.where(False)
    return query.order_by(*_ordering(filters))


def _ordering(filters: IdeaFilters):
    if filters.sort == IdeaSort.NEWEST:
        return (Idea.published_at.desc(), Idea.id.desc())
    if filters.sort == IdeaSort.COMMENTS:
        return (Idea.comments_count.desc(), Idea.id.desc())
    if filters.sort == IdeaSort.RANDOM:
        # Every idea has a random place on a ring (shuffle_key); the visitor's seed picks
        # where their walk round it starts: an order of their own, stable from page to
        # page. (idea_page reads it as two index ranges; this is the same order.)
        start = shuffle_start(filters.seed)
        return (case((Idea.shuffle_key >= start, 0), else_=1), Idea.shuffle_key, Idea.id)
    return (Idea.supports_count.desc(), Idea.id.desc())


def shuffle_start(seed: int) -> int:
    return (seed * 2_654_435_761) % SHUFFLE_RING


def idea_page(challenge: Challenge, filters: IdeaFilters, number: int, size: int = 20) -> Page:
    query = ideas_query(challenge, filters)
    simple = (not filters.theme_id and not filters.territory_id and not filters.search.strip()
              and not filters.answer and not filters.narrow
              and filters.status == IdeaStatus.PUBLISHED)
    total = challenge.ideas_count if simple else None
    if filters.sort == IdeaSort.RANDOM:
        return _ring_page(query.order_by(None), shuffle_start(filters.seed), number, size,
                          total)
    return paginate(query, number, size, total=total)


def _ring_page(query: Select, start: int, number: int, size: int, total: int | None) -> Page:
    """A page of the random order without sorting every idea: the ideas from the
    visitor's starting point to the end of the ring, then those from its beginning."""
    if total is None:
        total = count_rows(query)
    number = min(number, max(1, -(-total // size)))
    offset = (number - 1) * size
    order = (Idea.shuffle_key, Idea.id)
    items = list(db.session.scalars(query.where(Idea.shuffle_key >= start).order_by(*order)
                                    .limit(size).offset(offset)))
    # Past the end of the ring, go on from its beginning. Always asked (LIMIT 0 when the
    # page is full), so a page costs the same queries however the ideas fall on the ring.
    after = (offset + len(items) if items or not offset
             else count_rows(query.where(Idea.shuffle_key >= start)))
    items += db.session.scalars(query.where(Idea.shuffle_key < start).order_by(*order)
                                .limit(size - len(items)).offset(max(0, offset - after)))
    return Page(items=items, number=number, size=size, total=total)


SIMILAR_CANDIDATES = 50


def similar_ideas(challenge: Challenge, title: str, body: str = "", limit: int = 5) -> list[Idea]:
    """Published ideas of the challenge like a draft, most similar first: those that share
    a word with it (the search index), ranked by the site's one similarity
    (core.textsim, which also finds the duplicate candidates)."""
    from consult.core.textsim import rank_by_similarity

    query = select(Idea).where(Idea.challenge_id == challenge.id,
                               Idea.status == IdeaStatus.PUBLISHED)
    draft = f"{title} {body[:300]}"
    searched = _search_clause(query, draft, any_term=True)
    if searched is None:
        return []
    candidates = {idea.id: idea for idea in db.session.scalars(
        searched.order_by(Idea.supports_count.desc()).limit(SIMILAR_CANDIDATES))}
    ranked = rank_by_similarity(draft, [(i, f"{idea.title} {idea.body[:300]}")
                                        for i, idea in candidates.items()])
    return [candidates[i] for i, _score in ranked[:limit]]


def supported_idea_ids(user, idea_ids: list[int]) -> set[int]:
    """Which of these ideas the person supports (one query for a whole page)."""
    if not getattr(user, "is_authenticated", False) or not idea_ids:
        return set()
    if len(idea_ids) == 1:  # an idea's page: no IN list to expand at each execution
        return set(read(_SUPPORTED_ONE, person=user.id, idea=idea_ids[0]).scalars())
    return set(read(_SUPPORTED, person=user.id, ideas=list(idea_ids)).scalars())


_supports = Support.__table__
_SUPPORTED = select(_supports.c.idea_id).where(
    _supports.c.user_id == bindparam("person"),
    _supports.c.idea_id.in_(bindparam("ideas", expanding=True)))
_SUPPORTED_ONE = select(_supports.c.idea_id).where(
    _supports.c.user_id == bindparam("person"), _supports.c.idea_id == bindparam("idea"))


# What « Mon espace » shows of a person's ideas and supports: the idea and its
# challenge's title; not the author, theme and territory joined to each idea, nor each
# challenge's phases, organisations and themes — loaded again for every list that
# joins the challenge (SQLAlchemy 2.1 reruns a joined object's selectin loads): 16 → 8
# statements for the page.
_LISTED = (lazyload(Idea.author), lazyload(Idea.theme), lazyload(Idea.territory),
           joinedload(Idea.challenge).lazyload("*"))


def ideas_by_author(user) -> list[Idea]:
    return list(db.session.scalars(select(Idea).where(Idea.author_id == user.id)
                                   .order_by(Idea.created_at.desc()).options(*_LISTED)))


def supports_of(user) -> list[Idea]:
    return list(db.session.scalars(
        select(Idea).join(Support, Support.idea_id == Idea.id)
        .where(Support.user_id == user.id).order_by(Support.created_at.desc())
        .options(*_LISTED)))


def idea_territories(challenge: Challenge) -> list:
    """The territories that the challenge's published ideas name, for the filter."""
    from consult.territories.models import Territory

    named = (select(Idea.territory_id).distinct()
             .where(Idea.challenge_id == challenge.id, Idea.status == IdeaStatus.PUBLISHED,
                    Idea.territory_id.is_not(None)))  # from the index, ideas without skipped
    ids = list(db.session.scalars(named))
    if not ids:
        return []
    return list(db.session.scalars(select(Territory).where(Territory.id.in_(ids))
                                   .order_by(Territory.name)))


def credited_authors(idea: Idea) -> list:
    """Authors of duplicates merged into this idea, credited beside its author."""
    from consult.accounts.models import User
    from consult.ideas.models import IdeaCredit

    return list(db.session.scalars(select(User).join(IdeaCredit, IdeaCredit.user_id == User.id)
                                   .where(IdeaCredit.idea_id == idea.id)))


def has_merged_ideas(idea: Idea) -> bool:
    """Whether duplicates were merged into ``idea`` (their supporters may move here)."""
    return db.session.scalar(select(Idea.id).where(Idea.merged_into_id == idea.id)
                             .limit(1)) is not None


def movable_supports(user, idea: Idea) -> list[Idea]:
    """Duplicates merged into ``idea`` that this person still supports: one click moves."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(db.session.scalars(select(Idea).join(Support, Support.idea_id == Idea.id).where(
        Idea.merged_into_id == idea.id, Support.user_id == user.id)))


def search_everywhere(words: str, limit: int = 20) -> list[Idea]:
    """Published ideas of every published challenge holding the words (the same index
    as each challenge's search), most supported first."""
    query = (select(Idea).join(Challenge, Challenge.id == Idea.challenge_id)
             .where(Idea.status == IdeaStatus.PUBLISHED, Challenge.published_at.is_not(None)))
    searched = _search_clause(query, words)
    if searched is None:
        return []
    return list(db.session.scalars(searched.order_by(Idea.supports_count.desc(), Idea.id)
                                   .limit(limit)))
