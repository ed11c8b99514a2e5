"""Pages that belong to no domain: home, accessibility statement, personal data notice,
legal notice, language and colour-scheme switches, health check."""

from flask import Blueprint

bp = Blueprint("site", __name__)
