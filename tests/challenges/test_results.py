import csv
import io

from sqlalchemy import select

from consult.challenges.phases import Phase
from consult.db import db
from consult.ideas.models import AnswerStatus
from consult.notifications.models import Notification
from tests.conftest import login, post_form
from tests.factories import (
    ChallengeFactory,
    IdeaFactory,
    OrganisationFactory,
    UserFactory,
    agent_of,
)


def voted_challenge(client, app):
    organisation = OrganisationFactory()
    challenge = ChallengeFactory(phase="voting", organisations=[organisation],
                                 supports_per_person=None)
    ideas = [IdeaFactory(challenge=challenge, title=f"Idée {n}") for n in range(3)]
    voters = [UserFactory() for _ in range(4)]
    for n, voter in enumerate(voters):
        browser = app.test_client()
        login(browser, voter)
        for idea in ideas[: 3 - (n % 3)]:
            post_form(browser, f"/idees/{idea.id}/soutenir")
    from tests.factories import move_to

    move_to(challenge, "review")
    return organisation, challenge, ideas, voters


def test_publish_results_selects_with_justifications_and_tells_everyone_once(client, app):
    organisation, challenge, ideas, voters = voted_challenge(client, app)
    agent = agent_of(organisation)
    login(client, agent)
    page = client.get(f"/defis/{challenge.slug}/resultats/publier").text
    assert "Idée 0" in page
    assert app.test_client().get(f"/defis/{challenge.slug}/resultats").status_code == 404
    refused = post_form(client, f"/defis/{challenge.slug}/resultats/publier", {
        "message": "Merci à toutes et tous.", "selected": [str(ideas[0].id)]})
    assert refused.status_code == 422 and "Justifiez publiquement" in refused.text
    assert "Merci à toutes et tous." in refused.text  # kept
    response = post_form(client, f"/defis/{challenge.slug}/resultats/publier", {
        "message": "Merci à toutes et tous.", "selected": [str(ideas[0].id), str(ideas[1].id)],
        f"justification-{ideas[0].id}": "La plus soutenue, faisable cette année.",
        f"justification-{ideas[1].id}": "Complète la première."})
    assert response.status_code == 302
    db.session.refresh(challenge)
    assert challenge.phase == Phase.RESULTS and challenge.results_published_at
    db.session.refresh(ideas[0])
    assert ideas[0].answer_status == AnswerStatus.SELECTED
    public = app.test_client().get(f"/defis/{challenge.slug}/resultats").text
    assert "La plus soutenue, faisable cette année." in public
    assert "Merci à toutes et tous." in public and "Les idées retenues" in public
    for person in [*voters, ideas[0].author]:
        notes = db.session.scalars(select(Notification.kind).where(
            Notification.user_id == person.id, Notification.kind == "results")).all()
        assert notes == ["results"], person
    again = post_form(client, f"/defis/{challenge.slug}/resultats/publier", {
        "message": "Encore", "selected": []})
    assert again.status_code == 422 and "déjà publiés" in again.text


def test_ranking_shares_and_ties_and_csv(client, app):
    organisation, challenge, _ideas, _voters = voted_challenge(client, app)
    login(client, agent_of(organisation))
    body = client.get(f"/defis/{challenge.slug}/resultats.csv").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(body)))
    assert [r["soutiens"] for r in rows] == ["4", "3", "2"]
    # 7 participants: the 4 voters and the 3 authors
    assert rows[0]["rang"] == "1" and rows[0]["part_des_participants"] == "0.5714"
    assert body.count("\r\n") == 4


def test_results_cannot_be_published_during_voting(client):
    organisation = OrganisationFactory()
    challenge = ChallengeFactory(phase="voting", organisations=[organisation])
    login(client, agent_of(organisation))
    response = post_form(client, f"/defis/{challenge.slug}/resultats/publier",
                         {"message": "Trop tôt"})
    assert response.status_code == 422 and "une fois le vote terminé" in response.text
