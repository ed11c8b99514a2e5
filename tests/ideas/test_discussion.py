from sqlalchemy import func, select

from consult.comments.models import Comment, CommentStatus, Report
from consult.db import db
from consult.ideas.models import IdeaStatus
from consult.notifications.models import Notification
from tests.conftest import login, post_form
from tests.factories import ChallengeFactory, IdeaFactory, UserFactory


def comment(client, idea, body, parent=None):
    data = {"body": body}
    if parent:
        data["parent_id"] = str(parent.id)
    return post_form(client, f"/idees/{idea.id}/commentaires", data)


def test_comment_reply_edit_delete(client, app):
    idea = IdeaFactory(challenge=ChallengeFactory(phase="supports"))
    me = UserFactory(display_name="Moi")
    login(client, me)
    assert comment(client, idea, "Bonne idée !").status_code == 302
    first = db.session.scalar(select(Comment))
    other = app.test_client()
    login(other, UserFactory(display_name="Autre"))
    comment(other, idea, "Je réponds", parent=first)
    reply = db.session.scalar(select(Comment).where(Comment.parent_id == first.id))
    # a reply to a reply stays in the same thread: one level
    comment(client, idea, "Et moi aussi", parent=reply)
    assert db.session.scalar(select(func.count()).where(Comment.parent_id == first.id)) == 2

    assert post_form(client, f"/commentaires/{first.id}/modifier",
                     {"body": "Très bonne idée !"}).status_code == 302
    db.session.refresh(first)
    assert first.body == "Très bonne idée !" and first.edited_at
    assert post_form(other, f"/commentaires/{first.id}/modifier", {"body": "x"}).status_code == 403
    assert post_form(other, f"/commentaires/{first.id}/supprimer").status_code == 403
    assert post_form(client, f"/commentaires/{first.id}/supprimer").status_code == 302
    db.session.refresh(first)
    db.session.refresh(idea)
    assert first.status == CommentStatus.DELETED and first.body == ""
    assert idea.comments_count == 2
    assert "Commentaire supprimé par son auteur." in client.get(f"/idees/{idea.id}").text


def test_empty_comment_is_refused_and_kept(client):
    idea = IdeaFactory(challenge=ChallengeFactory(phase="supports"))
    login(client, UserFactory())
    response = comment(client, idea, "")
    assert response.status_code == 422 and "Ce champ est obligatoire." in response.text
    response = comment(client, idea, "x" * 5001)
    assert response.status_code == 422 and "x" * 100 in response.text


def test_comments_are_closed_with_results(client):
    idea = IdeaFactory(challenge=ChallengeFactory(phase="results"))
    login(client, UserFactory())
    response = comment(client, idea, "Trop tard ?")
    assert response.status_code == 422
    assert "Les commentaires sont fermés" in response.text
    assert db.session.scalar(select(Comment)) is None


def test_report_with_a_reason_once_and_hide_at_the_threshold(client, app):
    challenge = ChallengeFactory(phase="supports", auto_hide_threshold=3)
    idea = IdeaFactory(challenge=challenge)
    browsers = []
    for _ in range(3):
        browser = app.test_client()
        login(browser, UserFactory())
        browsers.append(browser)
    response = post_form(browsers[0], f"/idees/{idea.id}/signaler",
                         {"reason": "abuse", "details": "Propos insultants"})
    assert response.status_code == 302
    post_form(browsers[0], f"/idees/{idea.id}/signaler", {"reason": "spam"})  # counted once
    assert db.session.scalar(select(func.count(Report.id))) == 1
    post_form(browsers[1], f"/idees/{idea.id}/signaler", {"reason": "spam"})
    db.session.refresh(idea)
    assert idea.status == IdeaStatus.PUBLISHED
    post_form(browsers[2], f"/idees/{idea.id}/signaler", {"reason": "off_topic"})
    db.session.refresh(idea)
    assert idea.status == IdeaStatus.HIDDEN
    assert app.test_client().get(f"/idees/{idea.id}").status_code == 404
    bad = post_form(browsers[1], f"/idees/{idea.id}/signaler", {"reason": "inconnue"})
    assert bad.status_code in (404, 422)


def test_report_a_comment(client, app):
    idea = IdeaFactory(challenge=ChallengeFactory(phase="supports"))
    author = app.test_client()
    login(author, UserFactory())
    comment(author, idea, "Un commentaire")
    target = db.session.scalar(select(Comment))
    login(client, UserFactory())
    assert client.get(f"/commentaires/{target.id}/signaler").status_code == 200
    assert post_form(client, f"/commentaires/{target.id}/signaler",
                     {"reason": "personal_data"}).status_code == 302
    report = db.session.scalar(select(Report))
    assert report.target_type == "comment" and report.target_id == target.id


def test_followers_are_notified_once_per_comment(client, app):
    author = UserFactory()
    idea = IdeaFactory(challenge=ChallengeFactory(phase="supports"), author=author)
    from consult.notifications.operations import follow

    follow(author, idea=idea)
    follower = UserFactory()
    follower_browser = app.test_client()
    login(follower_browser, follower)
    post_form(follower_browser, f"/idees/{idea.id}/suivre", {"follow": "1"})
    login(client, UserFactory())
    comment(client, idea, "Un avis")
    for person in (author, follower):
        notes = db.session.scalars(select(Notification).where(
            Notification.user_id == person.id)).all()
        assert [n.kind for n in notes] == ["new_comment"]
    page = follower_browser.get("/mon-espace").text
    assert "Nouveau commentaire sur l’idée" in page
    assert post_form(follower_browser, "/notifications/lues").status_code == 302


def test_my_space_lists_my_ideas_supports_and_what_remains(client):
    challenge = ChallengeFactory(phase="supports", supports_per_person=3)
    me = UserFactory()
    mine = IdeaFactory(challenge=challenge, author=me, title="Mon idée à moi")
    other = IdeaFactory(challenge=challenge, title="Une idée soutenue")
    login(client, me)
    post_form(client, f"/idees/{other.id}/soutenir")
    page = client.get("/mon-espace").text
    assert mine.title in page and other.title in page
    assert "1 soutien utilisé sur 3" in page


def test_my_space_reads_in_statements_that_do_not_grow_with_what_it_lists(client):
    """« Mon espace » joins each idea's challenge for its title: not the challenge's
    phases, organisations and themes again for every list (16 statements for three of
    each before), nor a challenge's phases one by one for its limit of supports."""
    from tests.conftest import count_queries

    me = UserFactory()
    challenges = [ChallengeFactory(phase="supports", supports_per_person=3) for _ in range(2)]
    login(client, me)

    def take_part(challenge, n):
        IdeaFactory(challenge=challenge, author=me, title=f"Mon idée {n}")
        other = IdeaFactory(challenge=challenge, title=f"Idée soutenue {n}")
        db.session.commit()
        post_form(client, f"/idees/{other.id}/soutenir")

    take_part(challenges[0], 1)
    statements = count_queries(client, "/mon-espace")
    take_part(challenges[1], 2)
    take_part(ChallengeFactory(phase="supports", supports_per_person=None), 3)
    page = client.get("/mon-espace").text
    assert all(f"Mon idée {n}" in page and f"Idée soutenue {n}" in page for n in (1, 2, 3))
    assert page.count("1 soutien utilisé sur 3") == 2
    assert count_queries(client, "/mon-espace") == statements <= 9


def test_a_hidden_comment_leaves_a_placeholder_and_every_count_agrees(client, app):
    """Hiding a comment keeps its thread: the replies stay visible under a placeholder,
    and the page, the API, the open data and the idea's counter all count the same
    published comments (issue 14)."""
    import csv
    import io

    from consult.comments.operations import post_comment
    from consult.moderation.operations import hide_comment
    from tests.factories import OrganisationFactory, agent_of

    organisation = OrganisationFactory()
    idea = IdeaFactory(challenge=ChallengeFactory(phase="supports", organisations=[organisation]))
    parent = post_comment(UserFactory(), idea, "Un propos hors charte.", None)
    post_comment(UserFactory(), idea, "Une réponse utile.", parent)
    hide_comment(agent_of(organisation), parent, "Propos injurieux")
    db.session.flush()
    db.session.refresh(idea)

    page = client.get(f"/idees/{idea.id}").text
    assert "Ce commentaire a été masqué par la modération." in page
    assert "Un propos hors charte." not in page
    assert "Une réponse utile." in page
    assert ">1 commentaire<" in page and idea.comments_count == 1
    api = client.get(f"/api/v1/ideas/{idea.id}/comments").get_json()
    assert [c["body"] for c in api["items"]] == ["Une réponse utile."]
    assert client.get(f"/api/v1/ideas/{idea.id}").get_json()["comments_count"] == 1
    rows = list(csv.DictReader(io.StringIO(
        client.get(f"/donnees/defis/{idea.challenge.slug}/commentaires.csv").text)))
    assert len(rows) == 1
    ideas = list(csv.DictReader(io.StringIO(
        client.get(f"/donnees/defis/{idea.challenge.slug}/idees.csv").text)))
    assert ideas[0]["commentaires"] == "1"


def test_an_empty_comment_is_explained_like_any_refused_form(client):
    """Error summary, title, the field's error, and an address that still works when
    opened again (issue 15: it answered 405)."""
    idea = IdeaFactory(challenge=ChallengeFactory(phase="supports"))
    login(client, UserFactory())
    refused = post_form(client, f"/idees/{idea.id}/commentaires", {"body": ""})
    assert refused.status_code == 422
    assert 'id="error-summary"' in refused.text
    assert "<title>Erreur —" in refused.text
    again = client.get(f"/idees/{idea.id}/commentaires")
    assert again.status_code == 302 and again.headers["Location"].endswith(
        f"/idees/{idea.id}#commenter")


def test_required_fields_say_so_in_text(client):
    """Not only the browser's `required`: the reply and the volunteer's consent say it
    in words (issue 15)."""
    from tests.codesign.test_codesign import live_brief

    idea = IdeaFactory(challenge=ChallengeFactory(phase="supports"))
    login(client, UserFactory())
    post_form(client, f"/idees/{idea.id}/commentaires", {"body": "Un premier avis."})
    page = client.get(f"/idees/{idea.id}").text
    assert "Votre réponse <span class=\"c-field__required\">(obligatoire)</span>" in page
    brief, _agent = live_brief()
    volunteer = client.get(f"/cahiers/{brief.id}/volontaire").text
    assert "à tout moment. <span class=\"c-field__required\">(obligatoire)</span>" in volunteer


def test_an_idea_page_s_slots_are_each_person_s_own_though_memoised(client, app):
    """The idea page's personal slots are rendered once per state and copied for each
    person (core.personal.memoised): nobody gets another person's buttons, a refused
    comment's text never reaches anyone else, a change of state is shown at once."""
    from consult.core import personal

    personal._rendered.clear()
    author = UserFactory(display_name="Autrice")
    idea = IdeaFactory(challenge=ChallengeFactory(phase="supports"), author=author)
    login(client, author)
    assert comment(client, idea, "Je commente ma propre idée.").status_code == 302
    mine = db.session.scalar(select(Comment))
    reader = app.test_client()
    login(reader, UserFactory(display_name="Lecteur"))
    path = f"/idees/{idea.id}"
    for _ in range(2):  # the second render of each is a copy of the first
        theirs, page = client.get(path).text, reader.get(path).text
        assert f"/commentaires/{mine.id}/modifier" in theirs
        assert f"/commentaires/{mine.id}/signaler" not in theirs
        assert f"/commentaires/{mine.id}/modifier" not in page
        assert f"/commentaires/{mine.id}/signaler" in page
        assert "Signaler cette idée" in page and "Signaler cette idée" not in theirs
    assert len(personal._rendered) > 0
    # a refused comment comes back as typed, to its author only, and is never kept
    refused = comment(reader, idea, "y" * 5001)
    assert refused.status_code == 422 and "y" * 100 in refused.text
    for page in (reader.get(path).text, client.get(path).text):
        assert "y" * 100 not in page and "error-summary" not in page
    # following the idea: their button changes, the author's stays
    assert post_form(reader, f"/idees/{idea.id}/suivre", {"follow": "1"}).status_code == 302
    assert "Ne plus suivre" in reader.get(path).text
    assert "Ne plus suivre" not in client.get(path).text
