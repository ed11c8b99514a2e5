"""Labs (issue 19): the public innovation labs' own work — partner organisations who may
call on them, requests to the lab triaged by its team, lab projects with their stage,
methods, journal and links to what Consult already holds."""

from flask import Blueprint

bp = Blueprint("labs", __name__)
