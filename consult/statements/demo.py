"""The demo's « trouver les points d'accord »: the département asks how its welcome
desks should open; two camps and a consensus in the votes."""

from __future__ import annotations

import random
from datetime import timedelta

from consult.challenges.models import ModerationMode
from consult.challenges.operations import create_challenge
from consult.challenges.phases import Phase
from consult.challenges.timeline import PhaseSpec
from consult.db import db, utcnow
from consult.statements import operations as ops

DAY = timedelta(days=1)
STATEMENTS = [  # (text, what each camp answers: the « in person » camp, the « online » one)
    ("Les accueils devraient ouvrir le samedi matin.", "agree", "agree"),
    ("Il faut garder un accueil physique dans chaque canton.", "agree", "disagree"),
    ("La plupart des démarches devraient se faire en ligne.", "disagree", "agree"),
    ("Le rendez-vous en ligne devrait être obligatoire.", "disagree", "agree"),
    ("Un agent devrait pouvoir se déplacer à domicile.", "agree", "pass"),
    ("Un numéro unique devrait répondre à toutes les questions.", "agree", "agree"),
    ("Les horaires d'ouverture devraient être les mêmes partout.", "pass", "agree"),
    ("Les démarches papier devraient disparaître d'ici cinq ans.", "disagree", "agree"),
]


def load_statements(*, admin, citizens, organisations) -> dict[str, int]:
    now = utcnow()
    challenge = create_challenge(
        admin, [organisations["dep95"]],
        title="Comment ouvrir les accueils du Département ?",
        service="Accueil du public dans les services départementaux",
        problem="Horaires, lieux, rendez-vous, démarches en ligne : les avis divergent. "
                "Dites si vous êtes d'accord avec chaque proposition, et proposez les "
                "vôtres : le Département cherche ce qui fait consensus.",
        themes=["Accueil"],
        phases=[PhaseSpec(Phase.STATEMENTS, now - DAY, now + 20 * DAY)],
        moderation_mode=ModerationMode.PRE, publish=True)
    phase = challenge.phase_of(Phase.STATEMENTS)
    phase.starts_at = now - 3 * DAY
    db.session.flush()
    agent = next(m.user for m in organisations["dep95"].memberships)
    statements = [ops.submit(agent, challenge, text) for text, _a, _b in STATEMENTS]
    draw = random.Random(95)  # noqa: S311 - a reproducible demo, not a secret
    votes = 0
    for n, citizen in enumerate(citizens):
        camp = 1 + n % 2
        for statement, spec in zip(statements, STATEMENTS, strict=True):
            if draw.random() < 0.15:
                continue  # not everyone answers everything
            ops.vote(citizen, statement.id, spec[camp])
            votes += 1
    ops.submit(citizens[0], challenge, "Les maisons France services devraient accueillir "
                                       "toutes les démarches du Département.")
    ops.compute_groups(challenge.id)
    return {"défis": 1, "propositions": len(statements) + 1, "votes sur propositions": votes}
