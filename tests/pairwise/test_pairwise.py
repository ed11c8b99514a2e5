"""The pairwise wiki survey (issue 21): pairs drawn for learning, one-time tokens, a
vote counted once, never for a pair not shown to the person, the scores of the
Bradley–Terry model (checked against choix) and the ranking page."""

from __future__ import annotations

import re
from datetime import timedelta

import numpy as np
import pytest
from sqlalchemy import func, select

from consult.challenges.models import ChallengePhase
from consult.challenges.phases import Phase
from consult.core.errors_domain import Refused
from consult.db import db, utcnow
from consult.ideas.models import IdeaStatus
from consult.pairwise import operations as ops
from consult.pairwise.models import PairShown, PairwiseScore, PairwiseVote
from consult.pairwise.scores import fit, fit_scores
from tests.conftest import login, post_form
from tests.factories import ChallengeFactory, IdeaFactory, UserFactory


def pairwise_challenge(ideas: int = 4, under_way: bool = True):
    now = utcnow()
    start = now - timedelta(days=1) if under_way else now + timedelta(days=2)
    challenge = ChallengeFactory(phases=[ChallengePhase(
        kind=Phase.PAIRWISE, starts_at=start, ends_at=start + timedelta(days=20),
        settings={}, title="", description="", announced_at=now)])
    made = [IdeaFactory(challenge=challenge, title=f"Idée numéro {n}") for n in range(ideas)]
    db.session.flush()
    return challenge, made


def token_on(page: str) -> str:
    return re.search(r'name="token" value="([^"]+)"', page).group(1)


def test_a_citizen_compares_one_pair_at_a_time_and_each_vote_counts_once(client):
    challenge, _ideas = pairwise_challenge()
    person = UserFactory()
    db.session.commit()
    assert "Connectez-vous" in client.get(f"/defis/{challenge.slug}/comparer").text
    login(client, person)
    page = client.get(f"/defis/{challenge.slug}/comparer").text
    token = token_on(page)
    assert client.get(f"/defis/{challenge.slug}/comparer").text.count(token) == 1  # a reload
    assert db.session.scalar(select(func.count()).select_from(PairShown)) == 1  # keeps it
    chosen = post_form(client, f"/defis/{challenge.slug}/comparer",
                       {"token": token, "choice": "left"})
    assert chosen.status_code == 303
    [vote] = db.session.scalars(select(PairwiseVote))
    pair = db.session.get(PairShown, vote.pair_id)
    assert (vote.winner_id, vote.loser_id) == (pair.left_id, pair.right_id)
    # the same token again: refused, nothing more counted
    again = post_form(client, f"/defis/{challenge.slug}/comparer",
                      {"token": token, "choice": "right"})
    assert again.status_code == 409 and "Vous avez déjà répondu à cette paire" in again.text
    assert "Voir une autre paire" in again.text
    assert db.session.scalar(select(func.count()).select_from(PairwiseVote)) == 1
    # the next pair is never the same one
    following = client.get(f"/defis/{challenge.slug}/comparer").text
    nxt = db.session.scalar(select(PairShown).where(PairShown.token == token_on(following)))
    assert {nxt.left_id, nxt.right_id} != {pair.left_id, pair.right_id}
    # « je ne peux pas décider », with a reason
    post_form(client, f"/defis/{challenge.slug}/comparer",
              {"token": nxt.token, "choice": "none", "reason": "both"})
    undecided = db.session.scalar(select(PairwiseVote).where(PairwiseVote.pair_id == nxt.id))
    assert undecided.winner_id is None and undecided.reason == "both"
    from consult.pairwise.results import ranking_of

    assert (ranking_of(challenge.id).votes, ranking_of(challenge.id).undecided) == (1, 1)


def test_the_comparison_page_is_read_and_rendered_before_its_first_write(client):
    """On SQLite a request's first write takes the single writer's turn of the whole
    site, held until its commit: the page's reads and its rendering come first, and the
    pair drawn is recorded last — then it holds for a reload and its token counts."""
    from sqlalchemy import event

    from consult.pairwise import views

    challenge, _ideas = pairwise_challenge()
    person = UserFactory()
    db.session.commit()
    login(client, person)
    seen: list[str] = []
    rendered = views.render_template

    def remember(_conn, _cursor, statement, *_args):
        seen.append(statement.lstrip()[:6].upper())

    def render(*args, **kwargs):
        seen.append("RENDER")
        return rendered(*args, **kwargs)

    event.listen(db.engine, "before_cursor_execute", remember)
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(views, "render_template", render)
            page = client.get(f"/defis/{challenge.slug}/comparer").text
    finally:
        event.remove(db.engine, "before_cursor_execute", remember)
    first_write = next(i for i, s in enumerate(seen) if s in {"INSERT", "UPDATE"})
    assert "RENDER" in seen[:first_write] and "SELECT" not in seen[first_write:], seen
    assert client.get(f"/defis/{challenge.slug}/comparer").text.count(token_on(page)) == 1
    pair = db.session.scalar(select(PairShown).where(PairShown.token == token_on(page)))
    assert pair.user_id == person.id and pair.answered_at is None
    assert sorted(db.session.scalars(select(PairwiseScore.appearances))) == [1, 1]
    assert post_form(client, f"/defis/{challenge.slug}/comparer",
                     {"token": pair.token, "choice": "right"}).status_code == 303


def test_a_pair_of_one_challenge_sent_to_another_is_refused_and_counts_nowhere(client):
    """The token is checked against the challenge of the address before anything is
    written: a pair drawn in one challenge, answered on another's page, counts in
    neither and stays open in its own."""
    here, _ideas = pairwise_challenge()
    elsewhere, _others = pairwise_challenge()
    person = UserFactory()
    db.session.commit()
    login(client, person)
    token = token_on(client.get(f"/defis/{here.slug}/comparer").text)
    client.get(f"/defis/{elsewhere.slug}/comparer")
    sent = post_form(client, f"/defis/{elsewhere.slug}/comparer",
                     {"token": token, "choice": "left"})
    assert sent.status_code == 409 and "ne vous a pas été présentée" in sent.text
    assert db.session.scalar(select(func.count()).select_from(PairwiseVote)) == 0
    assert db.session.scalar(select(PairShown.answered_at).where(
        PairShown.token == token)) is None
    assert post_form(client, f"/defis/{here.slug}/comparer",
                     {"token": token, "choice": "left"}).status_code == 303


def test_a_forged_or_someone_elses_token_and_a_vote_outside_the_phase_are_refused(app):
    challenge, ideas = pairwise_challenge()
    one, other = UserFactory(), UserFactory()
    pair = ops.next_pair(one, challenge)
    with pytest.raises(Refused, match="ne vous a pas été présentée"):
        ops.vote(other, pair.token, ops.Answer("left"))
    with pytest.raises(Refused, match="ne vous a pas été présentée"):
        ops.vote(one, "jeton-invente", ops.Answer("left"))
    with pytest.raises(Refused):
        ops.vote(one, pair.token, ops.Answer("the-middle"))
    # an idea hidden meanwhile: the pair no longer counts
    hidden = next(i for i in ideas if i.id in (pair.left_id, pair.right_id))
    hidden.status = IdeaStatus.HIDDEN
    db.session.flush()
    with pytest.raises(Refused, match="n’est plus proposée"):
        ops.vote(one, pair.token, ops.Answer("left"))
    assert db.session.scalar(select(func.count()).select_from(PairwiseVote)) == 0
    later, _ideas = pairwise_challenge(under_way=False)
    with pytest.raises(Refused):
        ops.next_pair(one, later)


def test_twenty_presses_of_one_pair_at_once_count_once(app, committed_db):
    from tests.ideas.test_vote_integrity import run_at_once

    challenge, _ideas = pairwise_challenge()
    person = UserFactory()
    db.session.commit()
    token = ops.next_pair(person, challenge).token
    db.session.commit()

    def press():
        from consult.accounts.models import User

        ops.vote(db.session.get(User, person.id), token, ops.Answer("right"))

    outcomes = run_at_once(app, [press for _ in range(20)])
    assert outcomes.count("ok") == 1, outcomes
    assert all(o == "Vous avez déjà répondu à cette paire." for o in outcomes if o != "ok")
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(PairwiseVote)) == 1
    assert sum(db.session.scalars(select(PairwiseScore.wins))) == 1


def test_a_new_idea_is_shown_first_until_it_caught_up(app):
    challenge, _ideas = pairwise_challenge(ideas=6)
    people = [UserFactory() for _ in range(12)]
    for person in people:
        pair = ops.next_pair(person, challenge)
        ops.vote(person, pair.token, ops.Answer("left"))
    newcomer = IdeaFactory(challenge=challenge, title="Une idée arrivée plus tard")
    db.session.flush()
    pair = ops.next_pair(UserFactory(), challenge)
    assert newcomer.id in (pair.left_id, pair.right_id)


def test_scores_follow_the_choices_and_the_ranking_shows_them(client):
    challenge, ideas = pairwise_challenge(ideas=4)
    best, worst = ideas[0], ideas[3]
    for _vote in range(40):
        person = UserFactory()
        pair = ops.next_pair(person, challenge)
        ranks = {i.id: k for k, i in enumerate(ideas)}
        choice = "left" if ranks[pair.left_id] < ranks[pair.right_id] else "right"
        ops.vote(person, pair.token, ops.Answer(choice))
    assert ops.recompute_scores(challenge.id) == 4
    scores = {s.idea_id: s for s in db.session.scalars(select(PairwiseScore))}
    assert scores[best.id].score > scores[worst.id].score
    assert all(s.low <= s.score <= s.high for s in scores.values())
    db.session.commit()
    page = client.get(f"/defis/{challenge.slug}/classement").text
    assert page.index("Idée numéro 0") < page.index("Idée numéro 3")
    assert "Intervalle à 95\u202f%" in page and "<svg" in page
    assert "40 choix entre deux idées" in page  # from the counters kept with each vote


def test_the_fit_is_choix_s_estimate_and_recovers_strengths():
    import choix

    rng = np.random.default_rng(7)
    n, m = 25, 4000
    true = rng.normal(size=n)
    a, b = rng.integers(0, n, m), rng.integers(0, n, m)
    keep = a != b
    a, b = a[keep], b[keep]
    first_wins = rng.random(len(a)) < 1 / (1 + np.exp(-(true[a] - true[b])))
    winners, losers = np.where(first_wins, a, b), np.where(first_wins, b, a)
    ours = fit(n, winners, losers)
    reference = choix.opt_pairwise(n, list(zip(winners, losers, strict=True)), alpha=0.01)
    assert np.max(np.abs(ours - reference)) < 1e-3
    fitted = fit_scores(n, winners, losers)
    assert np.corrcoef(fitted.strengths, true)[0, 1] > 0.9
    assert ((fitted.low <= fitted.scores) & (fitted.scores <= fitted.high)).all()
    assert fitted.low.min() >= 0 and fitted.high.max() <= 100


def test_the_ranking_in_the_api_and_the_votes_in_the_open_data(client):
    challenge, _ideas = pairwise_challenge(ideas=3)
    voters = [UserFactory() for _ in range(6)]
    for person in voters:
        pair = ops.next_pair(person, challenge)
        ops.vote(person, pair.token, ops.Answer("left"))
    pair = ops.next_pair(voters[0], challenge)
    ops.vote(voters[0], pair.token, ops.Answer("none", reason="neither"))
    ops.recompute_scores(challenge.id)
    plain = ChallengeFactory()
    db.session.commit()
    out = client.get(f"/api/v1/challenges/{challenge.id}/pairwise").get_json()
    assert (out["votes"], out["undecided"]) == (6, 1)
    assert [r["rank"] for r in out["ranking"]] == [1, 2, 3]
    first = out["ranking"][0]
    assert first["low"] <= first["score"] <= first["high"] and first["idea"]["title"]
    assert client.get(f"/api/v1/challenges/{plain.id}/pairwise").status_code == 404
    described = client.get(f"/api/v1/challenges/{challenge.id}")  # its phase kind named
    assert described.status_code == 200, described.get_json()
    assert described.get_json()["phases"][0]["kind"] == "pairwise"
    votes = client.get(f"/donnees/defis/{challenge.slug}/comparaisons.csv").text
    lines = votes.strip().splitlines()
    assert len(lines) == 1 + 7 and "neither" in votes
    assert str(voters[0].id) not in lines[0]  # the header names no person
    assert "user" not in lines[0] and "utilisateur" not in lines[0]
    schema = client.get("/donnees/comparaisons.schema.json").get_json()
    assert [f["name"] for f in schema["fields"]][:3] == ["id", "defi_id", "idee_gauche_id"]
    scores = client.get(f"/donnees/defis/{challenge.slug}/scores_comparaisons.csv").text
    assert len(scores.strip().splitlines()) == 1 + 3


def test_the_results_publication_cites_each_idea_s_pairwise_score(client):
    _after_a_pairwise_phase(client)


def _after_a_pairwise_phase(client):
    """A challenge whose pairwise phase is over, idea 0 always chosen, its agent signed
    in, the publication page checked."""
    from consult.organisations.models import MembershipRole
    from tests.factories import OrganisationFactory, agent_of

    organisation = OrganisationFactory()
    now = utcnow()
    challenge = ChallengeFactory(organisations=[organisation], phases=[
        ChallengePhase(kind=Phase.PAIRWISE, starts_at=now - timedelta(days=10),
                       ends_at=now - timedelta(days=1), settings={}, title="",
                       description="", announced_at=now),
        ChallengePhase(kind=Phase.REVIEW, starts_at=now - timedelta(days=1),
                       ends_at=now + timedelta(days=5), settings={}, title="",
                       description="", announced_at=now)])
    ideas = [IdeaFactory(challenge=challenge, title=f"Idée comparée {n}") for n in range(2)]
    db.session.flush()
    from consult.pairwise.models import PairShown as Shown

    for n in range(5):  # choices made while the phase was open
        pair = Shown(token=f"jeton-{n}", challenge_id=challenge.id,
                     user_id=UserFactory().id, left_id=ideas[0].id, right_id=ideas[1].id,
                     answered_at=now)
        db.session.add(pair)
        db.session.flush()
        db.session.add(PairwiseVote(pair_id=pair.id, challenge_id=challenge.id,
                                    winner_id=ideas[0].id, loser_id=ideas[1].id))
    db.session.flush()
    ops.recompute_scores(challenge.id)
    agent = agent_of(organisation, MembershipRole.ADMIN)
    db.session.commit()
    login(client, agent)
    page = client.get(f"/defis/{challenge.slug}/resultats/publier").text
    assert "comparaison : score" in page and "Voir le classement" in page
    return challenge, ideas, agent


def test_results_published_on_the_pairwise_ranking_citing_a_consensus(client):
    from consult.challenges.models import ResultEntry
    from consult.statements.models import OpinionReport, Statement, StatementStatus

    challenge, ideas, _agent = _after_a_pairwise_phase(client)
    ideas[1].supports_count = 5  # supports would put the idea that lost every pair first
    agreed = Statement(challenge_id=challenge.id, text="Ouvrir le samedi matin.",
                       status=StatementStatus.PUBLISHED)
    db.session.add(agreed)
    db.session.flush()
    db.session.add(OpinionReport(challenge_id=challenge.id, method="test", report={
        "consensus": [{"id": agreed.id, "stance": "agree", "share": 0.81}]}))
    db.session.commit()
    path = f"/defis/{challenge.slug}/resultats/publier"
    page = client.get(path).text
    assert 'value="pairwise"' in page and "Ouvrir le samedi matin." in page
    assert "au moins 81\u202f%" in page or "au moins 81\xa0%" in page
    # reordering keeps what was typed and publishes nothing
    typed = {"message": "Nous retenons la première.", "basis": "pairwise", "action": "reorder",
             "selected": str(ideas[0].id), f"justification-{ideas[0].id}": "Préférée.",
             "statements": str(agreed.id)}
    again = post_form(client, path, typed)
    assert again.status_code == 200 and "Nous retenons la première." in again.text
    assert again.text.index("Idée comparée 0") < again.text.index("Idée comparée 1")
    assert db.session.get(type(challenge), challenge.id).results_published_at is None
    # a basis or a statement that is not offered: refused, nothing published
    bad = post_form(client, path, {**typed, "action": "", "statements": "999999"})
    assert bad.status_code == 422 and "font consensus" in bad.text
    done = post_form(client, path, {**typed, "action": ""})
    assert done.status_code == 302
    entries = list(db.session.scalars(select(ResultEntry).where(
        ResultEntry.challenge_id == challenge.id).order_by(ResultEntry.position)))
    assert [e.idea_id for e in entries] == [ideas[0].id, ideas[1].id]
    assert entries[0].score > entries[1].score
    results = client.get(f"/defis/{challenge.slug}/resultats").text
    assert "Idées classées par score de comparaison deux à deux" in results
    assert "Ouvrir le samedi matin." in results and "au moins 81" in results
    api = client.get(f"/api/v1/challenges/{challenge.id}/results").get_json()
    assert api["basis"] == "pairwise" and api["ranking"][0]["score"] > 50
    assert api["statements"] == [{"id": agreed.id, "text": "Ouvrir le samedi matin.",
                                  "stance": "agree", "share": 0.81}]
    assert client.get(f"/defis/{challenge.slug}/resultats.csv").text.splitlines()[0].endswith(
        '"score"')


def test_a_mistaken_answer_is_a_400_on_its_field_the_same_pair_and_what_was_typed_kept(client):
    challenge, _ideas = pairwise_challenge()
    person = UserFactory()
    db.session.commit()
    login(client, person)
    token = token_on(client.get(f"/defis/{challenge.slug}/comparer").text)
    long_reason = "Parce que " + "vraiment " * 40
    page = post_form(client, f"/defis/{challenge.slug}/comparer",
                     {"token": token, "choice": "none", "reason": "other",
                      "reason_text": long_reason})
    assert page.status_code == 400
    assert 'aria-invalid="true"' in page.text and "300 caractères au plus" in page.text
    assert token_on(page.text) == token  # the same pair, still to answer
    assert long_reason.strip() in page.text and 'value="other" checked' in page.text
    assert "<details class=\"c-panel\" open>" in page.text
    bad = post_form(client, f"/defis/{challenge.slug}/comparer",
                    {"token": token, "choice": "the-middle"})
    assert bad.status_code == 400 and token_on(bad.text) == token
    assert db.session.scalar(select(func.count()).select_from(PairwiseVote)) == 0
    forged = post_form(client, f"/defis/{challenge.slug}/comparer",
                       {"token": "x" * 43, "choice": "left"})
    assert forged.status_code == 409 and "ne vous a pas été présentée" in forged.text
    # the right answer then counts, once
    assert post_form(client, f"/defis/{challenge.slug}/comparer",
                     {"token": token, "choice": "left"}).status_code == 303
    assert db.session.scalar(select(func.count()).select_from(PairwiseVote)) == 1


def test_the_ranking_of_many_ideas_comes_by_pages_on_the_site_and_the_api(client):
    from consult.pairwise.results import RANKING_PAGE

    challenge, ideas = pairwise_challenge(ideas=RANKING_PAGE + 7)
    ops.recompute_scores(challenge.id)
    db.session.commit()
    first = client.get(f"/defis/{challenge.slug}/classement")
    assert first.status_code == 200 and "Page 1 sur 2" in first.text
    assert "57 idées classées" in first.text and first.text.count("<tr><td>") == RANKING_PAGE
    second = client.get(f"/defis/{challenge.slug}/classement?page=2").text
    assert second.count("<tr><td>") == 7 and "<tr><td>51</td>" in second
    assert "Rangs 51 à 57" in second
    assert "Page 2 sur 2" in client.get(f"/defis/{challenge.slug}/classement?page=99").text
    api = client.get(f"/api/v1/challenges/{challenge.id}/pairwise?page=2&per_page=20").get_json()
    assert (api["ranked"], api["page"], api["pages"]) == (57, 2, 3)
    assert [r["rank"] for r in api["ranking"]] == list(range(21, 41))
    whole = [r["idea"]["id"] for page in (1, 2, 3) for r in client.get(
        f"/api/v1/challenges/{challenge.id}/pairwise?page={page}&per_page=20"
    ).get_json()["ranking"]]
    assert sorted(whole) == sorted(i.id for i in ideas)  # each idea once
    bad = client.get(f"/api/v1/challenges/{challenge.id}/pairwise?per_page=501")
    assert bad.status_code == 400 and "per_page" in bad.text
    twice = client.get(f"/api/v1/challenges/{challenge.id}/pairwise?page=1&page=2")
    assert twice.status_code == 400, twice.get_json()
