"""Demo challenges in every phase, with ideas, supports and comments made through the
real operations: each challenge's dates are moved through the phases as the demo goes."""

from __future__ import annotations

from datetime import timedelta

from consult.challenges.models import Challenge, ModerationMode
from consult.challenges.operations import create_challenge
from consult.challenges.timeline import classic, move_classic
from consult.comments.operations import post_comment
from consult.db import db, utcnow
from consult.ideas.operations import cast_support, submit_idea

DAY = timedelta(days=1)

CHARTER = """Les contributions doivent respecter la loi et les personnes. Sont refusés :
propos injurieux ou discriminatoires, données personnelles d'un tiers, publicité,
contenus sans rapport avec le défi."""

CHALLENGES = [
    {
        "key": "cni", "phase": "supports", "orgs": ["prefecture", "lab"],
        "title": "Simplifier la demande de carte d'identité",
        "service": "Délivrance des cartes nationales d'identité et passeports",
        "problem": "Obtenir un rendez-vous pour une carte d'identité prend **plusieurs "
                   "semaines** dans le Val-d'Oise, et un dossier sur quatre est incomplet "
                   "au premier passage.\n\nComment rendre la démarche plus simple, du "
                   "rendez-vous à la remise du titre ?",
        "audience": "Toute personne qui demande ou renouvelle une carte d'identité, en "
                    "particulier les personnes âgées et celles qui n'ont pas d'ordinateur.",
        "context": "Les rendez-vous sont pris en mairie ; l'instruction est faite par l'État.",
        "themes": ["Rendez-vous", "Accueil", "Démarche en ligne"],
        "ideas": [
            ("Un rappel par SMS avec la liste des pièces à apporter",
             "La veille du rendez-vous, un SMS rappelle l'heure et les **pièces "
             "justificatives** à apporter. Beaucoup de dossiers incomplets seraient évités.",
             "Rendez-vous"),
            ("Des créneaux le samedi matin dans les grandes mairies",
             "Beaucoup de personnes travaillent en semaine. Ouvrir quelques créneaux le "
             "samedi matin réduirait l'attente.", "Rendez-vous"),
            ("Améliorer l'accueil en préfecture pour les personnes âgées",
             "Un guichet prioritaire et des chaises près de l'entrée : l'attente debout est "
             "difficile pour les personnes âgées.", "Accueil"),
            ("Un simulateur en ligne qui vérifie le dossier avant le rendez-vous",
             "Répondre à quelques questions et obtenir la liste exacte des pièces à "
             "fournir, selon sa situation.", "Démarche en ligne"),
            ("Permettre de suivre l'avancement de sa demande",
             "Comme pour un colis : savoir où en est son titre et quand le retirer.",
             "Démarche en ligne"),
            ("Un accompagnement dans les maisons France services",
             "Les conseillers aident à préparer la pré-demande en ligne pour les personnes "
             "qui n'ont pas d'ordinateur.", "Accueil"),
        ],
    },
    {
        "key": "transport", "phase": "ideas", "orgs": ["dep95"],
        "title": "Mieux informer les familles sur les transports scolaires",
        "service": "Transport scolaire des collégiens",
        "problem": "Les familles apprennent souvent trop tard les changements d'horaires "
                   "ou de circuits des cars scolaires.",
        "audience": "Les collégiens et leurs familles, surtout en zone rurale.",
        "themes": ["Information", "Inscription"],
        "ideas": [
            ("Une alerte quand le car est en retard",
             "Une notification sur le téléphone des parents dès qu'un retard de plus de "
             "dix minutes est connu.", "Information"),
            ("Inscription au transport en même temps que la cantine",
             "Un seul formulaire à la rentrée pour la cantine et le transport.",
             "Inscription"),
        ],
    },
    {
        "key": "seniors", "phase": "review", "orgs": ["dep95"],
        "title": "Accueillir les personnes âgées dans les maisons des solidarités",
        "service": "Maisons départementales des solidarités",
        "problem": "Les personnes âgées et leurs aidants trouvent l'accueil difficile : "
                   "attente, informations dispersées, rendez-vous compliqués à obtenir.",
        "themes": ["Accueil", "Aidants"],
        "ideas": [
            ("Un numéro unique pour les aidants",
             "Un seul numéro qui oriente vers le bon service, avec un rappel sous 48 h.",
             "Aidants"),
            ("Des permanences dans les mairies rurales",
             "Un agent vient une demi-journée par mois dans les communes éloignées.",
             "Accueil"),
            ("Un guide papier clair des aides", "Tout le monde n'a pas internet.", "Aidants"),
        ],
    },
    {
        "key": "cantine", "phase": "results", "orgs": ["dep95", "lab"],
        "title": "Simplifier l'inscription à la cantine des collèges",
        "service": "Restauration scolaire des collèges",
        "problem": "L'inscription à la cantine demande trop de papiers et se fait à des "
                   "dates différentes selon les collèges.",
        "themes": ["Inscription", "Tarifs"],
        "ideas": [
            ("Une inscription en ligne unique pour tous les collèges",
             "Le même calendrier et le même formulaire partout dans le département.",
             "Inscription"),
            ("Calculer le tarif automatiquement à partir du quotient familial",
             "Avec l'accord des familles, le tarif est calculé sans fournir de justificatif.",
             "Tarifs"),
            ("Pouvoir payer par prélèvement mensuel",
             "Étaler le paiement aide les familles nombreuses.", "Tarifs"),
        ],
    },
    {
        "key": "samedi", "phase": "announced", "orgs": ["dep95"],
        "title": "Ouvrir les services départementaux le samedi ?",
        "service": "Accueil du public dans les services départementaux",
        "problem": "Faut-il ouvrir certains accueils le samedi, et lesquels ?",
        "themes": ["Horaires"], "ideas": [],
    },
    {
        "key": "brouillon", "phase": "draft", "orgs": ["lab"],
        "title": "Rendre les courriers administratifs compréhensibles",
        "service": "Courriers envoyés aux usagers",
        "problem": "Les courriers sont souvent incompréhensibles.",
        "themes": [], "ideas": [],
    },
]

# Comments that fit the idea they are on: challenge key -> (idea index, text).
COMMENTS = {
    "cni": [(0, "Très bonne idée : j'ai dû revenir deux fois faute d'un justificatif."),
            (0, "Il faudrait aussi un e-mail pour les personnes sans téléphone portable."),
            (1, "Le samedi matin m'éviterait de poser une demi-journée de congé.")],
    "transport": [(0, "Le car de mon fils a eu 25 minutes de retard mardi sans prévenir."),
                  (1, "Oui, un seul dossier à la rentrée, ce serait un vrai soulagement.")],
    "seniors": [(0, "Pour ma mère, un seul numéro éviterait de rappeler trois services."),
                (1, "Dans notre village, la maison des solidarités est à 40 minutes.")],
    "cantine": [(0, "Avec trois enfants dans deux collèges, je remplis deux dossiers."),
                (1, "À condition que ce soit facultatif et que l'on puisse vérifier le "
                    "calcul."),
                (2, "Le prélèvement mensuel aiderait beaucoup de familles.")],
}


def _set_phase(challenge: Challenge, phase: str) -> None:
    """Place the challenge's dates so that ``phase`` is the current one."""
    move_classic(challenge, phase, utcnow())
    db.session.flush()


def load_challenges(*, admin, citizens, organisations) -> dict[str, int]:
    val_doise = organisations["dep95"].territory_id
    counts = {"défis": 0, "idées": 0, "soutiens": 0, "commentaires": 0}
    for spec in CHALLENGES:
        now = utcnow()
        challenge = create_challenge(
            admin, [organisations[k] for k in spec["orgs"]], title=spec["title"],
            service=spec["service"], problem=spec["problem"],
            audience=spec.get("audience", ""), context=spec.get("context", ""),
            themes=spec["themes"], phases=classic(
                (now - DAY, now + DAY, now + 2 * DAY, now + 3 * DAY),
                supports_per_person=3 if spec["key"] != "seniors" else None),
            moderation_mode=ModerationMode.POST, moderation_charter=CHARTER,
            publish=spec["phase"] != "draft")
        counts["défis"] += 1
        if not spec["ideas"]:
            _set_phase(challenge, spec["phase"])
            continue
        _set_phase(challenge, "ideas")
        themes = {t.name: t.id for t in challenge.themes}
        ideas = []
        for n, (title, body, theme) in enumerate(spec["ideas"]):
            author = citizens[(n * 5 + len(title)) % len(citizens)]
            # The idea's territory is where it applies, never where its author lives.
            ideas.append(submit_idea(author, challenge, title=title, body=body,
                                     theme_id=themes.get(theme),
                                     territory_id=val_doise if n % 2 == 0 else None))
            counts["idées"] += 1
        if spec["phase"] != "ideas":
            _set_phase(challenge, "supports")
            for c, citizen in enumerate(citizens):
                for idea in ideas[c % 3:: 2][:2]:
                    if idea.author_id != citizen.id:
                        cast_support(citizen, idea)
                        counts["soutiens"] += 1
        for n, (index, text) in enumerate(COMMENTS.get(spec["key"], [])):
            post_comment(citizens[(n + 3) % len(citizens)], ideas[index], text)
            counts["commentaires"] += 1
        if spec["key"] == "cni":  # something for the moderators' queue
            from consult.comments.models import ReportReason
            from consult.comments.operations import report

            for reporter, reason in ((citizens[7], ReportReason.OFF_TOPIC),
                                     (citizens[8], ReportReason.SPAM)):
                report(reporter, ideas[1], reason, "Ce n'est pas le sujet du défi.")
        _set_phase(challenge, spec["phase"])
        _date_within_phases(challenge, ideas)
        if spec["key"] == "cantine":
            counts["cahiers"] = _results_and_brief(admin, challenge, ideas,
                                                   organisations["lab"])
    return counts


def _date_within_phases(challenge: Challenge, ideas) -> None:
    """The demo runs in a moment; its story does not: ideas dated during submission,
    supports during the vote, comments after the idea they answer."""
    from sqlalchemy import update

    from consult.challenges.phases import Phase
    from consult.comments.models import Comment
    from consult.ideas.models import Idea, Support

    ideas_phase, vote = challenge.phase_of(Phase.IDEAS), challenge.phase_of(Phase.SUPPORTS)
    submission = ideas_phase.ends_at - ideas_phase.starts_at
    for n, idea in enumerate(ideas):
        when = ideas_phase.starts_at + submission * (n + 1) / (len(ideas) + 2)
        db.session.execute(update(Idea).where(Idea.id == idea.id).values(
            created_at=when, published_at=when))
        db.session.execute(update(Comment).where(Comment.idea_id == idea.id).values(
            created_at=when + DAY / 3))
    db.session.execute(update(Support).where(Support.challenge_id == challenge.id).values(
        created_at=vote.starts_at + (vote.ends_at - vote.starts_at) / 3))
    db.session.expire_all()


def _results_and_brief(admin, challenge, ideas, lab) -> int:
    """The closed challenge's results are published (its two best ideas selected, with
    their justification), then those ideas become a prototype brief, in prototyping."""
    from consult.briefs.models import BriefStatus
    from consult.briefs.operations import change_status, convert_to_brief, post_update
    from consult.ideas.results import publish_results

    winners = sorted(ideas, key=lambda idea: -idea.supports_count)[:2]
    publish_results(admin, challenge, "Merci aux familles qui ont participé : deux idées "
                    "sont retenues et seront prototypées avec le laboratoire du département.",
                    {idea.id: "Retenue : elle sera prototypée avec le laboratoire."
                     for idea in winners})
    today = utcnow().date()
    brief = convert_to_brief(
        admin, winners, lab, title="Inscription unique à la cantine, tarif calculé",
        problem_statement="Les familles remplissent des dossiers différents selon les "
                          "collèges et doivent prouver leurs revenus chaque année.",
        users_and_needs="Les familles de collégiens, en particulier celles qui ont plusieurs "
                        "enfants dans des collèges différents.",
        proposed_solution="Un formulaire en ligne unique pour tout le département ; avec "
                          "l'accord de la famille, le tarif est calculé automatiquement.",
        hypotheses="- Les familles acceptent le calcul automatique du tarif.\n"
                   "- Le temps d'inscription passe sous 10 minutes.",
        success_indicators="Taux de dossiers complets au premier envoi ; temps moyen.",
        legal_constraints="Consentement explicite pour l'échange de données (RGPD).",
        team="Laboratoire d'innovation publique (démo) et direction de l'éducation",
        milestones=[("Premier prototype papier", today + 15 * DAY),
                    ("Tests avec 10 familles", today + 45 * DAY)])
    change_status(admin, brief, BriefStatus.PUBLISHED, "Le cahier est publié.")
    change_status(admin, brief, BriefStatus.PROTOTYPING, "Le laboratoire commence le prototype.")
    post_update(admin, brief, "Deux ateliers avec des familles sont prévus le mois prochain.")
    return 1
