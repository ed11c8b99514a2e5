from datetime import date

import pytest
from sqlalchemy import select

from consult.briefs.models import BriefStatus
from consult.briefs.operations import change_status, post_update
from consult.core.errors_domain import Refused
from consult.db import db
from consult.ideas.models import IdeaStatus
from consult.notifications.models import Notification
from consult.notifications.operations import follow
from tests.factories import (
    ChallengeFactory,
    IdeaFactory,
    OrganisationFactory,
    UserFactory,
    brief_from,
)


def make_brief(ideas, **kwargs):
    return brief_from(ideas, OrganisationFactory(), UserFactory(), title="Un cahier",
                            problem_statement="Le problème à résoudre.",
                            milestones=[("Prototype", date(2027, 1, 15))], **kwargs)


def test_lineage_is_linked_both_ways(client):
    challenge = ChallengeFactory(phase="results")
    ideas = [IdeaFactory(challenge=challenge, title=f"Idée source {n}") for n in range(2)]
    brief = make_brief(ideas)
    assert client.get(f"/cahiers/{brief.id}").status_code == 404  # drafts are not public
    change_status(UserFactory(), brief, BriefStatus.PUBLISHED)
    page = client.get(f"/cahiers/{brief.id}").text
    for idea in ideas:
        assert idea.title in page and idea.author.display_name in page
    idea_page = client.get(f"/idees/{ideas[0].id}").text
    assert "Cette idée est devenue un cahier de prototypage" in idea_page
    assert f"/cahiers/{brief.id}" in idea_page


def test_life_of_a_brief_and_its_journal(client):
    idea = IdeaFactory(challenge=ChallengeFactory(phase="results"))
    follower = UserFactory()
    follow(follower, idea=idea)
    brief = make_brief([idea])
    agent = UserFactory()
    change_status(agent, brief, BriefStatus.PUBLISHED)
    change_status(agent, brief, BriefStatus.PROTOTYPING, "On commence.")
    post_update(agent, brief, "Premier atelier le 3 février.")
    with pytest.raises(Refused):
        change_status(agent, brief, BriefStatus.ADOPTED)  # testing comes first
    with pytest.raises(Refused):
        change_status(agent, brief, BriefStatus.ABANDONED)  # needs a reason
    change_status(agent, brief, BriefStatus.ABANDONED, reason="Budget supprimé.")
    page = client.get(f"/cahiers/{brief.id}").text
    assert "Premier atelier le 3 février." in page and "Budget supprimé." in page
    kinds = [n.kind for n in db.session.scalars(select(Notification).where(
        Notification.user_id == follower.id).order_by(Notification.id))]
    assert kinds == ["brief_status", "brief_status", "brief_update", "brief_status"]


def test_a_brief_needs_a_problem_and_published_ideas_of_one_challenge():
    idea = IdeaFactory(challenge=ChallengeFactory(phase="results"))
    with pytest.raises(Refused, match="énoncer le problème"):
        brief_from([idea], OrganisationFactory(), UserFactory(), title="x",
                         problem_statement="  ")
    other = IdeaFactory(challenge=ChallengeFactory(phase="results"))
    with pytest.raises(Refused):
        make_brief([idea, other])
    hidden = IdeaFactory(challenge=idea.challenge, status=IdeaStatus.HIDDEN)
    with pytest.raises(Refused):
        make_brief([hidden])


def test_agents_convert_selected_ideas_into_a_prefilled_brief(client):
    from tests.conftest import login, post_form
    from tests.factories import agent_of

    organisation = OrganisationFactory()
    challenge = ChallengeFactory(phase="results", organisations=[organisation],
                                 problem="Les délais sont trop longs.")
    first = IdeaFactory(challenge=challenge, title="Rappel par SMS", body="Un SMS la veille.")
    second = IdeaFactory(challenge=challenge, title="Créneaux le samedi", body="Le samedi.")
    login(client, agent_of(organisation))
    page = client.get(f"/defis/{challenge.slug}/cahiers/nouveau?idee={first.id}&idee={second.id}")
    assert page.status_code == 200
    assert "Les délais sont trop longs." in page.text  # prefilled from the challenge
    assert "Un SMS la veille." in page.text and f"D’après l’idée n° {first.id}" in page.text
    assert first.author.display_name not in page.text.split("<textarea", 1)[1]  # no copy
    response = post_form(client, f"/defis/{challenge.slug}/cahiers/nouveau", {
        "ideas": [str(first.id), str(second.id)], "organisation": str(organisation.id),
        "title": "Rendez-vous simplifiés", "problem_statement": "",
        "milestones-0-title": "Prototype", "milestones-0-due_on": "2027-02-01"})
    assert response.status_code == 422 and "Ce champ est obligatoire." in response.text
    response = post_form(client, f"/defis/{challenge.slug}/cahiers/nouveau", {
        "ideas": [str(first.id), str(second.id)], "organisation": str(organisation.id),
        "title": "Rendez-vous simplifiés", "problem_statement": "Délais trop longs.",
        "milestones-0-title": "Prototype", "milestones-0-due_on": "2027-02-01",
        "milestones-1-title": "Sans date"})
    assert response.status_code == 422 and "Un jalon a un nom et une date." in response.text
    response = post_form(client, f"/defis/{challenge.slug}/cahiers/nouveau", {
        "ideas": [str(first.id), str(second.id)], "organisation": str(organisation.id),
        "title": "Rendez-vous simplifiés", "problem_statement": "Délais trop longs.",
        "milestones-0-title": "Prototype", "milestones-0-due_on": "2027-02-01"})
    assert response.status_code == 302
    brief_url = response.headers["Location"]
    post_form(client, brief_url + "/etat", {"s-status": "published", "s-text": "C'est parti."})
    post_form(client, brief_url + "/journal", {"u-text": "Premier atelier fixé."})
    page = client.application.test_client().get(brief_url).text
    assert "Rendez-vous simplifiés" in page and "Premier atelier fixé." in page
    assert "Rappel par SMS" in page and "Créneaux le samedi" in page


def test_brief_exports_as_markdown_and_tagged_pdf(client):
    import io

    from pypdf import PdfReader

    challenge = ChallengeFactory(phase="results")
    ideas = [IdeaFactory(challenge=challenge, title="Rappel par SMS des pièces"),
             IdeaFactory(challenge=challenge, title="Créneaux du samedi matin")]
    brief = make_brief(ideas)
    change_status(UserFactory(), brief, BriefStatus.PUBLISHED)
    markdown = client.get(f"/cahiers/{brief.id}.md")
    assert markdown.mimetype == "text/markdown"
    text = markdown.get_data(as_text=True)
    assert text.startswith("# Un cahier\n") and "Rappel par SMS des pièces" in text
    assert "| Prototype | 2027-01-15 |" in text
    response = client.get(f"/cahiers/{brief.id}.pdf")
    assert response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    content = " ".join(page.extract_text() for page in reader.pages)
    assert "Un cahier" in content
    assert "Rappel par SMS des pièces" in content and "Créneaux du samedi matin" in content
    catalog = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalog and catalog["/MarkInfo"]["/Marked"]  # tagged PDF
    assert catalog["/Lang"] == "fr"
    assert reader.metadata.title == "Un cahier"


def test_the_brief_form_offers_the_selected_named_and_most_supported_ideas_not_all(client):
    from consult.briefs.views import CHOICES_MOST_SUPPORTED
    from consult.ideas.models import AnswerStatus
    from tests.conftest import login
    from tests.factories import agent_of

    organisation = OrganisationFactory()
    challenge = ChallengeFactory(phase="results", organisations=[organisation])
    for n in range(CHOICES_MOST_SUPPORTED + 5):
        IdeaFactory(challenge=challenge, supports_count=n + 10)
    selected = IdeaFactory(challenge=challenge, answer_status=AnswerStatus.SELECTED)
    named = IdeaFactory(challenge=challenge, title="Idée peu soutenue mais choisie")
    login(client, agent_of(organisation))
    page = client.get(f"/defis/{challenge.slug}/cahiers/nouveau?idee={named.id}").text
    assert page.count('name="ideas"') == CHOICES_MOST_SUPPORTED + 2
    assert f'value="{selected.id}"' in page and "Idée peu soutenue mais choisie" in page
