"""The API's shapes, as pydantic models: they validate what comes in, serialise what goes
out, and are the OpenAPI description's schemas (nothing is written twice).

Only public information has a field here: no e-mail, no person's territory, nobody's
supports. Authors appear by their display name only."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    StringConstraints,
    WithJsonSchema,
    field_validator,
)

from consult.challenges.phases import KINDS
from consult.core.text import ONE_LINE, PLAIN, SOME_TEXT, TEXT


def _utc_text(value: datetime) -> str:
    """Stored as naive UTC: written with its « Z », to the second."""
    return value.replace(tzinfo=None, microsecond=0).isoformat() + "Z"


Utc = Annotated[datetime, PlainSerializer(_utc_text, return_type=str),
                WithJsonSchema({"type": "string", "format": "date-time",
                                "description": "UTC, ISO 8601."})]

# the phase kinds of challenges.phases (the one table), states between phases after them
_KINDS = tuple(kind.value for kind in KINDS)
KindName = Literal[_KINDS]
PhaseName = Literal[(*_KINDS, "announced", "pause", "closed")]
PhaseOrDraft = Literal[(*_KINDS, "announced", "pause", "closed", "draft")]
AnswerName = Literal["under_study", "selected", "not_retained", "implemented"]
BriefStatusName = Literal["published", "prototyping", "testing", "adopted", "abandoned"]
BriefStatusOrDraft = Literal["draft", "published", "prototyping", "testing", "adopted",
                             "abandoned"]
OrganisationKindName = Literal["ministere", "service_etat", "operateur", "region",
                               "departement", "commune", "laboratoire", "association"]
TERRITORY_PATTERN = r"^(region|departement|commune):[0-9AB]{2,5}$"
CURSOR_PATTERN = r"^[A-Za-z0-9_-]+$"
CURSOR = Field(None, max_length=400, pattern=CURSOR_PATTERN,
               description="Curseur renvoyé par la page précédente "
               "(`next_cursor`) ; absent pour la première page.")
LIMIT = Field(20, ge=1, le=100, description="Nombre d'éléments par page (1 à 100).")


# What is checked is what is stored, by the same rule as the site's forms (core.text).


def Line(low: int, high: int):
    return Annotated[str, StringConstraints(min_length=low, max_length=high, pattern=ONE_LINE)]


def Text(high: int, default=""):
    return Field(default, max_length=high, pattern=TEXT)


def _distinct(value: list[str] | None, _info=None) -> list[str] | None:
    return None if value is None else list(dict.fromkeys(value))


class Strict(BaseModel):
    """Inputs: an unknown field is an error (a typo is reported, not ignored)."""

    model_config = ConfigDict(extra="forbid")


# --- Errors -----------------------------------------------------------------------------

class ErrorDetail(BaseModel):
    field: str | None = Field(None, description="Le champ ou paramètre en cause.")
    message: str


class ErrorBody(BaseModel):
    code: str = Field(description="Code stable, par exemple `invalid`, `not_found`, "
                      "`unauthorized`, `rate_limited`.")
    message: str = Field(description="Explication lisible, dans la langue demandée.")
    field: str | None = Field(None, description="Le champ ou paramètre en cause, s'il y en a un.")
    details: list[ErrorDetail] = Field(default_factory=list,
                                       description="Toutes les erreurs de validation.")


class ErrorResponse(BaseModel):
    error: ErrorBody


# --- Shared pieces ----------------------------------------------------------------------

class TerritoryOut(BaseModel):
    key: str = Field(description="`nature:code INSEE`, utilisable dans les filtres.",
                     examples=["departement:93"])
    kind: Literal["region", "departement", "commune"]
    code: str = Field(description="Code INSEE (COG).")
    name: str


class OrganisationRef(BaseModel):
    id: int
    slug: str
    name: str


class IdeaRef(BaseModel):
    id: int
    title: str
    url: str


# --- Organisations ----------------------------------------------------------------------

class OrganisationOut(OrganisationRef):
    kind: OrganisationKindName
    kind_label: str
    description: str = Field(description="Markdown.")
    website: str | None
    territory: TerritoryOut | None
    url: str


class OrganisationPage(BaseModel):
    items: list[OrganisationOut]
    next_cursor: str | None
    next: str | None = Field(description="Adresse de la page suivante, ou null.")


class OrganisationQuery(Strict):
    cursor: str | None = CURSOR
    limit: int = LIMIT
    kind: OrganisationKindName | None = None


# --- Challenges -------------------------------------------------------------------------

class PhaseOut(BaseModel):
    id: int
    kind: KindName = Field(description="Ce que les participants peuvent y faire.")
    title: str = Field(description="Titre donné par l'organisation (vide : le type).")
    label: str = Field(description="Le titre, ou le nom du type.")
    description: str
    starts_at: Utc = Field(description="UTC, ISO 8601.")
    ends_at: Utc | None = Field(description="null : la phase reste ouverte.")
    current: bool = Field(description="En cours maintenant (deux phases peuvent se "
                          "chevaucher).")


class PhaseIn(Strict):
    kind: KindName
    title: str = Text(120)
    description: str = Text(300)
    starts_at: AwareDatetime
    ends_at: AwareDatetime | None = None


class RulesOut(BaseModel):
    supports_per_person: int | None = Field(description="Soutiens par personne ; "
                                            "null : sans limite.")
    self_support_allowed: bool
    moderation_mode: Literal["pre", "post"] = Field(
        description="`pre` : les idées attendent la modération avant publication.")
    moderation_charter: str = Field(description="Charte de modération (Markdown).")
    charter_rules: list[str] = Field(description="Règles citées lors des refus.")


class EligibilityOut(BaseModel):
    action: Literal["propose", "support", "respond", "comment", "register", "compare",
                    "state", "agree"] = Field(
        description="L'action concernée (`register` : s'inscrire aux événements du défi ; "
        "`compare` : comparer deux idées ; `state` et `agree` : soumettre des propositions "
        "et y répondre, points d'accord).")
    level: Literal["account", "confirmed", "verified"] = Field(
        description="`account` : tout compte ; `confirmed` : adresse e-mail confirmée ; "
        "`verified` : identité vérifiée avec FranceConnect.")
    min_age: int | None = Field(description="Âge minimum, attesté par FranceConnect.")
    organisations: list[OrganisationRef] = Field(
        description="Réservé aux agents de ces organisations (vide : à tous).")
    territory: TerritoryOut | None = Field(
        description="Réservé aux personnes qui déclarent habiter ce territoire.")
    phase_id: int | None = Field(description="La phase où la règle s'applique (null : "
                                 "toutes).")
    description: str = Field(description="La règle en une phrase, comme sur la page.")


class CountsOut(BaseModel):
    ideas: int = Field(description="Idées publiées.")
    supports: int
    participants: int


class CoverOut(BaseModel):
    url: str
    alt: str


class ChallengeOut(BaseModel):
    id: int
    slug: str
    title: str
    service: str = Field(description="Le service public concerné.")
    problem: str = Field(description="Markdown.")
    audience: str
    context: str
    phase: PhaseOrDraft = Field(description="La phase en cours (la dernière commencée si "
                                "deux se chevauchent), ou l'état du défi entre ses phases.")
    phase_label: str
    phases: list[PhaseOut] = Field(description="Ses phases, dans l'ordre où elles "
                                   "commencent.")
    rules: RulesOut
    eligibility: list[EligibilityOut] = Field(
        description="Qui peut participer : les conditions posées par l'organisation, "
        "vérifiées à chaque action (sur le site comme dans l'API). Vide : toute personne "
        "inscrite dont l'adresse est confirmée.")
    themes: list[str]
    territory: TerritoryOut | None
    organisations: list[OrganisationRef]
    counts: CountsOut
    cover: CoverOut | None
    published_at: Utc | None
    results_published_at: Utc | None
    url: str


class ChallengePage(BaseModel):
    items: list[ChallengeOut]
    next_cursor: str | None
    next: str | None


class ChallengeQuery(Strict):
    cursor: str | None = CURSOR
    limit: int = LIMIT
    organisation: str | None = Field(None, max_length=80, pattern=PLAIN,
                                     description="Identifiant (slug) d'une organisation.")
    theme: str | None = Field(None, max_length=80, pattern=PLAIN)
    territory: str | None = Field(None, pattern=TERRITORY_PATTERN,
                                  description="`nature:code INSEE`, par exemple "
                                  "`departement:93`.")
    phase: PhaseName | None = None


class EligibilityIn(Strict):
    action: Literal["propose", "support", "respond", "comment", "register", "compare",
                    "state", "agree"]
    level: Literal["account", "confirmed", "verified"] = "confirmed"
    min_age: Literal[11, 13, 15, 16, 18] | None = Field(
        None, description="Âge minimum (attesté par FranceConnect).")
    organisations: list[int] = Field(default_factory=list, max_length=50,
                                     description="Identifiants des organisations dont les "
                                     "agents seuls peuvent agir.")
    territory: str | None = Field(None, pattern=TERRITORY_PATTERN,
                                  description="Réservé aux habitants de ce territoire.")


class ChallengeIn(Strict):
    title: Line(3, 160)
    service: Line(3, 200)
    problem: str = Field(min_length=1, max_length=20_000, pattern=SOME_TEXT,
                         description="Markdown.")
    audience: str = Text(5_000)
    context: str = Text(10_000)
    themes: list[Line(1, 80)] = Field(default_factory=list, max_length=30)
    territory: str | None = Field(None, pattern=TERRITORY_PATTERN)
    phases: list[PhaseIn] = Field(min_length=1, max_length=12, description=(
        "Les phases du défi ; le vote (`supports`) prend les deux règles ci-dessous."))
    supports_per_person: int | None = Field(3, ge=1, le=1000)
    self_support_allowed: bool = False
    moderation_mode: Literal["pre", "post"] = "post"
    moderation_charter: str = Text(20_000)
    charter_rules: list[Line(1, 200)] = Field(default_factory=list, max_length=30, description=(
        "Règles de la charte citées lors des refus ; les règles par défaut si vide."))
    publish: bool = Field(False, description="Publier tout de suite (sinon : brouillon).")
    eligibility: list[EligibilityIn] = Field(
        default_factory=list, max_length=5, description="Qui peut participer, une règle "
        "par action, pour tout le défi (les règles d'une seule phase se posent sur le site).")

    _themes = field_validator("themes", "charter_rules")(_distinct)


class ChallengePatch(Strict):
    """Seuls les champs envoyés changent."""

    title: Line(3, 160) | None = None
    service: Line(3, 200) | None = None
    problem: str | None = Field(None, min_length=1, max_length=20_000, pattern=SOME_TEXT)
    audience: str | None = Text(5_000, None)
    context: str | None = Text(10_000, None)
    themes: list[Line(1, 80)] | None = Field(None, max_length=30)
    phases: list[PhaseIn] | None = Field(None, min_length=1, max_length=12, description=(
        "Remplace toutes les phases."))
    supports_per_person: int | None = Field(None, ge=1, le=1000)
    moderation_charter: str | None = Text(20_000, None)
    charter_rules: list[Line(1, 200)] | None = Field(None, max_length=30)
    publish: Literal[True] | None = Field(None, description="`true` publie un brouillon.")
    eligibility: list[EligibilityIn] | None = Field(
        None, max_length=5, description="Remplace les règles « qui peut participer » de "
        "tout le défi (`[]` : par défaut) ; celles d'une seule phase restent.")

    _themes = field_validator("themes", "charter_rules")(_distinct)


# --- Ideas ------------------------------------------------------------------------------

class AnswerOut(BaseModel):
    status: AnswerName
    label: str
    organisation_label: str | None = Field(
        None, description="The answering organisation's own status, as it read when "
                          "answered; `status` is the canonical one it stands for")
    text: str | None
    answered_at: Utc | None


class IdeaOut(BaseModel):
    id: int
    challenge_id: int
    title: str
    body: str = Field(description="Markdown.")
    author: str = Field(description="Nom affiché de l'auteur (jamais son adresse).")
    status: Literal["published"]
    theme: str | None
    territory: TerritoryOut | None = Field(description="Le territoire que l'idée concerne.")
    supports_count: int
    comments_count: int
    answer: AnswerOut | None = Field(description="Réponse officielle de l'administration.")
    published_at: Utc
    updated_at: Utc | None
    url: str


class IdeaDetail(IdeaOut):
    briefs: list[int] = Field(description="Cahiers des charges de prototype issus de l'idée.")


class IdeaPage(BaseModel):
    items: list[IdeaOut]
    next_cursor: str | None
    next: str | None


class IdeaQuery(Strict):
    cursor: str | None = CURSOR
    limit: int = LIMIT
    sort: Literal["supports", "newest", "comments", "id"] = Field(
        "supports", description="`supports` (défaut), `newest`, `comments`, ou `id` "
        "(ordre immuable, pour tout parcourir).")
    theme: str | None = Field(None, max_length=80, pattern=PLAIN)
    territory: str | None = Field(None, pattern=TERRITORY_PATTERN)
    answer: Literal["none", "under_study", "selected", "not_retained", "implemented"] | None = (
        Field(None, description="Réponse officielle ; `none` : pas encore de réponse."))
    q: str | None = Field(None, max_length=200, pattern=PLAIN, description="Recherche plein texte.")


class AnswerIn(Strict):
    status: AnswerName
    text: str = Field("", max_length=5_000, pattern=TEXT,
                      description="Obligatoire quand l'idée n'est pas retenue.")


# --- Comments ---------------------------------------------------------------------------

class CommentOut(BaseModel):
    id: int
    idea_id: int
    parent_id: int | None = Field(description="Le commentaire auquel il répond.")
    author: str
    body: str = Field(description="Markdown.")
    created_at: Utc
    edited_at: Utc | None


class CommentPage(BaseModel):
    items: list[CommentOut]
    next_cursor: str | None
    next: str | None


class CommentQuery(Strict):
    cursor: str | None = CURSOR
    limit: int = LIMIT


# --- Results ----------------------------------------------------------------------------

class RankedOut(BaseModel):
    rank: int = Field(description="Rang ; les ex aequo partagent le même.")
    idea: IdeaRef
    supports: int
    share: float = Field(description="Soutiens / participants du défi.")
    selected: bool
    justification: str | None
    score: float | None = Field(None, description="Score de comparaison deux à deux (0 à "
                                "100) quand le classement le suit.")


class CitedStatementOut(BaseModel):
    id: int
    text: str
    stance: str = Field(description="`agree` : d'accord dans chaque groupe d'opinion ; "
                        "`disagree` : pas d'accord dans chaque groupe.")
    share: float = Field(description="Part la plus basse parmi les groupes.")


class SelectedOut(BaseModel):
    idea: IdeaRef
    justification: str


class ResultsOut(BaseModel):
    challenge_id: int
    published_at: Utc
    message: str
    participants: int
    basis: str = Field(description="Ce qui ordonne le classement : `supports` (soutiens) ou "
                       "`pairwise` (score de comparaison deux à deux).")
    statements: list[CitedStatementOut] = Field(description="Propositions qui font "
                                                "consensus, citées par la décision.")
    selected: list[SelectedOut] = Field(description="Toutes les idées retenues.")
    ranking: list[RankedOut] = Field(description="Le haut du classement (`limit` idées) ; "
                                     "le classement complet est dans les données ouvertes.")


class ResultsQuery(Strict):
    limit: int = Field(100, ge=1, le=1000, description="Idées du classement (1 à 1000).")


# --- Briefs -----------------------------------------------------------------------------

class JournalEntryOut(BaseModel):
    date: Utc
    status: BriefStatusOrDraft | None
    text: str


class MilestoneOut(BaseModel):
    title: str
    due_on: date
    done_on: date | None


class BriefOut(BaseModel):
    id: int
    challenge_id: int
    organisation: OrganisationRef
    title: str
    status: BriefStatusName
    status_label: str
    problem_statement: str
    users_and_needs: str
    proposed_solution: str
    hypotheses: str
    success_indicators: str
    legal_constraints: str
    budget_constraints: str
    technical_constraints: str
    abandon_reason: str | None
    published_at: Utc
    ideas: list[IdeaRef] = Field(description="Idées sources (lignée).")
    milestones: list[MilestoneOut]
    journal: list[JournalEntryOut]
    url: str


class BriefPage(BaseModel):
    items: list[BriefOut]
    next_cursor: str | None
    next: str | None


class BriefQuery(Strict):
    cursor: str | None = CURSOR
    limit: int = LIMIT
    challenge: int | None = Field(None, ge=1)
    organisation: str | None = Field(None, max_length=80, pattern=PLAIN)
    status: BriefStatusName | None = None
