"""Events and programmes as open data (Licence Ouverte): what everyone may see — listed
events, their places and attendance as figures; never a person, a need, an answer or a
connection link. The open-data package reads these columns and rows."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, select

from consult.core.urls import external_url
from consult.db import db
from consult.events.models import Event, EventStatus, Programme, Review
from consult.events.queries import listed, waiting_counts

BATCH = 1000

EVENT_COLUMNS = (
    ("id", "integer", _l("Identifiant")),
    ("titre", "string", _l("Titre")),
    ("type", "string", _l("Type (workshop, hackathon, training, webinar, round_table, "
                          "exhibition, user_test)")),
    ("debut", "datetime", _l("Début (UTC)")),
    ("fin", "datetime", _l("Fin (UTC)")),
    ("modalite", "string", _l("Modalité (in_person, online, hybrid)")),
    ("adresse", "string", _l("Adresse du lieu")),
    ("commune_code", "string", _l("Code INSEE de la commune")),
    ("commune", "string", _l("Commune")),
    ("departement_code", "string", _l("Code du département")),
    ("public", "string", _l("Public (everyone, citizens, agents)")),
    ("themes", "string", _l("Thèmes, séparés par « ; »")),
    ("acces_plain_pied", "boolean", _l("Accès de plain-pied ou ascenseur")),
    ("langue_des_signes", "boolean", _l("Interprétation en langue des signes")),
    ("falc", "boolean", _l("Supports en français facile à lire (FALC)")),
    ("organisations", "string", _l("Identifiants des organisations, séparés par « ; »")),
    ("programme_id", "integer", _l("Programme")),
    ("defi_id", "integer", _l("Défi lié")),
    ("cahier_id", "integer", _l("Cahier de prototypage testé")),
    ("annule", "boolean", _l("Annulé")),
    ("places", "integer", _l("Places")),
    ("inscrits", "integer", _l("Personnes inscrites")),
    ("liste_attente", "integer", _l("Personnes en liste d'attente")),
    ("participants", "integer", _l("Participants comptés après l'événement")),
    ("compte_rendu", "boolean", _l("Compte rendu publié")),
    ("url", "string", _l("Page de l'événement")),
)

PROGRAMME_COLUMNS = (
    ("id", "integer", _l("Identifiant")),
    ("slug", "string", _l("Identifiant dans les adresses")),
    ("titre", "string", _l("Titre")),
    ("debut", "date", _l("Premier jour")),
    ("fin", "date", _l("Dernier jour")),
    ("organisation_id", "integer", _l("Organisation qui le porte")),
    ("territoire_code", "string", _l("Code INSEE du territoire (vide : national)")),
    ("evenements", "integer", _l("Événements acceptés, non annulés")),
    ("inscriptions", "integer", _l("Inscriptions à ces événements")),
    ("participants", "integer", _l("Participants comptés après les événements")),
    ("url", "string", _l("Page du programme")),
)


def event_rows(challenge_id: int | None = None) -> Iterator[list[Any]]:
    from consult.challenges.models import Challenge

    published = select(Challenge.id).where(Challenge.published_at.is_not(None))
    query = listed()
    if challenge_id is not None:
        query = query.where(Event.challenge_id == challenge_id)
    last = 0
    while True:
        batch = list(db.session.scalars(query.where(Event.id > last).order_by(Event.id)
                                        .limit(BATCH)))
        if not batch:
            return
        waiting = waiting_counts([e.id for e in batch])
        public_challenges = set(db.session.scalars(published.where(Challenge.id.in_(
            {e.challenge_id for e in batch if e.challenge_id}))))
        for e in batch:
            commune = e.commune
            yield [e.id, e.title, e.kind.value, e.starts_at, e.ends_at, e.format.value,
                   e.address or "", commune.code if commune else "",
                   commune.name if commune else "",
                   commune.parent.code if commune and commune.parent else "",
                   e.audience.value, " ; ".join(e.theme_codes), e.step_free,
                   e.sign_language, e.easy_read,
                   " ; ".join(str(o.id) for o in e.organisers), e.programme_id,
                   e.challenge_id if e.challenge_id in public_challenges else None,
                   e.brief_id, e.status == EventStatus.CANCELLED, e.capacity,
                   e.confirmed_count, waiting.get(e.id, 0), e.attendance,
                   e.written_up_at is not None,
                   external_url("events.show", event_id=e.id)]
        last = batch[-1].id


def programme_rows(challenge_id: int | None = None) -> Iterator[list[Any]]:
    counted = and_(Event.programme_id == Programme.id, Event.review == Review.ACCEPTED,
                   Event.status != EventStatus.CANCELLED)
    query = select(Programme, select(func.count()).where(counted).scalar_subquery(),
                   select(func.coalesce(func.sum(Event.confirmed_count), 0)).where(counted)
                   .scalar_subquery(),
                   select(func.coalesce(func.sum(Event.attendance), 0)).where(counted)
                   .scalar_subquery())
    if challenge_id is not None:
        query = query.where(Programme.id.in_(select(Event.programme_id).where(
            Event.challenge_id == challenge_id)))
    for p, events, registrations, attendance in db.session.execute(query.order_by(
            Programme.id)):
        yield [p.id, p.slug, p.title, p.starts_on, p.ends_on, p.organisation_id,
               p.territory.code if p.territory else "", events, registrations, attendance,
               external_url("events.programme", slug=p.slug)]
