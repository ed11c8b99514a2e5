"""Invented French demo data (``flask --app consult demo``). Nothing here is real: the
people, the organisations' teams and their e-mail addresses are made up."""

from __future__ import annotations

from sqlalchemy import select

from consult.accounts.models import User
from consult.core.passwords import hash_password
from consult.db import db, utcnow
from consult.moderation import backlog
from consult.organisations.models import MembershipRole, OrganisationKind
from consult.organisations.operations import add_member, create_organisation
from consult.territories.models import Territory, TerritoryKind
from consult.territories.reference import search_key

DEMO_PASSWORD = "demo-consult-2026"  # noqa: S105 - documented demo password

CITIZENS = [
    ("Camille", "95"), ("Yasmine", "93"), ("Théo", "75"), ("Louise", "69"),
    ("Mamadou", "95"), ("Chloé", "13"), ("Hugo", "59"), ("Inès", "33"),
    ("Nathan", "31"), ("Léa", "95"), ("Karim", "93"), ("Manon", "44"),
]
# what some of them declared in their profile (representativeness): the rest said nothing
DECLARED = {"Camille": ("40_59", "f"), "Yasmine": ("20_39", "f"), "Théo": ("20_39", "m"),
            "Louise": ("60_74", "f"), "Mamadou": ("40_59", "m"), "Chloé": ("20_39", "f"),
            "Hugo": ("20_39", "m"), "Inès": ("40_59", "f"), "Léa": ("20_39", "f"),
            "Karim": ("40_59", "m")}


def _departement(code: str) -> Territory | None:
    return db.session.scalar(select(Territory).where(
        Territory.kind == TerritoryKind.DEPARTEMENT, Territory.code == code))


def _person(email: str, name: str, territory_code: str | None = None, **extra) -> User:
    territory = _departement(territory_code) if territory_code else None
    user = User(email=email, display_name=name, password_hash=_demo_hash(),
                email_confirmed_at=utcnow(), password_changed_at=utcnow(),
                territory_id=territory.id if territory else None, **extra)
    db.session.add(user)
    return user


_HASH: list[str] = []


def _demo_hash() -> str:
    if not _HASH:  # one argon2 computation for every demo account
        _HASH.append(hash_password(DEMO_PASSWORD))
    return _HASH[0]


def load_demo() -> dict[str, int]:
    admin = _person("admin@demo.consult.example", "Administratrice de la plateforme",
                    is_platform_admin=True)
    citizens = [_person(f"{search_key(name)}@demo.consult.example", name, dep,
                        age_band=DECLARED.get(name, (None, None))[0],
                        gender=DECLARED.get(name, (None, None))[1])
                for name, dep in CITIZENS]
    db.session.flush()
    val_doise = _departement("95")
    organisations = {
        "dep95": create_organisation(
            admin, name="Département du Val-d'Oise (démo)", kind=OrganisationKind.DEPARTEMENT,
            territory_id=val_doise.id if val_doise else None,
            description="Collectivité de démonstration : solidarités, collèges, routes."),
        "lab": create_organisation(
            admin, name="Laboratoire d'innovation publique (démo)",
            kind=OrganisationKind.LABORATOIRE,
            description="Laboratoire de démonstration : il prototype et teste avec les usagers."),
        "cergy": create_organisation(
            admin, name="Ville de Cergy (démo)", kind=OrganisationKind.COMMUNE,
            territory_id=val_doise.id if val_doise else None,
            description="Commune de démonstration : écoles, périscolaire, accueil."),
        "prefecture": create_organisation(
            admin, name="Préfecture du Val-d'Oise (démo)", kind=OrganisationKind.SERVICE_ETAT,
            description="Service de l'État de démonstration : titres, accueil des usagers."),
    }
    staff = [
        ("agnes.admin@demo.consult.example", "Agnès (Département)", "dep95",
         MembershipRole.ADMIN),
        ("bruno.agent@demo.consult.example", "Bruno (Département)", "dep95",
         MembershipRole.AGENT),
        ("claire.lab@demo.consult.example", "Claire (Labo)", "lab", MembershipRole.ADMIN),
        ("david.pref@demo.consult.example", "David (Préfecture)", "prefecture",
         MembershipRole.ADMIN),
        ("mairie.cergy@demo.consult.example", "Élise (Mairie de Cergy)", "cergy",
         MembershipRole.ADMIN),
    ]
    agents = 0
    for email, name, org_key, role in staff:
        user = _person(email, name)
        db.session.flush()
        add_member(admin, organisations[org_key], user, role)
        agents += 1
    db.session.flush()
    summary = {"organisations": len(organisations), "citoyens": len(citizens),
               "agents": agents}
    for extend in DEMO_EXTENSIONS:
        for what, count in extend(admin=admin, citizens=citizens,
                                  organisations=organisations).items():
            summary[what] = summary.get(what, 0) + count
    # the demonstration back-dates its ideas and comments (its story spans weeks): the
    # moderation queue is written again from them
    backlog.rebuild()
    return summary


def _participation(**context):
    from consult.demo_participation import load_challenges

    return load_challenges(**context)


# Each domain adds its demo content here (briefs come with issue 5).
def _surveys(**context):
    from consult.surveys.demo import load_surveys

    return load_surveys(**context)


def _events(**context):
    from consult.events.demo import load_events

    return load_events(**context)


def _labs(**context):
    from consult.labs.demo import load_labs

    return load_labs(**context)


def _pairwise(**context):
    from consult.pairwise.demo import load_pairwise

    return load_pairwise(**context)


def _statements(**context):
    from consult.statements.demo import load_statements

    return load_statements(**context)


def _topics(**context):
    from consult.topics.demo import load_topics

    return load_topics(**context)


DEMO_EXTENSIONS: list = [_participation, _surveys, _events, _labs, _pairwise, _statements,
                         _topics]

