from sqlalchemy import func, select

from consult.accounts.models import User
from consult.db import db
from tests.conftest import csrf_token, link_in, mails_to, post_form, same_page
from tests.factories import UserFactory

GOOD = {"display_name": "Camille", "email": "Camille@Exemple.fr",
        "password": "le chat dort sur le radiateur"}


def count_users():
    return db.session.scalar(select(func.count(User.id)))


def test_register_then_confirm_through_the_mailed_link(client):
    response = post_form(client, "/inscription", GOOD)
    assert response.status_code == 200
    assert "Consultez vos e-mails" in response.text
    user = db.session.scalar(select(User).where(User.email == "camille@exemple.fr"))
    assert user is not None and not user.is_confirmed
    assert user.password_hash.startswith("$argon2id$")

    [mail] = mails_to("camille@exemple.fr", "accounts/confirm_email")
    assert mail.subject == "Confirmez votre adresse e-mail"
    assert "<a href=" in mail.body_html
    response = client.get(link_in(mail, "/compte/confirmer/"))
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.is_confirmed


def test_register_refuses_bad_input_keeps_what_was_typed_and_saves_nothing(client):
    before = count_users()
    response = post_form(client, "/inscription", {
        "display_name": "Jo", "email": "pas-une-adresse", "password": "azertyuiop"})
    assert response.status_code == 422
    page = response.text
    assert "Saisissez une adresse e-mail valide" in page
    assert "au moins 12 caractères" in page
    assert 'value="pas-une-adresse"' in page  # kept
    assert 'value="Jo"' in page
    assert "azertyuiop" not in page  # never the password
    assert 'aria-invalid="true"' in page and 'aria-describedby="email-hint email-error"' in page
    assert count_users() == before


def test_common_password_refused_even_when_long_enough(client):
    response = post_form(client, "/inscription", {**GOOD, "password": "1234567890123"})
    assert response.status_code == 422
    response = post_form(client, "/inscription", {**GOOD, "password": "qwertyuiopasdfgh"})
    assert response.status_code == 422
    assert "plus courants" in response.text


def test_password_length_bounds(client):
    assert post_form(client, "/inscription", {**GOOD, "password": "x" * 5 + "yz" * 3 + "q"})\
        .status_code == 422  # 12 chars but only 3 distinct
    ok = post_form(client, "/inscription", {**GOOD, "password": "é" * 60 + "abcdefgh" * 8 + "xy"})
    assert ok.status_code == 200  # 126 characters accepted
    too_long = post_form(client, "/inscription",
                         {**GOOD, "email": "b@exemple.fr", "password": "abcdefghij" * 13})
    assert too_long.status_code == 422
    assert "au plus 128" in too_long.text


def test_registering_an_existing_address_reveals_nothing(client):
    existing = UserFactory(email="deja@exemple.fr")
    response = post_form(client, "/inscription", {**GOOD, "email": "deja@exemple.fr"})
    fresh = post_form(client, "/inscription", {**GOOD, "email": "nouveau@exemple.fr"})
    assert response.status_code == fresh.status_code == 200
    assert same_page(response, fresh, ("deja@", "X@"), ("nouveau@", "X@"))
    # the owner is told by mail instead
    assert mails_to("deja@exemple.fr", "accounts/already_registered")
    assert db.session.get(User, existing.id).display_name == existing.display_name


def test_forged_or_expired_confirmation_link_gives_a_clear_page(client, app, monkeypatch):
    response = client.get("/compte/confirmer/nimporte-quoi")
    assert response.status_code == 400
    assert "Ce lien n’est pas valide" in response.text

    from datetime import timedelta

    post_form(client, "/inscription", GOOD)
    [mail] = mails_to("camille@exemple.fr", "accounts/confirm_email")
    monkeypatch.setitem(app.config, "TOKEN_MAX_AGE_CONFIRM", timedelta(seconds=-1))
    response = client.get(link_in(mail, "/compte/confirmer/"))
    assert response.status_code == 400
    assert "Ce lien a expiré" in response.text


def test_registration_without_csrf_token_is_refused(client):
    before = count_users()
    response = client.post("/inscription", data=GOOD)
    assert response.status_code == 400
    assert count_users() == before
    # and with a token from another session
    other = client.application.test_client()
    token = csrf_token(other)
    response = client.post("/inscription", data={**GOOD, "csrf_token": token})
    assert response.status_code == 400


def test_registration_and_reset_do_the_same_work_whatever_the_address(client, monkeypatch):
    """Timing must not tell whether an address is registered: the password is hashed
    (the slow part, argon2) for a known address as for a new one, and the reset renders
    the same mail for an unknown address as for a known one (issue 14)."""
    from consult.accounts import operations
    from tests.conftest import post_form
    from tests.factories import UserFactory

    UserFactory(email="deja@exemple.fr")
    work: list[str] = []
    hash_password, render_mail = operations.hash_password, operations.render_mail
    monkeypatch.setattr(operations, "hash_password",
                        lambda password: work.append("hash") or hash_password(password))
    monkeypatch.setattr(operations, "render_mail",
                        lambda *a, **k: work.append("mail") or render_mail(*a, **k))
    import consult.core.outbox as outbox

    queue_mail = outbox.queue_mail
    monkeypatch.setattr(operations, "queue_mail", lambda to, template, locale=None, **k: (
        work.append("mail"), queue_mail(to, template, locale, **k))[1])

    def registration(email: str) -> list[str]:
        work.clear()
        response = post_form(client, "/inscription", {
            "display_name": "Quelqu'un", "email": email,
            "password": "une phrase de passe assez longue"})
        assert response.status_code in (200, 302)
        return list(work)

    assert registration("deja@exemple.fr") == registration("nouvelle@exemple.fr") == [
        "hash", "mail"]

    def reset(email: str) -> list[str]:
        work.clear()
        assert post_form(client, "/mot-de-passe-oublie", {"email": email}).status_code == 200
        return list(work)

    assert reset("deja@exemple.fr") == reset("personne@exemple.fr") == ["mail"]


def test_addresses_that_only_look_alike_are_one_account_or_refused(client):
    """« ｃamille@ » (full width) is camille@; « саmille@ » (Cyrillic с and а) is refused
    instead of opening a second account that passes for the first (issue 14)."""
    from sqlalchemy import func, select

    from consult.accounts.models import User
    from consult.db import db
    from tests.conftest import post_form
    from tests.factories import UserFactory

    UserFactory(email="camille@exemple.fr")
    for address in ("ｃａｍｉｌｌｅ@exemple.fr", "CAMILLE@Exemple.fr"):
        response = post_form(client, "/inscription", {
            "display_name": "Camille", "email": address,
            "password": "une phrase de passe assez longue"})
        assert response.status_code == 200 and "Consultez vos e-mails" in response.text
    lookalike = post_form(client, "/inscription", {
        "display_name": "Camille", "email": "саmille@exemple.fr",
        "password": "une phrase de passe assez longue"})
    assert lookalike.status_code == 422 and "écritures différentes" in lookalike.text
    assert db.session.scalar(select(func.count(User.id))) == 1
    accented = post_form(client, "/inscription", {
        "display_name": "Zoé", "email": "zoé@exemple.fr",
        "password": "une phrase de passe assez longue"})
    assert accented.status_code == 200  # one script with accents is fine


def test_a_common_password_dressed_with_digits_and_symbols_is_refused(client, app):
    """« password1234 » is « password » plus digits (issue 14); phrases still pass."""
    from consult.core.passwords import password_problem

    with app.test_request_context("/"):
        for weak in ("password1234", "Azerty2026!!", "motdepasse2024", "soleil123456",
                     "!!qwertyuiop!!"):
            assert password_problem(weak), weak
        for fine in ("le car passe toujours en retard", "soleil2025soleil", "Tr0ub4dor&3xyz",
                     "8371-2291-4410"):
            assert password_problem(fine) is None, fine
