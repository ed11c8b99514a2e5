"""What a challenge's published ranking may be ordered by, and what else its results
may cite. Supports are the ideas' own; the participation methods register theirs (the
pairwise phase its scores, the statements phase its consensus), so that ideas never
import the methods built on them.

A basis gives, for a challenge, a SELECT of (idea id, score): the ranking is ordered by
that score (ties share a rank, ideas without a score last, then by supports), and the
score is written with each line of the recorded ranking."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select

SUPPORTS = "supports"


@dataclass(frozen=True)
class Basis:
    key: str
    label: object  # a lazy string: « les soutiens », « le score de comparaison »…
    caption: object  # the ranking table's caption on the results page
    available: Callable[[object], bool]  # challenge -> whether it can be used
    scores: Callable[[int], Select] | None  # challenge id -> SELECT (idea_id, score)
    details: str | None = None  # endpoint (slug=) of the page that explains the scores


@dataclass(frozen=True)
class Citable:
    """Statements a decision may cite (the consensus of a statements phase)."""

    key: str
    statements: Callable[[object], list[dict]]  # challenge -> [{id, text, stance, share}]


BASES: dict[str, Basis] = {SUPPORTS: Basis(
    SUPPORTS, _l("Les soutiens"), _l("Idées classées par nombre de soutiens"),
    lambda challenge: True, None)}
CITABLE: dict[str, Citable] = {}


def register_basis(basis: Basis) -> None:
    BASES[basis.key] = basis


def register_citable(citable: Citable) -> None:
    CITABLE[citable.key] = citable


def bases_for(challenge) -> list[Basis]:
    return [basis for basis in BASES.values() if basis.available(challenge)]


def basis_of(challenge) -> Basis:
    """The basis a challenge's results were published on (supports before that)."""
    return BASES.get(challenge.results_basis or SUPPORTS, BASES[SUPPORTS])


def citable_for(challenge) -> list[dict]:
    return [statement for citable in CITABLE.values()
            for statement in citable.statements(challenge)]
