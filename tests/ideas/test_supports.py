from sqlalchemy import func, select

from consult.challenges.models import Participation
from consult.db import db
from consult.ideas.models import IdeaStatus, Support
from tests.conftest import login, post_form
from tests.factories import ChallengeFactory, IdeaFactory, UserFactory, move_to


def support(client, idea, **kwargs):
    return post_form(client, f"/idees/{idea.id}/soutenir", **kwargs)


def test_support_and_take_it_back(client):
    challenge = ChallengeFactory(phase="supports", supports_per_person=3)
    idea = IdeaFactory(challenge=challenge)
    login(client, UserFactory())
    assert support(client, idea).status_code == 302
    db.session.refresh(idea)
    assert idea.supports_count == 1
    page = client.get(f"/idees/{idea.id}").text
    assert "Il vous reste 2 soutiens sur 3." in page
    assert post_form(client, f"/idees/{idea.id}/retirer-soutien").status_code == 302
    db.session.refresh(idea)
    db.session.refresh(challenge)
    assert idea.supports_count == 0 and challenge.supports_count == 0


def test_support_without_reload_answers_json(client):
    idea = IdeaFactory(challenge=ChallengeFactory(phase="supports"))
    login(client, UserFactory())
    response = support(client, idea, headers={"Accept": "application/json"})
    assert response.status_code == 200
    assert response.get_json()["supports"] == 1 and response.get_json()["supports_left"] == 2
    again = support(client, idea, headers={"Accept": "application/json"})
    assert again.status_code == 409
    assert again.get_json()["error"]["message"] == "Vous soutenez déjà cette idée."


def test_the_limit_per_person(client):
    challenge = ChallengeFactory(phase="supports", supports_per_person=2)
    ideas = [IdeaFactory(challenge=challenge) for _ in range(3)]
    login(client, UserFactory())
    support(client, ideas[0])
    support(client, ideas[1])
    response = support(client, ideas[2])
    assert response.status_code == 303
    assert "Vous avez utilisé vos 2 soutiens" in client.get(response.headers["Location"]).text
    assert db.session.scalar(select(func.count(Support.id))) == 2


def test_unlimited_supports(client):
    challenge = ChallengeFactory(phase="supports", supports_per_person=None)
    ideas = [IdeaFactory(challenge=challenge) for _ in range(5)]
    login(client, UserFactory())
    for idea in ideas:
        assert support(client, idea).status_code == 302
    assert db.session.scalar(select(func.count(Support.id))) == 5


def test_refusals_are_explained(client, app):
    challenge = ChallengeFactory(phase="ideas")
    idea = IdeaFactory(challenge=challenge)
    me = UserFactory()
    login(client, me)
    response = support(client, idea)
    assert response.status_code == 303
    assert "Le vote n’est pas ouvert" in client.get(f"/idees/{idea.id}").text

    move_to(challenge, "supports")
    own = IdeaFactory(challenge=challenge, author=me)
    support(client, own)
    assert "ne permettent pas de soutenir sa propre idée" in client.get(f"/idees/{own.id}").text

    hidden = IdeaFactory(challenge=challenge, status=IdeaStatus.HIDDEN)
    assert support(client, hidden).status_code == 404  # not even visible

    unconfirmed = app.test_client()
    login(unconfirmed, UserFactory(email_confirmed_at=None))
    support(unconfirmed, idea)
    assert db.session.scalar(select(func.count(Support.id))) == 0


def test_self_support_when_the_challenge_allows_it(client):
    challenge = ChallengeFactory(phase="supports", self_support_allowed=True)
    me = UserFactory()
    own = IdeaFactory(challenge=challenge, author=me)
    login(client, me)
    assert support(client, own).status_code == 302


def test_supports_need_csrf_and_login(client, app):
    idea = IdeaFactory(challenge=ChallengeFactory(phase="supports"))
    login(client, UserFactory())
    assert client.post(f"/idees/{idea.id}/soutenir").status_code == 400
    assert app.test_client().post(f"/idees/{idea.id}/soutenir").status_code in (302, 400)
    assert db.session.scalar(select(func.count(Support.id))) == 0


def test_withdrawn_idea_gives_supports_back(client):
    challenge = ChallengeFactory(phase="supports", supports_per_person=1)
    author = UserFactory()
    idea = IdeaFactory(challenge=challenge, author=author)
    other = IdeaFactory(challenge=challenge)
    supporter = UserFactory()
    login(client, supporter)
    support(client, idea)
    author_client = client.application.test_client()
    login(author_client, author)
    post_form(author_client, f"/idees/{idea.id}/retirer")
    assert support(client, other).status_code == 302  # the support came back
    used = db.session.scalar(select(Participation.supports_used).where(
        Participation.user_id == supporter.id))
    assert used == 1


def test_no_support_buttons_once_the_supports_are_used(client):
    challenge = ChallengeFactory(phase="supports", supports_per_person=1)
    first, second = IdeaFactory(challenge=challenge), IdeaFactory(challenge=challenge)
    login(client, UserFactory())
    support(client, first)
    listing = client.get(f"/defis/{challenge.slug}").text
    assert _forms(listing) == {second.id: "hidden support", first.id: "withdraw"}
    page = client.get(f"/idees/{second.id}").text
    assert "Vous avez utilisé votre soutien. Retirez-le pour soutenir une autre idée." in page
    assert _forms(page) == {second.id: "hidden support"}  # shown again when one is free


def _forms(page: str) -> dict[int, str]:
    """Each support form of a page: idea id -> 'support', 'hidden support' or 'withdraw'."""
    import re

    found = {}
    for match in re.finditer(r'<form method="post" action="/idees/(\d+)/(soutenir|retirer-soutien)"'
                             r'[^>]*?( hidden)?>', page):
        kind = "withdraw" if match.group(2) == "retirer-soutien" else "support"
        found[int(match.group(1))] = ("hidden " if match.group(3) else "") + kind
    return found


def test_the_page_shows_the_ballot_at_the_limit_and_after_taking_one_back(client):
    """Without JavaScript: at the limit every other Soutenir button is gone and the banner
    says so; after taking one back every button returns (issue 14)."""
    challenge = ChallengeFactory(phase="supports", supports_per_person=2)
    ideas = [IdeaFactory(challenge=challenge) for _ in range(4)]
    login(client, UserFactory())
    support(client, ideas[0])
    support(client, ideas[1])
    page = client.get(f"/defis/{challenge.slug}?tri=recentes").text
    assert "Vous avez utilisé vos 2 soutiens. Retirez-en un pour soutenir une autre idée." in page
    assert "Il vous reste" not in page
    forms = _forms(page)
    assert forms == {ideas[0].id: "withdraw", ideas[1].id: "withdraw",
                     ideas[2].id: "hidden support", ideas[3].id: "hidden support"}
    post_form(client, f"/idees/{ideas[0].id}/retirer-soutien")
    page = client.get(f"/defis/{challenge.slug}?tri=recentes").text
    assert "Il vous reste 1 soutien sur 2." in page
    assert _forms(page) == {ideas[0].id: "support", ideas[1].id: "withdraw",
                            ideas[2].id: "support", ideas[3].id: "support"}


def test_the_json_answer_carries_the_ballot_after_success_and_refusal(client):
    challenge = ChallengeFactory(phase="supports", supports_per_person=1)
    first, second = IdeaFactory(challenge=challenge), IdeaFactory(challenge=challenge)
    login(client, UserFactory())
    ok = support(client, first, headers={"Accept": "application/json"}).get_json()
    assert ok["supported"] is True and ok["supports_left"] == 0
    assert ok["can_support_more"] is False and ok["option"] == "withdraw"
    assert ok["supports_left_text"].startswith("Vous avez utilisé votre soutien.")
    refused = support(client, second, headers={"Accept": "application/json"})
    assert refused.status_code == 409
    body = refused.get_json()
    assert "Vous avez utilisé votre soutien" in body["error"]["message"]
    assert body["supported"] is False and body["option"] == "limit"
    assert body["can_support_more"] is False and body["supports"] == 0
    back = post_form(client, f"/idees/{first.id}/retirer-soutien",
                     headers={"Accept": "application/json"}).get_json()
    assert back["can_support_more"] is True and back["option"] == "support"
    assert back["supports_left_text"] == "Il vous reste 1 soutien sur 1."


def test_a_support_moves_its_persons_counter_row_not_the_challenges(app):
    """The challenge's figures are what they settled at plus its counter rows (one per
    slot of people): neither a support nor a person's first act writes the challenge's
    own row, which every support of the challenge would otherwise wait for (issue 17);
    withdrawals, released supports of a withdrawn idea and the integrity check agree."""
    from sqlalchemy import event

    from consult.challenges.models import COUNTER_SLOTS, Challenge, challenge_counters
    from consult.ideas import operations as ops
    from consult.integrity import run_checks

    challenge = ChallengeFactory(phase="supports", supports_per_person=None)
    challenge.supports_settled = 5  # e.g. an import counted them before
    idea, other = IdeaFactory(challenge=challenge), IdeaFactory(challenge=challenge)
    people = [UserFactory() for _ in range(COUNTER_SLOTS + 3)]
    db.session.flush()
    db.session.execute(Support.__table__.insert(), [  # the five settled supports' rows
        {"idea_id": other.id, "user_id": UserFactory().id, "challenge_id": challenge.id}
        for _ in range(5)])
    db.session.execute(Challenge.__table__.update().where(Challenge.id == challenge.id)
                       .values(supports_count=5))
    other.supports_count = 5
    db.session.flush()
    participants_before = db.session.get(Challenge, challenge.id).participants_count
    written: list[str] = []

    def remember(_conn, _cursor, statement, *_args):
        written.append(statement.lstrip().split("\n")[0][:40].upper())

    event.listen(db.engine, "before_cursor_execute", remember)
    try:
        for person in people:
            ops.cast_support(person, idea)
    finally:
        event.remove(db.engine, "before_cursor_execute", remember)
    assert not any(s.startswith("UPDATE CHALLENGES") for s in written), written
    db.session.expire_all()
    counted = db.session.get(Challenge, challenge.id)
    assert counted.supports_count == 5 + len(people)
    assert counted.participants_count == participants_before + len(people)
    rows = db.session.execute(select(challenge_counters.c.slot,
                                     challenge_counters.c.supports).where(
        challenge_counters.c.challenge_id == challenge.id)).all()
    assert len(rows) == COUNTER_SLOTS and sum(n for _, n in rows) == len(people)

    ops.withdraw_support(people[0], idea)
    ops.withdraw_support(people[1], idea)
    db.session.expire_all()
    assert db.session.get(Challenge, challenge.id).supports_count == 5 + len(people) - 2
    assert run_checks() == []
    ops.withdraw_idea(idea.author, db.session.get(type(idea), idea.id))  # supports released
    db.session.expire_all()
    assert db.session.get(Challenge, challenge.id).supports_count == 5
    assert run_checks() == []


def test_a_support_is_committed_before_its_answer_is_built(client, monkeypatch):
    """SQLite's single writer's turn runs from a request's first write to its commit,
    and every writer of the site waits for it: the support's writes are committed as
    soon as they stand, then the ballot is read and written out (on PostgreSQL too:
    its row locks are released as early)."""
    from flask import request
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    from consult.ideas import views

    idea = IdeaFactory(challenge=ChallengeFactory(phase="supports", supports_per_person=2))
    person = UserFactory()
    login(client, person)
    seen: list[str] = []
    ballot = views._ballot_json

    def remember_ballot(*args, **kwargs):
        seen.append("BALLOT")
        return ballot(*args, **kwargs)

    def remember_commit(session):
        if request.method == "POST":  # (post_form asks a page for the token first)
            seen.append("COMMIT")

    monkeypatch.setattr(views, "_ballot_json", remember_ballot)
    event.listen(Session, "after_commit", remember_commit)
    try:
        answer = support(client, idea, headers={"Accept": "application/json"})
    finally:
        event.remove(Session, "after_commit", remember_commit)
    assert answer.status_code == 200 and answer.get_json()["supports_left"] == 1
    assert seen[:2] == ["COMMIT", "BALLOT"], seen  # (the request's end commits nothing)
    assert db.session.scalar(select(func.count()).select_from(Support)) == 1
    refused = support(client, idea, headers={"Accept": "application/json"})  # again
    assert refused.status_code == 409 and refused.get_json()["supports_left"] == 1
    db.session.expire_all()
    assert db.session.scalar(select(Participation.supports_used).where(
        Participation.user_id == person.id)) == 1  # spent by the first, given back
