"""The demo's pairwise wiki survey: the département asks which improvements of its
website come first; ideas submitted earlier, compared two at a time now."""

from __future__ import annotations

import random
from datetime import timedelta

from consult.challenges.models import ModerationMode
from consult.challenges.operations import create_challenge
from consult.challenges.phases import Phase
from consult.challenges.timeline import PhaseSpec
from consult.db import db, utcnow
from consult.ideas.operations import submit_idea
from consult.pairwise import operations as ops

DAY = timedelta(days=1)
IDEAS = [  # in the order the demo's citizens tend to prefer them
    ("Un moteur de recherche qui comprend les mots de tous les jours",
     "Chercher « aide pour payer la cantine » doit mener à la bonne page, même sans "
     "connaître le nom officiel de l'aide."),
    ("Suivre l'avancement de ses demandes en ligne",
     "Savoir où en est son dossier (APA, transport scolaire, aide sociale) sans appeler."),
    ("Des pages lisibles sur téléphone", "La plupart des gens consultent le site sur leur "
                                         "téléphone : les tableaux et les PDF y sont illisibles."),
    ("Un numéro de téléphone visible sur chaque page",
     "Quand on n'y arrive pas en ligne, pouvoir appeler quelqu'un."),
    ("Les horaires des maisons des solidarités à jour",
     "Les horaires affichés sont souvent faux pendant les vacances."),
    ("Des formulaires qui gardent ce qu'on a tapé",
     "Perdre tout un formulaire à cause d'une erreur décourage."),
    ("Le site en langage facile à lire et à comprendre (FALC)",
     "Pour les personnes qui ont des difficultés de lecture."),
    ("Un agenda des permanences près de chez soi",
     "Trouver la permanence la plus proche et son prochain créneau."),
]


def load_pairwise(*, admin, citizens, organisations) -> dict[str, int]:
    now = utcnow()
    challenge = create_challenge(
        admin, [organisations["dep95"], organisations["lab"]],
        title="Quelles améliorations du site du Département d'abord ?",
        service="Site internet du Département et démarches en ligne",
        problem="Le site du Département reçoit 40 000 visites par mois ; beaucoup de "
                "personnes n'y trouvent pas ce qu'elles cherchent.\n\nComparez les "
                "propositions deux à deux : les plus souvent préférées seront faites "
                "d'abord.",
        themes=["En ligne"],
        phases=[PhaseSpec(Phase.IDEAS, now - DAY, now + DAY),
                PhaseSpec(Phase.PAIRWISE, now + DAY, now + 20 * DAY)],
        moderation_mode=ModerationMode.POST, publish=True)
    ideas = [submit_idea(citizens[n % len(citizens)], challenge, title=title, body=body)
             for n, (title, body) in enumerate(IDEAS)]
    ideas_phase, pairwise = challenge.phase_of(Phase.IDEAS), challenge.phase_of(
        Phase.PAIRWISE)
    ideas_phase.starts_at, ideas_phase.ends_at = now - 12 * DAY, now - 2 * DAY
    pairwise.starts_at = now - 2 * DAY
    db.session.flush()
    preferred = {idea.id: n for n, idea in enumerate(ideas)}
    draw = random.Random(2026)  # noqa: S311 - a reproducible demo, not a secret
    votes = 0
    for citizen in citizens[:15]:
        for _turn in range(6):
            pair = ops.next_pair(citizen, challenge)
            left, right = preferred[pair.left_id], preferred[pair.right_id]
            # the better-liked one wins three times in four
            left_wins = (left < right) == (draw.random() < 0.75)
            ops.vote(citizen, pair.token, ops.Answer("left" if left_wins else "right"))
            votes += 1
    ops.recompute_scores(challenge.id)
    return {"défis": 1, "idées": len(ideas), "comparaisons": votes}
