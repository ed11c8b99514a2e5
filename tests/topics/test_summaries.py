"""Summaries of a topic or a challenge (issue 22): extractive, each sentence taken from
an idea and citing it; generative only through the endpoint a deployment configures
(here a local OpenAI-compatible server), every sentence citing ideas of the list, the
model and prompt kept; nothing shown to citizens before an agent validates it."""

from __future__ import annotations

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from sqlalchemy import select

from consult.db import db
from consult.topics import operations as ops
from consult.topics import summaries
from consult.topics.models import Summary, SummaryKind, Topic
from tests.conftest import login, post_form
from tests.factories import (
    ChallengeFactory,
    IdeaFactory,
    OrganisationFactory,
    UserFactory,
    agent_of,
)
from tests.topics.test_topics import labelled


def test_extractive_summary_cites_its_ideas_without_repeating_itself():
    ideas = [(1, "Ouvrir l'accueil le samedi matin", "Beaucoup travaillent en semaine. "
              "Ouvrir l'accueil le samedi matin leur permettrait de venir."),
             (2, "Accueil ouvert le samedi matin", "L'accueil ouvert le samedi matin "
              "aiderait ceux qui travaillent en semaine."),
             (3, "Un accueil téléphonique qui rappelle", "Quand personne ne répond, "
              "l'accueil téléphonique devrait rappeler dans la journée."),
             (4, "Des bus le dimanche", "Court.")]
    found = summaries.extractive(ideas, size=3)
    texts = {s.text for s in found}
    assert 1 <= len(found) <= 3 and len({s.idea_id for s in found}) == len(found)
    assert all(any(s.text in f"{t} {b}" for i, t, b in ideas if i == s.idea_id)
               for s in found)  # taken from the idea it cites, word for word
    assert "Court." not in texts  # too short to say anything
    assert summaries.extractive(ideas, size=3) == found  # reproducible
    assert summaries.extractive([]) == []


class FakeModel(BaseHTTPRequestHandler):
    """An OpenAI-compatible chat endpoint: answers with two sentences citing ideas of the
    prompt, one citing an idea it was not given and one citing nothing."""

    prompts: list = []

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        prompt = body["messages"][0]["content"]
        FakeModel.prompts.append((self.path, body["model"], prompt))
        ids = re.findall(r"^Idée (\d+) :", prompt, re.M)
        content = (f"Les habitants veulent des bus le soir. [{ids[0]}, {ids[1]}]\n"
                   "Une phrase inventée qui cite une idée absente. [999999]\n"
                   "Une phrase sans citation.\n"
                   f"- L'accueil devrait ouvrir plus tard. [{ids[2]}]")
        answer = {"id": "x", "object": "chat.completion", "created": 0, "model": body["model"],
                  "choices": [{"index": 0, "finish_reason": "stop",
                               "message": {"role": "assistant", "content": content}}],
                  "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}
        data = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def model_server():
    server = HTTPServer(("127.0.0.1", 0), FakeModel)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/v1"
    server.shutdown()


@pytest.fixture
def topic_world():
    organisation = OrganisationFactory()
    challenge = ChallengeFactory(organisations=[organisation])
    agent = agent_of(organisation)
    for _subject, title, text in labelled(per_subject=10, seed=7):
        IdeaFactory(challenge=challenge, title=title, body=text)
    db.session.commit()
    ops.request_topics(agent, challenge, 3)
    topic = db.session.scalars(select(Topic).order_by(Topic.id)).first()
    ops.publish(agent, topic)
    db.session.commit()
    return challenge, agent, topic


def test_an_agent_validates_a_summary_before_citizens_see_it(client, topic_world):
    challenge, agent, topic = topic_world
    base = f"/defis/{challenge.slug}/sujets"
    login(client, agent)
    assert post_form(client, f"{base}/resumer",
                     {"topic": str(topic.id), "kind": "extractive"}).status_code == 302
    summary = db.session.scalar(select(Summary))
    assert summary.computed_at and summary.sentences and summary.topic_id == topic.id
    members = {i for i, _w in db.session.execute(
        select(ops.TopicIdea.idea_id, ops.TopicIdea.weight)
        .where(ops.TopicIdea.topic_id == topic.id))}
    assert all(s["idea_ids"][0] in members for s in summary.sentences)
    assert summary.input_hash and "pertinence marginale" in summary.method
    first = summary.sentences[0]["text"]
    assert "à valider" in client.get(base).text
    citizen = UserFactory()
    db.session.commit()
    login(client, citizen)
    assert first not in client.get(base).text  # not validated: not shown
    assert post_form(client, f"/defis/{challenge.slug}/sujets/resumes/{summary.id}",
                     {"decision": "validate"}).status_code == 403
    login(client, agent)
    assert post_form(client, f"/defis/{challenge.slug}/sujets/resumes/{summary.id}",
                     {"decision": "validate"}).status_code == 302
    login(client, citizen)
    page = client.get(base).text
    assert first.replace("'", "&#39;") in page
    assert f"/idees/{summary.sentences[0]['idea_ids'][0]}" in page
    # generative: not configured here, refused on its field, nothing queued
    login(client, agent)
    refused = post_form(client, f"{base}/resumer", {"kind": "generative"})
    assert refused.status_code == 422 and "Aucun modèle de langue" in refused.text
    assert db.session.query(Summary).count() == 1


def test_a_generative_summary_keeps_only_cited_sentences_and_logs_model_and_prompt(
        app, client, topic_world, model_server):
    challenge, agent, topic = topic_world
    app.config.update(SUMMARY_ENDPOINT=model_server, SUMMARY_MODEL="albert-large",
                      SUMMARY_API_KEY="secret")
    FakeModel.prompts.clear()
    summary = ops.request_summary(agent, challenge, topic, SummaryKind.GENERATIVE)
    db.session.commit()
    path, model, prompt = FakeModel.prompts[0]
    assert path == "/v1/chat/completions" and model == "albert-large"
    assert topic.label in prompt
    assert [s["text"] for s in summary.sentences] == [
        "Les habitants veulent des bus le soir.", "L'accueil devrait ouvrir plus tard."]
    assert all(len(s["idea_ids"]) >= 1 for s in summary.sentences)
    assert summary.model == "albert-large" and summary.prompt == prompt
    # the model down: a clear error on the summary, nothing validated, no exception
    app.config.update(SUMMARY_ENDPOINT="http://127.0.0.1:9/v1", SUMMARY_TIMEOUT=2)
    down = ops.request_summary(agent, challenge, None, SummaryKind.GENERATIVE)
    assert down.sentences == [] and "n’a pas répondu" in down.error
    with pytest.raises(ops.Refused):
        ops.validate_summary(agent, down)
