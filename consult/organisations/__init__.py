"""Organisations (ministries, State services, local authorities, labs…), their agents
and administrators, and the invitations that bring agents in."""

from flask import Blueprint

bp = Blueprint("organisations", __name__)
