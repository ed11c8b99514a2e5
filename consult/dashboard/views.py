from __future__ import annotations

from flask import abort, render_template
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user, login_required

from consult.core.security import Permission, can
from consult.dashboard import bp, queries
from consult.dashboard.chart import line_chart
from consult.db import utcnow
from consult.events.queries import without_write_up
from consult.opinions import operations as opinions
from consult.organisations.queries import organisation_by_slug
from consult.representativeness.report import representativeness


@bp.route("/espace/<slug>/tableau-de-bord")
@login_required
def show(slug: str):
    organisation = organisation_by_slug(slug) or abort(404)
    if not can(current_user, Permission.VIEW_ORGANISATION_WORKSPACE, organisation):
        abort(403)
    weeks = queries.participation_by_week(organisation.id)
    labels = [format_date(w.start, "d MMM") for w in weeks]
    chart = line_chart(
        "participation", _("Participation par semaine"),
        _("Nombre d’idées, de soutiens et de commentaires reçus chaque semaine sur les défis "
          "de l’organisation, pendant les 12 dernières semaines. Les chiffres sont dans le "
          "tableau qui suit."), labels,
        [(_("Idées"), [w.ideas for w in weeks]), (_("Soutiens"), [w.supports for w in weeks]),
         (_("Commentaires"), [w.comments for w in weeks])])
    challenges = queries.per_challenge(organisation.id)
    published = [c for c, _comments in challenges if c.published_at is not None]
    reports = [representativeness(c) for c in published[:10]]  # the ten most recent only
    today = utcnow().date()
    asked = opinions.of_organisation(organisation.id)
    opinion_delays = {key: opinions.delays(rows, today) for key, rows in asked.items()}
    return render_template("dashboard/show.html", organisation=organisation, weeks=weeks,
                           opinions=asked, opinion_delays=opinion_delays, today=today,
                           chart=chart, challenges=challenges, reports=reports,
                           answers=queries.answers(organisation.id),
                           moderation=queries.moderation_delays(organisation.id),
                           briefs=queries.briefs_of(organisation.id),
                           unwritten=without_write_up(organisation.id))
