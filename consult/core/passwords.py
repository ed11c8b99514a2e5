"""Password hashing (argon2id through argon2-cffi) and the password policy.

Policy (ANSSI / NIST SP 800-63B): 12 to 128 characters, any characters, no composition
rules, and none of the 10,000 most common passwords (``data/common-passwords.txt``,
ranked list from the xato corpus as shipped by zxcvbn, MIT licence), nor one built from
the person's own e-mail address.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from importlib.resources import files

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask import current_app
from flask_babel import lazy_gettext as _l

MIN_LENGTH = 12
MAX_LENGTH = 128


@cache
def common_passwords() -> frozenset[str]:
    text = files("consult.core").joinpath("data/common-passwords.txt").read_text("utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip())


_SEQUENCES = (
    "01234567890123456789", "98765432109876543210", "abcdefghijklmnopqrstuvwxyz",
    "zyxwvutsrqponmlkjihgfedcba", "azertyuiopqsdfghjklmwxcvbn", "qwertyuiopasdfghjklzxcvbnm",
    "qwertzuiopasdfghjklyxcvbnm", "&é\"'(-è_çà)=", "1qaz2wsx3edc4rfv5tgb6yhn",
)


def _is_sequence(lowered: str) -> bool:
    """Keyboard rows and runs: « azertyuiopqsdf », « 1234567890123 »."""
    return any(lowered in sequence for sequence in _SEQUENCES)


def _normalise(password: str) -> str:
    return unicodedata.normalize("NFKC", password)


def _is_common(lowered: str) -> bool:
    """A common password, a keyboard run, too few distinct characters — also once the
    digits and symbols people add around one are taken off (« password1234 »,
    « Azerty2026! »: issue 14)."""
    core = re.sub(r"^[\W\d_]+|[\W\d_]+$", "", lowered)
    for candidate in {lowered, core} if len(core) >= 4 else {lowered}:
        if candidate in common_passwords() or _is_sequence(candidate):
            return True
    return len(set(lowered)) < 5 or (0 < len(core) < 6 and len(set(core)) < 4)


def password_problem(password: str, email: str | None = None) -> str | None:
    """A message saying what is wrong with ``password``, or None when it is acceptable."""
    password = _normalise(password)
    if len(password) < MIN_LENGTH:
        return str(_l("Le mot de passe doit compter au moins %(n)d caractères.", n=MIN_LENGTH))
    if len(password) > MAX_LENGTH:
        return str(_l("Le mot de passe doit compter au plus %(n)d caractères.", n=MAX_LENGTH))
    lowered = password.lower()
    if _is_common(lowered):
        return str(_l("Ce mot de passe fait partie des plus courants : choisissez-en un autre."))
    if email:
        local = email.split("@", 1)[0].lower()
        if len(local) >= 4 and local in lowered:
            return str(_l("Le mot de passe ne doit pas contenir votre adresse e-mail."))
    return None


def _hasher() -> PasswordHasher:
    cfg = current_app.config
    key = (cfg["ARGON2_TIME_COST"], cfg["ARGON2_MEMORY_COST"], cfg["ARGON2_PARALLELISM"])
    cached = current_app.extensions.get("consult_hasher")
    if cached is None or cached[0] != key:
        hasher = PasswordHasher(time_cost=key[0], memory_cost=key[1], parallelism=key[2])
        cached = (key, hasher)
        current_app.extensions["consult_hasher"] = cached
    return cached[1]


def hash_password(password: str) -> str:
    return _hasher().hash(_normalise(password))


def verify_password(stored_hash: str | None, password: str) -> bool:
    """Constant-work check; when there is no hash, hash anyway so timing reveals nothing."""
    hasher = _hasher()
    if not stored_hash:
        hasher.hash(_normalise(password))
        return False
    try:
        return hasher.verify(stored_hash, _normalise(password))
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return _hasher().check_needs_rehash(stored_hash)
