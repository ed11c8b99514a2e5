from sqlalchemy import func, select

from consult.accounts.models import User
from consult.core.outbox import OutboxMessage, OutboxStatus
from consult.db import db
from consult.organisations.models import Organisation


def test_create_admin(app):
    result = app.test_cli_runner().invoke(args=[
        "create-admin", "--email", "Admin@Exemple.fr", "--name", "Admin", "--password-stdin"],
        input="une phrase de passe tout à fait solide\n")
    assert result.exit_code == 0, result.output
    admin = db.session.scalar(select(User).where(User.email == "admin@exemple.fr"))
    assert admin.is_platform_admin and admin.is_confirmed


def test_create_admin_refuses_a_weak_password(app):
    result = app.test_cli_runner().invoke(args=[
        "create-admin", "--email", "a@exemple.fr", "--name", "A", "--password-stdin"],
        input="password\n")
    assert result.exit_code != 0 and "12 caractères" in result.output
    assert db.session.scalar(select(User).where(User.email == "a@exemple.fr")) is None


def test_demo_loads_french_data_once(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    names = set(db.session.scalars(select(Organisation.name)))
    assert "Département du Val-d'Oise (démo)" in names
    assert "Laboratoire d'innovation publique (démo)" in names
    users = db.session.scalar(select(func.count(User.id)))
    again = runner.invoke(args=["demo", "--if-empty"])
    assert "déjà présentes" in again.output
    assert db.session.scalar(select(func.count(User.id))) == users


def test_worker_once_delivers_to_the_console(app, client):
    from tests.conftest import post_form

    post_form(client, "/inscription", {"display_name": "Camille", "email": "c@exemple.fr",
                                       "password": "le chat dort sur le radiateur"})
    app.config["MAIL_CONSOLE"] = True
    try:
        result = app.test_cli_runner().invoke(args=["worker", "--once"])
    finally:
        app.config["MAIL_CONSOLE"] = False
    assert result.exit_code == 0, result.output
    assert "/compte/confirmer/" in result.output
    statuses = set(db.session.scalars(select(OutboxMessage.status)))
    assert statuses == {OutboxStatus.SENT}


def test_check_passes_on_a_healthy_database(app):
    result = app.test_cli_runner().invoke(args=["check"])
    assert result.exit_code == 0, result.output
    assert "aucun problème" in result.output


def test_demo_accounts_sign_in_through_the_form(app, client):
    from consult.demo import DEMO_PASSWORD
    from tests.conftest import post_form

    app.test_cli_runner().invoke(args=["demo"])
    for email in ["admin@demo.consult.example", "agnes.admin@demo.consult.example",
                  "camille@demo.consult.example", "theo@demo.consult.example"]:
        browser = app.test_client()
        response = post_form(browser, "/connexion", {"email": email, "password": DEMO_PASSWORD})
        assert response.status_code == 302, email
        assert browser.get("/compte").status_code == 200
    admin = app.test_client()
    post_form(admin, "/connexion", {"email": "agnes.admin@demo.consult.example",
                                    "password": DEMO_PASSWORD})
    members = admin.get("/espace/departement-du-val-d-oise-demo/membres")
    assert members.status_code == 200 and "Bruno (Département)" in members.text


def test_check_reports_a_counter_that_does_not_match_its_rows(app):
    from tests.factories import ChallengeFactory, IdeaFactory

    idea = IdeaFactory(challenge=ChallengeFactory(phase="supports"))
    idea.supports_count = 7  # no support row behind it
    db.session.flush()
    result = app.test_cli_runner().invoke(args=["check"])
    assert result.exit_code == 1
    assert f"soutiens de l'idée n° {idea.id} : compteur 7, lignes 0" in result.output


def test_check_passes_after_the_demo(app):
    app.test_cli_runner().invoke(args=["demo"])
    result = app.test_cli_runner().invoke(args=["check"])
    assert result.exit_code == 0, result.output
