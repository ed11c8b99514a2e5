from __future__ import annotations

from flask import current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import text

from consult.core.http import safe_next
from consult.core.i18n import LANG_COOKIE
from consult.core.pagecache import anonymous_cache
from consult.db import db
from consult.site import bp

SCHEME_COOKIE = "consult_scheme"
ONE_YEAR = 365 * 24 * 3600


@bp.route("/")
@anonymous_cache()
def home():
    from consult.briefs.queries import recent_public_briefs
    from consult.challenges.queries import open_challenges, recent_results

    return render_template("site/home.html", open_challenges=open_challenges(),
                           recent_results=recent_results(), recent_briefs=recent_public_briefs())


@bp.route("/organisations/<slug>")
@anonymous_cache()
def organisation(slug: str):
    """An organisation's public page: its challenges, their results, its briefs and the
    coming events (workshops, trainings, the tests of its prototypes). Here, in the site package,
    because it gathers what several domains hold."""
    from flask import abort

    from consult.briefs.queries import briefs_of_organisation
    from consult.challenges.queries import published_challenges_of
    from consult.events.queries import AgendaFilters, agenda
    from consult.organisations.queries import organisation_by_slug

    found = organisation_by_slug(slug) or abort(404)
    challenges = published_challenges_of(found.id)
    briefs = briefs_of_organisation(found.id)
    events = list(db.session.scalars(agenda(AgendaFilters(organisation_id=found.id))
                                      .limit(20)))
    return render_template("organisations/public.html", organisation=found,
                           challenges=challenges,
                           results=[c for c in challenges if c.results_published_at],
                           briefs=briefs, events=events)


@bp.route("/recherche")
@anonymous_cache()
def search():
    """One search across challenges, ideas and briefs, from the header."""
    from consult.briefs.queries import search_briefs
    from consult.challenges.queries import search_challenges
    from consult.core.params import text_arg
    from consult.ideas.queries import search_everywhere

    words = text_arg("q")
    found = {"challenges": search_challenges(words), "ideas": search_everywhere(words),
             "briefs": search_briefs(words)} if words else None
    return render_template("site/search.html", words=words, found=found)


@bp.route("/accessibilite")
def accessibility():
    """The RGAA statement, written from the self-assessment grid and the deployment's
    own entity and contact (consult.accessibility)."""
    from consult.accessibility import statement

    return render_template("site/accessibility.html", grid=statement.assessment(),
                           contact=statement.contact(), levels=statement.LEVELS,
                           check_kinds=statement.CHECK_KINDS,
                           status_labels=statement.STATUS_LABELS)


@bp.route("/donnees-personnelles")
def privacy():
    return render_template("site/privacy.html")


@bp.route("/mentions-legales")
def legal():
    return render_template("site/legal.html")


@bp.route("/preferences/langue", methods=["POST"])
def set_language():
    FlaskForm().validate_on_submit() or _bad_request()
    lang = request.form.get("lang", "fr")
    if lang not in current_app.config["LANGUAGES"]:
        lang = "fr"
    if current_user.is_authenticated:
        current_user.locale = lang
    response = redirect(safe_next(request.form.get("next"), url_for("site.home")))
    response.set_cookie(LANG_COOKIE, lang, max_age=ONE_YEAR, samesite="Lax",
                        secure=current_app.config["SESSION_COOKIE_SECURE"], httponly=True)
    return response


@bp.route("/preferences/affichage", methods=["POST"])
def set_scheme():
    FlaskForm().validate_on_submit() or _bad_request()
    scheme = request.form.get("scheme", "system")
    if scheme not in ("light", "dark", "system"):
        scheme = "system"
    flash(_("Affichage enregistré."), "success")
    response = redirect(safe_next(request.form.get("next"), url_for("site.home")))
    response.set_cookie(SCHEME_COOKIE, scheme, max_age=ONE_YEAR, samesite="Lax",
                        secure=current_app.config["SESSION_COOKIE_SECURE"], httponly=True)
    return response


@bp.route("/sante")
def health():
    """For load balancers: the application answers and reaches its database."""
    db.session.execute(text("SELECT 1"))
    return jsonify(status="ok")


def _bad_request():
    from flask import abort

    abort(400)
