"""Prototype briefs: selected ideas turned into a brief that a lab prototypes and tests
with citizens, keeping its lineage to the ideas and their authors."""

from flask import Blueprint

bp = Blueprint("briefs", __name__)
