"""Surveys, the first participation method added as a folder (issue 16): an
organisation builds a questionnaire for a survey phase of a challenge; citizens answer
it (without JavaScript, one answer per person that they may change until the phase
ends, anonymously if the survey says so); results are counted as answers come
(``Tally``), so the results page and the open data never loop over answers. A survey
may concern a version of a brief's prototype: its System Usability Scale score is then
shown per version on the brief.

What the rest of the application knows of it: its blueprint, its models (Alembic), its
open-data table, and two template functions (``survey_section`` on the challenge page,
``sus_scores`` on the brief page), each asked only if surveys are installed."""

from flask import Blueprint

bp = Blueprint("surveys", __name__)
