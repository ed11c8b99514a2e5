"""Signing in and out with server-side sessions and Flask-Login."""

from __future__ import annotations

from flask import Flask, request, session
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, current_user, login_user, logout_user

from consult.accounts.models import User
from consult.accounts.operations import end_session, session_user, start_session

login_manager = LoginManager()
login_manager.login_view = "accounts.login"
login_manager.login_message = _l("Connectez-vous pour accéder à cette page.")
login_manager.login_message_category = "info"
login_manager.session_protection = None  # the server-side session is the protection


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    user = session_user(session.get("sid"), header=request.method == "GET")
    if user is None or str(user.id) != user_id:
        return None
    return user


def init_login(app: Flask) -> None:
    login_manager.init_app(app)

    @app.before_request
    def _load_current_user() -> None:
        # Load the person once, early: the language and the templates depend on it.
        current_user._get_current_object()


def sign_in(user: User) -> None:
    user = getattr(user, "_get_current_object", lambda: user)()  # never store the proxy
    token = start_session(user, request.headers.get("User-Agent"))
    session.clear()
    session.permanent = True
    session["sid"] = token
    login_user(user)


# Where a logout goes next, asked before the session ends (identity: the provider's
# end-session endpoint); the first answer wins.
LOGOUT_TARGETS: list = []


def logout_target() -> str | None:
    return next((url for url in (target() for target in LOGOUT_TARGETS) if url), None)


def sign_out() -> None:
    end_session(session.get("sid"))
    logout_user()
    session.clear()


def renew_current_session(user: User) -> None:
    """After a password change every session ended: open a fresh one for this browser."""
    sign_in(user)


def person() -> User:
    """The signed-in person as a real object, to hand to operations (never the proxy)."""
    return current_user._get_current_object()
