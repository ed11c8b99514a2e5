"""The benchmark's innovation month: « bench-mois », 5,000 events at scale 1 (workshops,
trainings, webinars… across the départements, two themes each, a fifth online) accepted
in one programme, and 100,000 registrations (each invented citizen registered to one
event, confirmed up to its capacity then waiting). One more event, « très demandé », with
30 seats, is where the registration POST is measured."""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import insert, select

from consult.db import db
from consult.events.models import Event, EventTheme, Programme, Registration
from consult.events.themes import THEMES
from consult.territories.models import Territory, TerritoryKind

SLUG = "bench-mois"
KINDS = ("workshop", "training", "webinar", "hackathon", "round_table", "exhibition")


def seed_events(bulk, rng: random.Random, organisation_id: int, user_ids: list[int], now,
                scale: float) -> dict:
    n_events = max(50, int(5_000 * scale))
    n_registrations = min(len(user_ids), max(500, int(100_000 * scale)))
    start = (now + timedelta(days=5)).date()
    programme_id = db.session.execute(insert(Programme).values(
        slug=SLUG, title="Mois de l’innovation publique (banc d’essai)", description="",
        organisation_id=organisation_id, starts_on=start, ends_on=start + timedelta(days=29),
        submissions_open=True, created_at=now).returning(Programme.id)).scalar_one()
    # the most populated communes of each département, so every filter finds events
    communes = list(db.session.execute(select(Territory.id).where(
        Territory.kind == TerritoryKind.COMMUNE, Territory.population > 20_000)).scalars())
    capacity = 30
    events = []
    for n in range(n_events):
        begins = now + timedelta(days=5 + n % 29, hours=8 + n % 10)
        online = n % 5 == 0
        events.append({
            "kind": KINDS[n % len(KINDS)],
            "title": f"Événement {n} du mois de l’innovation", "description": "",
            "organisation_id": organisation_id, "starts_at": begins,
            "ends_at": begins + timedelta(hours=2),
            "format": "online" if online else "in_person",
            "address": None if online else "Salle polyvalente",
            "commune_id": None if online else rng.choice(communes),
            "online_url": "https://visio.example/salle" if online else None,
            "audience": ("everyone", "citizens", "agents")[n % 3], "step_free": n % 2 == 0,
            "sign_language": n % 7 == 0, "easy_read": n % 4 == 0, "accessibility_notes": "",
            "capacity": capacity, "confirmed_count": 0, "programme_id": programme_id,
            "review": "accepted", "status": "scheduled", "summary": "", "materials": "",
            "created_at": now})
    codes = list(THEMES)
    people = user_ids[1:n_registrations + 1]  # citoyen0 is the agent
    confirmed = [0] * n_events
    statuses = []
    for position in range(len(people)):
        event = position % n_events
        statuses.append("confirmed" if confirmed[event] < capacity else "waiting")
        confirmed[event] += statuses[-1] == "confirmed"
    for event, count in zip(events, confirmed, strict=True):
        event["confirmed_count"] = count
    bulk(Event.__table__, iter(events), n_events, "événements")
    ids = dict(db.session.execute(select(Event.title, Event.id).where(
        Event.programme_id == programme_id)).all())
    event_ids = [ids[e["title"]] for e in events]
    bulk(EventTheme.__table__, ({"event_id": event_id, "theme": codes[(i + k) % len(codes)]}
                                for i, event_id in enumerate(event_ids) for k in (0, 5)),
         2 * n_events, "thèmes des événements")
    registrations = [{"event_id": event_ids[position % n_events], "user_id": user_id,
                      "status": status, "accessibility_needs": "", "answers": {},
                      "created_at": now}
                     for position, (user_id, status) in enumerate(zip(people, statuses,
                                                                      strict=True))]
    bulk(Registration.__table__, iter(registrations), len(registrations), "inscriptions")
    begins = now + timedelta(days=6)
    contested = db.session.execute(insert(Event).values(
        kind="workshop", title="Atelier très demandé", description="",
        organisation_id=organisation_id, starts_at=begins, ends_at=begins + timedelta(hours=2),
        format="in_person", address="Salle des fêtes", commune_id=communes[0],
        audience="everyone", step_free=True, sign_language=False, easy_read=False,
        accessibility_notes="", capacity=30, confirmed_count=0, programme_id=programme_id,
        review="accepted", status="scheduled", summary="", materials="", created_at=now)
        .returning(Event.id)).scalar_one()
    return {"events": n_events + 1, "registrations": len(registrations),
            "programme": SLUG, "contested_event": contested}
