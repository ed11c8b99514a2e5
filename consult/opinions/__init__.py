"""« Demander l'avis d'une autre administration » (issue 22): an agent of a challenge's
organisations asks an organisation that does not own the challenge (a legal, budget or
technical service) for an opinion on an idea, by a deadline. That organisation's agents
see only what they were asked and give a private opinion; they gain no moderation right.
The challenge's agents may cite it with their official answer, which makes it public.
Reminders before the deadline; the requests page shows what is pending and how late."""

from flask import Blueprint

bp = Blueprint("opinions", __name__)
