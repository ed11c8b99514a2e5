"""What text Consult accepts, for the site's forms and the API alike (issue 14: the site
accepted NUL and control characters the API refused). One line of text: no control
character at all; a multi-line text: line breaks and tabs, no other control character
(PostgreSQL refuses NUL; the others are invisible and serve only to deceive).

The patterns are written in explicit ASCII ranges so that JSON Schema (the API's
description), pydantic and Python's ``re`` read them alike."""

from __future__ import annotations

import re
import unicodedata

from flask_babel import gettext

_SOLID = r"[^ \x00-\x1f\x7f]"
_SOFT = r"[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
ONE_LINE = rf"^{_SOLID}([^\x00-\x1f\x7f]*{_SOLID})?$"  # trimmed, as stored
TEXT = rf"^{_SOFT}*$"
SOME_TEXT = rf"^{_SOFT}*{_SOLID}{_SOFT}*$"
PLAIN = r"^[^\x00-\x1f\x7f]*$"  # one line as typed (query parameters, form fields)

_LINE_FORBIDDEN = re.compile(r"[\x00-\x1f\x7f]")
_TEXT_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def has_forbidden_characters(value: str, multiline: bool = False) -> bool:
    return bool((_TEXT_FORBIDDEN if multiline else _LINE_FORBIDDEN).search(value))


def forbidden_characters_message() -> str:
    """What a person is told when a text they typed holds one (the same sentence in every
    form, operation and API answer)."""
    return gettext("Ce champ contient un caractère invisible non autorisé (caractère de "
                   "contrôle) : retirez-le.")


def search_key(text: str) -> str:
    """« Saint-Étienne » → « saint etienne »: lower case, no accents, words only (the
    search of territories and of ideas)."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(re.findall(r"[a-z0-9]+", bare.lower().replace("œ", "oe")))


def normalise_email(email: str) -> str:
    """One spelling per address: compatibility forms folded (NFKC: full-width letters,
    ligatures), then lower case, so two spellings of one address are one account."""
    return unicodedata.normalize("NFKC", email).strip().lower()
