"""Results: the ranking at the end of voting, the ideas the administration takes
forward (each with a public justification), the results message, and everyone who took
part told once."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import case, false, func, insert, null, select, update

from consult.accounts.models import User
from consult.challenges.models import Challenge, ResultEntry
from consult.challenges.operations import acting_organisation, bring_results_forward
from consult.challenges.permissions import actions_for
from consult.challenges.phases import Action
from consult.core import events
from consult.core.errors_domain import Refused
from consult.core.events import emit, record
from consult.core.spreadsheet import safe_cell
from consult.db import db, utcnow
from consult.ideas.models import AnswerStatus, Idea, IdeaStatus
from consult.ideas.result_bases import BASES, SUPPORTS, Basis, bases_for, citable_for


@dataclass
class Ranked:
    rank: int
    idea: Idea
    supports: int
    share: float  # supports / participants of the challenge
    selected: bool
    justification: str | None
    score: float | None = None  # the basis' score (pairwise…); None for supports

    @property
    def idea_is_public(self) -> bool:
        """Whether the idea can still be linked to (moderation may hide it later: the
        line stays, its title does not)."""
        return self.idea.is_viewable


# Most supported first; among equals, the earliest published (then the id) lists first.
RANKING_ORDER = (Idea.supports_count.desc(), Idea.published_at, Idea.id)


def _by_basis(challenge: Challenge, basis: Basis):
    """The challenge's published ideas joined to the basis' scores: (the SELECT, the
    score column, the ranking order, the order that decides ties)."""
    if basis.scores is None:
        return (select(Idea), null(), list(RANKING_ORDER), Idea.supports_count.desc())
    scores = basis.scores(challenge.id).subquery()
    order = scores.c.score.desc().nulls_last()
    return (select(Idea).outerjoin(scores, scores.c.idea_id == Idea.id), scores.c.score,
            [order, *RANKING_ORDER], order)


def _scored(challenge: Challenge, basis: Basis):
    """(Idea, score) of the challenge's published ideas, in the basis' order."""
    joined, score, order, _tie = _by_basis(challenge, basis)
    return (joined.add_columns(score.label("score"))
            .where(Idea.challenge_id == challenge.id, Idea.status == IdeaStatus.PUBLISHED)
            .order_by(*order))


def ranking(challenge: Challenge, limit: int | None = None,
            selected_only: bool = False, basis: Basis | None = None) -> list[Ranked]:
    """The published ranking as it was recorded; before publication, the live one (seen
    by the challenge's agents only), by supports or by another ``basis``."""
    if challenge.results_published_at is not None:
        return _recorded(challenge, limit, selected_only)
    basis = basis or BASES[SUPPORTS]
    query = _scored(challenge, basis)
    if selected_only:
        query = query.where(Idea.answer_status == AnswerStatus.SELECTED)
    rows = db.session.execute(query.limit(limit) if limit else query).all()
    participants = max(challenge.participants_count, 1)
    ranked, rank = [], 0
    for position, (idea, score) in enumerate(rows, start=1):
        key = idea.supports_count if basis.scores is None else score
        if not ranked or key != (ranked[-1].supports if basis.scores is None
                                 else ranked[-1].score):
            rank = position  # ties share a rank
        selected = idea.answer_status == AnswerStatus.SELECTED
        ranked.append(Ranked(rank, idea, idea.supports_count, idea.supports_count / participants,
                             selected, idea.answer_text if selected else None, score))
    return ranked


def _recorded(challenge: Challenge, limit: int | None, selected_only: bool) -> list[Ranked]:
    query = (select(ResultEntry, Idea).join(Idea, Idea.id == ResultEntry.idea_id)
             .where(ResultEntry.challenge_id == challenge.id).order_by(ResultEntry.position))
    if selected_only:
        query = query.where(ResultEntry.selected)
    participants = max(challenge.results_participants or 0, 1)
    return [Ranked(entry.rank, idea, entry.supports, entry.supports / participants,
                   entry.selected, entry.justification, entry.score)
            for entry, idea in db.session.execute(query.limit(limit) if limit else query)]


def record_ranking(challenge: Challenge, selections: dict[int, str],
                   basis: Basis | None = None) -> None:
    """Write the ranking as it stands, once, in SQL (200,000 ideas never load), by
    supports or by the ``basis``' score: ties share a rank; the selections carry their
    justification."""
    justified = {idea_id: text.strip() for idea_id, text in selections.items()}
    joined, score, order, tie = _by_basis(challenge, basis or BASES[SUPPORTS])
    ranked = joined.with_only_columns(
        Idea.challenge_id, func.row_number().over(order_by=order).label("position"),
        func.rank().over(order_by=tie).label("rank"),
        Idea.id, Idea.supports_count, Idea.id.in_(justified) if justified else false(),
        case(justified, value=Idea.id, else_=null()) if justified else null(), score,
        maintain_column_froms=True,
    ).where(Idea.challenge_id == challenge.id, Idea.status == IdeaStatus.PUBLISHED)
    db.session.execute(insert(ResultEntry).from_select(
        ["challenge_id", "position", "rank", "idea_id", "supports", "selected",
         "justification", "score"], ranked))
    challenge.results_participants = challenge.participants_count
    db.session.execute(update(Idea).where(
        Idea.id.in_(select(ResultEntry.idea_id).where(
            ResultEntry.challenge_id == challenge.id)), Idea.frozen_at.is_(None))
        .values(frozen_at=utcnow()))


def publish_results(actor: User, challenge: Challenge, message: str,
                    selections: dict[int, str], basis: str = SUPPORTS,
                    cited: tuple[int, ...] = ()) -> int:
    """``selections``: idea id -> public justification; ``basis``: what the ranking is
    ordered by (ideas.result_bases); ``cited``: statements of consensus the decision
    relies on. Returns how many were told."""
    if challenge.results_published_at is not None:
        raise Refused(_("Les résultats de ce défi sont déjà publiés."))
    if Action.PUBLISH_RESULTS not in actions_for(actor, challenge):
        raise Refused(_("Les résultats se publient une fois le vote terminé, par les agents "
                        "des organisations du défi."))
    if not message.strip():
        raise Refused(_("Écrivez le message qui accompagne les résultats."), "message")
    chosen_basis = next((b for b in bases_for(challenge) if b.key == basis), None)
    if chosen_basis is None:
        raise Refused(_("Choisissez un classement proposé pour ce défi."), "basis")
    citable = {statement["id"]: statement for statement in citable_for(challenge)}
    if set(cited) - citable.keys():
        raise Refused(_("Seules les propositions qui font consensus peuvent être citées."),
                      "statements")
    ideas = {i.id: i for i in db.session.scalars(select(Idea).where(
        Idea.id.in_(selections), Idea.challenge_id == challenge.id,
        Idea.status == IdeaStatus.PUBLISHED))}
    if set(selections) - ideas.keys():
        raise Refused(_("Seules des idées publiées de ce défi peuvent être retenues."))
    missing = [ideas[i].title for i, text in selections.items() if not text.strip()]
    if missing:
        raise Refused(_("Justifiez publiquement chaque idée retenue : %(titles)s.",
                        titles=", ".join(missing)), "justification")
    now = utcnow()
    for idea_id, justification in selections.items():
        idea = ideas[idea_id]
        idea.answer_status = AnswerStatus.SELECTED
        idea.answer_text = justification.strip()
        idea.answered_at = now
    challenge.results_message = message.strip()
    challenge.results_published_at = now
    challenge.results_basis = None if basis == SUPPORTS else basis
    challenge.results_statements = [citable[i] for i in sorted(set(cited))] or None
    db.session.flush()
    record_ranking(challenge, selections, chosen_basis)
    bring_results_forward(challenge, now)  # results are out: the phases follow
    db.session.flush()
    record(actor, "challenge.publish_results", challenge,
               organisation_id=acting_organisation(actor, challenge), challenge_id=challenge.id,
               selected=sorted(selections))
    return sum(emit(events.results_published, challenge))  # how many people were told


def results_csv(challenge: Challenge) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    writer.writerow(["rang", "idee_id", "titre", "auteur", "soutiens", "part_des_participants",
                     "retenue", "justification", "score"])
    for row in ranking(challenge):
        idea = row.idea
        writer.writerow([safe_cell(v) for v in (
            row.rank, idea.id, idea.title if row.idea_is_public else "",
            idea.author.public_name if row.idea_is_public else "", row.supports,
            f"{row.share:.4f}", "oui" if row.selected else "non", row.justification or "",
            "" if row.score is None else f"{row.score:.2f}")])
    return buffer.getvalue()
