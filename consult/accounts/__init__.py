"""Accounts: registration, e-mail confirmation, sessions, profile, personal data."""

from flask import Blueprint

bp = Blueprint("accounts", __name__)
