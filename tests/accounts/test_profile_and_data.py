import json

from sqlalchemy import func, select

from consult.accounts.models import User
from consult.audit.operations import log_action
from consult.core.outbox import OutboxMessage
from consult.db import db
from tests.conftest import login, post_form
from tests.factories import PASSWORD, MembershipFactory, OrganisationFactory, UserFactory


def test_edit_profile_with_a_commune(client):
    user = UserFactory()
    login(client, user)
    response = post_form(client, "/compte", {"display_name": "Camille M.", "territory": "cergy",
                                             "locale": "fr", "digest_opt_in": "y"})
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.display_name == "Camille M."
    assert user.territory.label == "Cergy (95)"
    assert user.digest_opt_in


def test_profile_accepts_a_departement_number_and_a_label(client):
    user = UserFactory()
    login(client, user)
    post_form(client, "/compte", {"display_name": "Camille", "territory": "93", "locale": "fr"})
    db.session.refresh(user)
    assert user.territory.label == "Seine-Saint-Denis (département 93)"
    post_form(client, "/compte", {"display_name": "Camille", "territory": "Saint-Denis (974)",
                                  "locale": "fr"})
    db.session.refresh(user)
    assert user.territory.code == "97411"


def test_ambiguous_territory_lists_the_candidates_and_saves_nothing(client):
    user = UserFactory(display_name="Avant")
    login(client, user)
    response = post_form(client, "/compte", {"display_name": "Après", "territory": "Saint-Denis",
                                             "locale": "fr"})
    assert response.status_code == 422
    assert "Saint-Denis (93)" in response.text and "Saint-Denis (974)" in response.text
    assert 'value="Après"' in response.text
    db.session.refresh(user)
    assert user.display_name == "Avant"


def test_unknown_territory(client):
    login(client, UserFactory())
    response = post_form(client, "/compte", {"display_name": "Camille",
                                             "territory": "Atlantide", "locale": "fr"})
    assert response.status_code == 422
    assert "Territoire inconnu" in response.text


def test_profile_in_english(client):
    user = UserFactory()
    login(client, user)
    post_form(client, "/compte", {"display_name": "Camille", "territory": "", "locale": "en"})
    assert "My account" in client.get("/compte").text


def test_export_contains_everything_about_me_and_nothing_about_others(client):
    me = UserFactory(email="moi@exemple.fr", display_name="Moi")
    other = UserFactory(email="autre@exemple.fr", display_name="Quelqu'un d'autre")
    organisation = OrganisationFactory(name="Mairie de démonstration")
    MembershipFactory(user=me, organisation=organisation)
    MembershipFactory(user=other, organisation=organisation)
    login(client, me)
    response = client.get("/compte/mes-donnees.json")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    data = json.loads(response.data)
    assert data["account"]["email"] == "moi@exemple.fr"
    assert data["memberships"] == [
        {"organisation": "Mairie de démonstration", "role": "agent",
         "since": data["memberships"][0]["since"]}]
    assert len(data["sessions"]) == 1
    text = response.get_data(as_text=True)
    assert "autre@exemple.fr" not in text and "Quelqu'un d'autre" not in text
    assert "password" not in json.dumps(data["account"]).replace("password_changed_at", "")


def test_delete_account_erases_personal_data_and_keeps_the_row(client):
    user = UserFactory(email="moi@exemple.fr", display_name="Moi")
    organisation = OrganisationFactory()
    MembershipFactory(user=user, organisation=organisation)
    log_action(user, "organisation.update", organisation, organisation_id=organisation.id)
    login(client, user)
    response = post_form(client, "/compte/supprimer", {"password": PASSWORD, "confirm": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    erased = db.session.get(User, user.id)
    assert erased.email is None and erased.password_hash is None
    assert erased.display_name == "" and erased.deleted_at is not None
    assert erased.public_name == "Compte supprimé"
    assert erased.memberships == []
    assert db.session.scalar(select(func.count(OutboxMessage.id))
                             .where(OutboxMessage.to_address == "moi@exemple.fr")) == 0
    assert client.get("/compte").status_code == 302  # signed out


def test_delete_account_needs_the_password_and_the_checkbox(client):
    user = UserFactory()
    login(client, user)
    response = post_form(client, "/compte/supprimer", {"password": "pas le bon", "confirm": "y"})
    assert response.status_code == 422
    response = post_form(client, "/compte/supprimer", {"password": PASSWORD})
    assert response.status_code == 422
    db.session.refresh(user)
    assert user.deleted_at is None


def test_unconfirmed_people_see_how_to_confirm(client):
    user = UserFactory(email_confirmed_at=None)
    login(client, user)
    page = client.get("/").text
    assert "Confirmez votre adresse e-mail" in page
    response = post_form(client, "/compte/renvoyer-confirmation")
    assert response.status_code == 302


def test_deleting_an_account_keeps_the_vote_totals(client):
    from consult.ideas.models import Idea
    from consult.integrity import run_checks
    from tests.factories import ChallengeFactory, IdeaFactory

    challenge = ChallengeFactory(phase="supports", supports_per_person=None)
    ideas = [IdeaFactory(challenge=challenge) for _ in range(2)]
    user = UserFactory(email="votant@exemple.fr")
    login(client, user)
    for idea in ideas:
        assert post_form(client, f"/idees/{idea.id}/soutenir").status_code == 302
    response = post_form(client, "/compte/supprimer", {"password": PASSWORD, "confirm": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    assert [db.session.get(Idea, i.id).supports_count for i in ideas] == [1, 1]
    assert db.session.get(User, user.id).email is None
    assert run_checks() == []  # counters still equal their rows
