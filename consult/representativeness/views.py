from __future__ import annotations

from flask import abort, render_template
from flask_babel import gettext as _
from flask_login import current_user, login_required

from consult.challenges.permissions import is_agent_for
from consult.challenges.queries import challenge_by_slug
from consult.representativeness import bp
from consult.representativeness.chart import bar_chart
from consult.representativeness.report import SMALL, representativeness


def view_problem(user, challenge) -> str | None:
    """Why ``user`` may not see who takes part in the challenge (None: they may). The
    figures are aggregates, but they describe the challenge's public: its agents'."""
    if not is_agent_for(user, challenge):
        return _("Seuls les agents des organisations du défi voient qui y participe.")
    return None


@bp.route("/defis/<slug>/representativite")
@login_required
def show(slug: str):
    challenge = challenge_by_slug(slug) or abort(404)
    if view_problem(current_user, challenge):
        abort(403)
    report = representativeness(challenge)
    charts = {d.key: bar_chart(f"rep-{d.key}", d) for d in report.dimensions}
    return render_template("representativeness/show.html", challenge=challenge, report=report,
                           charts=charts, small=SMALL,
                           organisation=challenge.organisations[0]
                           if challenge.organisations else None)
