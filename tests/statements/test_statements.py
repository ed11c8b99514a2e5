"""« Trouver les points d'accord » (issue 21): statements submitted and moderated, one
at a time to answer, an answer counted once and changeable, opinion groups found from
the votes (PCA and k-means, scikit-learn) with what characterises each group, what
reaches consensus and what divides; nobody's votes shown."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest
from sqlalchemy import func, select

from consult.challenges.models import ChallengePhase, ModerationMode
from consult.challenges.phases import Phase
from consult.core.errors_domain import Refused
from consult.db import db, utcnow
from consult.statements import operations as ops
from consult.statements.groups import opinion_groups
from consult.statements.models import OpinionReport, Statement, StatementStatus, StatementVote
from tests.conftest import login, post_form
from tests.factories import ChallengeFactory, OrganisationFactory, UserFactory, agent_of


def statements_challenge(under_way: bool = True, **kwargs):
    now = utcnow()
    start = now - timedelta(days=1) if under_way else now + timedelta(days=2)
    return ChallengeFactory(phases=[ChallengePhase(
        kind=Phase.STATEMENTS, starts_at=start, ends_at=start + timedelta(days=20),
        settings={}, title="", description="", announced_at=now)], **kwargs)


def test_statements_are_moderated_answered_once_and_changeable(client):
    organisation = OrganisationFactory()
    challenge = statements_challenge(organisations=[organisation],
                                     moderation_mode=ModerationMode.PRE)
    agent = agent_of(organisation)
    seeded = ops.submit(agent, challenge, "Les horaires d'ouverture devraient inclure le samedi.")
    assert seeded.status == StatementStatus.PUBLISHED  # the organisers' seed statements
    citizen = UserFactory()
    db.session.commit()
    login(client, citizen)
    page = client.get(f"/defis/{challenge.slug}/points-d-accord").text
    assert "Les horaires d&#39;ouverture devraient inclure le samedi." in page
    # a statement too short: said on the field, what was typed kept, nothing saved
    short = post_form(client, f"/defis/{challenge.slug}/points-d-accord/proposer",
                      {"text": "Court"})
    assert short.status_code == 422 and "au moins 10 caractères" in short.text
    assert ">Court</textarea>" in short.text
    too_long = post_form(client, f"/defis/{challenge.slug}/points-d-accord/proposer",
                         {"text": "x" * 281})
    assert too_long.status_code == 422 and "280 caractères au plus" in too_long.text
    assert db.session.scalar(select(func.count()).select_from(Statement)) == 1
    post_form(client, f"/defis/{challenge.slug}/points-d-accord/proposer",
              {"text": "Un accueil sur rendez-vous le soir pour ceux qui travaillent."})
    pending = db.session.scalar(select(Statement).where(Statement.author_id == citizen.id))
    assert pending.status == StatementStatus.PENDING  # pre-moderation: not shown yet
    # the answer: once, and a second answer replaces it
    path = f"/defis/{challenge.slug}/points-d-accord/{seeded.id}"
    assert post_form(client, path, {"choice": "agree"}).status_code == 303
    post_form(client, path, {"choice": "agree"})
    post_form(client, path, {"choice": "disagree"})
    db.session.refresh(seeded)
    assert (seeded.agree, seeded.disagree, seeded.passed) == (0, 1, 0)
    assert db.session.scalar(select(func.count()).select_from(StatementVote)) == 1
    assert "Vous avez répondu à toutes les propositions" in client.get(
        f"/defis/{challenge.slug}/points-d-accord").text
    # through the page: an unknown choice is a 400, a pending statement a 409, nothing
    # counted, the page says so
    odd = post_form(client, path, {"choice": "peut-être"})
    assert odd.status_code == 400 and "Votre réponse n’a pas été comptée" in odd.text
    hidden = post_form(client, f"/defis/{challenge.slug}/points-d-accord/{pending.id}",
                       {"choice": "agree"})
    assert hidden.status_code == 409 and "pas (ou plus) soumise au vote" in hidden.text
    assert db.session.scalar(select(func.count()).select_from(StatementVote)) == 1
    # a pending statement cannot be voted on, an unknown choice is refused
    with pytest.raises(Refused):
        ops.vote(citizen, pending.id, "agree")
    with pytest.raises(Refused):
        ops.vote(citizen, seeded.id, "peut-être")
    # the agents moderate it from the report page
    login(client, agent)
    assert "Propositions à modérer" in client.get(
        f"/defis/{challenge.slug}/points-d-accord/rapport").text
    post_form(client, f"/defis/{challenge.slug}/points-d-accord/{pending.id}/moderer",
              {"decision": "publish"})
    db.session.refresh(pending)
    assert pending.status == StatementStatus.PUBLISHED
    login(client, citizen)
    assert post_form(client, f"/defis/{challenge.slug}/points-d-accord/{pending.id}/moderer",
                     {"decision": "publish"}).status_code == 403


def test_outside_the_phase_nothing_is_counted(app):
    later = statements_challenge(under_way=False)
    statement = Statement(challenge_id=later.id, text="Une proposition publiée d'avance.",
                          status=StatementStatus.PUBLISHED)
    db.session.add(statement)
    db.session.flush()
    with pytest.raises(Refused):
        ops.vote(UserFactory(), statement.id, "agree")
    assert db.session.scalar(select(func.count()).select_from(StatementVote)) == 0


def test_two_camps_and_a_consensus_are_found_and_reported_without_anyone_s_votes(client):
    organisation = OrganisationFactory()
    challenge = statements_challenge(organisations=[organisation])
    agent = agent_of(organisation)
    texts = ["Ouvrir le samedi matin", "Fermer le mercredi après-midi",
             "Plus de démarches en ligne", "Garder un accueil physique partout",
             "Un numéro unique pour toutes les démarches"]
    statements = [ops.submit(agent, challenge, t + " dans les services.") for t in texts]
    people = [UserFactory() for _ in range(16)]
    for n, person in enumerate(people):
        camp = n % 2
        for k, statement in enumerate(statements):
            # the last statement: everyone agrees; the others: the camps oppose
            choice = "agree" if k == 4 or k % 2 == camp else "disagree"
            ops.vote(person, statement.id, choice)
    assert ops.compute_groups(challenge.id) == 2
    report = db.session.get(OpinionReport, challenge.id)
    assert sorted(g["size"] for g in report.report["groups"]) == [8, 8]
    assert [c["id"] for c in report.report["consensus"]] == [statements[4].id]
    assert {d["id"] for d in report.report["divisive"]} == {s.id for s in statements[:4]}
    db.session.commit()
    page = client.get(f"/defis/{challenge.slug}/points-d-accord/rapport").text
    assert "2 groupes d’opinion" in page and "Ce qui fait consensus" in page
    assert "Un numéro unique pour toutes les démarches" in page
    for person in people:  # nobody named
        assert person.display_name not in page


def test_no_camps_where_there_are_none():
    rng = np.random.default_rng(3)
    matrix = rng.choice([-1.0, 0.0, 1.0], size=(40, 8))
    found = opinion_groups(matrix, list(range(8)))
    assert len(found["groups"]) >= 1 and found["participants"] == 40
    assert len(opinion_groups(np.full((3, 4), 1.0), [1, 2, 3, 4])["groups"]) == 1


def test_the_report_in_the_api_and_the_anonymous_matrix_in_the_open_data(client):
    organisation = OrganisationFactory()
    challenge = statements_challenge(organisations=[organisation])
    agent = agent_of(organisation)
    statements = [ops.submit(agent, challenge, f"Proposition numéro {n} pour tous.")
                  for n in range(3)]
    people = [UserFactory() for _ in range(6)]
    for n, person in enumerate(people):
        for statement in statements:
            ops.vote(person, statement.id, "agree" if n % 3 else "disagree")
    ops.compute_groups(challenge.id)
    plain = ChallengeFactory()
    db.session.commit()
    out = client.get(f"/api/v1/challenges/{challenge.id}/statements").get_json()
    assert [s["agree"] for s in out["statements"]] == [4, 4, 4]
    assert out["participants"] == 6 and out["groups"]
    assert client.get(f"/api/v1/challenges/{plain.id}/statements").status_code == 404
    assert client.get("/api/v1/challenges").status_code == 200  # its phase kind named
    matrix = client.get(f"/donnees/defis/{challenge.slug}/votes_propositions.csv").text
    rows = matrix.strip().splitlines()
    assert len(rows) == 1 + 18
    numbers = {row.split(",")[3].strip('"') for row in rows[1:]}
    assert numbers == {"1", "2", "3", "4", "5", "6"}  # numbered, never the accounts
    listed = client.get(f"/donnees/defis/{challenge.slug}/propositions.csv").text
    assert "Proposition numéro 0 pour tous." in listed


def test_a_nul_or_a_control_character_is_refused_before_the_database(app):
    organisation = OrganisationFactory()
    challenge = statements_challenge(organisations=[organisation])
    with pytest.raises(Refused, match="caractère invisible"):
        ops.submit(agent_of(organisation), challenge, "Une proposition\x00 avec un NUL")
    from consult.pairwise import operations as pairwise

    with pytest.raises(Refused):
        pairwise.vote(UserFactory(), "jeton\x00" * 5, pairwise.Answer("left"))
    with pytest.raises(Refused):
        pairwise.vote(UserFactory(), "a" * 30, pairwise.Answer("none", "both", "x\x00y"))


def test_thousands_of_people_two_camps_from_sparse_votes_and_a_sampled_map():
    """The job's path: votes as arrays, never a dense matrix; the map keeps a fixed
    sample and says so."""
    from consult.statements.groups import MAP_POINTS, groups_from_votes

    rng = np.random.default_rng(3)
    n, m, per = 6_000, 60, 12
    people = np.repeat(np.arange(n), per)
    columns = np.concatenate([rng.choice(m, per, replace=False) for _ in range(n)])
    camp_stance = np.where(people % 2 == 0, 1, -1)
    values = np.where(columns < 10, 1, camp_stance).astype(np.int8)  # 10 agreed by all
    found = groups_from_votes(people, columns, values, list(range(100, 100 + m)))
    assert sorted(g["size"] for g in found["groups"]) == [3_000, 3_000]
    assert found["participants"] == n
    assert {c["id"] for c in found["consensus"]} <= set(range(100, 110))
    assert len(found["consensus"]) == 8  # the report keeps the eight strongest
    assert found["divisive"] and all(d["id"] >= 110 for d in found["divisive"])
    assert found["points_sampled"] and len(found["points"]) == MAP_POINTS
    again = groups_from_votes(people, columns, values, list(range(100, 100 + m)))
    assert again["points"] == found["points"]  # reproducible, signs included


def test_the_method_stated_fits_where_it_is_kept():
    from consult.statements.groups import METHOD
    from consult.statements.models import OpinionReport

    assert len(METHOD) <= OpinionReport.__table__.c.method.type.length  # PostgreSQL checks


def test_twenty_answers_of_one_person_at_once_leave_one_answer_counted_once(
        app, committed_db):
    """Agree, disagree and pass pressed twenty times at once by one person: one answer
    stays, and the statement's three counts add up to one (the first answer inserted,
    the others changing it one after the other)."""
    from tests.ideas.test_vote_integrity import run_at_once

    challenge = statements_challenge()
    statement = Statement(challenge_id=challenge.id, text="Des guichets ouverts le samedi.",
                          status=StatementStatus.PUBLISHED)
    db.session.add(statement)
    person = UserFactory()
    db.session.commit()

    def press(choice):
        def answer():
            from consult.accounts.models import User

            ops.vote(db.session.get(User, person.id), statement.id, choice)
        return answer

    choices = ["agree", "disagree", "pass"]
    outcomes = run_at_once(app, [press(choices[n % 3]) for n in range(20)])
    assert outcomes == ["ok"] * 20, outcomes
    db.session.expire_all()
    answers = list(db.session.scalars(select(StatementVote.value).where(
        StatementVote.statement_id == statement.id)))
    counts = db.session.get(Statement, statement.id)
    assert len(answers) == 1
    assert (counts.agree, counts.disagree, counts.passed) == (
        int(answers[0] == 1), int(answers[0] == -1), int(answers[0] == 0))
