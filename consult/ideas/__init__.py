"""Ideas that citizens propose on a challenge, and the supports they receive."""

from flask import Blueprint

bp = Blueprint("ideas", __name__)
