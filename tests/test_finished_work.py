"""Finished work is visible (issue 14): what happened to the ideas — results and briefs —
on the home page, in a public list of briefs with filters, on each organisation's page,
and through one search across challenges, ideas and briefs from the header."""

from __future__ import annotations

from sqlalchemy import select

from consult.briefs.models import BriefStatus
from consult.briefs.operations import change_status
from consult.db import db, utcnow
from tests.factories import ChallengeFactory, IdeaFactory, OrganisationFactory, agent_of, brief_from


def _world():
    lab, town = OrganisationFactory(name="Labo du 95"), OrganisationFactory(name="Ville de Cergy")
    challenge = ChallengeFactory(phase="results", organisations=[lab],
                                 title="Accueillir en préfecture")
    challenge.results_published_at = utcnow()
    challenge.results_message = "Merci."
    other = ChallengeFactory(phase="supports", organisations=[town], title="Les cantines")
    idea = IdeaFactory(challenge=challenge, title="Un guichet unique pour les étrangers")
    IdeaFactory(challenge=other, title="Des menus affichés à l’avance")
    agent = agent_of(lab)
    adopted = brief_from([idea], lab, agent, title="Guichet unique",
                               problem_statement="Trop de files d’attente.")
    for status in (BriefStatus.PUBLISHED, BriefStatus.PROTOTYPING, BriefStatus.TESTING):
        change_status(agent, adopted, status)
    draft = brief_from([IdeaFactory(challenge=other)], town, agent_of(town),
                             title="Brouillon secret", problem_statement="P")
    db.session.flush()
    return lab, town, challenge, adopted, draft


def test_home_shows_recent_results_and_briefs(client):
    _lab, _town, challenge, _adopted, _draft = _world()
    page = client.get("/").text
    assert f"/defis/{challenge.slug}/resultats" in page
    assert "Guichet unique" in page and "Étape 3 sur 4 vers l’adoption" in page
    assert "Brouillon secret" not in page


def test_the_public_list_of_briefs_filters_by_organisation_and_status(client):
    _lab, town, _challenge, _adopted, _draft = _world()
    page = client.get("/cahiers").text
    assert "Ce que sont devenues vos idées" in page and "Guichet unique" in page
    assert "Brouillon secret" not in page and "1 cahier" in page
    assert "Guichet unique" not in client.get(f"/cahiers?organisation={town.id}").text
    assert "Guichet unique" in client.get("/cahiers?etat=testing").text
    assert "Guichet unique" not in client.get("/cahiers?etat=adopted").text


def test_an_organisation_page_lists_its_challenges_results_and_briefs(client):
    lab, _town, challenge, _adopted, _draft = _world()
    page = client.get(f"/organisations/{lab.slug}").text
    assert f"/defis/{challenge.slug}\"" in page
    assert f"/defis/{challenge.slug}/resultats" in page and "Guichet unique" in page
    assert "Les cantines" not in page


def test_an_organisation_page_lists_the_coming_test_sessions_of_its_briefs(client):
    from datetime import timedelta

    from consult.events.models import Event

    lab, _town, _challenge, adopted, draft = _world()
    now = utcnow()
    for brief, title, start in ((adopted, "Atelier à venir", now + timedelta(days=3)),
                                (adopted, "Atelier passé", now - timedelta(days=3)),
                                (draft, "Atelier du brouillon", now + timedelta(days=3))):
        db.session.add(Event(brief_id=brief.id, kind="user_test", title=title, address="Mairie",
                             capacity=5, format="in_person", starts_at=start,
                             organisation_id=lab.id, ends_at=start + timedelta(hours=2)))
    db.session.flush()
    page = client.get(f"/organisations/{lab.slug}").text
    assert "Ses prochains événements" in page and "Atelier à venir" in page
    upcoming = db.session.scalar(select(Event).where(Event.title == "Atelier à venir"))
    assert f"/evenements/{upcoming.id}" in page
    assert "Atelier passé" not in page
    title = page.split("<title>")[1].split("</title>")[0]
    assert "Atelier" not in title and "<" not in title  # the page's title is its name


def test_one_search_finds_challenges_ideas_and_briefs(client):
    _world()
    page = client.get("/recherche?q=prefecture").text  # accents and endings ignored
    assert "Accueillir en préfecture" in page
    page = client.get("/recherche?q=guichet").text
    assert "Un guichet unique pour les étrangers" in page and "Guichet unique" in page
    assert "Brouillon secret" not in client.get("/recherche?q=brouillon").text
    assert 'action="/recherche"' in client.get("/").text  # from the header of every page
