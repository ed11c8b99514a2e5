"""Official answers at scale (issue 22): an organisation's templates, their placeholders
checked when saved; one answer to a whole topic, each idea keeping its own answer, each
author told once."""

from __future__ import annotations

from sqlalchemy import func, select

from consult.answers import operations as ops
from consult.answers.models import AnswerTemplate
from consult.core.outbox import OutboxMessage
from consult.db import db
from consult.ideas.models import AnswerStatus, Idea
from consult.topics import operations as topic_ops
from consult.topics.models import Topic, TopicIdea
from tests.conftest import login, post_form
from tests.factories import (
    ChallengeFactory,
    IdeaFactory,
    OrganisationFactory,
    UserFactory,
    agent_of,
)
from tests.topics.test_topics import labelled


def test_templates_check_their_placeholders_and_keep_what_was_typed(client):
    organisation = OrganisationFactory()
    agent = agent_of(organisation)
    db.session.commit()
    login(client, agent)
    path = f"/espace/{organisation.slug}/modeles-de-reponse"
    bad = post_form(client, path, {"name": "", "status": "peut-être",
                                   "body": "Merci {auteur} pour « {titr} »."})
    assert bad.status_code == 422
    assert "Donnez un nom au modèle" in bad.text and "Choisissez la réponse" in bad.text
    assert "Variable inconnue : {titr}" in bad.text
    assert "Merci {auteur} pour « {titr} ».</textarea>" in bad.text
    brace = post_form(client, path, {"name": "Accolade", "status": "under_study",
                                     "body": "Un { seul"})
    assert brace.status_code == 422 and "accolade est seule" in brace.text
    assert db.session.scalar(select(func.count()).select_from(AnswerTemplate)) == 0
    assert post_form(client, path, {"name": "À l'étude", "status": "under_study",
                                    "body": "Merci {auteur} : « {titre} » est à l'étude "
                                            "par {organisation}."}).status_code == 302
    template = db.session.scalar(select(AnswerTemplate))
    twice = post_form(client, path, {"name": "À l'étude", "status": "selected", "body": "x"})
    assert twice.status_code == 422 and "déjà ce nom" in twice.text
    # another organisation's agent: no access
    login(client, agent_of(OrganisationFactory()))
    assert client.get(path).status_code == 403
    assert post_form(client, f"{path}/{template.id}", {"action": "delete"}).status_code == 403
    login(client, agent)
    assert post_form(client, f"{path}/{template.id}", {"action": "delete"}).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(AnswerTemplate)) == 0


def test_one_answer_for_a_whole_topic_each_author_told_once(client):
    organisation = OrganisationFactory(name="Département")
    challenge = ChallengeFactory(organisations=[organisation], phase="supports")
    agent = agent_of(organisation)
    prolific = UserFactory(display_name="Camille")
    for n, (_subject, title, text) in enumerate(labelled(per_subject=8, seed=11)):
        IdeaFactory(challenge=challenge, title=title, body=text,
                    author=prolific if n % 2 == 0 else UserFactory())
    template = ops.save_template(agent, organisation, "Étude", "under_study",
                                 "Merci {auteur} : « {titre} » est étudiée par "
                                 "{organisation}.")
    db.session.commit()
    topic_ops.request_topics(agent, challenge, 3)
    topic = db.session.scalars(select(Topic).order_by(Topic.size.desc())).first()
    members = list(db.session.scalars(select(Idea).join(
        TopicIdea, TopicIdea.idea_id == Idea.id).where(TopicIdea.topic_id == topic.id)))
    authors = {i.author_id for i in members}
    db.session.commit()
    login(client, agent)
    base = f"/defis/{challenge.slug}/sujets/{topic.id}/repondre"
    # no status and no template: refused on the field, nothing answered
    refused = post_form(client, base, {"status": "", "text": "Merci."})
    assert refused.status_code == 422 and "Choisissez la réponse" in refused.text
    assert "Merci.</textarea>" in refused.text
    unknown = post_form(client, base, {"status": "selected", "text": "Merci {nom}."})
    assert unknown.status_code == 422 and "Variable inconnue" in unknown.text
    assert all(i.answer_status is None for i in members)
    before = db.session.scalar(select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.kind == "moderation/official_answer"))
    assert post_form(client, base, {"template": str(template.id)}).status_code == 302
    db.session.expire_all()
    answered = [db.session.get(Idea, i.id) for i in members]
    assert all(i.answer_status == AnswerStatus.UNDER_STUDY for i in answered)
    for idea in answered:  # each its own answer, placeholders filled for it
        assert idea.answer_text == (f"Merci {idea.author.display_name} : « {idea.title} » "
                                    "est étudiée par Département.")
    told = db.session.scalar(select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.kind == "moderation/official_answer")) - before
    assert told == len(authors) < len(members)  # the prolific author: once
    # a stranger may not answer a topic
    login(client, UserFactory())
    assert post_form(client, base, {"status": "selected"}).status_code == 403


def test_a_control_character_in_a_template_is_refused_on_its_field(client):
    organisation = OrganisationFactory()
    agent = agent_of(organisation)
    db.session.commit()
    login(client, agent)
    answer = post_form(client, f"/espace/{organisation.slug}/modeles-de-reponse",
                       {"name": "abc\x00def", "status": "under_study", "body": "a\x00b"})
    assert answer.status_code == 422 and "caractère invisible" in answer.text
