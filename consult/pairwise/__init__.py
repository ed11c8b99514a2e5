"""The pairwise wiki survey (issue 21), a participation method usable as a phase of a
challenge: a participant chooses between two of its ideas, or cannot decide, as often
as they like, and may add an idea (through the challenge's moderation). Each idea's
score is the estimated chance that it beats an idea drawn at random (Salganik & Levy,
« Wiki Surveys », PLOS ONE 2015), from a Bradley–Terry model fitted by ``choix`` in a
background job, with its uncertainty.

Integrity: every pair shown carries a one-time token issued by the server for that
person; a vote counts once per token (a conditional UPDATE marks it used), never for a
pair the person was not shown, and votes are rate-limited per person."""

from flask import Blueprint

bp = Blueprint("pairwise", __name__)
