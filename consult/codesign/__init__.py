"""Co-design: citizens volunteer to test a brief's prototype, register for test sessions
and workshops (with a waiting list), and give structured feedback per version."""

from flask import Blueprint

bp = Blueprint("codesign", __name__)
