"""What is published, column by column. One table drives the CSV, the JSON, the Table
Schema and the README, so they always agree. Only published content appears, authors by
display name only; nobody's e-mail, territory or supports."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select

from consult.briefs.models import Brief, BriefStatus, brief_ideas
from consult.challenges.models import Challenge, ResultEntry, challenge_organisations
from consult.comments.models import Comment, CommentStatus
from consult.core.urls import external_url
from consult.db import db
from consult.events import exports as event_exports
from consult.ideas.models import Idea, IdeaStatus
from consult.labs import exports as lab_exports
from consult.organisations.models import Organisation
from consult.pairwise import exports as pairwise_exports
from consult.statements import exports as statement_exports
from consult.surveys import exports as survey_exports
from consult.topics import exports as topic_exports

BATCH = 1000  # rows read at a time: exports of 200,000 ideas stream in constant memory


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # Table Schema type: integer, number, string, boolean, datetime, date
    title: str
    description: str = ""
    required: bool = False


@dataclass(frozen=True)
class Dataset:
    name: str
    title: str
    description: str
    columns: list[Column]
    rows: Callable[[Challenge | None], Iterator[list[Any]]]
    primary_key: list[str] = field(default_factory=lambda: ["id"])
    foreign_keys: list[dict] = field(default_factory=list)

    def table_schema(self) -> dict[str, Any]:
        fields = []
        for column in self.columns:
            entry: dict[str, Any] = {"name": column.name, "type": column.type,
                                     "title": str(column.title),
                                     "description": str(column.description)}
            if column.type == "datetime":
                entry["format"] = "%Y-%m-%dT%H:%M:%SZ"
            if column.required:
                entry["constraints"] = {"required": True}
            fields.append(entry)
        schema: dict[str, Any] = {"fields": fields, "missingValues": [""]}
        if self.primary_key:
            schema["primaryKey"] = self.primary_key
        if self.foreign_keys:
            schema["foreignKeys"] = self.foreign_keys
        return schema


def _challenges(scope: Challenge | None) -> Select:
    query = select(Challenge).where(Challenge.published_at.is_not(None))
    return query.where(Challenge.id == scope.id) if scope else query


def _published_ideas(scope: Challenge | None) -> Select:
    query = select(Idea).join(Challenge, Challenge.id == Idea.challenge_id).where(
        Idea.status == IdeaStatus.PUBLISHED, Challenge.published_at.is_not(None))
    return query.where(Idea.challenge_id == scope.id) if scope else query


def _stream(query: Select) -> Iterator[Any]:
    """Rows in id order, a batch at a time (keyset), so memory stays flat."""
    entity = query.column_descriptions[0]["entity"]
    last = 0
    while True:
        batch = list(db.session.scalars(query.where(entity.id > last).order_by(entity.id)
                                        .limit(BATCH)))
        yield from batch
        if len(batch) < BATCH:
            return
        last = batch[-1].id


def _url(endpoint: str, **values) -> str:
    return external_url(endpoint, **values)


def _organisation_rows(scope: Challenge | None) -> Iterator[list[Any]]:
    query = select(Organisation)
    if scope:
        query = query.where(Organisation.id.in_(select(
            challenge_organisations.c.organisation_id).where(
            challenge_organisations.c.challenge_id == scope.id)))
    for o in _stream(query):
        yield [o.id, o.slug, o.name, o.kind.value, o.website or "",
               o.territory.code if o.territory else "",
               _url("site.organisation", slug=o.slug)]


def _challenge_rows(scope: Challenge | None) -> Iterator[list[Any]]:
    for c in _stream(_challenges(scope)):
        yield [c.id, c.slug, c.title, c.service, c.problem,
               " ; ".join(str(o.id) for o in c.organisations),
               c.territory.code if c.territory else "", c.territory.name if c.territory else "",
               c.phase.value, min((p.starts_at for p in c.phases), default=None),
               c.results_at, c.supports_per_person, c.ideas_count, c.supports_count,
               c.participants_count, _url("challenges.show", slug=c.slug)]


def _phase_rows(scope: Challenge | None) -> Iterator[list[Any]]:
    for c in _stream(_challenges(scope)):
        for p in c.timeline():
            yield [p.id, c.id, p.kind.value, p.label, p.description, p.starts_at, p.ends_at]


def _idea_rows(scope: Challenge | None) -> Iterator[list[Any]]:
    for i in _stream(_published_ideas(scope)):
        yield [i.id, i.challenge_id, i.title, i.body, i.author.public_name,
               i.theme.name if i.theme else "", i.territory.code if i.territory else "",
               i.territory.name if i.territory else "", i.supports_count, i.comments_count,
               i.answer_status.value if i.answer_status else "", i.answer_label or "",
               i.answer_text or "", i.answered_at, i.published_at,
               _url("ideas.show", idea_id=i.id)]


def _comment_rows(scope: Challenge | None) -> Iterator[list[Any]]:
    query = select(Comment).join(Idea, Idea.id == Comment.idea_id).join(
        Challenge, Challenge.id == Idea.challenge_id).where(
        Comment.status == CommentStatus.PUBLISHED, Idea.status == IdeaStatus.PUBLISHED,
        Challenge.published_at.is_not(None))
    if scope:
        query = query.where(Idea.challenge_id == scope.id)
    for c in _stream(query):
        yield [c.id, c.idea_id, c.parent_id, c.author.public_name, c.body, c.created_at,
               c.edited_at]


def _brief_rows(scope: Challenge | None) -> Iterator[list[Any]]:
    query = select(Brief).join(Challenge, Challenge.id == Brief.challenge_id).where(
        Brief.status != BriefStatus.DRAFT, Challenge.published_at.is_not(None))
    if scope:
        query = query.where(Brief.challenge_id == scope.id)
    for b in _stream(query):
        sources = db.session.scalars(select(brief_ideas.c.idea_id).join(
            Idea, Idea.id == brief_ideas.c.idea_id).where(
            brief_ideas.c.brief_id == b.id, Idea.status == IdeaStatus.PUBLISHED)
            .order_by(brief_ideas.c.idea_id))
        yield [b.id, b.challenge_id, b.organisation_id, b.title, b.status.value,
               b.problem_statement, b.proposed_solution, b.abandon_reason or "",
               " ; ".join(str(i) for i in sources), b.published_at,
               _url("briefs.show", brief_id=b.id)]


def _result_rows(scope: Challenge | None) -> Iterator[list[Any]]:
    """The same ranking as the results page (``ideas.results.ranking``), read as
    plain rows so that a challenge of 200,000 ideas streams instead of loading."""
    query = _challenges(scope).where(Challenge.results_published_at.is_not(None))
    for c in list(_stream(query)):
        participants = max(c.results_participants or 0, 1)
        rows = db.session.execute(
            select(ResultEntry.rank, ResultEntry.idea_id, ResultEntry.supports,
                   ResultEntry.selected, ResultEntry.justification, ResultEntry.score)
            .where(ResultEntry.challenge_id == c.id).order_by(ResultEntry.position)
            .execution_options(yield_per=BATCH))
        basis = c.results_basis or "supports"
        for rank, idea_id, supports, selected, text, score in rows:
            yield [c.id, rank, idea_id, supports, round(supports / participants, 4),
                   selected, (text or "") if selected else "", basis,
                   None if score is None else round(score, 2)]


def _fk(field_: str, resource: str) -> dict:
    return {"fields": field_, "reference": {"resource": resource, "fields": "id"}}


DATASETS: dict[str, Dataset] = {d.name: d for d in (
    Dataset("organisations", _l("Organisations"),
            _l("Les administrations, collectivités et laboratoires qui portent les défis."), [
                Column("id", "integer", _l("Identifiant"), required=True),
                Column("slug", "string", _l("Identifiant lisible"), required=True),
                Column("nom", "string", _l("Nom"), required=True),
                Column("nature", "string", _l("Nature (ministere, region, commune…)")),
                Column("site_web", "string", _l("Site web")),
                Column("territoire_code", "string", _l("Code INSEE du territoire")),
                Column("url", "string", _l("Page sur la plateforme"))], _organisation_rows),
    Dataset("defis", _l("Défis"),
            _l("Les défis publiés : service, problème, phases, chiffres."), [
        Column("id", "integer", _l("Identifiant"), required=True),
        Column("slug", "string", _l("Identifiant lisible"), required=True),
        Column("titre", "string", _l("Titre"), required=True),
        Column("service", "string", _l("Service public concerné")),
        Column("probleme", "string", _l("Problème posé (Markdown)")),
        Column("organisations", "string", _l("Identifiants des organisations, séparés par « ; »")),
        Column("territoire_code", "string", _l("Code INSEE du territoire")),
        Column("territoire_nom", "string", _l("Territoire")),
        Column("phase", "string", _l("Phase à la date de l'export")),
        Column("debut", "datetime", _l("Début de la première phase (UTC)")),
        Column("resultats", "datetime", _l("Date des résultats (UTC)")),
        Column("soutiens_par_personne", "integer",
               _l("Soutiens par personne (vide : sans limite ou sans vote)")),
        Column("nombre_idees", "integer", _l("Idées publiées")),
        Column("nombre_soutiens", "integer", _l("Soutiens")),
        Column("nombre_participants", "integer", _l("Participants")),
        Column("url", "string", _l("Page du défi"))], _challenge_rows),
    Dataset("phases", _l("Phases des défis"),
            _l("Le calendrier de chaque défi publié : ses phases, leur type et leurs dates."), [
        Column("id", "integer", _l("Identifiant"), required=True),
        Column("defi_id", "integer", _l("Défi"), required=True),
        Column("type", "string", _l("Type (information, survey, ideas, supports, review, "
                                    "results)"), required=True),
        Column("titre", "string", _l("Titre")),
        Column("description", "string", _l("Ce qui s'y passe")),
        Column("debut", "datetime", _l("Début (UTC)"), required=True),
        Column("fin", "datetime", _l("Fin (UTC ; vide : ouverte)"))], _phase_rows),
    Dataset("idees", _l("Idées"),
            _l("Les idées publiées, avec leurs soutiens et la réponse "
            "officielle de l'administration."), [
                Column("id", "integer", _l("Identifiant"), required=True),
                Column("defi_id", "integer", _l("Défi"), required=True),
                Column("titre", "string", _l("Titre"), required=True),
                Column("texte", "string", _l("Texte (Markdown)")),
                Column("auteur", "string", _l("Nom affiché de l'auteur")),
                Column("theme", "string", _l("Thème")),
                Column("territoire_code", "string", _l("Code INSEE du territoire concerné")),
                Column("territoire_nom", "string", _l("Territoire concerné")),
                Column("soutiens", "integer", _l("Soutiens")),
                Column("commentaires", "integer", _l("Commentaires publiés")),
                Column("reponse_statut", "string", _l("Réponse officielle (under_study, selected, "
                        "not_retained, implemented)")),
                Column("reponse_libelle", "string", _l("Statut propre à l'organisation qui "
                        "a répondu (« Transmise au service voirie ») ; reponse_statut est le "
                        "statut commun auquel il correspond, comparable d'une organisation "
                        "à l'autre")),
                Column("reponse_texte", "string", _l("Texte de la réponse officielle")),
                Column("reponse_date", "datetime", _l("Date de la réponse (UTC)")),
                Column("publiee_le", "datetime", _l("Publication (UTC)")),
                Column("url", "string", _l("Page de l'idée"))], _idea_rows,
            foreign_keys=[_fk("defi_id", "defis")]),
    Dataset("commentaires", _l("Commentaires"),
            _l("Les commentaires publiés sur les idées "
            "publiées ; « reponse_a » désigne le commentaire auquel une réponse s'adresse "
            "(il peut avoir été masqué ou supprimé depuis)."), [
                Column("id", "integer", _l("Identifiant"), required=True),
                Column("idee_id", "integer", _l("Idée"), required=True),
                Column("reponse_a", "integer", _l("Commentaire auquel il répond")),
                Column("auteur", "string", _l("Nom affiché de l'auteur")),
                Column("texte", "string", _l("Texte (Markdown)")),
                Column("cree_le", "datetime", _l("Écrit le (UTC)")),
                Column("modifie_le", "datetime", _l("Modifié le (UTC)"))], _comment_rows,
            foreign_keys=[_fk("idee_id", "idees")]),
    Dataset("cahiers", _l("Cahiers des charges de prototype"),
            _l("Les cahiers des charges "
            "publiés, leur état et leurs idées sources."), [
                Column("id", "integer", _l("Identifiant"), required=True),
                Column("defi_id", "integer", _l("Défi"), required=True),
                Column("organisation_id", "integer", _l("Équipe ou laboratoire en charge")),
                Column("titre", "string", _l("Titre"), required=True),
                Column("etat", "string", _l("État (published, prototyping, testing, adopted, "
                        "abandoned)")),
                Column("probleme", "string", _l("Problème (Markdown)")),
                Column("solution_proposee", "string", _l("Solution proposée (Markdown)")),
                Column("raison_abandon", "string", _l("Raison de l'abandon")),
                Column("idees_sources", "string", _l("Identifiants des idées sources, séparés "
                        "par « ; »")),
                Column("publie_le", "datetime", _l("Publication (UTC)")),
                Column("url", "string", _l("Page du cahier"))], _brief_rows,
            foreign_keys=[_fk("defi_id", "defis"), _fk("organisation_id", "organisations")]),
    Dataset("questionnaires", _l("Résultats des questionnaires"),
            _l("Les réponses aux questionnaires clos, comptées par question et par option "
               "(aucun nombre inférieur à 5 n'est publié)."),
            [Column(name, kind, title) for name, kind, title in survey_exports.COLUMNS],
            lambda scope: survey_exports.rows(challenge_id=scope.id if scope else None),
            primary_key=[], foreign_keys=[_fk("defi_id", "defis")]),
    Dataset("resultats", _l("Résultats"),
            _l("Le classement final des idées des défis dont les "
            "résultats sont publiés, et la justification des idées retenues."), [
                Column("defi_id", "integer", _l("Défi"), required=True),
                Column("rang", "integer", _l("Rang (les ex aequo partagent le même)"),
                       required=True),
                Column("idee_id", "integer", _l("Idée"), required=True),
                Column("soutiens", "integer", _l("Soutiens")),
                Column("part_des_participants", "number", _l("Soutiens / participants")),
                Column("retenue", "boolean", _l("Retenue par l'administration")),
                Column("justification", "string", _l("Justification publique")),
                Column("classement", "string", _l("Ce qui ordonne le classement : supports "
                                                  "(soutiens) ou pairwise (score de "
                                                  "comparaison deux à deux)")),
                Column("score", "number", _l("Score de comparaison deux à deux (0 à 100), "
                                             "si le classement le suit"))], _result_rows,
            primary_key=["defi_id", "idee_id"],
            foreign_keys=[_fk("defi_id", "defis"), _fk("idee_id", "idees")]),
    Dataset("comparaisons", _l("Comparaisons deux à deux"),
            _l("Chaque choix entre deux idées d'une phase de comparaison, anonyme (ni la "
               "personne ni l'heure) : les deux idées présentées et celle choisie."),
            [Column(n, k, t) for n, k, t in pairwise_exports.VOTE_COLUMNS],
            lambda scope: pairwise_exports.vote_rows(scope.id if scope else None),
            foreign_keys=[_fk("defi_id", "defis"), _fk("idee_gauche_id", "idees"),
                          _fk("idee_droite_id", "idees")]),
    Dataset("scores_comparaisons", _l("Scores des comparaisons deux à deux"),
            _l("Le score de chaque idée comparée (modèle de Bradley–Terry) et son "
               "intervalle à 95 %, avec les comptes qui les fondent."),
            [Column(n, k, t) for n, k, t in pairwise_exports.SCORE_COLUMNS],
            lambda scope: pairwise_exports.score_rows(scope.id if scope else None),
            primary_key=["idee_id"],
            foreign_keys=[_fk("defi_id", "defis"), _fk("idee_id", "idees")]),
    Dataset("propositions", _l("Propositions (trouver les points d'accord)"),
            _l("Les propositions publiées d'une phase « trouver les points d'accord », avec "
               "leurs comptes de réponses."),
            [Column(n, k, t) for n, k, t in statement_exports.STATEMENT_COLUMNS],
            lambda scope: statement_exports.statement_rows(scope.id if scope else None),
            foreign_keys=[_fk("defi_id", "defis")]),
    Dataset("votes_propositions", _l("Votes sur les propositions"),
            _l("Chaque réponse à une proposition, anonyme : un numéro par participant dans "
               "le défi (jamais le compte), le jour sans l'heure. La matrice qui fonde les "
               "groupes d'opinion, à réanalyser librement."),
            [Column(n, k, t) for n, k, t in statement_exports.VOTE_COLUMNS],
            lambda scope: statement_exports.vote_rows(scope.id if scope else None),
            foreign_keys=[_fk("defi_id", "defis"),
                          _fk("proposition_id", "propositions")]),
    Dataset("sujets", _l("Sujets émergents"),
            _l("Les sujets qu'une administration a validés et publiés après leur calcul sur "
               "le texte des idées d'un défi, avec la méthode, ses paramètres et l'empreinte "
               "des idées lues : le calcul se refait à l'identique."),
            [Column(n, k, t) for n, k, t in topic_exports.TOPIC_COLUMNS],
            lambda scope: topic_exports.topic_rows(scope.id if scope else None),
            foreign_keys=[_fk("defi_id", "defis")]),
    Dataset("sujets_idees", _l("Idées des sujets émergents"),
            _l("Quelles idées chaque sujet publié regroupe, avec leur poids."),
            [Column(n, k, t) for n, k, t in topic_exports.MEMBER_COLUMNS],
            lambda scope: topic_exports.member_rows(scope.id if scope else None),
            primary_key=["sujet_id", "idee_id"],
            foreign_keys=[_fk("sujet_id", "sujets"), _fk("idee_id", "idees")]),
    Dataset("programmes", _l("Programmes d'événements"),
            _l("Les semaines et mois de l'innovation publique : dates, territoire et "
               "chiffres (événements, inscriptions, participants)."),
            [Column(name, kind, title) for name, kind, title in event_exports.PROGRAMME_COLUMNS],
            lambda scope: event_exports.programme_rows(scope.id if scope else None)),
    Dataset("evenements", _l("Événements"),
            _l("Ateliers, formations, hackathons, webinaires, tables rondes, expositions et "
               "tests avec les usagers : lieu, public, accessibilité, places et présence en "
               "chiffres (aucune donnée personnelle, aucun lien de connexion)."),
            [Column(name, kind, title) for name, kind, title in event_exports.EVENT_COLUMNS],
            lambda scope: event_exports.event_rows(scope.id if scope else None),
            foreign_keys=[_fk("programme_id", "programmes"), _fk("defi_id", "defis")]),
    Dataset("projets", _l("Projets des laboratoires"),
            _l("Les projets publics des laboratoires d'innovation : étape, organisations "
               "associées, méthodes et ce qu'ils relient dans Consult."),
            [Column(name, kind, title) for name, kind, title in lab_exports.PROJECT_COLUMNS],
            lambda scope: lab_exports.project_rows(scope.id if scope else None),
            foreign_keys=[_fk("laboratoire_id", "organisations")]),
    Dataset("appels", _l("Appels à projets des laboratoires"),
            _l("Les appels à projets : dates, critères, nombre de candidatures et, une fois "
               "les décisions publiées, de candidatures retenues (ni le contenu des "
               "candidatures ni les notes du jury)."),
            [Column(name, kind, title) for name, kind, title in lab_exports.CALL_COLUMNS],
            lambda scope: lab_exports.call_rows(scope.id if scope else None),
            foreign_keys=[_fk("laboratoire_id", "organisations")]),
    Dataset("solutions", _l("Catalogue des solutions"),
            _l("Les solutions adoptées et partagées pour être essaimées : leurs preuves "
               "(tests, score SUS) et leurs réutilisations."),
            [Column(name, kind, title) for name, kind, title in lab_exports.SOLUTION_COLUMNS],
            lambda scope: lab_exports.solution_rows(scope.id if scope else None),
            foreign_keys=[_fk("cahier_id", "cahiers"), _fk("organisation_id", "organisations")]),
    Dataset("activite", _l("Activité des laboratoires"),
            _l("Pour chaque laboratoire et chaque année : projets, demandes, appels, "
               "événements et formations, personnes impliquées (comptées une fois chacune, "
               "jamais nommées), cahiers adoptés, idées répondues, essaimage. Les définitions "
               "sont celles du rapport d'activité."),
            [Column(name, kind, title) for name, kind, title in lab_exports.ACTIVITY_COLUMNS],
            lambda scope: lab_exports.activity_rows(scope.id if scope else None),
            primary_key=["laboratoire_id", "annee"],
            foreign_keys=[_fk("laboratoire_id", "organisations")]),
)}


def plain(value: Any) -> Any:
    """A cell's JSON value: dates in ISO 8601 UTC."""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, date):
        return value.isoformat()
    return value
