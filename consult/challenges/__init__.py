"""Challenges: a public-service problem that organisations open to citizens, with a
timeline of phases and rules."""

from flask import Blueprint

bp = Blueprint("challenges", __name__)
