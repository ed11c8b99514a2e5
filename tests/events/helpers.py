"""Building events in tests: a draft as an organiser would type it, and the form's
fields as a browser sends them."""

from __future__ import annotations

from datetime import timedelta

from consult.db import utcnow
from consult.events.models import Audience, EventFormat, EventKind
from consult.events.operations import EventDraft


def commune(name: str = "Cergy"):
    from consult.territories.reference import resolve_territory

    found, _candidates = resolve_territory(name)
    assert found is not None, name
    return found


def draft(**overrides) -> EventDraft:
    start = overrides.pop("starts_at", utcnow() + timedelta(days=10))
    values = dict(kind=EventKind.WORKSHOP, title="Atelier de co-conception",
                  starts_at=start, ends_at=overrides.pop("ends_at", start + timedelta(hours=2)),
                  format=EventFormat.IN_PERSON, capacity=30,
                  address="Maison des solidarités, 2 rue de la Gare", commune=commune(),
                  audience=Audience.EVERYONE)
    if overrides.get("format") == EventFormat.ONLINE:
        values.update(address=None, commune=None, online_url="https://visio.example/salle")
    values.update(overrides)
    return EventDraft(**values)


def event_form(**overrides) -> dict:
    data = {"kind": "workshop", "title": "Atelier de co-conception", "description": "",
            "starts_at": "2030-05-10T10:00", "ends_at": "2030-05-10T12:00",
            "format": "in_person", "address": "Maison des solidarités, 2 rue de la Gare",
            "commune": "Cergy", "online_url": "", "audience": "everyone", "capacity": "2"}
    data.update(overrides)
    return data
