"""Follows and in-app notifications, and the daily e-mail digest."""

from flask import Blueprint

bp = Blueprint("notifications", __name__)
