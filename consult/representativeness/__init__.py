"""Representativeness: who takes part in a challenge, against the population of its
territory (the INSEE's figures shipped in ``data/``), so that an organisation knows who
is missing and can go and meet them (issue 22)."""

from flask import Blueprint

bp = Blueprint("representativeness", __name__)
