import io

from PIL import Image
from sqlalchemy import select

from consult.challenges.models import Challenge, CharterRule, ModerationMode
from consult.challenges.phases import Phase
from consult.db import db
from consult.organisations.models import MembershipRole
from tests.conftest import login, post_form
from tests.factories import ChallengeFactory, OrganisationFactory, agent_of


def calendar(*rows) -> dict:
    """The editor's calendar rows as a browser posts them: (kind, start, end)."""
    data = {}
    for i, (kind, start, end) in enumerate(rows):
        data.update({f"phases-{i}-kind": kind, f"phases-{i}-starts_at": start,
                     f"phases-{i}-ends_at": end or "", f"phases-{i}-title": ""})
    return data


CLASSIC = calendar(("ideas", "2030-01-10T09:00", "2030-02-10T09:00"),
                   ("supports", "2030-02-10T09:00", "2030-03-10T09:00"),
                   ("review", "2030-03-10T09:00", "2030-04-10T09:00"),
                   ("results", "2030-04-10T09:00", None), ("", "", None))

FORM = {
    "title": "Comment simplifier la demande de carte d'identité ?",
    "service": "Délivrance des titres d'identité",
    "problem": "Les délais de rendez-vous dépassent six semaines dans le département.",
    "audience": "Toute personne qui renouvelle sa carte.", "context": "",
    "themes": "Accueil, Rendez-vous, Accueil", "territory": "95",
    **CLASSIC, "supports_per_person": "3", "moderation_charter": "Soyez courtois.",
    "charter_rules": "Propos injurieux\nHors sujet\n", "cover_alt": "",
}


def png(color="red", exif=False) -> io.BytesIO:
    buffer = io.BytesIO()
    image = Image.new("RGB", (40, 20), color)
    kwargs = {}
    if exif:
        data = Image.Exif()
        data[0x010E] = "Description secrète"  # ImageDescription
        kwargs["exif"] = data
    image.save(buffer, format="JPEG" if exif else "PNG", **kwargs)
    buffer.seek(0)
    return buffer


def test_an_agent_launches_a_challenge_as_a_draft_then_publishes_it(client, app):
    organisation, partner = OrganisationFactory(), OrganisationFactory(name="Labo partenaire")
    agent = agent_of(organisation)
    login(client, agent)
    data = dict(FORM, organisations=[str(organisation.id), str(partner.id)],
                pre_moderation="y", cover=(png(), "couverture.png"),
                cover_alt="Une file d'attente devant un guichet")
    response = post_form(client, f"/espace/{organisation.slug}/defis/nouveau", data,
                         content_type="multipart/form-data")
    assert response.status_code == 302, response.text
    challenge = db.session.scalar(select(Challenge))
    assert challenge.published_at is None and challenge.phase == Phase.DRAFT
    assert {o.id for o in challenge.organisations} == {organisation.id}  # partner: invited
    from consult.challenges.co_ownership import pending_proposals

    assert [p.organisation_id for p in pending_proposals(challenge)] == [partner.id]
    assert sorted(t.name for t in challenge.themes) == ["Accueil", "Rendez-vous"]
    assert challenge.moderation_mode == ModerationMode.PRE and challenge.supports_per_person == 3
    assert challenge.timeline()[0].starts_at.hour == 8  # 9:00 in Paris in winter is 8:00 UTC
    assert [p.kind for p in challenge.timeline()] == [Phase.IDEAS, Phase.SUPPORTS,
                                                      Phase.REVIEW, Phase.RESULTS]
    rules = db.session.scalars(select(CharterRule.label).where(
        CharterRule.challenge_id == challenge.id).order_by(CharterRule.position)).all()
    assert rules == ["Propos injurieux", "Hors sujet"]
    assert app.test_client().get(f"/defis/{challenge.slug}").status_code == 404  # draft
    preview = client.get(f"/defis/{challenge.slug}").text
    assert "Brouillon : aperçu visible par les agents seulement" in preview
    cover = client.get(f"/medias/{challenge.cover_image}")
    assert cover.status_code == 200 and cover.mimetype == "image/png"
    assert 'alt="Une file d&#39;attente devant un guichet"' in preview
    assert post_form(client, f"/defis/{challenge.slug}/publier").status_code == 302
    db.session.refresh(challenge)
    assert challenge.phase == Phase.ANNOUNCED
    assert app.test_client().get(f"/defis/{challenge.slug}").status_code == 200


def test_bad_input_is_explained_and_nothing_saved(client):
    organisation = OrganisationFactory()
    login(client, agent_of(organisation))
    data = dict(FORM, organisations=[str(organisation.id)], title="",
                **{"phases-1-starts_at": "2030-01-01T09:00"},
                cover=(io.BytesIO(b"pas une image"), "x.png"))
    response = post_form(client, f"/espace/{organisation.slug}/defis/nouveau", data,
                         content_type="multipart/form-data")
    assert response.status_code == 422
    assert "« Vote » ne peut pas commencer avant « Dépôt des idées »" in response.text
    assert "Décrivez l’image" in response.text
    assert "Les délais de rendez-vous dépassent six semaines" in response.text  # kept
    assert db.session.scalar(select(Challenge)) is None
    data = dict(FORM, organisations=[str(organisation.id)],
                cover=(io.BytesIO(b"pas une image"), "x.png"), cover_alt="Une image")
    response = post_form(client, f"/espace/{organisation.slug}/defis/nouveau", data,
                         content_type="multipart/form-data")
    assert response.status_code == 422 and "n’est pas une image" in response.text
    assert db.session.scalar(select(Challenge)) is None


def test_cover_metadata_is_stripped(client, app):
    from pathlib import Path

    organisation = OrganisationFactory()
    login(client, agent_of(organisation))
    data = dict(FORM, organisations=[str(organisation.id)],
                cover=(png(exif=True), "photo.jpg"), cover_alt="Une photo")
    post_form(client, f"/espace/{organisation.slug}/defis/nouveau", data,
              content_type="multipart/form-data")
    challenge = db.session.scalar(select(Challenge))
    stored = Path(app.config["INSTANCE_PATH"]) / "media" / challenge.cover_image
    with Image.open(stored) as image:
        assert not image.getexif()
    assert "secrète".encode() not in stored.read_bytes()


def test_editing_keeps_ideas_themes_and_moves_dates(client):
    organisation = OrganisationFactory()
    challenge = ChallengeFactory(phase="ideas", organisations=[organisation])
    login(client, agent_of(organisation))
    page = client.get(f"/defis/{challenge.slug}/modifier")
    assert page.status_code == 200 and challenge.title in page.text
    data = dict(FORM, organisations=[str(organisation.id)], title="Un titre modifié")
    assert post_form(client, f"/defis/{challenge.slug}/modifier", data).status_code == 302
    db.session.refresh(challenge)
    assert challenge.title == "Un titre modifié" and challenge.phase == Phase.ANNOUNCED


def test_an_agent_cannot_launch_for_another_organisation(client):
    mine, other = OrganisationFactory(), OrganisationFactory()
    login(client, agent_of(mine))
    assert client.get(f"/espace/{other.slug}/defis/nouveau").status_code == 403
    data = dict(FORM, organisations=[str(other.id)])
    response = post_form(client, f"/espace/{mine.slug}/defis/nouveau", data)
    assert response.status_code == 422 and "Votre organisation doit faire partie" in response.text


def test_an_organisation_administrator_closes_a_phase_early(client, app):
    organisation = OrganisationFactory()
    challenge = ChallengeFactory(phase="supports", organisations=[organisation])
    agent = app.test_client()
    login(agent, agent_of(organisation))
    assert post_form(agent, f"/defis/{challenge.slug}/clore-phase").status_code == 403
    login(client, agent_of(organisation, MembershipRole.ADMIN))
    assert post_form(client, f"/defis/{challenge.slug}/clore-phase").status_code == 302
    db.session.refresh(challenge)
    assert challenge.phase == Phase.REVIEW
