"""Demonstration data for surveys: a « Diagnostic d’usage » whose questionnaire is over
(its results are public) and whose ideas phase is open."""

from __future__ import annotations

from datetime import timedelta

from werkzeug.datastructures import MultiDict

from consult.challenges.operations import create_challenge
from consult.challenges.timeline import prefill
from consult.db import db, utcnow
from consult.surveys import operations as ops
from consult.surveys.answering import read_answers
from consult.surveys.models import QuestionKind

DAY = timedelta(days=1)
STORIES = ("Deux heures d’attente debout, puis on m’a dit qu’il manquait un papier.",
           "Très bon accueil, mais impossible de joindre quelqu’un par téléphone.",
           "Je ne savais pas à quel service m’adresser pour l’aide au logement.")


def load_surveys(*, admin, citizens, organisations) -> dict[str, int]:
    now = utcnow()
    phases = prefill("diagnostic-usage", now - DAY)
    challenge = create_challenge(
        admin, [organisations["dep95"], organisations["lab"]],
        title="Comment rendre l’accueil des maisons départementales des solidarités plus "
              "simple ?",
        service="Accueil des maisons départementales des solidarités",
        problem="Les personnes reviennent souvent deux ou trois fois avant que leur "
                "demande soit complète. Avant de chercher des solutions, nous voulons "
                "comprendre comment se passe une visite, de votre point de vue.",
        themes=["Accueil", "Démarches"], phases=phases, publish=True)
    survey_phase = challenge.timeline()[0]
    survey_phase.title = "Votre dernière visite"
    survey = ops.ensure_survey(admin, survey_phase)
    ops.update_settings(admin, survey, anonymous=True, version_id=None, intro=(
        "Sept questions, cinq minutes. Le questionnaire est **anonyme** ; les résultats "
        "seront publiés ici et serviront à choisir ce que le laboratoire prototype."))
    add = ops.add_question
    how = add(admin, survey, kind=QuestionKind.SINGLE,
              label="Comment avez-vous contacté la maison des solidarités la dernière fois ?",
              choices=["Au guichet", "Par téléphone", "Par courriel",
                       "Par un travailleur social"])
    mark = add(admin, survey, kind=QuestionKind.SCALE, label="Quelle note donnez-vous à "
               "l’accueil ?", scale="0-10", low_label="Très mauvais", high_label="Excellent")
    trouble = add(admin, survey, kind=QuestionKind.MULTIPLE, required=False,
                  label="Qu’est-ce qui vous a gêné ?",
                  choices=["L’attente", "Les horaires", "Les papiers à fournir",
                           "Savoir à qui s’adresser"])
    again = add(admin, survey, kind=QuestionKind.YES_NO,
                label="Avez-vous dû revenir une seconde fois ?")
    first = add(admin, survey, kind=QuestionKind.RANKING,
                label="Qu’amélioreriez-vous d’abord ?",
                choices=["Les horaires", "Le rendez-vous en ligne",
                         "Les explications sur les papiers"])
    agree = add(admin, survey, kind=QuestionKind.GRID, label="Êtes-vous d’accord ?",
                choices=["On m’a bien orienté·e", "J’ai compris la suite de mes démarches"],
                scale="1-5", low_label="Pas du tout d’accord",
                high_label="Tout à fait d’accord")
    story = add(admin, survey, kind=QuestionKind.LONG_TEXT, required=False,
                label="Racontez votre dernière visite", help="Sans nom ni numéro de dossier.")
    for n, citizen in enumerate(citizens):
        data = MultiDict({f"q{how.id}": str(how.choices[0 if n % 3 else 1].id),
                          f"q{mark.id}": str(4 + n % 5), f"q{again.id}": "1" if n % 4 else "0",
                          f"q{story.id}": STORIES[n % 3] if n < 6 else ""})
        for c in trouble.choices[: 1 + n % 3]:
            data.add(f"q{trouble.id}", str(c.id))
        order = first.choices if n % 2 else list(reversed(first.choices))
        for rank, c in enumerate(order, start=1):
            data.add(f"q{first.id}-c{c.id}", str(rank))
        for c in agree.choices:
            data.add(f"q{agree.id}-c{c.id}", str(2 + (n + c.position) % 4))
        ops.submit_response(citizen, survey, read_answers(survey.questions, data))
    # the questionnaire was answered over three weeks, and is over: its results are out
    ideas = challenge.timeline()[1]
    survey_phase.starts_at, survey_phase.ends_at = now - 22 * DAY, now - DAY
    ideas.starts_at = now - DAY
    db.session.flush()
    return {"défis": 1, "questionnaires": 1 + _open_survey(admin),
            "réponses": len(citizens)}


def _open_survey(admin) -> int:
    """A short questionnaire open beside the ideas of the school transport challenge."""
    from sqlalchemy import select

    from consult.challenges.models import Challenge, ChallengePhase
    from consult.challenges.phases import Phase

    challenge = db.session.scalar(select(Challenge).where(
        Challenge.slug == "mieux-informer-les-familles-sur-les-transports-scolaires"))
    if challenge is None:
        return 0
    now = utcnow()
    phase = ChallengePhase(kind=Phase.SURVEY, title="Comment êtes-vous informés ?",
                           description="Trois questions avant de proposer vos idées.",
                           starts_at=now - DAY, ends_at=now + 9 * DAY, settings={},
                           announced_at=now)
    challenge.phases.append(phase)
    db.session.flush()
    survey = ops.ensure_survey(admin, phase)
    ops.update_settings(admin, survey, anonymous=False, version_id=None, intro=(
        "Pour savoir par où passent aujourd’hui les informations sur les cars scolaires."))
    ops.add_question(admin, survey, kind=QuestionKind.MULTIPLE,
                     label="Par où apprenez-vous un changement d’horaire ?",
                     choices=["Le site du Département", "Un SMS", "Le collège",
                              "D’autres parents", "Je l’apprends trop tard"])
    ops.add_question(admin, survey, kind=QuestionKind.SCALE, scale="1-5",
                     label="Êtes-vous bien informé·e ?", low_label="Pas du tout",
                     high_label="Très bien")
    ops.add_question(admin, survey, kind=QuestionKind.SHORT_TEXT, required=False,
                     label="Le moyen qui vous conviendrait le mieux")
    return 1
