"""Programmes (innovation weeks and months): partners submit, the team reviews, the agenda
filters, the figures, the calendars and the people who follow them."""

from __future__ import annotations

from datetime import date, timedelta

from icalendar import Calendar
from sqlalchemy import select

from consult.core.timezones import local_to_utc
from consult.db import db, utcnow
from consult.events import registration as seats
from consult.events.models import Audience, Event, EventFormat, EventKind, Programme, Review
from consult.events.operations import schedule_event
from consult.events.programmes import ProgrammeDraft, open_programme, review_event
from consult.notifications.models import Notification
from tests.conftest import login, mails_to, post_form
from tests.events.helpers import commune, draft, event_form
from tests.factories import OrganisationFactory, UserFactory, agent_of


def _month(start: date | None = None):
    ministry = OrganisationFactory(name="Ministère de la Transformation publique")
    team = agent_of(ministry)
    start = start or (utcnow() + timedelta(days=20)).date()
    programme = open_programme(team, ministry, ProgrammeDraft(
        title="Mois de l’innovation publique 2027", starts_on=start,
        ends_on=start + timedelta(days=29)))
    return programme, team


def _in(programme: Programme, day: int, hour: int = 10):
    from datetime import datetime, time

    start = local_to_utc(datetime.combine(programme.starts_on + timedelta(days=day),
                                          time(hour)))
    return {"starts_at": start, "ends_at": start + timedelta(hours=2)}


def test_a_partner_submits_and_the_team_accepts_asks_changes_or_refuses(client, app):
    programme, team = _month()
    partner = OrganisationFactory(name="Ville de Cergy")
    agent = agent_of(partner, email="agent@cergy.fr")
    follower = UserFactory()
    login(client, follower)
    post_form(client, "/evenements/suivre", {"scope": "programme", "target": programme.id,
                                             "follow": "1"})
    submitter = app.test_client()
    login(submitter, agent)
    outside = post_form(submitter, f"/evenements/nouveau?programme={programme.slug}",
                        event_form(starts_at="2020-01-01T10:00", ends_at="2020-01-01T12:00"))
    assert outside.status_code == 422
    assert "a lieu du" in outside.text and "doit commencer dans le futur" in outside.text
    day = programme.starts_on + timedelta(days=2)
    assert post_form(submitter, f"/evenements/nouveau?programme={programme.slug}", event_form(
        title="Atelier accueil en mairie", starts_at=f"{day}T10:00",
        ends_at=f"{day}T12:00")).status_code == 302
    event = db.session.scalar(select(Event))
    assert (event.programme_id, event.review) == (programme.id, Review.SUBMITTED)
    # not listed yet: not in the agenda, not open to registration
    assert "Atelier accueil en mairie" not in client.get(f"/programmes/{programme.slug}").text
    assert client.get(f"/evenements/{event.id}").status_code == 404
    assert seats.registration_problem(follower, event) is not None
    reviewer = app.test_client()
    login(reviewer, team)
    queue = reviewer.get(f"/programmes/{programme.slug}/examen").text
    assert "Atelier accueil en mairie" in queue and "1 proposition en attente" in queue
    refused = post_form(reviewer, f"/programmes/{programme.slug}/examen/{event.id}",
                        {f"e{event.id}-decision": "changes", f"e{event.id}-reason": ""})
    assert refused.status_code == 422 and "il lira ce message" in refused.text
    second = post_form(reviewer, f"/programmes/{programme.slug}/examen/{event.id}", {
        f"e{event.id}-decision": "changes",
        f"e{event.id}-reason": "Précisez l’accessibilité du lieu."})
    db.session.refresh(event)
    assert second.status_code == 302 and event.review == Review.CHANGES_REQUESTED
    [mail] = mails_to("agent@cergy.fr", "events/reviewed")
    assert "Précisez l’accessibilité du lieu." in mail.body_text
    assert "Précisez l’accessibilité du lieu." in submitter.get(f"/evenements/{event.id}").text
    # the partner edits: back in the queue
    form = event_form(title="Atelier accueil en mairie", starts_at=f"{day}T10:00",
                      ends_at=f"{day}T12:00", step_free="y")
    assert post_form(submitter, f"/evenements/{event.id}/modifier", form).status_code == 302
    db.session.refresh(event)
    assert event.review == Review.SUBMITTED and event.step_free
    post_form(reviewer, f"/programmes/{programme.slug}/examen/{event.id}",
              {f"e{event.id}-decision": "accept"})
    db.session.refresh(event)
    assert event.review == Review.ACCEPTED
    assert "Atelier accueil en mairie" in client.get(f"/programmes/{programme.slug}").text
    assert db.session.scalar(select(Notification.kind).where(
        Notification.user_id == follower.id)) == "new_event"
    assert len(mails_to("agent@cergy.fr", "events/reviewed")) == 2


def test_a_refusal_needs_a_reason_and_hides_the_event():
    programme, team = _month()
    partner = OrganisationFactory()
    agent = agent_of(partner)
    event = schedule_event(agent, partner, draft(**_in(programme, 3)), programme)
    from consult.core.errors_domain import Refused

    try:
        review_event(team, event, "refuse", "")
    except Refused as refusal:
        assert refusal.field == "reason"
    else:
        raise AssertionError("a refusal without a reason")
    review_event(team, event, "refuse", "Hors du thème du mois.")
    assert event.review == Review.REFUSED and not event.is_listed


def _listed(programme, team, organisation, **values):
    agent = agent_of(organisation)
    event = schedule_event(agent, organisation, draft(**values), programme)
    review_event(team, event, "accept")
    return event


def test_the_agenda_filters_by_date_territory_format_theme_audience_and_online(client):
    programme, team = _month()
    lab = OrganisationFactory(name="LaBase")
    cergy = _listed(programme, team, lab, title="Atelier à Cergy", themes=["design"],
                    **_in(programme, 1))
    bordeaux = _listed(programme, team, lab, title="Hackathon à Bordeaux",
                       kind=EventKind.HACKATHON, commune=commune("Bordeaux"),
                       **_in(programme, 5))
    webinar = _listed(programme, team, lab, title="Webinaire données", kind=EventKind.WEBINAR,
                      format=EventFormat.ONLINE, audience=Audience.AGENTS,
                      themes=["donnees"], **_in(programme, 10))
    base = f"/programmes/{programme.slug}"

    def titles(query: str) -> set[str]:
        page = client.get(f"{base}?{query}").text
        return {e.title for e in (cergy, bordeaux, webinar) if e.title in page}

    assert titles("") == {"Atelier à Cergy", "Hackathon à Bordeaux", "Webinaire données"}
    assert titles("territoire=Val-d%27Oise") == {"Atelier à Cergy"}
    assert titles("territoire=Nouvelle-Aquitaine") == {"Hackathon à Bordeaux"}
    assert titles("type=hackathon") == {"Hackathon à Bordeaux"}
    assert titles("theme=donnees") == {"Webinaire données"}
    assert titles("public=agents") == {"Atelier à Cergy", "Hackathon à Bordeaux",
                                       "Webinaire données"}  # « tout public » too
    assert titles("public=citizens") == {"Atelier à Cergy", "Hackathon à Bordeaux"}
    assert titles("en_ligne=1") == {"Webinaire données"}
    assert titles("en_ligne=0") == {"Atelier à Cergy", "Hackathon à Bordeaux"}
    day = programme.starts_on
    assert titles(f"du={day + timedelta(days=4)}&au={day + timedelta(days=6)}") == {
        "Hackathon à Bordeaux"}
    assert titles("q=donn%C3%A9es") == {"Webinaire données"}
    assert titles("q=%25") == set()  # a typed « % » is a character, not a wildcard
    assert titles("q=donn%00%C3%A9es&territoire=%00") == {"Webinaire données"}  # NUL dropped
    assert titles("territoire=Nulle-Part&type=rien&du=hier") == {  # unreadable: left out
        "Atelier à Cergy", "Hackathon à Bordeaux", "Webinaire données"}
    page = client.get(base).text
    assert "Événements par format" in page and "<svg" in page
    assert "Val-d&#39;Oise (95)" in page or "Val-d'Oise (95)" in page
    assert "<table" in page  # the figures, readable without the drawing


def test_calendars_of_a_programme_an_organisation_a_territory_and_a_person(client):
    programme, team = _month()
    lab = OrganisationFactory(name="LaBase", slug="labase")
    event = _listed(programme, team, lab, title="Atelier à Cergy", format=EventFormat.HYBRID,
                    online_url="https://visio.example/secret", **_in(programme, 1))
    for path in (f"/programmes/{programme.slug}.ics", "/organisations/labase/evenements.ics",
                 "/territoires/departement/95/evenements.ics", f"/evenements/{event.id}.ics"):
        response = client.get(path)
        assert response.status_code == 200 and response.mimetype == "text/calendar", path
        calendar = Calendar.from_ical(response.data)
        [item] = calendar.walk("VEVENT")
        assert str(item["SUMMARY"]) == "Atelier à Cergy"
        assert item.decoded("DTSTART").replace(tzinfo=None) == event.starts_at
        assert "visio.example/secret" not in response.text, path
    assert client.get("/territoires/departement/33/evenements.ics").text.count("VEVENT") == 0
    person = UserFactory()
    seats.register(person, event)
    login(client, person)
    assert post_form(client, "/mon-espace/evenements", {"action": "renew"}).status_code == 302
    page = client.get("/mon-espace/evenements").text
    feed = page.split('id="feed-url" type="text" readonly value="')[1].split('"')[0]
    path = feed.split("localhost")[-1]
    other = client.application.test_client()  # the feed is read without a session
    mine = other.get(path)
    assert mine.status_code == 200 and "visio.example/secret" in mine.text
    post_form(client, "/mon-espace/evenements", {"action": "revoke"})
    assert other.get(path).status_code == 404
    assert other.get(path.replace(path.split("/")[-1], "0" * 40 + ".ics")).status_code == 404


def test_followers_of_an_organisation_and_a_territory_hear_of_a_new_event(client):
    lab = OrganisationFactory()
    of_lab, of_region, elsewhere = UserFactory(), UserFactory(), UserFactory()
    region = commune("Cergy").parent.parent
    for person, scope, target in ((of_lab, "organisation", lab.id),
                                  (of_region, "territory", region.id),
                                  (elsewhere, "territory", commune("Bordeaux").id)):
        login(client, person)
        assert post_form(client, "/evenements/suivre", {
            "scope": scope, "target": target, "follow": "1", "next": "/evenements"}
        ).status_code == 302
    schedule_event(agent_of(lab), lab, draft(title="Atelier à Cergy"))
    kinds = dict(db.session.execute(select(Notification.user_id, Notification.kind)).all())
    assert kinds == {of_lab.id: "new_event", of_region.id: "new_event"}


def test_an_innovation_month_with_350_events_stays_a_handful_of_queries(client):
    """The agenda and its figures do not grow in queries with the number of events."""
    from tests.conftest import count_queries

    programme, _team = _month()
    lab = OrganisationFactory()
    for n in range(40):
        db.session.add(Event(kind="workshop", title=f"Atelier {n}", organisation_id=lab.id,
                             format="in_person", address="Mairie", commune_id=commune().id,
                             capacity=20, programme_id=programme.id, review="accepted",
                             **_in(programme, n % 25)))
    db.session.flush()
    login(client, UserFactory())  # signed in: the page is not a kept one
    few = count_queries(client, f"/programmes/{programme.slug}")
    for n in range(300):
        db.session.add(Event(kind="training", title=f"Formation {n}", organisation_id=lab.id,
                             format="online", online_url="https://visio.example",
                             capacity=20, programme_id=programme.id, review="accepted",
                             **_in(programme, n % 25)))
    db.session.flush()
    many = count_queries(client, f"/programmes/{programme.slug}")
    page = client.get(f"/programmes/{programme.slug}").text
    assert "340 événements" in page.replace("\u202f", " ")
    assert many <= few + 1 and many < 30, (few, many)
