"""Official answers at scale (issue 22): each organisation's answer templates (with
placeholders checked when the template is saved), and one answer for many ideas (a
topic's) where each idea keeps its own answer record and each author is told once."""

from flask import Blueprint

bp = Blueprint("answers", __name__)
