"""Writes on accounts. Each function changes objects and flushes; the request commits."""

from __future__ import annotations

import logging
from datetime import timedelta
from functools import cache
from typing import Any

from flask import current_app
from sqlalchemy import bindparam, delete, func, inspect, select

from consult.accounts.models import AgeBand, AuthSession, Gender, User
from consult.accounts.personal_data import ERASERS, SECTIONS, iso, section
from consult.core.loading import Loader, loaded
from consult.core.outbox import OutboxMessage, queue_mail, render_mail
from consult.core.passwords import hash_password, needs_rehash, verify_password
from consult.core.personal import kept_for_request
from consult.core.sql import read
from consult.core.text import normalise_email
from consult.core.tokens import (
    TokenError,
    fingerprint,
    hash_secret,
    make_token,
    new_secret,
    read_token,
)
from consult.core.urls import external_url
from consult.db import db, utcnow

log = logging.getLogger("consult.accounts")


class AccountError(Exception):
    """A refusal a person can read (already confirmed, wrong password…)."""


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def register_user(email: str, password: str, display_name: str, locale: str = "fr") -> User | None:
    """Create the account and send the confirmation link.

    When the address is already registered, nothing is created and the owner of the
    address is told by mail instead, so the page never reveals who has an account.
    """
    email = normalise_email(email)
    existing = find_user_by_email(email)
    # the same work whatever the address: the password is hashed in both cases, so the
    # answer's timing does not tell whether the address is registered (issue 14)
    password_hash = hash_password(password)
    if existing is not None:
        if not _mailed_recently(email, "accounts/already_registered"):
            queue_mail(email, "accounts/already_registered", locale=existing.locale,
                       user=existing, login_url=external_url("accounts.login"),
                       reset_url=external_url("accounts.forgot_password"))
        return None
    user = User(email=email, password_hash=password_hash,
                display_name=display_name.strip(), locale=locale, password_changed_at=utcnow())
    db.session.add(user)
    db.session.flush()
    send_confirmation(user)
    return user



def send_confirmation(user: User) -> None:
    token = make_token("confirm-email", {"uid": user.id, "email": user.email})
    queue_mail(user.email, "accounts/confirm_email", locale=user.locale, user=user,
               confirm_url=external_url("accounts.confirm_email", token=token))


def confirm_email(token: str) -> User:
    """Confirm the address the token was made for. Raises TokenError / TokenExpired."""
    payload = read_token("confirm-email", token, current_app.config["TOKEN_MAX_AGE_CONFIRM"])
    user = db.session.get(User, payload.get("uid"))
    if user is None or user.is_deleted or user.email != payload.get("email"):
        raise TokenError
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
    return user


def authenticate(email: str, password: str) -> User | None:
    user = find_user_by_email(email)
    if user is None or user.is_deleted:
        verify_password(None, password)  # same work as a real check
        return None
    if not verify_password(user.password_hash, password):
        return None
    if needs_rehash(user.password_hash or ""):
        user.password_hash = hash_password(password)
    return user


def start_session(user: User, user_agent: str | None = None) -> str:
    """Open a server-side session; returns the token to keep in the signed cookie."""
    token, token_hash = new_secret()
    lifetime = current_app.config["PERMANENT_SESSION_LIFETIME"]
    db.session.add(AuthSession(token_hash=token_hash, user_id=user.id,
                               expires_at=utcnow() + lifetime,
                               user_agent=(user_agent or "")[:200] or None))
    user.last_login_at = utcnow()
    return token


# What every page's header shows of the signed-in person, read with the session's
# statement when a page is asked (a GET): ``name → subquery(users.id)``, registered by
# the domain that counts it (notifications: the unread count), kept for the request
# under ``name`` (core.personal.once_per_request): one statement fewer for every page.
HEADER_READS: dict[str, Any] = {}


def header_read(name: str, subquery_of_person) -> None:
    HEADER_READS[name] = subquery_of_person


@cache  # built once per set of header reads, at first use (the mappers are complete)
def _session_reads(header: tuple[str, ...]):
    """The session's statement (its expiry, the header's reads, the person's columns,
    then each of their memberships with its organisation: a row per membership, one for
    a citizen) and the loaders of the three (core.loading)."""
    relationship = inspect(User).relationships["memberships"]  # declared by organisations
    membership = relationship.mapper.class_
    organisation = inspect(membership).relationships["organisation"].mapper.class_
    people, memberships, organisations = Loader(User), Loader(membership), Loader(organisation)
    return (select(AuthSession.expires_at,
                   *[HEADER_READS[name](User.id).label(name) for name in header],
                   *people.columns, *memberships.columns, *organisations.columns)
            .join_from(AuthSession, User, AuthSession.user_id == User.id)
            .outerjoin(membership, membership.user_id == User.id)
            .outerjoin(organisation, organisation.id == membership.organisation_id)
            .where(AuthSession.token_hash == bindparam("token"))
            .order_by(membership.id)), people, memberships, organisations


def session_user(token: str | None, header: bool = False) -> User | None:
    """The person of this server-side session; ``header``: read the header's counts
    too (a page is asked) and keep them for the request."""
    if not token:
        return None
    # every signed-in request runs this: one prebuilt statement, the person and their
    # memberships (roles, and the rules of every action, ask them) built from its rows
    # without the ORM's row processing (core.loading: 135 → 50 µs for a citizen)
    names = tuple(HEADER_READS) if header else ()
    statement, people, memberships, organisations = _session_reads(names)
    rows = read(statement, token=hash_secret(token)).all()
    if not rows or rows[0][0] <= utcnow():
        return None
    person_start = 1 + len(names)
    person_end = person_start + len(people)
    membership_end = person_end + len(memberships)
    user, built = people.instance(db.session, rows[0][person_start:person_end])
    if user.is_deleted:
        return None
    for name, value in zip(names, rows[0][1:person_start], strict=True):
        kept_for_request(name, value)
    if built:
        held = []
        for row in rows:
            membership, new = memberships.instance(db.session, row[person_end:membership_end])
            if membership is None:  # a citizen: the one row, without membership
                continue
            if new:
                loaded(membership, "organisation",
                       [organisations.instance(db.session, row[membership_end:])[0]])
            held.append(membership)
        loaded(user, "memberships", held)
    return user


def end_session(token: str | None) -> None:
    if token:
        db.session.execute(delete(AuthSession).where(AuthSession.token_hash == hash_secret(token)))


def end_all_sessions(user: User) -> None:
    db.session.execute(delete(AuthSession).where(AuthSession.user_id == user.id))


RESET_MAIL_SPACING = timedelta(minutes=30)  # the reset link lives 2 hours


def _mailed_recently(address: str, kind: str) -> bool:
    """Whether ``kind`` went to ``address`` in the last half hour: then the link it
    carries still works and no other is sent, so nobody can flood a mailbox, nor block
    its owner (the per-account limit that answered 429 to the owner is gone)."""
    return db.session.scalar(select(OutboxMessage.id).where(
        OutboxMessage.to_address == address, OutboxMessage.kind == kind,
        OutboxMessage.created_at > utcnow() - RESET_MAIL_SPACING).limit(1)) is not None


def request_password_reset(email: str) -> None:
    """Mail a reset link when the address belongs to an account; silent otherwise. Both
    paths read the same rows and render the same mail, so the answer takes the same time
    whatever the address (issue 14)."""
    address = normalise_email(email)
    user = find_user_by_email(address)
    known = user is not None and not user.is_deleted
    recently = _mailed_recently(address, "accounts/reset_password")
    if not known:
        log.info("password reset asked for an unknown address")
        render_mail("accounts/reset_password", locale="fr", user=User(display_name=""),
                    reset_url=external_url("accounts.reset_password", token="x" * 80))
        return
    if recently:
        log.info("password reset asked again within %s: the link sent is still valid",
                 RESET_MAIL_SPACING)
        return
    token = make_token("reset-password", {"uid": user.id, "pw": fingerprint(user.password_hash)})
    queue_mail(user.email, "accounts/reset_password", locale=user.locale, user=user,
               reset_url=external_url("accounts.reset_password", token=token))


def user_for_reset_token(token: str) -> User:
    payload = read_token("reset-password", token, current_app.config["TOKEN_MAX_AGE_RESET"])
    user = db.session.get(User, payload.get("uid"))
    if user is None or user.is_deleted or payload.get("pw") != fingerprint(user.password_hash):
        raise TokenError
    return user


def set_password(user: User, new_password: str) -> None:
    """Replace the password and end every session of the account (all devices)."""
    user.password_hash = hash_password(new_password)
    user.password_changed_at = utcnow()
    end_all_sessions(user)
    queue_mail(user.email, "accounts/password_changed", locale=user.locale, user=user,
               reset_url=external_url("accounts.forgot_password"))


def reset_password(token: str, new_password: str) -> User:
    user = user_for_reset_token(token)
    set_password(user, new_password)
    if user.email_confirmed_at is None:  # the link proved the address
        user.email_confirmed_at = utcnow()
    return user


def change_password(user: User, current_password: str, new_password: str) -> None:
    if not verify_password(user.password_hash, current_password):
        raise AccountError("current_password")
    set_password(user, new_password)


def update_profile(user: User, *, display_name: str, territory_id: int | None, locale: str,
                   digest_opt_in: bool, important_mail: bool = True,
                   age_band: str | None = None, gender: str | None = None) -> None:
    user.display_name = display_name.strip()
    user.territory_id = territory_id
    user.age_band = AgeBand(age_band) if age_band else None
    user.gender = Gender(gender) if gender else None
    user.locale = locale
    user.digest_opt_in = digest_opt_in
    user.important_mail = important_mail


def export_personal_data(user: User) -> dict[str, Any]:
    """Everything the platform holds about ``user`` (RGPD art. 15 and 20)."""
    data: dict[str, Any] = {
        "format": "consult-personal-data/1",
        "exported_at": iso(utcnow()),
        "account": {
            "id": user.id, "email": user.email, "display_name": user.display_name,
            "territory": user.territory.label if user.territory else None,
            "age_band": user.age_band.value if user.age_band else None,
            "gender": user.gender.value if user.gender else None,
            "locale": user.locale, "email_confirmed_at": iso(user.email_confirmed_at),
            "digest_opt_in": user.digest_opt_in, "important_mail": user.important_mail,
            "created_at": iso(user.created_at),
            "last_login_at": iso(user.last_login_at),
            "password_changed_at": iso(user.password_changed_at),
            "is_platform_admin": user.is_platform_admin,
        },
    }
    for name, collect in SECTIONS.items():
        data[name] = collect(user)
    return data


def delete_account(user: User, password: str) -> None:
    """Erase the person's data; keep their contributions under « compte supprimé »."""
    if not verify_password(user.password_hash, password):
        raise AccountError("password")
    erase_account(user)


def erase_account(user: User) -> None:
    email = user.email
    for erase in ERASERS:
        erase(user)
    end_all_sessions(user)
    if email:
        db.session.execute(delete(OutboxMessage).where(OutboxMessage.to_address == email))
    user.email = None
    user.password_hash = None
    user.display_name = ""
    user.territory_id = None
    user.age_band = None
    user.gender = None
    user.digest_opt_in = False
    user.last_login_at = None
    user.deleted_at = utcnow()
    db.session.flush()
    log.info("account %s deleted", user.id)


def count_users() -> int:
    return db.session.scalar(select(func.count(User.id))) or 0


def sessions_of(user: User) -> list[AuthSession]:
    return list(db.session.scalars(select(AuthSession).where(AuthSession.user_id == user.id)
                                   .order_by(AuthSession.created_at.desc())))



@section("sessions")
def _sessions_section(user: User) -> list[dict[str, Any]]:
    return [{"created_at": iso(s.created_at), "expires_at": iso(s.expires_at),
             "browser": s.user_agent} for s in sessions_of(user)]
