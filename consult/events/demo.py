"""Demo events: a « Mois de l'innovation publique » opened by the prefecture with partner
events accepted, one waiting for review, a full workshop with a waiting line, a past
workshop written up, a training for agents and a webinar."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from consult.core.timezones import local_to_utc, utc_to_local
from consult.db import db, utcnow
from consult.events import registration as seats
from consult.events.models import Audience, EventFormat, EventKind
from consult.events.operations import EventDraft, schedule_event
from consult.events.programmes import ProgrammeDraft, open_programme, review_event
from consult.territories.reference import resolve_territory


def _at(day: int, hour: int, length: int = 2) -> tuple[datetime, datetime]:
    today = utc_to_local(utcnow()).date()
    start = local_to_utc(datetime.combine(today + timedelta(days=day), time(hour)))
    return start, start + timedelta(hours=length)


def _commune(name: str):
    found, _candidates = resolve_territory(name)
    return found


def _draft(title: str, kind: EventKind, day: int, hour: int, place: str | None,
           commune: str | None, capacity: int, **extra) -> EventDraft:
    start, end = _at(day, hour, extra.pop("length", 2))
    online = place is None
    return EventDraft(
        kind=kind, title=title, starts_at=start, ends_at=end, capacity=capacity,
        format=extra.pop("format", EventFormat.ONLINE if online else EventFormat.IN_PERSON),
        address=place, commune=_commune(commune) if commune else None,
        online_url=extra.pop("online_url", "https://webinaire.demo.consult.example/salle"
                             if online else None), **extra)


def load_events(*, admin, citizens, organisations) -> dict[str, int]:
    from sqlalchemy import select

    from consult.organisations.models import Membership

    def agent_of(key):
        return db.session.scalar(select(Membership).where(
            Membership.organisation_id == organisations[key].id)).user

    prefecture, lab, dep = agent_of("prefecture"), agent_of("lab"), agent_of("dep95")
    month_start = utc_to_local(utcnow()).date() + timedelta(days=2)
    programme = open_programme(prefecture, organisations["prefecture"], ProgrammeDraft(
        title="Mois de l’innovation publique (démo)", starts_on=month_start,
        ends_on=month_start + timedelta(days=29),
        description="Un mois d’ateliers, de formations et de rencontres pour transformer "
                    "les services publics **avec** celles et ceux qui les utilisent."))
    made = 0
    month = [
        ("Atelier : repenser l’accueil en préfecture", EventKind.WORKSHOP, 3, 10,
         "Préfecture, 5 avenue Bernard-Hirsch", "Cergy", 8, lab, "lab",
         {"themes": ["relation_usagers", "design"], "step_free": True, "easy_read": True}),
        ("Hackathon des données de transport", EventKind.HACKATHON, 9, 9,
         "Médiathèque, place des Arts", "Pontoise", 40, dep, "dep95",
         {"themes": ["donnees", "mobilite"], "length": 8}),
        ("Formation : le design des services publics", EventKind.TRAINING, 12, 14, None,
         None, 100, lab, "lab", {"themes": ["design", "management"],
                                 "audience": Audience.AGENTS, "sign_language": True}),
        ("Table ronde : simplifier les démarches", EventKind.ROUND_TABLE, 17, 18,
         "Hôtel du Département, 2 avenue du Parc", "Cergy", 80, dep, "dep95",
         {"themes": ["simplification"], "format": EventFormat.HYBRID,
          "online_url": "https://webinaire.demo.consult.example/table-ronde"}),
    ]
    events = []
    for title, kind, day, hour, place, commune, capacity, agent, key, extra in month:
        event = schedule_event(agent, organisations[key], _draft(
            title, kind, day, hour, place, commune, capacity, **extra), programme)
        review_event(prefecture, event, "accept")
        events.append(event)
        made += 1
    exhibition = _draft("Exposition : 10 ans d’innovation dans le Val-d’Oise",
                        EventKind.EXHIBITION, 20, 10, "Abbaye de Maubuisson",
                        "Saint-Ouen-l'Aumône", 200, themes=["participation"])
    schedule_event(dep, organisations["dep95"], exhibition, programme)  # to be reviewed
    made += 1
    # the first workshop is full, with people waiting; a citizen states a need
    for n, person in enumerate(citizens[:14]):
        seats.register(person, events[0], needs="Place pour un fauteuil roulant" if n == 0
                       else "")
    # a workshop of the department outside the month, and a past one written up
    schedule_event(dep, organisations["dep95"], _draft(
        "Atelier des familles : la cantine au collège", EventKind.WORKSHOP, 40, 17,
        "Collège Jean-Moulin", "Sarcelles", 25, themes=["education"]))
    past = schedule_event(dep, organisations["dep95"], _draft(
        "Atelier : les transports scolaires", EventKind.WORKSHOP, 2, 17,
        "Mairie, place de la République", "Argenteuil", 20, themes=["mobilite"]))
    past.starts_at, past.ends_at = past.starts_at - timedelta(days=10), \
        past.ends_at - timedelta(days=10)
    past.summary = ("Vingt parents et trois chauffeurs : les horaires d’hiver et l’attente "
                    "aux arrêts reviennent le plus souvent.")
    past.attendance, past.written_up_at = 23, utcnow()
    db.session.flush()
    return {"événements": made + 2, "programmes": 1}
