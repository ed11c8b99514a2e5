"""Who takes part in a challenge against its territory's population (issue 22): groups
by territory, age band and gender, the score (lowest rate over highest), small counts
never shown, the missing groups, and the page and dashboard that tell the agents."""

from __future__ import annotations

from sqlalchemy import select

from consult.accounts.models import AgeBand, Gender
from consult.challenges.operations import ensure_participation
from consult.db import db
from consult.representativeness import reference
from consult.representativeness.report import representativeness
from consult.territories.models import Territory, TerritoryKind
from tests.conftest import login, post_form
from tests.factories import ChallengeFactory, OrganisationFactory, UserFactory, agent_of


def _territory(kind: TerritoryKind, code: str) -> Territory:
    return db.session.scalar(select(Territory).where(Territory.kind == kind,
                                                     Territory.code == code))


def _people(challenge, count: int, territory=None, age=None, gender=None):
    for _ in range(count):
        user = UserFactory(territory_id=territory.id if territory else None,
                           age_band=age, gender=gender)
        db.session.flush()
        ensure_participation(user, challenge)


def _val_d_oise_challenge():
    dep = _territory(TerritoryKind.DEPARTEMENT, "95")
    cergy = _territory(TerritoryKind.COMMUNE, "95127")
    pontoise = _territory(TerritoryKind.COMMUNE, "95500")
    small = _territory(TerritoryKind.COMMUNE, "95002")  # Ableiges
    paris = _territory(TerritoryKind.COMMUNE, "75056")
    challenge = ChallengeFactory(territory=dep, phase="supports")
    _people(challenge, 6, cergy, AgeBand.FROM_20, Gender.WOMAN)
    _people(challenge, 1, pontoise, AgeBand.FROM_75, Gender.MAN)
    _people(challenge, 5, small, AgeBand.FROM_40, Gender.MAN)
    _people(challenge, 2, paris, AgeBand.FROM_20, Gender.WOMAN)
    _people(challenge, 1, dep, None, Gender.OTHER)
    _people(challenge, 1)
    db.session.commit()
    return challenge, dep, cergy, pontoise, small


def test_a_departement_challenge_is_compared_by_commune_age_and_gender():
    challenge, dep, cergy, pontoise, small = _val_d_oise_challenge()
    report = representativeness(challenge)
    assert report.participants == 16 and report.scope == "Val-d'Oise (département 95)"
    by_key = {d.key: d for d in report.dimensions}
    places = by_key["territoire"]
    groups = {g.key: g for g in places.groups}
    assert cergy.population >= 10_000 and small.population < 10_000
    assert groups[str(cergy.id)].participants == 6
    assert groups[str(pontoise.id)].participants == 1 and groups[str(pontoise.id)].suppressed
    others = groups["others"]
    assert others.participants == 5
    communes = db.session.scalars(select(Territory.population).where(
        Territory.parent_id == dep.id, Territory.population < 10_000)).all()
    assert others.population == sum(communes)
    assert places.aside == {"habitent hors du territoire": 2,
                            "ont indiqué un territoire plus large": 1,
                            "territoire non renseigné": 1}
    # the score leaves the hidden count (Pontoise: 1) out; communes with nobody count
    shown = [g for g in places.groups if not g.suppressed]
    assert any(g.participants == 0 for g in shown) and places.score == 0
    # missing only when sure: Pontoise's hidden count (up to 4) may be above half the
    # overall rate; Argenteuil, 100 000 people and nobody, is missing
    labels = [g.label for g in places.missing]
    assert "Argenteuil" in labels and "Pontoise" not in labels and "Cergy" not in labels
    assert places.missing[0].population >= places.missing[-1].population  # biggest first
    # age and gender: the département's INSEE structure; people outside are left out
    age = by_key["age"]
    structure = reference.structure(["95"])
    bands = {g.key: g for g in age.groups}
    assert bands["20_39"].participants == 6 and bands["40_59"].participants == 5
    assert bands["20_39"].population == sum(
        n for (_sex, band), n in structure.items() if band == AgeBand.FROM_20)
    assert bands["75_plus"].suppressed and bands["0_19"].participants == 0
    assert age.aside == {"non renseigné": 2}
    assert age.score == 0  # nobody under 20 (the band counts children too)
    gender = by_key["genre"]
    women, men = gender.groups
    assert (women.participants, men.participants) == (6, 6)
    assert gender.aside == {"autre réponse": 1, "non renseigné": 1}
    expected = min(women.rate, men.rate) / max(women.rate, men.rate)
    assert abs(gender.score - expected) < 1e-9 and 0.8 < gender.score < 1
    assert abs(women.rate - 6 / women.population) < 1e-9
    assert gender.per == 1_000_000  # 6 of 668 995 women: « 9,0 pour 1 000 000 »
    assert gender.missing == []


def test_a_national_challenge_is_compared_by_region_and_a_region_by_departement():
    national = ChallengeFactory(phase="supports")
    idf = _territory(TerritoryKind.REGION, "11")
    region = ChallengeFactory(phase="supports", territory=idf)
    saint_denis = _territory(TerritoryKind.COMMUNE, "93066")
    spm = _territory(TerritoryKind.DEPARTEMENT, "975")  # Saint-Pierre-et-Miquelon
    for challenge in (national, region):
        _people(challenge, 5, saint_denis, AgeBand.FROM_20, Gender.MAN)
        _people(challenge, 1, spm)
    db.session.commit()
    report = representativeness(national)
    places = report.dimensions[0]
    assert places.title == "Par région" and len(places.groups) == 18
    assert sum(g.population for g in places.groups) == reference.population(
        reference.departements())
    assert [g.label for g in places.groups if g.participants] == ["Île-de-France"]
    assert places.aside == {"vivent dans une collectivité d’outre-mer, hors des chiffres "
                            "de l’Insee": 1}
    assert report.dimensions[1].aside == {}  # outside the INSEE's figures: not compared
    by_dep = representativeness(region).dimensions[0]
    assert by_dep.title == "Par département" and len(by_dep.groups) == 8
    seine_saint_denis = next(g for g in by_dep.groups if g.participants)
    assert seine_saint_denis.population == reference.population(["93"])
    assert by_dep.aside == {"habitent hors du territoire": 1}


def test_a_commune_challenge_uses_its_departement_structure():
    cergy = _territory(TerritoryKind.COMMUNE, "95127")
    challenge = ChallengeFactory(phase="supports", territory=cergy)
    _people(challenge, 5, cergy, AgeBand.FROM_60, Gender.WOMAN)
    db.session.commit()
    report = representativeness(challenge)
    assert [d.key for d in report.dimensions] == ["age", "genre"]  # no smaller places
    total = sum(g.population for g in report.dimensions[0].groups)
    assert abs(total - cergy.population) <= 5  # rounded per cell
    assert "structure du département" in report.dimensions[0].source


def test_nobody_yet():
    report = representativeness(ChallengeFactory(phase="supports"))
    assert report.participants == 0 and report.missing == []
    assert all(d.score is None for d in report.dimensions)


def test_the_page_is_for_the_challenge_agents_and_never_shows_small_counts(client, app):
    organisation = OrganisationFactory()
    challenge, *_rest = _val_d_oise_challenge()
    challenge.organisations = [organisation]
    agent = agent_of(organisation)
    stranger_agent = agent_of(OrganisationFactory())
    citizen = UserFactory()
    db.session.commit()
    path = f"/defis/{challenge.slug}/representativite"
    assert client.get(path).status_code == 302  # sign in first
    login(client, citizen)
    assert client.get(path).status_code == 403
    login(client, stranger_agent)
    assert client.get(path).status_code == 403
    login(client, agent)
    page = client.get(path)
    assert page.status_code == 200
    text = page.text
    assert "Qui manque" in text and 'role="img"' in text and "Pontoise" in text
    assert "moins de 5" in text and "<td>1</td>" not in text  # Pontoise's one person
    assert "16 participants au défi" in text
    assert "Organiser un événement sur ce territoire" in text
    assert "commune=Argenteuil+(95)" in text and f"defi={challenge.id}" in text
    assert "Source : Insee" in text
    # the event form takes the suggestion
    form = client.get(f"/evenements/nouveau?organisation={organisation.slug}"
                      f"&defi={challenge.id}&commune=Pontoise+%2895%29").text
    assert 'value="Pontoise (95)"' in form
    assert f'<option selected value="{challenge.id}">' in form
    # and the dashboard sums it up
    board = client.get(f"/espace/{organisation.slug}/tableau-de-bord").text
    assert "Qui participe, qui manque" in board and "Argenteuil" in board
    assert f"/defis/{challenge.slug}/representativite" in board


def test_a_person_declares_age_band_and_gender_or_not(client):
    user = UserFactory()
    db.session.commit()
    login(client, user)
    page = client.get("/compte")
    assert "Tranche d’âge (facultatif)" in page.text and "Je préfère ne pas répondre" in page.text
    bad = post_form(client, "/compte", {"display_name": "", "age_band": "99_plus",
                                        "gender": "f", "locale": "fr"})
    assert bad.status_code == 422 and "Not a valid choice" not in bad.text
    db.session.refresh(user)
    assert user.age_band is None and user.gender is None  # nothing half-saved
    ok = post_form(client, "/compte", {"display_name": "Camille", "age_band": "40_59",
                                       "gender": "f", "locale": "fr"})
    assert ok.status_code == 302
    db.session.refresh(user)
    assert user.age_band == AgeBand.FROM_40 and user.gender == Gender.WOMAN
    export = client.get("/compte/mes-donnees.json").json["account"]
    assert export["age_band"] == "40_59" and export["gender"] == "f"
    post_form(client, "/compte", {"display_name": "Camille", "age_band": "", "gender": "",
                                  "locale": "fr"})
    db.session.refresh(user)
    assert user.age_band is None and user.gender is None  # taking it back is possible
