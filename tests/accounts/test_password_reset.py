from datetime import timedelta

from consult.core.passwords import verify_password
from consult.db import db
from tests.conftest import link_in, login, mails_to, post_form, same_page
from tests.factories import UserFactory

NEW = "mon nouveau mot de passe"


def ask_reset(client, email):
    return post_form(client, "/mot-de-passe-oublie", {"email": email})


def test_reset_through_the_mailed_link(client, app):
    user = UserFactory(email="lea@exemple.fr")
    other_device = app.test_client()
    login(other_device, user)
    response = ask_reset(client, "lea@exemple.fr")
    assert response.status_code == 200
    [mail] = mails_to("lea@exemple.fr", "accounts/reset_password")
    link = link_in(mail, "/mot-de-passe/")

    assert client.get(link).status_code == 200
    response = post_form(client, link, {"password": NEW})
    assert response.status_code == 302
    db.session.refresh(user)
    assert verify_password(user.password_hash, NEW)
    assert other_device.get("/compte").status_code == 302  # every session ended
    assert mails_to("lea@exemple.fr", "accounts/password_changed")

    # the link works once only
    again = client.get(link)
    assert again.status_code == 400
    assert "Ce lien n’est pas valide" in again.text


def test_reset_page_does_not_reveal_whether_an_address_is_registered(client):
    UserFactory(email="lea@exemple.fr")
    known = ask_reset(client, "lea@exemple.fr")
    unknown = ask_reset(client, "inconnu@exemple.fr")
    assert known.status_code == unknown.status_code == 200
    assert same_page(known, unknown, ("lea@", "X@"), ("inconnu@", "X@"))
    assert mails_to("inconnu@exemple.fr") == []


def test_expired_or_forged_reset_link(client, app, monkeypatch):
    UserFactory(email="lea@exemple.fr")
    ask_reset(client, "lea@exemple.fr")
    [mail] = mails_to("lea@exemple.fr", "accounts/reset_password")
    monkeypatch.setitem(app.config, "TOKEN_MAX_AGE_RESET", timedelta(seconds=-1))
    response = client.get(link_in(mail, "/mot-de-passe/"))
    assert response.status_code == 400 and "Ce lien a expiré" in response.text
    forged = client.get("/mot-de-passe/eyJ1aWQiOjF9.forged.sig")
    assert forged.status_code == 400 and "Ce lien n’est pas valide" in forged.text


def test_reset_with_weak_password_keeps_the_link_usable(client):
    UserFactory(email="lea@exemple.fr")
    ask_reset(client, "lea@exemple.fr")
    [mail] = mails_to("lea@exemple.fr", "accounts/reset_password")
    link = link_in(mail, "/mot-de-passe/")
    response = post_form(client, link, {"password": "password"})
    assert response.status_code == 422
    assert client.get(link).status_code == 200


def test_reset_refuses_password_containing_the_address(client):
    UserFactory(email="camille.martin@exemple.fr")
    ask_reset(client, "camille.martin@exemple.fr")
    [mail] = mails_to("camille.martin@exemple.fr", "accounts/reset_password")
    response = post_form(client, link_in(mail, "/mot-de-passe/"),
                         {"password": "camille.martin-2026!"})
    assert response.status_code == 422
    assert "adresse e-mail" in response.text
