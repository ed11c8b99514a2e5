"""The API's shapes for labs (issue 19): public lab projects, calls for projects and
their published results, the catalogue of solutions with its evidence, a lab's
activity figures. No person: requests, the content of applications and the jury's
scores stay inside."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

from consult.api.schemas import CURSOR, LIMIT, OrganisationRef, Strict, Utc

StageName = Literal["exploration", "codesign", "prototyping", "test", "deployment",
                    "evaluation", "stopped"]


class LinkOut(BaseModel):
    kind: Literal["challenge", "brief", "event", "survey"]
    id: int
    title: str
    url: str


class ProjectEntryOut(BaseModel):
    date: Utc
    stage: StageName | None
    text: str


class ProjectOut(BaseModel):
    id: int
    title: str
    summary: str = Field(description="Markdown.")
    lab: OrganisationRef
    organisations: list[OrganisationRef] = Field(description="Organisations associées.")
    stage: StageName
    stage_label: str
    stop_reason: str | None
    methods: list[str]
    links: list[LinkOut] = Field(description="Ce que le projet relie dans Consult (ce qui "
                                 "est public).")
    journal: list[ProjectEntryOut] = Field(description="Le journal daté, du plus récent "
                                           "au plus ancien.")
    reuses_solution: int | None = Field(description="La solution du catalogue que ce projet "
                                        "essaime, s'il en essaime une.")
    opened_at: Utc
    url: str


class ProjectPage(BaseModel):
    items: list[ProjectOut]
    next_cursor: str | None
    next: str | None


class ProjectQuery(Strict):
    cursor: str | None = CURSOR
    limit: int = LIMIT
    lab: str | None = Field(None, max_length=120, pattern=r"^[a-z0-9-]+$",
                            description="Les projets d'un laboratoire (son identifiant "
                            "dans les adresses).")
    stage: StageName | None = None


class CriterionOut(BaseModel):
    label: str
    weight: int


class ResultOut(BaseModel):
    title: str
    organisation: OrganisationRef
    selected: bool
    justification: str
    project_id: int | None


class CallOut(BaseModel):
    id: int
    title: str
    description: str = Field(description="Markdown.")
    lab: OrganisationRef
    eligibility: str
    eligible_kinds: list[str] = Field(description="Types d'organisation admis (vide : "
                                      "tous).")
    partners_only: bool
    criteria: list[CriterionOut]
    scale_max: int = Field(description="Chaque critère est noté de 0 à cette valeur.")
    questions: list[str]
    opens_at: Utc
    closes_at: Utc
    open: bool
    applications: int = Field(description="Candidatures déposées (non retirées).")
    decisions_published_at: Utc | None
    results: list[ResultOut] = Field(description="Une fois les décisions publiées : chaque "
                                     "candidature décidée, avec sa justification publique.")
    url: str


class CallPage(BaseModel):
    items: list[CallOut]
    next_cursor: str | None
    next: str | None


class CallQuery(Strict):
    cursor: str | None = CURSOR
    limit: int = LIMIT
    open: bool | None = Field(None, description="true : seulement les appels ouverts aux "
                              "candidatures.")


class VersionEvidenceOut(BaseModel):
    version: str
    reviews: int
    average_rating: float | None
    sus: float | None = Field(description="Score SUS (0 à 100), s'il a été mesuré.")


class SolutionOut(BaseModel):
    id: int
    title: str
    summary: str = Field(description="Markdown.")
    assessment: str = Field(description="L'appréciation du laboratoire (Markdown).")
    organisation: OrganisationRef
    brief_id: int
    tests: int = Field(description="Tests avec les usagers tenus.")
    test_participants: int
    versions: list[VersionEvidenceOut]
    reuses: list[OrganisationRef] = Field(description="Administrations qui l'essaiment.")
    published_at: Utc
    url: str


class SolutionPage(BaseModel):
    items: list[SolutionOut]
    next_cursor: str | None
    next: str | None


class SolutionQuery(Strict):
    cursor: str | None = CURSOR
    limit: int = LIMIT


class ActivityQuery(Strict):
    year: int | None = Field(None, ge=2000, le=2100, description="Une année (par défaut : "
                             "l'année en cours).")
    start: date | None = Field(None, description="Début de la période (AAAA-MM-JJ), avec "
                               "`end`.", json_schema_extra={"format": "date"})
    end: date | None = Field(None, description="Fin de la période, incluse (AAAA-MM-JJ).",
                             json_schema_extra={"format": "date"})


class CountOut(BaseModel):
    key: str
    label: str
    count: int


class EventKindCountOut(BaseModel):
    kind: str
    label: str
    events: int
    attendance: int


class ActivityOut(BaseModel):
    lab: OrganisationRef
    start: date
    end: date
    projects: int = Field(description="Projets ouverts avant la fin de la période, arrêtés "
                          "compris.")
    projects_opened: int
    projects_by_stage: list[CountOut]
    projects_by_partner: list[CountOut]
    requests: int
    requests_by_answer: list[CountOut]
    calls: int
    applications: int
    selected: int
    events: int
    trainings: int
    attendance: int
    events_by_kind: list[EventKindCountOut]
    citizens: int = Field(description="Citoyens impliqués, comptés une fois chacun.")
    agents: int = Field(description="Agents impliqués, comptés une fois chacun.")
    anonymous_answers: int
    briefs_adopted: int
    ideas_answered: int
    solutions: int
    reuses: int
    definitions: str = Field(description="Comment chaque chiffre est compté.")
