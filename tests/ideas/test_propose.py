from sqlalchemy import select

from consult.challenges.models import ModerationMode
from consult.db import db
from consult.ideas.models import Idea, IdeaStatus
from tests.conftest import login, post_form
from tests.factories import ChallengeFactory, IdeaFactory, ThemeFactory, UserFactory

BODY = "Un rappel la veille du rendez-vous éviterait bien des dossiers incomplets."


def propose(client, challenge, **data):
    payload = {"title": "Un rappel par SMS avant le rendez-vous", "body": BODY,
               "theme": "", "territory": "", "action": "submit"}
    payload.update(data)
    return post_form(client, f"/defis/{challenge.slug}/proposer", payload)


def test_propose_an_idea(client):
    challenge = ChallengeFactory(phase="ideas")
    theme = ThemeFactory(challenge=challenge, name="Rendez-vous")
    login(client, UserFactory())
    response = propose(client, challenge, theme=str(theme.id), territory="95")
    assert response.status_code == 302
    idea = db.session.scalar(select(Idea))
    assert idea.status == IdeaStatus.PUBLISHED and idea.theme_id == theme.id
    assert idea.territory.code == "95"
    db.session.refresh(challenge)
    assert challenge.ideas_count == 1 and challenge.participants_count == 1
    page = client.get(response.headers["Location"])
    assert "Un rappel par SMS avant le rendez-vous" in page.text


def test_pre_moderation_keeps_the_idea_pending_and_invisible(client, app):
    challenge = ChallengeFactory(phase="ideas", moderation_mode=ModerationMode.PRE)
    author = UserFactory()
    login(client, author)
    response = propose(client, challenge)
    idea = db.session.scalar(select(Idea))
    assert idea.status == IdeaStatus.PENDING
    assert "après relecture" in client.get(response.headers["Location"]).text
    assert app.test_client().get(f"/idees/{idea.id}").status_code == 404
    assert idea.title not in app.test_client().get(f"/defis/{challenge.slug}").text


def test_bad_input_is_explained_and_kept(client):
    challenge = ChallengeFactory(phase="ideas")
    login(client, UserFactory())
    response = propose(client, challenge, title="", body="x" * 10_001, theme="999")
    assert response.status_code == 422
    text = response.text
    assert "Ce champ est obligatoire." in text
    assert "Saisissez entre 20 et 10000 caractères." in text
    assert "Not a valid choice" in text or "choix" in text.lower()
    assert "x" * 200 in text  # what was typed is kept
    assert db.session.scalar(select(Idea)) is None


def test_scripts_in_markdown_never_reach_the_page(client):
    challenge = ChallengeFactory(phase="ideas")
    login(client, UserFactory())
    propose(client, challenge, title="<script>alert(1)</script> titre",
            body="[clic](javascript:alert(1)) <img src=x onerror=alert(1)> **gras**")
    idea = db.session.scalar(select(Idea))
    page = client.get(f"/idees/{idea.id}").text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; titre" in page
    assert 'href="javascript' not in page and "<img" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page  # shown as text, inert
    assert "<strong>gras</strong>" in page


def test_similar_ideas_are_shown_before_publishing(client):
    challenge = ChallengeFactory(phase="ideas")
    existing = IdeaFactory(challenge=challenge, title="Rappel par SMS des pièces à apporter",
                           body="Un SMS la veille du rendez-vous.")
    login(client, UserFactory())
    response = propose(client, challenge, title="Envoyer un SMS de rappel")
    assert response.status_code == 200
    assert "Des idées proches existent déjà" in response.text
    assert f"/idees/{existing.id}" in response.text
    assert db.session.scalar(select(Idea).where(Idea.id != existing.id)) is None
    # the person chooses to publish anyway
    response = propose(client, challenge, title="Envoyer un SMS de rappel", unique_confirmed="1")
    assert response.status_code == 302


def test_preview_renders_markdown_and_saves_nothing(client):
    challenge = ChallengeFactory(phase="ideas")
    login(client, UserFactory())
    response = propose(client, challenge, body="Voici **une idée** en markdown, avec du texte.",
                       action="preview")
    assert response.status_code == 200
    assert "<strong>une idée</strong>" in response.text
    assert db.session.scalar(select(Idea)) is None


def test_proposing_is_refused_outside_submission_or_without_confirmed_email(client, app):
    voting = ChallengeFactory(phase="supports")
    login(client, UserFactory())
    response = client.get(f"/defis/{voting.slug}/proposer")
    assert response.status_code == 403 and "Le dépôt des idées n’est pas ouvert" in response.text
    open_challenge = ChallengeFactory(phase="ideas")
    unconfirmed = app.test_client()
    login(unconfirmed, UserFactory(email_confirmed_at=None))
    response = unconfirmed.get(f"/defis/{open_challenge.slug}/proposer")
    assert response.status_code == 403 and "Confirmez d’abord votre adresse" in response.text
    assert app.test_client().get(f"/defis/{open_challenge.slug}/proposer").status_code == 302


def test_author_edits_until_the_first_reaction_then_withdraws(client):
    challenge = ChallengeFactory(phase="ideas")
    author = UserFactory()
    idea = IdeaFactory(challenge=challenge, author=author)
    login(client, author)
    response = post_form(client, f"/idees/{idea.id}/modifier", {
        "title": "Titre corrigé de l’idée", "body": BODY, "theme": "", "territory": "",
        "action": "submit"})
    assert response.status_code == 302
    db.session.refresh(idea)
    assert idea.title == "Titre corrigé de l’idée"

    idea.comments_count = 1  # someone reacted
    db.session.flush()
    assert client.get(f"/idees/{idea.id}/modifier").status_code == 403
    assert post_form(client, f"/idees/{idea.id}/retirer").status_code == 302
    db.session.refresh(idea)
    assert idea.status == IdeaStatus.WITHDRAWN
    db.session.refresh(challenge)
    assert challenge.ideas_count == 0


def test_others_cannot_edit_or_withdraw(client):
    idea = IdeaFactory(challenge=ChallengeFactory(phase="ideas"))
    login(client, UserFactory())
    assert client.get(f"/idees/{idea.id}/modifier").status_code == 403
    assert post_form(client, f"/idees/{idea.id}/retirer").status_code == 303
    db.session.refresh(idea)
    assert idea.status == IdeaStatus.PUBLISHED
