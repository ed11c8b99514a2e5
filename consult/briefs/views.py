from __future__ import annotations

from flask import abort, render_template
from flask_login import current_user

from consult.briefs import bp
from consult.briefs.models import Brief
from consult.challenges.permissions import is_agent_for
from consult.db import db


@bp.route("/cahiers/<int:brief_id>")
def show(brief_id: int):
    brief = db.session.get(Brief, brief_id)
    if brief is None or not (brief.is_public or is_agent_for(current_user, brief.challenge)):
        abort(404)
    return render_template("briefs/show.html", brief=brief)
