"""Launching and editing challenges (organisation administrators and agents)."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, flash, redirect, request, send_from_directory, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from consult.accounts.sessions import person
from consult.accounts.views import form_page
from consult.challenges import bp, operations
from consult.challenges.co_ownership import pending_proposals
from consult.challenges.forms import ChallengeForm
from consult.challenges.models import DEFAULT_CHARTER_RULES, Challenge, CharterRule, ModerationMode
from consult.challenges.queries import challenge_by_slug
from consult.challenges.timeline import DEFAULT_PROCESS, PROCESSES, PhaseSpec, prefill, specs_of
from consult.core.errors_domain import Refused, refusable
from consult.core.media import media_dir, store_image
from consult.core.security import Permission, can
from consult.core.timezones import local_to_utc, utc_to_local
from consult.db import db, utcnow
from consult.organisations.queries import all_organisations, organisation_by_slug

BLANK_ROWS = 2  # empty calendar rows offered to add a phase without JavaScript


def _require(permission: Permission, obj) -> None:
    if not can(current_user, permission, obj):
        abort(403)


def _form_values(form: ChallengeForm) -> tuple[dict, list] | None:
    """The challenge's fields from the form, or None after adding errors to the form."""
    territory_id = form.territory.territory_id
    organisations = [o for o in all_organisations() if o.id in set(form.organisations.data)]
    values = {
        "title": form.title.data.strip(), "service": form.service.data.strip(),
        "problem": form.problem.data, "audience": form.audience.data or "",
        "context": form.context.data or "", "territory_id": territory_id,
        "phases": form.phase_specs(),
        "moderation_mode": ModerationMode.PRE if form.pre_moderation.data
        else ModerationMode.POST,
        "moderation_charter": form.moderation_charter.data or "",
    }
    return values, organisations


def _save_cover(form: ChallengeForm, challenge: Challenge) -> None:
    if form.cover.data:
        challenge.cover_image = store_image(
            form.cover.data.stream, _("L’image dépasse 5 Mo."),
            _("Ce fichier n’est pas une image JPEG, PNG ou WebP lisible."))
    challenge.cover_alt = (form.cover_alt.data or "").strip() or (
        challenge.cover_alt if challenge.cover_image else None)


def _themes_and_rules(form: ChallengeForm, challenge: Challenge) -> None:
    operations.set_themes(challenge, (form.themes.data or "").split(","))
    operations.set_charter_rules(challenge, (form.charter_rules.data or "").splitlines())


def _calendar(form: ChallengeForm, specs: list[PhaseSpec]) -> None:
    """Show these phases in the calendar rows, and the empty rows to add one."""
    while form.phases.entries:
        form.phases.pop_entry()
    for spec in specs:
        form.phases.append_entry({
            "id": spec.id or "", "kind": spec.kind.value, "title": spec.title,
            "description": spec.description, "starts_at": utc_to_local(spec.starts_at),
            "ends_at": utc_to_local(spec.ends_at) if spec.ends_at else None})
    _blank_rows(form)


def _blank_rows(form: ChallengeForm) -> None:
    blank = sum(1 for entry in form.phases if not entry.form.kind.data)
    for _n in range(BLANK_ROWS - blank):
        form.phases.append_entry({})


def _prefilled(form: ChallengeForm) -> None:
    """The chosen process's phases from tomorrow 9 h (Paris)."""
    start = (utc_to_local(utcnow()) + timedelta(days=1)).replace(hour=9, minute=0, second=0,
                                                                 microsecond=0)
    _calendar(form, prefill(form.process_key.data, local_to_utc(start),
                            supports_per_person=form.supports_per_person.data,
                            self_support_allowed=bool(form.self_support_allowed.data)))


def _refused(form: ChallengeForm, refusal: Refused) -> None:
    field = {"organisations": form.organisations,
             "cover": form.cover}.get(refusal.field or "")
    (field.errors if field is not None else form.form_errors).append(refusal.message)


@bp.route("/espace/<slug>/defis/nouveau", methods=["GET", "POST"])
@login_required
def new(slug: str):
    organisation = organisation_by_slug(slug) or abort(404)
    _require(Permission.LAUNCH_CHALLENGE, organisation)
    form = ChallengeForm()
    form.set_organisations(all_organisations())
    if request.method == "GET":
        form.organisations.data = [organisation.id]
        form.charter_rules.data = "\n".join(DEFAULT_CHARTER_RULES)
        form.supports_per_person.data = 5
        form.process_key.data = request.args.get("demarche", DEFAULT_PROCESS)
        _prefilled(form)
    if form.validate_on_submit():
        parsed = _form_values(form)
        if parsed is not None:
            values, organisations = parsed
            if organisation not in organisations:
                form.organisations.errors.append(
                    _("Votre organisation doit faire partie des organisations du défi."))
            else:
                try:
                    with refusable():
                        challenge = operations.create_challenge(
                            person(), organisations, **values)
                        _save_cover(form, challenge)
                        _themes_and_rules(form, challenge)
                except Refused as refusal:
                    _refused(form, refusal)
                else:
                    flash(_("Brouillon enregistré. Relisez l’aperçu, puis publiez le défi."),
                          "success")
                    return redirect(url_for("challenges.show", slug=challenge.slug))
    _blank_rows(form)
    return form_page("challenges/editor.html", form, organisation=organisation, challenge=None,
                     pending=[], processes=PROCESSES.values())


@bp.route("/defis/<slug>/modifier", methods=["GET", "POST"])
@login_required
def edit(slug: str):
    challenge = challenge_by_slug(slug) or abort(404)
    _require(Permission.EDIT_CHALLENGE, challenge)
    form = ChallengeForm(obj=challenge if request.method == "GET" else None)
    form.set_organisations(all_organisations())
    if request.method == "GET":
        form.organisations.data = sorted(challenge.organisation_ids)
        form.themes.data = ", ".join(t.name for t in challenge.themes)
        form.territory.data = challenge.territory.label if challenge.territory else ""
        form.pre_moderation.data = challenge.moderation_mode == ModerationMode.PRE
        _calendar(form, specs_of(challenge))
        form.charter_rules.data = "\n".join(r.label for r in sorted(
            db.session.query(CharterRule).filter_by(challenge_id=challenge.id),
            key=lambda r: r.position))
    if form.validate_on_submit():
        parsed = _form_values(form)
        if parsed is not None:
            values, organisations = parsed
            try:
                with refusable():
                    operations.update_challenge(person(), challenge, organisations, **values)
                    _save_cover(form, challenge)
                    _themes_and_rules(form, challenge)
            except Refused as refusal:
                _refused(form, refusal)
            else:
                flash(_("Défi enregistré."), "success")
                invited = pending_proposals(challenge)
                if invited:
                    flash(_("En attente de l’accord de : %(names)s.",
                            names=", ".join(p.organisation.name for p in invited)), "info")
                return redirect(url_for("challenges.show", slug=challenge.slug))
    _blank_rows(form)
    return form_page("challenges/editor.html", form, organisation=challenge.organisations[0],
                     challenge=challenge, pending=pending_proposals(challenge))


def _post_action(slug: str, permission: Permission, action, message: str):
    from flask_wtf import FlaskForm

    challenge = challenge_by_slug(slug) or abort(404)
    _require(permission, challenge)
    FlaskForm().validate_on_submit() or abort(400)
    try:
        action(person(), challenge)
    except Refused as refusal:
        flash(refusal.message, "error")
        return redirect(url_for("challenges.show", slug=slug)), 303
    flash(message, "success")
    return redirect(url_for("challenges.show", slug=slug))


@bp.route("/defis/<slug>/publier", methods=["POST"])
@login_required
def publish(slug: str):
    return _post_action(slug, Permission.EDIT_CHALLENGE, operations.publish_challenge,
                        _("Le défi est publié."))


@bp.route("/defis/<slug>/clore-phase", methods=["POST"])
@login_required
def close_phase(slug: str):
    return _post_action(slug, Permission.CLOSE_PHASE, operations.close_phase_early,
                        _("La phase est close ; la suivante commence maintenant."))


@bp.route("/medias/<name>")
def media(name: str):
    if not name.replace(".", "").isalnum():
        abort(404)
    return send_from_directory(media_dir(), name, max_age=31_536_000)
