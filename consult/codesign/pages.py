"""What co-design adds to a brief's page, asked by its template (``codesign_section``):
the brief page belongs to briefs, which stay below codesign (tests/test_architecture.py)."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user
from markupsafe import Markup

from consult.codesign import bp, queries
from consult.codesign.forms import VersionForm
from consult.events.queries import events_of_brief, my_registrations, waiting_counts


def codesign_section(brief, editable: bool) -> Markup:
    sessions = events_of_brief(brief.id, upcoming_only=not editable)
    ids = [s.id for s in sessions]
    return Markup(render_template(  # noqa: S704  # nosec B704 - a template of ours, autoescaped
        "codesign/_brief_section.html", brief=brief, editable=editable, sessions=sessions,
        mine=my_registrations(current_user, ids), waiting=waiting_counts(ids),
        volunteer=queries.is_volunteer(current_user, brief.id),
        feedback=queries.feedback_summary(brief.id),
        version_form=VersionForm(prefix="v") if editable else None))


@bp.app_context_processor
def _brief_page():
    return {"codesign_section": codesign_section}
