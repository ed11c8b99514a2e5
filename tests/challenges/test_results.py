import csv
import io

from sqlalchemy import select

from consult.challenges.phases import Phase
from consult.db import db
from consult.ideas.models import AnswerStatus, IdeaStatus
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
    challenge = ChallengeFactory(phase="supports", organisations=[organisation],
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
    challenge = ChallengeFactory(phase="supports", organisations=[organisation])
    login(client, agent_of(organisation))
    response = post_form(client, f"/defis/{challenge.slug}/resultats/publier",
                         {"message": "Trop tôt"})
    assert response.status_code == 422 and "une fois le vote terminé" in response.text


def _publish(client, challenge, selected, justification="Retenue pour sa faisabilité."):
    data = {"message": "Merci.", "selected": [str(i.id) for i in selected]}
    data.update({f"justification-{i.id}": justification for i in selected})
    response = post_form(client, f"/defis/{challenge.slug}/resultats/publier", data)
    assert response.status_code == 302, response.text


def _main(page: str) -> str:
    return page[page.index("<main"):page.index("</main>")]


def test_published_results_are_frozen(client, app):
    """Once published, the results record what they record: the authors may no longer
    withdraw or edit the ideas in them, and a later moderation keeps the line but not
    the text (issue 14)."""
    from consult.ideas.results import ranking

    organisation, challenge, ideas, _voters = voted_challenge(client, app)
    login(client, agent_of(organisation))
    _publish(client, challenge, [ideas[0]])
    db.session.refresh(challenge)
    before = [(r.rank, r.idea.id, r.supports, r.selected) for r in ranking(challenge)]
    page = _main(app.test_client().get(f"/defis/{challenge.slug}/resultats").text)

    author = app.test_client()
    login(author, ideas[0].author)
    refused = post_form(author, f"/idees/{ideas[0].id}/retirer")
    assert refused.status_code == 303
    assert "fait partie des résultats publiés" in author.get(f"/idees/{ideas[0].id}").text
    assert author.get(f"/idees/{ideas[0].id}/modifier").status_code == 403
    other = app.test_client()
    login(other, ideas[2].author)
    assert post_form(other, f"/idees/{ideas[2].id}/retirer").status_code == 303
    db.session.refresh(ideas[0])
    db.session.refresh(ideas[2])
    assert ideas[0].status == ideas[2].status == IdeaStatus.PUBLISHED
    assert [(r.rank, r.idea.id, r.supports, r.selected) for r in ranking(challenge)] == before
    assert _main(app.test_client().get(f"/defis/{challenge.slug}/resultats").text) == page

    # moderation may still hide an idea: its line stays, its title and link go
    ideas[1].status = IdeaStatus.HIDDEN
    db.session.flush()
    hidden = app.test_client().get(f"/defis/{challenge.slug}/resultats").text
    assert "Idée masquée par la modération" in hidden and ideas[1].title not in hidden
    assert [(r.rank, r.idea.id, r.supports) for r in ranking(challenge)] == [
        row[:3] for row in before]
    api = app.test_client().get(f"/api/v1/challenges/{challenge.id}/results").get_json()
    assert [r["idea"]["id"] for r in api["ranking"]] == [row[1] for row in before]
    assert ideas[1].title not in str(api)


def test_withdrawing_after_the_vote_keeps_the_supports_and_tells_nobody(client, app):
    from consult.challenges.models import Participation

    _organisation, _challenge, ideas, voters = voted_challenge(client, app)
    author = app.test_client()
    login(author, ideas[0].author)
    db.session.refresh(ideas[0])
    supports_before = ideas[0].supports_count
    assert supports_before == 4
    assert post_form(author, f"/idees/{ideas[0].id}/retirer").status_code == 302
    db.session.refresh(ideas[0])
    assert ideas[0].status == IdeaStatus.WITHDRAWN
    assert ideas[0].supports_count == supports_before  # the vote happened
    used = db.session.scalars(select(Participation.supports_used).where(
        Participation.user_id.in_([v.id for v in voters])))
    assert sum(used) == 3 + 2 + 1 + 3  # nobody got a support back after the vote
    assert not db.session.scalar(select(Notification.id).where(
        Notification.kind == "idea_withdrawn"))


def test_an_idea_a_brief_is_born_from_cannot_be_withdrawn(client, app):
    from consult.briefs.operations import convert_to_brief

    organisation, _challenge, ideas, _voters = voted_challenge(client, app)
    convert_to_brief(agent_of(organisation), [ideas[1]], organisation, title="Cahier",
                     problem_statement="Le problème.")
    author = app.test_client()
    login(author, ideas[1].author)
    assert post_form(author, f"/idees/{ideas[1].id}/retirer").status_code == 303
    db.session.refresh(ideas[1])
    assert ideas[1].status == IdeaStatus.PUBLISHED and ideas[1].frozen_at is not None


def test_each_justification_field_names_its_idea(client, app):
    """Three « Justification publique » fields told apart for screen readers (issue 15)."""
    import re

    organisation, challenge, _ideas, _voters = voted_challenge(client, app)
    login(client, agent_of(organisation))
    page = client.get(f"/defis/{challenge.slug}/resultats/publier").text
    labels = [re.sub(r"<[^>]+>", "", m) for m in re.findall(
        r'<label class="c-field__label" for="justification-\d+">(.*?)</label>', page)]
    assert len(labels) == 3 and len(set(labels)) == 3, labels
