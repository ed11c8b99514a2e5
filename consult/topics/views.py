"""The topics' page of a challenge — what citizens browse (the published topics) and the
agents' workspace on the same address (computing, renaming, merging, splitting,
publishing, turning into a theme) — and the topic filter of the challenge's ideas."""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import format_number, ngettext
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from markupsafe import Markup
from sqlalchemy import select

from consult.accounts.sessions import person
from consult.challenges.permissions import can_view_challenge
from consult.challenges.queries import challenge_by_slug
from consult.core.errors_domain import Refused
from consult.core.pagecache import anonymous_cache
from consult.core.pagination import Page, count_rows, page_number
from consult.core.params import parse_id
from consult.db import db
from consult.ideas.models import Idea, IdeaStatus
from consult.ideas.queries import narrower
from consult.topics import bp, methods
from consult.topics import operations as ops
from consult.topics.models import MAX_LABEL, Topic, TopicIdea


def _challenge_or_404(slug: str):
    challenge = challenge_by_slug(slug)
    if challenge is None or not can_view_challenge(current_user, challenge):
        abort(404)
    return challenge


def _ideas(ids) -> dict[int, Idea]:
    ids = list(ids)
    if not ids:
        return {}
    return {idea.id: idea for idea in db.session.scalars(select(Idea).where(
        Idea.id.in_(ids), Idea.status == IdeaStatus.PUBLISHED))}


def _answer_templates(challenge):
    from consult.answers.operations import templates_for

    return templates_for(challenge.organisation_ids)


def _statuses(challenge) -> list[tuple[str, str]]:
    """The canonical answer statuses and the challenge's organisations' own."""
    from consult.answers.operations import labels_for, status_choices

    return status_choices(labels_for(challenge.organisation_ids))


def _page(challenge, status: int = 200, errors: dict[str, str] | None = None,
          typed: dict[str, str] | None = None):
    agent = ops.curate_problem(current_user, challenge) is None
    published = ops.published_topics(challenge)
    run = ops.latest_run(challenge) if agent else None
    done = ops.latest_done(challenge) if agent else None
    working = ops.topics_of_run(done) if done else []
    earlier = [t for t in published if done is None or t.run_id != done.id] if agent else []
    shown = published if not agent else working + earlier
    summaries = ops.summaries_of(challenge, validated_only=not agent)
    by_target: dict[int | None, list] = {}
    for summary in summaries:  # newest first; citizens see the validated one only
        by_target.setdefault(summary.topic_id, []).append(summary)
    cited = {i for s in summaries for sentence in s.sentences for i in sentence["idea_ids"]}
    return render_template(
        "topics/page.html", challenge=challenge, agent=agent, published=published,
        run=run, done=done, working=working, earlier=earlier,
        ideas=_ideas({i for t in shown for i in t.representative} | cited),
        summaries=by_target, generative=ops.generative_configured(),
        answer_templates=_answer_templates(challenge) if agent else [],
        statuses=_statuses(challenge) if agent else [],
        method=methods.describe(done.params) if done else None,
        duplicates=count_rows(ops.open_duplicates(challenge)) if agent else 0,
        errors=errors or {}, typed=typed or {}, max_label=MAX_LABEL,
        max_topics=methods.MAX_TOPICS, methods=methods.METHODS,
        default_method=methods.DEFAULT_METHOD), status


@bp.route("/defis/<slug>/sujets")
@anonymous_cache()  # (the agents' tools are only on pages made for them)
def page(slug: str):
    return _page(_challenge_or_404(slug))


def _posted(slug: str):
    """The challenge of an agent's POST, its CSRF token checked: 404, 400 or 403."""
    challenge = _challenge_or_404(slug)
    if not FlaskForm().validate_on_submit():
        abort(400)
    if ops.curate_problem(current_user, challenge):
        abort(403)
    return challenge


def _topic(challenge, topic_id: int) -> Topic:
    topic = db.session.get(Topic, topic_id)
    if topic is None or topic.challenge_id != challenge.id:
        abort(404)
    return topic


def _refused(challenge, refused: Refused, key: str, typed: dict[str, str] | None = None):
    """The page again with the refusal beside its field and what was typed: 422 for a
    value to correct, 409 for an action the topic's state forbids."""
    field = f"{refused.field}-{key}" if refused.field else f"topic-{key}"
    return _page(challenge, 422 if refused.field else 409, {field: refused.message}, typed)


def _act(slug: str, topic_id: int, action: Callable[[Topic], str], typed: dict | None = None):
    challenge = _posted(slug)
    topic = _topic(challenge, topic_id)
    try:
        message = action(topic)
    except Refused as refused:
        return _refused(challenge, refused, str(topic_id), typed)
    flash(message, "success")
    return redirect(url_for("topics.page", slug=slug, _anchor=f"sujet-{topic_id}")
                    if db.session.get(Topic, topic_id) else url_for("topics.page", slug=slug))


@bp.route("/defis/<slug>/sujets/calculer", methods=["POST"])
@login_required
def compute(slug: str):
    challenge = _posted(slug)
    typed = {"k": request.form.get("k", ""), "method": request.form.get("method", "")}
    errors = {}
    for field, parse in (("k", ops.parse_k), ("method", ops.parse_method)):
        try:
            parse(typed[field])
        except Refused as refused:  # every problem at once, what was typed kept
            errors[field] = refused.message
    if errors:
        return _page(challenge, 422, errors, typed)
    ops.request_topics(person(), challenge, ops.parse_k(typed["k"]),
                       ops.parse_method(typed["method"]))
    flash(_("Les sujets se calculent en arrière-plan : rechargez la page dans un instant."),
          "success")
    return redirect(url_for("topics.page", slug=slug))


@bp.route("/defis/<slug>/sujets/<int:topic_id>/renommer", methods=["POST"])
@login_required
def rename(slug: str, topic_id: int):
    label = request.form.get("label", "")

    def act(topic):
        ops.rename(person(), topic, label)
        return _("Sujet renommé « %(label)s ».", label=topic.label)

    return _act(slug, topic_id, act, {f"label-{topic_id}": label})


@bp.route("/defis/<slug>/sujets/<int:topic_id>/fusionner", methods=["POST"])
@login_required
def merge(slug: str, topic_id: int):
    other_id = parse_id(request.form.get("other"))

    def act(topic):
        other = db.session.get(Topic, other_id) if other_id else None
        ops.merge(person(), topic, other)
        return ngettext("Sujets fusionnés : « %(label)s » compte %(count)s idée.",
                        "Sujets fusionnés : « %(label)s » compte %(count)s idées.", topic.size,
                        label=topic.label, count=format_number(topic.size))

    return _act(slug, topic_id, act, {f"other-{topic_id}": str(other_id or "")})


@bp.route("/defis/<slug>/sujets/<int:topic_id>/scinder", methods=["POST"])
@login_required
def split(slug: str, topic_id: int):
    def act(topic):
        first, second = ops.split(person(), topic)
        return _("Sujet scindé en deux, à relire avant de les publier : « %(first)s » et "
                 "« %(second)s ».", first=first.label, second=second.label)

    return _act(slug, topic_id, act)


@bp.route("/defis/<slug>/sujets/<int:topic_id>/publier", methods=["POST"])
@login_required
def publish(slug: str, topic_id: int):
    decision = request.form.get("decision")

    def act(topic):
        if decision not in {"publish", "withdraw"}:
            abort(400)
        ops.publish(person(), topic, decision == "publish")
        return (_("Sujet « %(label)s » publié : les citoyens peuvent parcourir ses idées.",
                  label=topic.label) if decision == "publish"
                else _("Sujet « %(label)s » retiré de la page publique.", label=topic.label))

    return _act(slug, topic_id, act)


@bp.route("/defis/<slug>/sujets/<int:topic_id>/repondre", methods=["POST"])
@login_required
def answer(slug: str, topic_id: int):
    typed = {f"{name}-{topic_id}": request.form.get(name, "")
             for name in ("status", "text", "template")}

    def act(topic):
        count = ops.answer_topic(person(), topic, request.form.get("status", ""),
                                 request.form.get("text", ""),
                                 parse_id(request.form.get("template")))
        return ngettext("La réponse part vers l’idée du sujet ; son auteur est prévenu.",
                        "La réponse part vers les %(count)s idées du sujet ; chaque auteur "
                        "est prévenu une fois.", count, count=format_number(count))

    return _act(slug, topic_id, act, typed)


@bp.route("/defis/<slug>/sujets/<int:topic_id>/theme", methods=["POST"])
@login_required
def make_theme(slug: str, topic_id: int):
    def act(topic):
        theme, given = ops.make_theme(person(), topic)
        return ngettext("Thème « %(name)s » : %(count)s idée sans thème l’a reçu (celles dont "
                        "l’auteur avait choisi un thème le gardent).",
                        "Thème « %(name)s » : %(count)s idées sans thème l’ont reçu (celles "
                        "dont l’auteur avait choisi un thème le gardent).", given,
                        name=theme.name, count=format_number(given))

    return _act(slug, topic_id, act)


@bp.route("/defis/<slug>/sujets/resumer", methods=["POST"])
@login_required
def summarise(slug: str):
    from consult.topics.models import SummaryKind

    challenge = _posted(slug)
    topic_id = parse_id(request.form.get("topic"))
    topic = _topic(challenge, topic_id) if topic_id else None
    try:
        kind = SummaryKind(request.form.get("kind", "extractive"))
    except ValueError:
        abort(400)
    try:
        ops.request_summary(person(), challenge, topic, kind)
    except Refused as refused:
        return _refused(challenge, refused, str(topic_id or "challenge"))
    flash(_("Le résumé se calcule en arrière-plan : relisez-le avant de le publier."),
          "success")
    return redirect(url_for("topics.page", slug=slug,
                            _anchor=f"sujet-{topic_id}" if topic_id else "resumes"))


@bp.route("/defis/<slug>/sujets/resumes/<int:summary_id>", methods=["POST"])
@login_required
def decide_summary(slug: str, summary_id: int):
    from consult.topics.models import Summary

    challenge = _posted(slug)
    summary = db.session.get(Summary, summary_id)
    if summary is None or summary.challenge_id != challenge.id:
        abort(404)
    decision = request.form.get("decision")
    if decision not in {"validate", "discard"}:
        abort(400)
    key = str(summary.topic_id or "challenge")
    try:
        if decision == "validate":
            ops.validate_summary(person(), summary)
        else:
            ops.discard_summary(person(), summary)
    except Refused as refused:
        return _refused(challenge, refused, key)
    flash(_("Résumé publié : chaque phrase renvoie à l’idée qu’elle cite.")
          if decision == "validate" else _("Résumé écarté."), "success")
    return redirect(url_for("topics.page", slug=slug))


@bp.route("/defis/<slug>/doublons")
@login_required
def duplicates(slug: str):
    challenge = _challenge_or_404(slug)
    if ops.curate_problem(current_user, challenge):
        abort(403)
    return _duplicates_page(challenge)


def _duplicates_page(challenge, status: int = 200, errors: dict[int, str] | None = None):
    query = ops.open_duplicates(challenge)
    total = count_rows(query)
    size = 20
    number = min(page_number(request.args.get("page")), max(1, -(-total // size)))
    rows = db.session.execute(query.limit(size).offset((number - 1) * size)).all()
    return render_template("topics/duplicates.html", challenge=challenge,
                           page=Page(items=rows, number=number, size=size, total=total),
                           done=ops.latest_done(challenge), errors=errors or {}), status


@bp.route("/defis/<slug>/doublons/<int:candidate_id>", methods=["POST"])
@login_required
def resolve_duplicate(slug: str, candidate_id: int):
    from consult.topics.models import DuplicateCandidate

    challenge = _posted(slug)
    candidate = db.session.get(DuplicateCandidate, candidate_id)
    if candidate is None or candidate.challenge_id != challenge.id:
        abort(404)
    decision = request.form.get("decision", "")
    try:
        ops.resolve_duplicate(person(), candidate, decision)
    except Refused as refused:
        return _duplicates_page(challenge, 422 if refused.field else 409,
                                {candidate_id: refused.message})
    flash(_("Ces deux idées ne seront plus proposées comme doublons.")
          if decision == "dismiss" else
          _("Idées fusionnées : l’auteur de l’idée fermée est crédité sur celle gardée, et "
            "ses soutiens sont prévenus et libres de se déplacer."), "success")
    return redirect(url_for("topics.duplicates", slug=slug))


@narrower("sujet")
def _ideas_of_topic(challenge, topic_id: int):
    """The challenge's ideas in one of its published topics (« ?sujet=12 »)."""
    topic = db.session.get(Topic, topic_id)
    if topic is None or topic.challenge_id != challenge.id or not topic.is_published:
        return None
    return select(TopicIdea.idea_id).where(TopicIdea.topic_id == topic_id)


def topics_filter(challenge, filters) -> Markup:
    """The « Sujet » select of the challenge's idea filters, when topics are published."""
    published = ops.published_topics(challenge)
    if not published:
        return Markup("")
    return Markup(render_template(  # noqa: S704  # nosec B704 - a template of ours, autoescaped
        "topics/_filter.html", topics=published, selected=filters.narrow.get("sujet")))


def topics_section(challenge) -> Markup:
    published = ops.published_topics(challenge)
    agent = ops.curate_problem(current_user, challenge) is None
    if not published and not agent:
        return Markup("")
    return Markup(render_template(  # noqa: S704  # nosec B704 - a template of ours, autoescaped
        "topics/_challenge_section.html", challenge=challenge, topics=published,
        agent=agent))


@bp.app_context_processor
def _on_challenges():
    return {"topics_filter": topics_filter, "topics_section": topics_section}
