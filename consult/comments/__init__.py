"""Comments on ideas (one level of replies) and reports of ideas and comments."""

from flask import Blueprint

bp = Blueprint("comments", __name__)
