"""Each organisation's dashboard: participation over time, figures per challenge,
moderation delays, answer rate and time, and where each brief stands."""

from flask import Blueprint

bp = Blueprint("dashboard", __name__)
