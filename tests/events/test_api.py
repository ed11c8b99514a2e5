"""/api/v1/events and /api/v1/programmes: the agenda's filters, keyset pages that skip and
repeat nothing, attendance as figures and nothing personal."""

from __future__ import annotations

from datetime import timedelta

from consult.db import db, utcnow
from consult.events import registration as seats
from consult.events.models import EventFormat
from consult.events.operations import schedule_event
from consult.events.programmes import review_event
from tests.events.helpers import commune, draft
from tests.events.test_programmes import _in, _month
from tests.factories import OrganisationFactory, UserFactory, agent_of


def test_events_filtered_and_paged_without_anything_personal(client):
    lab = OrganisationFactory(slug="labase")
    agent = agent_of(lab)
    soon = utcnow() + timedelta(days=5)
    events = [schedule_event(agent, lab, draft(
        title=f"Atelier {n}", starts_at=soon + timedelta(hours=n),
        ends_at=soon + timedelta(hours=n + 1),
        **({"commune": commune("Bordeaux")} if n % 2 else {}))) for n in range(7)]
    online = schedule_event(agent, lab, draft(title="Webinaire", format=EventFormat.ONLINE,
                                              starts_at=soon + timedelta(days=1),
                                              ends_at=soon + timedelta(days=1, hours=1)))
    seats.register(UserFactory(), events[0], needs="Boucle magnétique")
    seen, cursor = [], None
    while True:
        answer = client.get("/api/v1/events", query_string={"limit": 3, **(
            {"cursor": cursor} if cursor else {})}).json
        seen += [e["title"] for e in answer["items"]]
        cursor = answer["next_cursor"]
        if not cursor:
            break
    assert seen == [f"Atelier {n}" for n in range(7)] + ["Webinaire"]
    first = client.get(f"/api/v1/events/{events[0].id}").json
    assert first["attendance"] == {"capacity": 30, "confirmed": 1, "waiting": 0,
                                   "attended": None}
    assert first["commune"]["key"] == "commune:95127"
    text = client.get("/api/v1/events").text
    assert "Boucle magnétique" not in text and "visio.example" not in text
    assert [e["title"] for e in client.get("/api/v1/events", query_string={
        "territory": "departement:33"}).json["items"]] == ["Atelier 1", "Atelier 3",
                                                           "Atelier 5"]
    assert [e["title"] for e in client.get("/api/v1/events", query_string={
        "online": "true"}).json["items"]] == ["Webinaire"]
    assert client.get("/api/v1/events", query_string={"organisation": "inconnue"}
                      ).json["items"] == []
    wrong = client.get("/api/v1/events", query_string={"start": "0"})
    assert wrong.status_code == 400 and wrong.json["error"]["field"] == "start"
    assert online.id in {e["id"] for e in client.get("/api/v1/events").json["items"]}


def test_a_programme_with_its_figures_and_its_events_waiting_for_review_hidden(client):
    programme, team = _month()
    partner = OrganisationFactory()
    agent = agent_of(partner)
    accepted = schedule_event(agent, partner, draft(title="Accepté", **_in(programme, 1)),
                              programme)
    review_event(team, accepted, "accept")
    waiting = schedule_event(agent, partner, draft(title="À examiner", **_in(programme, 2)),
                             programme)
    db.session.flush()
    titles = [e["title"] for e in client.get("/api/v1/events", query_string={
        "programme": programme.slug}).json["items"]]
    assert titles == ["Accepté"]
    assert client.get(f"/api/v1/events/{waiting.id}").status_code == 404
    [item] = client.get("/api/v1/programmes").json["items"]
    assert item["figures"]["events"] == 1 and item["figures"]["by_kind"] == {"workshop": 1}
    assert item["calendar"].endswith(f"/programmes/{programme.slug}.ics")
