"""Events: workshops, hackathons, trainings, webinars, round tables, exhibitions and user
tests, by one or several organisations; registration with a waiting list that never
overbooks; check-in; write-ups; programmes (innovation weeks and months) that gather the
events partners submit; calendars."""

from flask import Blueprint

bp = Blueprint("events", __name__)
