"""``flask --app consult <command>``: database, demo data, administrators, mail worker,
integrity check."""

from __future__ import annotations

import sys
import time

import click
from flask import Flask, current_app

from consult.db import db


def register_cli(app: Flask) -> None:
    for command in (init_db, create_admin, demo, worker, check, digest, backup, restore,
                    api_token):
        app.cli.add_command(command)


@click.command("init-db")
def init_db() -> None:
    """Create or upgrade the database schema through the migrations."""
    from consult.migrate import upgrade

    upgrade(db.engine)
    click.echo("Base de données à jour.")


@click.command("api-token")
@click.option("--organisation", "slug", required=True, help="Identifiant de l'organisation.")
@click.option("--by", "email", required=True, help="Adresse d'un de ses administrateurs.")
@click.option("--name", required=True, help="L'intégration qui utilisera le jeton.")
@click.option("--scope", "scopes", multiple=True, required=True,
              type=click.Choice(["challenges:write", "answers:write"]))
def api_token(slug: str, email: str, name: str, scopes: tuple[str, ...]) -> None:
    """Create an organisation's API token and print it once (only its hash is kept)."""
    from consult.accounts.operations import find_user_by_email
    from consult.api.models import ApiScope
    from consult.api.tokens import create_token
    from consult.core.errors_domain import Refused
    from consult.organisations.queries import organisation_by_slug

    organisation, actor = organisation_by_slug(slug), find_user_by_email(email)
    if organisation is None or actor is None:
        raise click.ClickException("Organisation ou administrateur inconnu.")
    try:
        token, secret = create_token(actor, organisation, name, {ApiScope(s) for s in scopes})
    except Refused as refusal:
        raise click.ClickException(refusal.message) from refusal
    db.session.commit()
    click.echo(secret)
    click.echo(f"Jeton n° {token.id} de {organisation.name} ; il ne sera plus affiché.",
               err=True)


@click.command("create-admin")
@click.option("--email", prompt="Adresse e-mail")
@click.option("--name", "display_name", prompt="Nom affiché")
@click.option("--password-stdin", is_flag=True, help="Lire le mot de passe sur l'entrée.")
def create_admin(email: str, display_name: str, password_stdin: bool) -> None:
    """Create a platform administrator (or promote an existing account)."""
    from consult.accounts.models import User
    from consult.accounts.operations import find_user_by_email, normalise_email
    from consult.audit.operations import log_action
    from consult.core.passwords import hash_password, password_problem
    from consult.db import utcnow

    user = find_user_by_email(email)
    if user is None:
        if password_stdin:
            password = sys.stdin.readline().rstrip("\n")
        else:
            password = click.prompt("Mot de passe", hide_input=True, confirmation_prompt=True)
        problem = password_problem(password, email)
        if problem:
            raise click.ClickException(problem)
        user = User(email=normalise_email(email), display_name=display_name,
                    password_hash=hash_password(password), email_confirmed_at=utcnow(),
                    password_changed_at=utcnow())
        db.session.add(user)
    user.is_platform_admin = True
    db.session.flush()
    log_action(None, "platform_admin.grant", user)
    db.session.commit()
    click.echo(f"Administrateur de la plateforme : {user.email} (n° {user.id}).")


@click.command("demo")
@click.option("--if-empty", is_flag=True, help="Ne rien faire si la base contient des comptes.")
def demo(if_empty: bool) -> None:
    """Load invented French demo data."""
    from consult.accounts.operations import count_users
    from consult.demo import load_demo

    if if_empty and count_users() > 0:
        click.echo("Données déjà présentes : démo non chargée.")
        return
    summary = load_demo()
    db.session.commit()
    singular = {"organisations": "organisation", "citoyens": "citoyen", "agents": "agent",
                "défis": "défi", "idées": "idée", "soutiens": "soutien",
                "commentaires": "commentaire", "cahiers": "cahier",
                "questionnaires": "questionnaire", "réponses": "réponse",
                "événements": "événement", "programmes": "programme",
                "projets de laboratoire": "projet de laboratoire",
                "demandes aux laboratoires": "demande à un laboratoire",
                "appels à projets": "appel à projets",
                "sujets émergents publiés": "sujet émergent publié"}
    click.echo("Données de démonstration chargées : " + ", ".join(
        f"{n} {singular.get(what, what) if n <= 1 else what}" for what, n in summary.items()))
    click.echo(f"Comptes de démonstration : mot de passe « {summary_password()} ».")


def summary_password() -> str:
    from consult.demo import DEMO_PASSWORD

    return DEMO_PASSWORD


@click.command("worker")
@click.option("--once", is_flag=True, help="Envoyer un lot puis s'arrêter.")
@click.option("--interval", default=5.0, show_default=True, help="Secondes entre deux lots.")
def worker(once: bool, interval: float) -> None:
    """Deliver the mail outbox (SMTP, or the console without CONSULT_SMTP_HOST) and run
    the background jobs (core.tasks: Huey's consumer threads)."""
    from consult.core.tasks import start_consumer

    transport = "console" if current_app.config["MAIL_CONSOLE"] else "SMTP"
    click.echo(f"Envoi des e-mails ({transport}) et tâches de fond.", err=True)
    consumer = None if once else start_consumer()  # Huey's threads: the background jobs
    try:
        _mail_loop(once, interval)
    finally:
        if consumer is not None:
            consumer.stop(graceful=True)


def _mail_loop(once: bool, interval: float) -> None:
    from consult.core.delivery import deliver_outbox
    from consult.events.registration import send_reminders
    from consult.notifications.digest import (
        announce_phase_changes,
        mail_important_notifications,
    )
    from consult.opinions.operations import send_opinion_reminders

    next_phase_check = 0.0
    while True:
        try:
            if time.monotonic() >= next_phase_check:
                announce_phase_changes()
                send_reminders()
                send_opinion_reminders()
                next_phase_check = time.monotonic() + 60
            mail_important_notifications()
            sent = deliver_outbox()
        finally:
            db.session.remove()
        if once:
            click.echo(f"{sent} message{'s' if sent > 1 else ''} "
                       f"envoyé{'s' if sent > 1 else ''}.", err=True)
            return
        if sent == 0:
            time.sleep(interval)


@click.command("check")
def check() -> None:
    """Integrity check: migrations at head, invariants the database must hold."""
    from consult.integrity import run_checks

    problems = run_checks()
    for problem in problems:
        click.echo(f"PROBLÈME : {problem}", err=True)
    if problems:
        sys.exit(1)
    click.echo("Intégrité vérifiée : aucun problème.")


@click.command("digest")
def digest() -> None:
    """Queue the daily e-mail digest for people who asked for it (run once a day)."""
    from consult.notifications.digest import send_digests

    queued = send_digests()
    click.echo(f"{queued} résumé{'s' if queued > 1 else ''} mis en file d'envoi.")


@click.command("backup")
@click.argument("target", type=click.Path(dir_okay=False))
def backup(target: str) -> None:
    """Write a consistent copy of the database to TARGET (SQLite file or pg_dump)."""
    from consult.backup import backup as make_backup

    db.session.remove()
    make_backup(current_app.config["DATABASE_URL"], target)
    click.echo(f"Sauvegarde écrite : {target}")


@click.command("restore")
@click.argument("source", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Ne pas demander de confirmation.")
def restore(source: str, yes: bool) -> None:
    """Replace the database with the backup SOURCE, then check its integrity."""
    from consult.backup import restore as load
    from consult.integrity import run_checks

    if not yes:
        click.confirm("Remplacer toute la base par cette sauvegarde ?", abort=True)
    db.session.remove()
    load(current_app.config["DATABASE_URL"], source, db.engine)
    problems = run_checks()
    for problem in problems:
        click.echo(f"PROBLÈME : {problem}", err=True)
    if problems:
        sys.exit(1)
    click.echo("Base restaurée et vérifiée.")
