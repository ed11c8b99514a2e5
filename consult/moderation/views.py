"""The moderation workspace. Thin views: load, check, call one operation, respond."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms.fields.choices import SelectChoice

from consult.accounts.sessions import person
from consult.accounts.views import form_page
from consult.challenges.models import Challenge, CharterRule, ModerationMode, Theme
from consult.challenges.queries import challenge_by_slug
from consult.comments.models import Comment
from consult.core import events
from consult.core.errors_domain import Refused, refusable
from consult.core.events import emit
from consult.core.http import redirect_back
from consult.core.pagination import page_number
from consult.core.params import int_arg, parse_id
from consult.core.security import Permission, can
from consult.db import db
from consult.ideas.models import AnswerStatus, Idea, IdeaStatus
from consult.ideas.queries import similar_ideas
from consult.moderation import bp, permissions, queries  # noqa: F401  (registers the rule)
from consult.moderation import operations as ops
from consult.moderation.forms import (
    AnswerForm,
    BulkForm,
    CommentDecisionForm,
    DecisionForm,
    MergeForm,
    SettingsForm,
    ThemeForm,
    TitleForm,
)


def require_moderator(challenge=None) -> None:
    if not can(current_user, Permission.MODERATE, challenge):
        abort(403)


def _idea(idea_id: int) -> Idea:
    idea = db.session.get(Idea, idea_id) or abort(404)
    require_moderator(idea.challenge)
    return idea


def _decide(actor, idea: Idea, form: DecisionForm) -> None:
    action = form.action.data
    if action == "approve":
        ops.approve_idea(actor, idea, form.reason.data or None)
    elif action == "reject":
        rule = db.session.get(CharterRule, int(form.rule.data)) if form.rule.data else None
        if rule is None:
            raise Refused(_("Choisissez la règle de la charte qui motive le refus."), "rule")
        ops.reject_idea(actor, idea, rule, form.message.data or "")
    elif action == "hide":
        ops.hide_idea(actor, idea, form.reason.data or "")
    elif action == "restore":
        ops.restore_idea(actor, idea, form.reason.data or None)


@bp.route("/moderation")
@login_required
def queue():
    require_moderator()
    challenges = queries.moderated_challenges(current_user)
    challenge_id = int_arg("defi")
    kind = request.args.get("type", "") if request.args.get("type") in ("pending",
                                                                       "reported") else ""
    oldest = request.args.get("ordre") == "anciens"
    page = queries.queue(current_user, challenge_id=challenge_id, kind=kind,
                         oldest_first=oldest, page=page_number(request.args.get("page")))
    form = BulkForm()
    chosen = (db.session.get(Challenge, challenge_id)
              if any(c.id == challenge_id for c in challenges) else None)
    form.set_rules(ops.charter_of(chosen) if chosen else [])
    filters = {name: value for name, value in (
        ("defi", challenge_id), ("type", kind), ("ordre", "anciens" if oldest else None))
        if value}
    return render_template("moderation/queue.html", page=page, items=page.items,
                           challenges=challenges, chosen=chosen, kind=kind, oldest=oldest,
                           form=form, filters=filters)


@bp.route("/moderation/lot", methods=["POST"])
@login_required
def bulk():
    require_moderator()
    form = BulkForm()
    challenge_id = request.form.get("defi", type=int)
    rules = []
    if challenge_id:
        challenge = db.session.get(Challenge, challenge_id) or abort(404)
        require_moderator(challenge)
        rules = ops.ensure_charter(challenge)
    form.set_rules(rules)
    if not form.validate_on_submit():
        abort(400)
    ids = [value.partition(":")[::2] for value in request.form.getlist("items")]
    done, refused = 0, []
    actor = person()
    for kind, raw in ids:
        if parse_id(raw) is None:
            continue
        target = db.session.get(Idea if kind == "idea" else Comment, parse_id(raw))
        if target is None:
            continue
        try:
            with refusable():
                if kind == "idea":
                    require_moderator(target.challenge)
                    _decide(actor, target, form)
                else:
                    idea = db.session.get(Idea, target.idea_id)
                    require_moderator(idea.challenge)
                    if form.action.data == "hide":
                        ops.hide_comment(actor, target, form.reason.data or _("Modération"))
                    elif form.action.data == "approve":
                        ops.keep_comment(actor, target)
                    elif form.action.data == "restore":
                        ops.restore_comment(actor, target, form.reason.data or None)
                    else:
                        raise Refused(_("Un commentaire se masque, il ne se refuse pas."))
            done += 1
        except Refused as refusal:
            refused.append(refusal.message)
    flash(ngettext_done(done), "success" if done else "info")
    for message in sorted(set(refused)):
        flash(message, "error")
    return redirect_back(url_for("moderation.queue"))


def ngettext_done(count: int) -> str:
    from flask_babel import ngettext

    return ngettext("%(num)d élément traité.", "%(num)d éléments traités.", count)


@bp.route("/moderation/idees/<int:idea_id>", methods=["GET", "POST"])
@login_required
def idea(idea_id: int):
    target = _idea(idea_id)
    challenge = target.challenge
    rules = ops.charter_of(challenge)
    forms = {"decision": DecisionForm(prefix="d"), "theme": ThemeForm(prefix="t"),
             "merge": MergeForm(prefix="m"), "answer": AnswerForm(prefix="a")}
    forms["title"] = TitleForm(prefix="ti")
    forms["decision"].set_rules(rules)
    forms["theme"].theme.choices = [SelectChoice("", _("Aucun thème"))] + [
        SelectChoice(str(t.id), t.name) for t in challenge.themes]
    options = _answer_options(target, parse_id(request.args.get("modele")))
    if options is not None:
        forms["answer"].status.choices = [SelectChoice(v, label) for v, label in options.choices]
    if request.method == "GET":
        forms["title"].title.data = target.title
        forms["theme"].theme.data = str(target.theme_id or "")
        if target.answer_status:
            forms["answer"].status.data = (options.value_of(target) if options is not None
                                           else target.answer_status.value)
            forms["answer"].text.data = target.answer_text
        if options is not None and options.draft is not None:  # « partir d'un modèle »
            forms["answer"].status.data, forms["answer"].text.data = options.draft
    submitted = request.form.get("form")
    form = forms.get(submitted) if request.method == "POST" else None
    if form is not None and form.validate_on_submit():
        try:
            _apply(submitted, form, target, options)
        except Refused as refusal:
            form.show_refusal(refusal)
        else:
            flash(_("Décision enregistrée."), "success")
            return redirect(url_for("moderation.idea", idea_id=target.id))
    status = 422 if form is not None and (form.errors or form.form_errors) else 200
    if request.method == "POST" and form is None:
        abort(400)
    duplicates = [i for i in similar_ideas(challenge, target.title, target.body, limit=6)
                  if i.id != target.id]
    return render_template("moderation/idea.html", idea=target, challenge=challenge,
                           forms=forms, duplicates=duplicates, options=options,
                           merged_count=db.session.scalar(select(func.count()).where(
                               Idea.merged_into_id == target.id,
                               Idea.status == IdeaStatus.MERGED)),
                           reports=queries.open_reports("idea", target.id),
                           history=[e for e in queries.moderation_log(challenge, 200)
                                    if e.target_type == "ideas" and e.target_id == target.id],
                           IdeaStatus=IdeaStatus), status


def _answer_options(idea: Idea, template_id: int | None):
    """What the answering organisations offer (answers.operations.AnswerOptions): their
    templates and own statuses; None when nothing answers (no answers package)."""
    return next(iter(emit(events.answer_form_asked, idea, template_id=template_id)), None)


def _apply(kind: str, form, target: Idea, options=None) -> None:
    actor = person()
    if kind == "decision":
        _decide(actor, target, form)
    elif kind == "title":
        ops.correct_title(actor, target, form.title.data, form.note.data or "")
    elif kind == "theme":
        theme = db.session.get(Theme, int(form.theme.data)) if form.theme.data else None
        ops.assign_theme(actor, target, theme)
    elif kind == "merge":
        kept = db.session.get(Idea, form.kept.data)
        if kept is None:
            raise Refused(_("Aucune idée ne porte ce numéro."), "kept")
        ops.merge_duplicate(actor, target, kept)
    elif kind == "answer":
        if options is not None:
            status, label = options.read(form.status.data)
        else:
            status, label = AnswerStatus(form.status.data), None
        ops.give_official_answer(actor, target, status, form.text.data or "", label=label)


@bp.route("/moderation/commentaires/<int:comment_id>", methods=["POST"])
@login_required
def comment(comment_id: int):
    target = db.session.get(Comment, comment_id) or abort(404)
    idea = db.session.get(Idea, target.idea_id)
    require_moderator(idea.challenge)
    form = CommentDecisionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        {"hide": lambda: ops.hide_comment(person(), target, form.reason.data or
                                          _("Modération")),
         "keep": lambda: ops.keep_comment(person(), target),
         "restore": lambda: ops.restore_comment(person(), target, form.reason.data or None),
         }[form.action.data]()
    except Refused as refusal:
        flash(refusal.message, "error")
        return redirect(url_for("moderation.queue")), 303
    flash(_("Décision enregistrée."), "success")
    return redirect_back(url_for("moderation.queue"))


@bp.route("/moderation/defis/<slug>", methods=["GET", "POST"])
@login_required
def settings(slug: str):
    challenge = challenge_by_slug(slug) or abort(404)
    require_moderator(challenge)
    form = SettingsForm()
    if request.method == "GET":
        form.mode.data = challenge.moderation_mode.value
        form.threshold.data = challenge.auto_hide_threshold
    if form.validate_on_submit():
        ops.set_moderation(person(), challenge, ModerationMode(form.mode.data),
                           form.threshold.data)
        flash(_("Réglages de modération enregistrés."), "success")
        return redirect(url_for("moderation.settings", slug=slug))
    return form_page("moderation/settings.html", form, challenge=challenge,
                     rules=ops.charter_of(challenge),
                     figures=queries.public_figures(challenge))


@bp.route("/moderation/defis/<slug>/journal")
@login_required
def log(slug: str):
    challenge = challenge_by_slug(slug) or abort(404)
    require_moderator(challenge)
    if request.args.get("format") == "csv":
        return Response(queries.log_as_csv(challenge), content_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition":
                                 f'attachment; filename="moderation-{challenge.slug}.csv"'})
    from consult.audit import labels

    return render_template("moderation/log.html", challenge=challenge,
                           entries=queries.moderation_log(challenge), form=FlaskForm(),
                           action_label=labels.action_label, target_label=labels.target_label,
                           target_url=labels.target_url)


@bp.app_context_processor
def _public_figures():
    """The challenge page shows its moderation in figures (challenges stay below)."""
    return {"moderation_figures": queries.public_figures}
