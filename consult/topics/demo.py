"""The demo's emerging topics: the Val-d'Oise asks what would make daily life with its
services easier; thirty ideas fall into three subjects the job finds, two of which an
agent named and published, and a pair of near-identical ideas waits in the duplicates
queue."""

from __future__ import annotations

from datetime import timedelta

from consult.challenges.models import ModerationMode
from consult.challenges.operations import create_challenge
from consult.challenges.phases import Phase
from consult.challenges.timeline import PhaseSpec
from consult.db import db, utcnow
from consult.ideas.operations import submit_idea
from consult.topics import operations as ops

DAY = timedelta(days=1)
IDEAS = [
    ("Des bus plus fréquents le soir", "Après 20 heures, le bus passe toutes les heures : "
     "ceux qui finissent tard rentrent à pied."),
    ("Un arrêt de bus près du collège", "Les élèves traversent la départementale pour "
     "rejoindre l'arrêt de bus le plus proche."),
    ("Des pistes cyclables entre les villages", "Relier les villages par des pistes "
     "cyclables sûres, à l'écart des voitures."),
    ("Le transport à la demande le dimanche", "Le transport à la demande ne circule pas le "
     "dimanche : impossible d'aller voir sa famille sans voiture."),
    ("Des horaires de bus affichés aux arrêts", "Afficher les horaires de bus et les "
     "retards en temps réel aux arrêts."),
    ("Un abonnement unique bus et train", "Un seul abonnement pour le bus et le train, "
     "au lieu de deux cartes et deux tarifs."),
    ("Des vélos en location à la gare", "Louer un vélo à la gare pour finir le trajet "
     "jusqu'au travail."),
    ("Le covoiturage entre agents du Département", "Mettre en relation les agents qui "
     "font le même trajet pour partager la voiture."),
    ("Des rendez-vous le samedi matin", "Ouvrir l'accueil des maisons des solidarités le "
     "samedi matin, pour ceux qui travaillent en semaine."),
    ("Moins d'attente au guichet", "Une heure d'attente au guichet pour un simple "
     "renseignement : un ticket et une estimation du temps d'attente aideraient."),
    ("Un accueil téléphonique qui répond", "Le standard sonne dans le vide : un rappel "
     "automatique quand tous les agents sont occupés."),
    ("Un agent qui se déplace à domicile", "Pour les personnes âgées qui ne peuvent pas "
     "venir au guichet, un agent d'accueil qui se déplace."),
    ("Des permanences dans les mairies", "Tenir des permanences d'accueil dans les mairies "
     "des villages, une fois par semaine."),
    ("Un accueil en langue des signes", "Un rendez-vous avec un interprète en langue des "
     "signes à l'accueil, sur demande."),
    ("Des horaires d'ouverture plus larges", "Ouvrir l'accueil jusqu'à 19 heures deux "
     "soirs par semaine."),
    ("Ouvrir l'accueil le samedi matin", "Les maisons des solidarités ouvertes le samedi "
     "matin pour ceux qui travaillent en semaine : un rendez-vous possible ce jour-là."),
    ("Un formulaire en ligne plus simple", "Le formulaire de demande d'aide en ligne "
     "demande trois fois les mêmes informations."),
    ("Suivre sa demande en ligne", "Voir où en est son dossier en ligne, sans téléphoner "
     "au service."),
    ("Des aidants numériques dans les médiathèques", "Des aidants numériques pour "
     "accompagner les démarches en ligne dans les médiathèques."),
    ("Une application mobile pour les démarches", "Faire ses démarches depuis son "
     "téléphone, avec une application mobile simple."),
    ("Un compte unique pour tous les services", "Un seul compte en ligne et un seul mot de "
     "passe pour toutes les démarches du Département."),
    ("Garder une alternative au numérique", "Toutes les démarches en ligne doivent garder "
     "une version papier ou un guichet."),
    ("Des documents téléchargeables lisibles", "Les documents à télécharger sur le site "
     "sont illisibles sur téléphone."),
    ("Prévenir par SMS quand le dossier avance", "Un SMS quand le dossier en ligne change "
     "d'étape : reçu, complet, accepté."),
]


def load_topics(*, admin, citizens, organisations) -> dict[str, int]:
    now = utcnow()
    challenge = create_challenge(
        admin, [organisations["dep95"]],
        title="Qu'est-ce qui vous simplifierait la vie avec le Département ?",
        service="Services du Département au quotidien",
        problem="Transports, accueil, démarches en ligne : dites ce qui vous simplifierait "
                "la vie. Le Département regroupe vos idées par sujet pour y répondre.",
        themes=[], phases=[PhaseSpec(Phase.IDEAS, now - 10 * DAY, now + 20 * DAY)],
        moderation_mode=ModerationMode.POST, publish=True)
    for n, (title, body) in enumerate(IDEAS):
        submit_idea(citizens[n % len(citizens)], challenge, title=title, body=body)
    db.session.flush()
    agent = next(m.user for m in organisations["dep95"].memberships)
    run = ops.request_topics(agent, challenge, 3)
    ops.compute(run.id)  # (the demo does not wait for the queue)
    named = {"bus": "Se déplacer sans voiture", "accueil": "Être accueilli au guichet",
             "ligne": "Les démarches en ligne"}
    for topic in ops.topics_of_run(run):
        name = next((label for word, label in named.items() if word in topic.words), None)
        if name and name != "Les démarches en ligne":
            ops.rename(agent, topic, name)
            ops.publish(agent, topic)
    return {"sujets émergents publiés": len(ops.published_topics(challenge))}
