"""Results: the ranking at the end of voting, the ideas the administration takes
forward (each with a public justification), the results message, and everyone who took
part told once."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from consult.accounts.models import User
from consult.audit.operations import log_action
from consult.challenges.models import Challenge, Participation
from consult.challenges.phases import Phase
from consult.core.errors_domain import Refused
from consult.core.spreadsheet import safe_cell
from consult.db import db, utcnow
from consult.ideas.models import AnswerStatus, Idea, IdeaStatus
from consult.notifications.operations import follower_ids, notify


@dataclass
class Ranked:
    rank: int
    idea: Idea
    share: float  # supports / participants of the challenge


# Most supported first; among equals, the earliest published (then the id) lists first.
RANKING_ORDER = (Idea.supports_count.desc(), Idea.published_at, Idea.id)


def ranking(challenge: Challenge, limit: int | None = None) -> list[Ranked]:
    query = select(Idea).where(Idea.challenge_id == challenge.id,
                               Idea.status == IdeaStatus.PUBLISHED).order_by(*RANKING_ORDER)
    ideas = list(db.session.scalars(query.limit(limit) if limit else query))
    participants = max(challenge.participants_count, 1)
    ranked, rank = [], 0
    for position, idea in enumerate(ideas, start=1):
        if not ranked or idea.supports_count != ranked[-1].idea.supports_count:
            rank = position  # ties share a rank
        ranked.append(Ranked(rank, idea, idea.supports_count / participants))
    return ranked


def publish_results(actor: User, challenge: Challenge, message: str,
                    selections: dict[int, str]) -> int:
    """``selections``: idea id -> public justification. Returns how many were told."""
    if challenge.phase not in {Phase.REVIEW, Phase.RESULTS}:
        raise Refused(_("Les résultats se publient une fois le vote terminé."))
    if challenge.results_published_at is not None:
        raise Refused(_("Les résultats de ce défi sont déjà publiés."))
    if not message.strip():
        raise Refused(_("Écrivez le message qui accompagne les résultats."), "message")
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
    if challenge.phase == Phase.REVIEW:
        challenge.results_at = now  # results are out: the phase follows
    db.session.flush()
    log_action(actor, "challenge.publish_results", challenge,
               organisation_id=min(challenge.organisation_ids), challenge_id=challenge.id,
               selected=sorted(selections))
    took_part = set(db.session.scalars(select(Participation.user_id).where(
        Participation.challenge_id == challenge.id)))
    return notify(took_part | follower_ids(challenge=challenge), "results", challenge=challenge)


def results_csv(challenge: Challenge) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    writer.writerow(["rang", "idee_id", "titre", "auteur", "soutiens", "part_des_participants",
                     "retenue", "justification"])
    for row in ranking(challenge):
        idea = row.idea
        writer.writerow([safe_cell(v) for v in (
            row.rank, idea.id, idea.title, idea.author.public_name, idea.supports_count,
            f"{row.share:.4f}", "oui" if idea.answer_status == AnswerStatus.SELECTED else "non",
            idea.answer_text or "")])
    return buffer.getvalue()
