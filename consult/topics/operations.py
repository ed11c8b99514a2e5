"""Computing a challenge's emerging topics (a background job) and what agents do with
them: rename, merge, split, publish or withdraw, turn into a theme. Each refusal is a
``Refused`` naming its field; nothing is half-saved (the request rolls back)."""

from __future__ import annotations

import logging
import time

from flask_babel import gettext as _
from sqlalchemy import delete, func, insert, select, update

from consult.accounts.models import User
from consult.challenges.models import Challenge, Theme
from consult.challenges.permissions import is_agent_for
from consult.core.errors_domain import Refused
from consult.core.events import record
from consult.core.sql import stream_rows
from consult.core.tasks import enqueue, job
from consult.core.text import forbidden_characters_message, has_forbidden_characters
from consult.db import db, utcnow
from consult.ideas.models import Idea, IdeaStatus
from consult.topics import methods
from consult.topics.models import (
    MAX_LABEL,
    DuplicateCandidate,
    DuplicateStatus,
    RunStatus,
    Summary,
    SummaryKind,
    Topic,
    TopicIdea,
    TopicRun,
)

log = logging.getLogger("consult.topics")
BATCH = 5_000


def curate_problem(user: User | None, challenge: Challenge) -> str | None:
    """Why ``user`` may not compute or edit the challenge's topics (None: they may)."""
    if not is_agent_for(user, challenge):
        return _("Seuls les agents des organisations du défi travaillent ses sujets.")
    return None


def _curator(user: User, challenge: Challenge) -> None:
    problem = curate_problem(user, challenge)
    if problem:
        raise Refused(problem)


def parse_k(value: str | None) -> int | None:
    """The number of topics asked: empty for the method's choice, else 2 to 30."""
    value = (value or "").strip()
    if not value:
        return None
    if not value.isdigit() or not 2 <= int(value) <= methods.MAX_TOPICS:
        raise Refused(_("Indiquez un nombre de sujets entre 2 et %(max)s, ou laissez vide "
                        "pour le choix de la méthode.", max=methods.MAX_TOPICS), "k")
    return int(value)


def parse_method(value: str | None) -> str:
    """The grouping asked: by meaning (word vectors, the default) or by shared words."""
    value = (value or "").strip() or methods.DEFAULT_METHOD
    if value not in methods.METHODS:
        raise Refused(_("Choisissez une des deux méthodes."), "method")
    return value


def request_topics(user: User | None, challenge: Challenge, k: int | None = None,
                   method: str = methods.DEFAULT_METHOD) -> TopicRun:
    """Queue a computation of the challenge's topics (``user`` None: the system)."""
    if user is not None:
        _curator(user, challenge)
    run = TopicRun(challenge_id=challenge.id, requested_by_id=user.id if user else None,
                   k=k, status=RunStatus.QUEUED, method=parse_method(method))
    db.session.add(run)
    db.session.flush()
    record(user, "topics.request", challenge, challenge_id=challenge.id, k=k,
           method=run.method)
    enqueue("topics.compute", run.id)
    return run


def latest_run(challenge: Challenge) -> TopicRun | None:
    return db.session.scalar(select(TopicRun).where(TopicRun.challenge_id == challenge.id)
                             .order_by(TopicRun.id.desc()).limit(1))


def latest_done(challenge: Challenge) -> TopicRun | None:
    return db.session.scalar(select(TopicRun).where(
        TopicRun.challenge_id == challenge.id, TopicRun.status == RunStatus.DONE)
        .order_by(TopicRun.id.desc()).limit(1))


def idea_texts(challenge_id: int, idea_ids: list[int] | None = None):
    """(id, title and text) of the challenge's published ideas, read in chunks."""
    query = select(Idea.id, Idea.title, Idea.body).where(
        Idea.challenge_id == challenge_id, Idea.status == IdeaStatus.PUBLISHED)
    if idea_ids is not None:
        query = query.where(Idea.id.in_(
            select(TopicIdea.idea_id).where(TopicIdea.topic_id.in_(idea_ids))))
    for chunk in stream_rows(query):
        for idea_id, title, body in chunk:
            yield idea_id, f"{title}\n{body or ''}"


@job("topics.compute")
def compute(run_id: int) -> int:
    """Find the topics of the run's challenge; the number found. The topics of earlier
    runs that no agent published give way to these; published ones stay until withdrawn."""
    run = db.session.get(TopicRun, run_id)
    if run is None or run.status != RunStatus.QUEUED:
        return 0
    started = time.perf_counter()
    from consult.topics import clustering  # NumPy and the rest: in the job, not the pages

    try:
        found = clustering.find_topics(list(idea_texts(run.challenge_id)), run.k,
                                       method=run.method or methods.DEFAULT_METHOD)
    except Exception as error:  # a failure is shown to the agent, the queue goes on
        log.exception("topics of challenge %s failed", run.challenge_id)
        run.status, run.finished_at = RunStatus.FAILED, utcnow()
        run.error = f"{type(error).__name__}: {error}"[:300]
        return 0
    db.session.execute(delete(Topic).where(
        Topic.challenge_id == run.challenge_id, Topic.published_at.is_(None),
        Topic.run_id != run.id))
    for number, topic in enumerate(found.topics, start=1):
        label = " · ".join(topic.words[:3]) or _("Sujet %(n)s", n=number)
        row = Topic(challenge_id=run.challenge_id, run_id=run.id, label=label[:MAX_LABEL],
                    words=topic.words, representative=topic.representative,
                    size=len(topic.ideas))
        db.session.add(row)
        db.session.flush()
        for start in range(0, len(topic.ideas), BATCH):
            db.session.execute(insert(TopicIdea), [
                {"topic_id": row.id, "idea_id": idea_id, "weight": weight}
                for idea_id, weight in topic.ideas[start:start + BATCH]])
        _recount(row)
    _store_duplicates(run, found.duplicates)
    run.status, run.finished_at = RunStatus.DONE, utcnow()
    run.method, run.params, run.input_hash = found.method, found.params, found.input_hash
    run.ideas = sum(len(t.ideas) for t in found.topics) + len(found.unassigned)
    run.unassigned = len(found.unassigned)
    run.seconds = round(time.perf_counter() - started, 2)
    db.session.flush()
    return len(found.topics)


def _recount(topic: Topic) -> None:
    size, supports = db.session.execute(
        select(func.count(), func.coalesce(func.sum(Idea.supports_count), 0))
        .select_from(TopicIdea).join(Idea, Idea.id == TopicIdea.idea_id)
        .where(TopicIdea.topic_id == topic.id, Idea.status == IdeaStatus.PUBLISHED)).one()
    topic.size, topic.supports = int(size), int(supports)


def _representative(topic: Topic) -> list[int]:
    return list(db.session.scalars(
        select(TopicIdea.idea_id).where(TopicIdea.topic_id == topic.id)
        .order_by(TopicIdea.weight.desc(), TopicIdea.idea_id)
        .limit(methods.REPRESENTATIVE)))


def _edited(user: User, topic: Topic, action: str, **details) -> None:
    topic.edited_at = utcnow()
    db.session.flush()
    record(user, f"topic.{action}", topic, challenge_id=topic.challenge_id, **details)


def label_problem(label: str) -> str | None:
    label = (label or "").strip()
    if not label:
        return _("Donnez un nom au sujet.")
    if len(label) > MAX_LABEL:
        return _("%(max)s caractères au plus.", max=MAX_LABEL)
    if has_forbidden_characters(label):
        return forbidden_characters_message()
    return None


def rename(user: User, topic: Topic, label: str) -> Topic:
    _curator(user, topic.challenge)
    problem = label_problem(label)
    if problem:
        raise Refused(problem, "label")
    old, topic.label = topic.label, label.strip()
    _edited(user, topic, "rename", old=old, new=topic.label)
    return topic


def merge(user: User, topic: Topic, other: Topic | None) -> Topic:
    """``other``'s ideas join ``topic``, which keeps its name and publication; ``other``
    is gone."""
    _curator(user, topic.challenge)
    if other is None or other.challenge_id != topic.challenge_id:
        raise Refused(_("Choisissez un autre sujet de ce défi."), "other")
    if other.id == topic.id:
        raise Refused(_("Un sujet ne peut pas être fusionné avec lui-même : choisissez-en "
                        "un autre."), "other")
    if other.run_id != topic.run_id:
        raise Refused(_("Ces deux sujets viennent de deux calculs différents : retirez "
                        "l’ancien ou fusionnez des sujets du même calcul."), "other")
    db.session.execute(update(TopicIdea).where(TopicIdea.topic_id == other.id)
                       .values(topic_id=topic.id))
    words = list(dict.fromkeys(w for pair in zip(topic.words, other.words, strict=False)
                               for w in pair))
    topic.words = (words + [w for w in topic.words + other.words if w not in words])[
        :methods.WORDS_SHOWN]
    merged_label = other.label
    db.session.delete(other)
    db.session.flush()
    topic.representative = _representative(topic)
    _recount(topic)
    _edited(user, topic, "merge", merged=merged_label)
    return topic


def split(user: User, topic: Topic) -> tuple[Topic, Topic]:
    """The topic's ideas in two by the same method: the topic keeps the first part, a
    new topic takes the second; both come back unpublished, to review."""
    _curator(user, topic.challenge)
    ideas = list(idea_texts(topic.challenge_id, [topic.id]))
    run = db.session.get(TopicRun, topic.run_id) if topic.run_id else None
    method = run.method if run is not None and run.method in methods.METHODS else (
        methods.DEFAULT_METHOD)
    from consult.topics import clustering  # NumPy and the rest: when a topic is split

    found = clustering.split_in_two(ideas, method)
    if len(found.topics) < 2:
        raise Refused(_("Ce sujet ne se scinde pas : trop peu d’idées, ou des idées trop "
                        "semblables pour former deux sujets."))
    first, second = found.topics[:2]
    new = Topic(challenge_id=topic.challenge_id, run_id=topic.run_id,
                label=(" · ".join(second.words[:3]) or topic.label)[:MAX_LABEL],
                words=second.words, representative=second.representative)
    db.session.add(new)
    db.session.flush()
    moved = [idea_id for idea_id, _weight in second.ideas]
    for start in range(0, len(moved), BATCH):
        db.session.execute(update(TopicIdea).where(
            TopicIdea.topic_id == topic.id, TopicIdea.idea_id.in_(moved[start:start + BATCH]))
            .values(topic_id=new.id))
    topic.words, topic.representative = first.words, first.representative
    topic.published_at = topic.published_by_id = None
    for row in (topic, new):
        _recount(row)
    _edited(user, topic, "split", into=new.id)
    return topic, new


def publish(user: User, topic: Topic, published: bool = True) -> Topic:
    _curator(user, topic.challenge)
    if published and not topic.size:
        raise Refused(_("Ce sujet ne contient aucune idée publiée : il n’y a rien à "
                        "montrer."))
    topic.published_at = utcnow() if published else None
    topic.published_by_id = user.id if published else None
    _edited(user, topic, "publish" if published else "withdraw")
    return topic


def make_theme(user: User, topic: Topic) -> tuple[Theme, int]:
    """A theme of the challenge named as the topic; its ideas without a theme take it
    (an author's own choice of theme stays). The theme and the ideas given it."""
    _curator(user, topic.challenge)
    theme = db.session.scalar(select(Theme).where(Theme.challenge_id == topic.challenge_id,
                                                  Theme.name == topic.label))
    if theme is None:
        theme = Theme(challenge_id=topic.challenge_id, name=topic.label)
        db.session.add(theme)
        db.session.flush()
    given = db.session.execute(update(Idea).where(
        Idea.id.in_(select(TopicIdea.idea_id).where(TopicIdea.topic_id == topic.id)),
        Idea.theme_id.is_(None)).values(theme_id=theme.id)
        .execution_options(synchronize_session=False)).rowcount
    topic.theme_id = theme.id
    _edited(user, topic, "theme", theme_id=theme.id, ideas=given)
    return theme, given


def published_topics(challenge: Challenge) -> list[Topic]:
    """The challenge's published topics, largest first (asked once per request: the
    challenge page's filter and its topics section both show them)."""
    from flask import g, has_request_context

    memo = g.setdefault("consult_published_topics", {}) if has_request_context() else {}
    if challenge.id not in memo:
        memo[challenge.id] = list(db.session.scalars(select(Topic).where(
            Topic.challenge_id == challenge.id, Topic.published_at.is_not(None))
            .order_by(Topic.size.desc(), Topic.id)))
    return memo[challenge.id]


def topics_of_run(run: TopicRun) -> list[Topic]:
    return list(db.session.scalars(select(Topic).where(Topic.run_id == run.id)
                                   .order_by(Topic.size.desc(), Topic.id)))


def _store_duplicates(run: TopicRun, pairs: list[tuple[int, int, float]]) -> None:
    """The run's candidate pairs replace the open ones; a pair a moderator already
    resolved (merged, or not duplicates) is never proposed again."""
    db.session.execute(delete(DuplicateCandidate).where(
        DuplicateCandidate.challenge_id == run.challenge_id,
        DuplicateCandidate.status == DuplicateStatus.OPEN))
    resolved = set(map(tuple, db.session.execute(select(
        DuplicateCandidate.idea_a_id, DuplicateCandidate.idea_b_id).where(
        DuplicateCandidate.challenge_id == run.challenge_id))))
    rows = [{"challenge_id": run.challenge_id, "run_id": run.id, "idea_a_id": a,
             "idea_b_id": b, "similarity": similarity, "status": DuplicateStatus.OPEN}
            for a, b, similarity in pairs if (a, b) not in resolved]
    for start in range(0, len(rows), BATCH):
        db.session.execute(insert(DuplicateCandidate), rows[start:start + BATCH])


def open_duplicates(challenge: Challenge):
    """The moderators' queue: open pairs whose two ideas are still published (or one
    awaiting moderation), most similar first — a query to page through."""
    from sqlalchemy.orm import aliased

    first, second = aliased(Idea), aliased(Idea)
    live = (IdeaStatus.PUBLISHED, IdeaStatus.PENDING)
    return (select(DuplicateCandidate, first, second)
            .join(first, first.id == DuplicateCandidate.idea_a_id)
            .join(second, second.id == DuplicateCandidate.idea_b_id)
            .where(DuplicateCandidate.challenge_id == challenge.id,
                   DuplicateCandidate.status == DuplicateStatus.OPEN,
                   first.status.in_(live), second.status.in_(live))
            .order_by(DuplicateCandidate.similarity.desc(), DuplicateCandidate.id))


DECISIONS = ("keep_a", "keep_b", "dismiss")


def resolve_duplicate(user: User, candidate: DuplicateCandidate, decision: str) -> None:
    """``keep_a``/``keep_b``: the other idea is merged into the one kept, by moderation's
    consent-based merge (its author credited, its supporters told and free to move);
    ``dismiss``: not duplicates, never proposed again."""
    from consult.moderation import operations as moderation

    challenge = db.session.get(Challenge, candidate.challenge_id)
    if curate_problem(user, challenge):
        raise Refused(_("Vous ne modérez pas ce défi."))
    if candidate.status != DuplicateStatus.OPEN:
        raise Refused(_("Cette paire a déjà été traitée."))
    if decision not in DECISIONS:
        raise Refused(_("Choisissez l’idée à garder, ou dites que ce ne sont pas des "
                        "doublons."), "decision")
    if decision == "dismiss":
        candidate.status = DuplicateStatus.DISMISSED
    else:
        a, b = (db.session.get(Idea, candidate.idea_a_id),
                db.session.get(Idea, candidate.idea_b_id))
        kept, duplicate = (a, b) if decision == "keep_a" else (b, a)
        moderation.merge_duplicate(user, duplicate, kept)
        candidate.status = DuplicateStatus.MERGED
    candidate.resolved_by_id, candidate.resolved_at = user.id, utcnow()
    db.session.flush()
    record(user, f"duplicate.{candidate.status.value}", candidate,
           challenge_id=candidate.challenge_id, ideas=[candidate.idea_a_id, candidate.idea_b_id])


def generative_configured() -> bool:
    from flask import current_app

    return bool(current_app.config.get("SUMMARY_ENDPOINT")
                and current_app.config.get("SUMMARY_MODEL"))


def request_summary(user: User, challenge: Challenge, topic: Topic | None = None,
                    kind: SummaryKind = SummaryKind.EXTRACTIVE) -> Summary:
    """Queue a summary of ``topic`` (None: the whole challenge), to validate."""
    _curator(user, challenge)
    if topic is not None and topic.challenge_id != challenge.id:
        raise Refused(_("Choisissez un sujet de ce défi."), "topic")
    if kind == SummaryKind.GENERATIVE and not generative_configured():
        raise Refused(_("Aucun modèle de langue n’est configuré pour ce site : seul le "
                        "résumé extractif est proposé."), "kind")
    summary = Summary(challenge_id=challenge.id, topic_id=topic.id if topic else None,
                      kind=kind, requested_by_id=user.id)
    db.session.add(summary)
    db.session.flush()
    record(user, "summary.request", challenge, challenge_id=challenge.id,
           topic_id=summary.topic_id, kind=kind.value)
    enqueue("topics.summary", summary.id)
    return summary


def _summary_ideas(summary: Summary) -> list[tuple[int, str, str]]:
    """The ideas a summary reads: its topic's, heaviest first; or the challenge's, most
    supported first."""
    query = select(Idea.id, Idea.title, Idea.body).where(
        Idea.challenge_id == summary.challenge_id, Idea.status == IdeaStatus.PUBLISHED)
    if summary.topic_id is not None:
        query = (query.join(TopicIdea, TopicIdea.idea_id == Idea.id)
                 .where(TopicIdea.topic_id == summary.topic_id)
                 .order_by(TopicIdea.weight.desc(), Idea.id))
    else:
        query = query.order_by(Idea.supports_count.desc(), Idea.id)
    return [row for chunk in stream_rows(query) for row in chunk]


@job("topics.summary")
def summarise(summary_id: int) -> int:
    """Write the summary; the number of its sentences."""
    from flask import current_app

    from consult.topics import summaries

    summary = db.session.get(Summary, summary_id)
    if summary is None or summary.computed_at is not None:
        return 0
    ideas = _summary_ideas(summary)
    summary.input_hash = methods.fingerprint(
        (i, f"{t}\n{b or ''}") for i, t, b in sorted(ideas))
    if summary.kind == SummaryKind.EXTRACTIVE:
        summary.sentences = [{"text": s.text, "idea_ids": [s.idea_id]}
                             for s in summaries.extractive(ideas)]
        summary.method = summaries.EXTRACTIVE_METHOD
    else:
        topic = db.session.get(Topic, summary.topic_id) if summary.topic_id else None
        title = topic.label if topic else db.session.get(Challenge, summary.challenge_id).title
        try:
            sentences, model, prompt = summaries.generative(current_app.config, title, ideas)
        except summaries.ModelUnavailable as error:
            log.warning("summary %s: the model did not answer (%s)", summary.id, error)
            sentences, model, prompt = [], current_app.config.get("SUMMARY_MODEL", ""), ""
            summary.error = _("Le modèle n’a pas répondu (%(reason)s).", reason=str(error))
        summary.sentences, summary.model, summary.prompt = sentences, model, prompt
        summary.method = _("Génératif : %(model)s, chaque phrase citant ses idées",
                           model=model)
        log.info("summary %s written by %s from %s ideas", summary.id, model, len(ideas))
    summary.computed_at = utcnow()
    db.session.flush()
    return len(summary.sentences)


def validate_summary(user: User, summary: Summary) -> Summary:
    """Publish the summary (it replaces the one validated before for the same target)."""
    _curator(user, db.session.get(Challenge, summary.challenge_id))
    if summary.computed_at is None:
        raise Refused(_("Ce résumé est encore en cours de calcul."))
    if not summary.sentences:
        raise Refused(_("Ce résumé est vide : il n’y a rien à publier."))
    same_target = (Summary.topic_id.is_(None) if summary.topic_id is None
                   else Summary.topic_id == summary.topic_id)
    db.session.execute(update(Summary).where(
        Summary.challenge_id == summary.challenge_id, same_target, Summary.id != summary.id)
        .values(validated_at=None, validated_by_id=None))
    summary.validated_at, summary.validated_by_id = utcnow(), user.id
    db.session.flush()
    record(user, "summary.validate", summary, challenge_id=summary.challenge_id)
    return summary


def discard_summary(user: User, summary: Summary) -> None:
    _curator(user, db.session.get(Challenge, summary.challenge_id))
    record(user, "summary.discard", summary, challenge_id=summary.challenge_id)
    db.session.delete(summary)
    db.session.flush()


def summaries_of(challenge: Challenge, validated_only: bool) -> list[Summary]:
    query = select(Summary).where(Summary.challenge_id == challenge.id)
    if validated_only:
        query = query.where(Summary.validated_at.is_not(None))
    return list(db.session.scalars(query.order_by(Summary.id.desc())))


def answer_topic(user: User, topic: Topic, status: str, body: str,
                 template_id: int | None = None) -> int:
    """One official answer to every published idea of the topic (each keeps its own
    answer record, each author is told once), in a background job; the ideas it will
    answer. A template of one of the challenge's organisations gives the status and the
    text when they are not typed."""
    from consult.answers import operations as answers
    from consult.answers.models import AnswerTemplate

    challenge = topic.challenge
    _curator(user, challenge)
    template = db.session.get(AnswerTemplate, template_id) if template_id else None
    if template_id and (template is None
                        or template.organisation_id not in challenge.organisation_ids):
        raise Refused(_("Choisissez un modèle d’une organisation du défi."), "template")
    status = status or (template.status.value if template else "")
    body = body.strip() or (template.body if template else "")
    try:  # a canonical status, or one of the challenge's organisations' own
        canonical, label = answers.read_status(
            status, answers.labels_for(challenge.organisation_ids))
    except ValueError:
        raise Refused(_("Choisissez la réponse donnée à ces idées."), "status") from None
    status = canonical.value
    problem = answers.body_problem(body) if body or status == "not_retained" else None
    if problem:
        raise Refused(problem, "text")
    organisation_id = (template.organisation_id if template
                       else next(iter(challenge.organisation_ids), None))
    record(user, "topic.answer", topic, challenge_id=challenge.id, status=status)
    enqueue("topics.answer", user.id, topic.id, status, body, organisation_id, label)
    return topic.size


@job("topics.answer")
def answer_topic_job(user_id: int, topic_id: int, status: str, body: str,
                     organisation_id: int | None, label: str | None = None) -> dict:
    from consult.answers import operations as answers
    from consult.ideas.models import AnswerStatus
    from consult.organisations.models import Organisation

    user, topic = db.session.get(User, user_id), db.session.get(Topic, topic_id)
    if user is None or topic is None:
        return {}
    ideas = list(db.session.scalars(select(Idea).join(TopicIdea, TopicIdea.idea_id == Idea.id)
                                    .where(TopicIdea.topic_id == topic_id)
                                    .order_by(Idea.author_id, Idea.id)))
    organisation = db.session.get(Organisation, organisation_id) if organisation_id else None
    done = answers.answer_many(user, ideas, AnswerStatus(status), body, organisation, label)
    log.info("topic %s answered: %s", topic_id, done)
    return done
