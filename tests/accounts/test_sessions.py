import pytest

from consult.accounts.models import AuthSession
from consult.db import db
from tests.conftest import login, post_form, same_page
from tests.factories import PASSWORD, UserFactory


def sign_in(client, email, password=PASSWORD, next_url=""):
    return post_form(client, "/connexion", {"email": email, "password": password,
                                            "next": next_url})


def test_login_and_logout(client):
    user = UserFactory(email="lea@exemple.fr")
    response = sign_in(client, "LEA@exemple.fr")
    assert response.status_code == 302
    assert client.get("/compte").status_code == 200
    response = post_form(client, "/deconnexion")
    assert response.status_code == 302
    assert client.get("/compte").status_code == 302  # back to the login page
    assert db.session.query(AuthSession).filter_by(user_id=user.id).count() == 0


def test_wrong_password_and_unknown_address_look_the_same(client):
    UserFactory(email="lea@exemple.fr")
    wrong = sign_in(client, "lea@exemple.fr", "mauvais mot de passe")
    unknown = sign_in(client, "personne@exemple.fr", "mauvais mot de passe")
    assert wrong.status_code == unknown.status_code == 422
    assert "Adresse e-mail ou mot de passe incorrect." in wrong.text
    assert same_page(wrong, unknown, ("lea@", "X@"), ("personne@", "X@"))
    assert 'value="lea@exemple.fr"' in wrong.text  # what was typed is kept


def test_a_cookie_copied_before_logout_no_longer_works_after(client, app):
    UserFactory(email="lea@exemple.fr")
    sign_in(client, "lea@exemple.fr")
    stolen = client.get_cookie("consult").value
    post_form(client, "/deconnexion")

    thief = app.test_client()
    thief.set_cookie("consult", stolen)
    assert thief.get("/compte").status_code == 302


def test_password_change_ends_every_other_session(client, app):
    user = UserFactory(email="lea@exemple.fr")
    other_device = app.test_client()
    login(other_device, user)
    assert other_device.get("/compte").status_code == 200
    sign_in(client, "lea@exemple.fr")

    response = post_form(client, "/compte/mot-de-passe", {
        "current_password": PASSWORD, "new_password": "un tout nouveau mot de passe"})
    assert response.status_code == 302
    assert client.get("/compte").status_code == 200  # this browser stays signed in
    assert other_device.get("/compte").status_code == 302  # the other one is out


def test_password_change_with_wrong_current_password(client):
    user = UserFactory()
    login(client, user)
    response = post_form(client, "/compte/mot-de-passe", {
        "current_password": "pas le bon", "new_password": "un tout nouveau mot de passe"})
    assert response.status_code == 422
    assert "Mot de passe actuel incorrect." in response.text


@pytest.mark.parametrize("target", [
    "//evil.example", "https://evil.example", "/\\evil.example", "javascript:alert(1)",
    "%2F%2Fevil.example", "/%2F%2Fevil.example", "%252F%252Fevil.example",
    "\\\\evil.example", "/\t/evil.example", "http:evil.example", " //evil.example",
])
def test_login_next_never_leaves_the_site(client, target):
    UserFactory(email="lea@exemple.fr")
    response = sign_in(client, "lea@exemple.fr", next_url=target)
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location == "/", location


def test_login_next_inside_the_site_is_followed(client):
    UserFactory(email="lea@exemple.fr")
    response = sign_in(client, "lea@exemple.fr", next_url="/compte?onglet=securite")
    assert response.headers["Location"] == "/compte?onglet=securite"


def test_deleted_account_cannot_log_in(client):
    from consult.accounts.operations import erase_account

    user = UserFactory(email="lea@exemple.fr")
    erase_account(user)
    assert sign_in(client, "lea@exemple.fr").status_code == 422


def test_pages_needing_an_account_send_to_login_with_next(client):
    response = client.get("/compte")
    assert response.status_code == 302
    assert "/connexion?next=%2Fcompte" in response.headers["Location"]
