"""The agents' moderation workspace: queue, decisions, duplicates, official answers,
and the append-only moderation log with its public figures."""

from flask import Blueprint

bp = Blueprint("moderation", __name__)
