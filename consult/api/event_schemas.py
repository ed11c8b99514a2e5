"""The API's shapes for events and programmes (issue 18): public information only — no
person, no need, no answer; attendance as figures."""

from __future__ import annotations

import re
from datetime import date
from typing import Literal

from pydantic import BaseModel, Field, field_validator

from consult.api.schemas import (
    CURSOR,
    LIMIT,
    PLAIN,
    TERRITORY_PATTERN,
    OrganisationRef,
    Strict,
    TerritoryOut,
    Utc,
)

EventKindName = Literal["workshop", "hackathon", "training", "webinar", "round_table",
                        "exhibition", "user_test"]
EventFormatName = Literal["in_person", "online", "hybrid"]
AudienceName = Literal["everyone", "citizens", "agents"]


class ProgrammeRef(BaseModel):
    id: int
    slug: str
    title: str


class AccessibilityOut(BaseModel):
    step_free: bool = Field(description="Accès de plain-pied ou ascenseur.")
    sign_language: bool = Field(description="Interprétation en langue des signes.")
    easy_read: bool = Field(description="Supports en français facile à lire (FALC).")
    notes: str


class AttendanceOut(BaseModel):
    capacity: int
    confirmed: int = Field(description="Personnes inscrites (places prises).")
    waiting: int = Field(description="Personnes en liste d'attente.")
    attended: int | None = Field(description="Participants comptés par les organisateurs "
                                 "après l'événement, ou null.")


class EventOut(BaseModel):
    id: int
    kind: EventKindName
    kind_label: str
    title: str
    description: str = Field(description="Markdown.")
    starts_at: Utc
    ends_at: Utc
    format: EventFormatName
    address: str | None = Field(description="Adresse du lieu ; null pour un événement en "
                                "ligne. Le lien de connexion n'est jamais publié.")
    commune: TerritoryOut | None
    audience: AudienceName
    themes: list[str]
    accessibility: AccessibilityOut
    organisers: list[OrganisationRef]
    programme: ProgrammeRef | None
    challenge_id: int | None
    brief_id: int | None
    cancelled: bool
    attendance: AttendanceOut
    written_up: bool
    url: str


class EventPage(BaseModel):
    items: list[EventOut]
    next_cursor: str | None
    next: str | None


class EventQuery(Strict):
    cursor: str | None = CURSOR
    limit: int = LIMIT
    start: date | None = Field(None, description="Événements finissant ce jour ou après "
                               "(AAAA-MM-JJ).", json_schema_extra={"format": "date"})
    end: date | None = Field(None, description="Événements commençant ce jour ou avant "
                             "(AAAA-MM-JJ).", json_schema_extra={"format": "date"})
    territory: str | None = Field(None, pattern=TERRITORY_PATTERN, description=(
        "`nature:code INSEE` : les événements d'une commune, d'un département ou d'une "
        "région."))
    kind: EventKindName | None = None
    theme: str | None = Field(None, max_length=40, pattern=PLAIN)
    audience: Literal["citizens", "agents"] | None = Field(
        None, description="Les événements ouverts à ce public (« tout public » compris).")
    online: bool | None = Field(None, description="true : suivables en ligne ; false : sur "
                                "place.")
    organisation: str | None = Field(None, max_length=80, pattern=PLAIN,
                                     description="Identifiant (slug) d'une organisation.")
    programme: str | None = Field(None, max_length=90, pattern=PLAIN,
                                  description="Identifiant (slug) d'un programme.")
    past: bool = Field(False, description="Sans `start` : les événements passés plutôt "
                       "qu'à venir.")

    @field_validator("start", "end", mode="before")
    @classmethod
    def _calendar_day(cls, value):
        """A day written AAAA-MM-JJ, nothing else (not a number of days since 1970)."""
        if value is not None and not (isinstance(value, str)
                                      and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value)):
            raise ValueError("une date AAAA-MM-JJ")
        return value


class ProgrammeFiguresOut(BaseModel):
    events: int
    registrations: int
    attendance: int
    by_kind: dict[str, int]
    by_format: dict[str, int]


class ProgrammeOut(BaseModel):
    id: int
    slug: str
    title: str
    description: str
    starts_on: date
    ends_on: date
    territory: TerritoryOut | None
    organisation: OrganisationRef
    figures: ProgrammeFiguresOut
    url: str
    calendar: str = Field(description="Flux iCalendar (RFC 5545) du programme.")


class ProgrammePage(BaseModel):
    items: list[ProgrammeOut]
    next_cursor: str | None
    next: str | None


class ProgrammeQuery(Strict):
    cursor: str | None = CURSOR
    limit: int = LIMIT
