"""API errors: always ``{"error": {"code", "message", "field", "details"}}`` with the
right status, whether the refusal comes from validation, an operation or the server."""

from __future__ import annotations

from typing import Any

from flask import jsonify
from flask_babel import gettext as _
from pydantic import ValidationError


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, field: str | None = None,
                 details: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.field = status, code, message, field
        self.details = details or []

    def response(self):
        body = {"code": self.code, "message": self.message, "field": self.field,
                "details": self.details}
        headers = {"WWW-Authenticate": 'Bearer realm="consult"'} if self.status == 401 else {}
        return jsonify({"error": body}), self.status, headers


def _location(loc: tuple) -> str | None:
    return ".".join(str(part) for part in loc) or None


def _message(error: dict[str, Any]) -> str:
    """Pydantic's message in the reader's language for the common cases."""
    context = error.get("ctx") or {}
    kind = error["type"]
    if kind == "missing":
        return _("Champ obligatoire.")
    if kind == "extra_forbidden":
        return _("Champ ou paramètre inconnu.")
    if kind == "string_too_short":
        return _("Au moins %(n)s caractères.", n=context.get("min_length"))
    if kind == "string_too_long":
        return _("Au plus %(n)s caractères.", n=context.get("max_length"))
    if kind in {"int_parsing", "int_type", "int_from_float"}:
        return _("Un nombre entier est attendu.")
    if kind == "greater_than_equal":
        return _("La valeur doit être au moins %(n)s.", n=context.get("ge"))
    if kind == "less_than_equal":
        return _("La valeur doit être au plus %(n)s.", n=context.get("le"))
    if kind in {"literal_error", "enum"}:
        import re

        values = re.findall(r"'([^']*)'", str(context.get("expected", "")))
        return _("Valeurs possibles : %(values)s.",
                 values=", ".join(f"« {v} »" for v in values))
    if kind in {"string_type", "int_type", "list_type", "dict_type", "model_type",
                "bool_type", "float_type"}:
        return _("Type de valeur inattendu.")
    if kind == "string_pattern_mismatch":
        return _pattern_message(context.get("pattern"))
    if kind == "timezone_aware":
        return _("Date avec fuseau horaire attendue (ISO 8601, par exemple "
                 "2027-01-15T09:00:00+01:00).")
    if kind.startswith("datetime"):
        return _("Date ISO 8601 attendue, par exemple 2027-01-15T09:00:00+01:00.")
    if kind in {"bool_parsing", "bool_type"}:
        return _("true ou false attendu.")
    return _("Valeur invalide.")


def _pattern_message(pattern: str | None) -> str:
    from consult.api import schemas

    if pattern == schemas.ONE_LINE:
        return _("Une seule ligne, sans espace au début ni à la fin.")
    if pattern in {schemas.TEXT, schemas.PLAIN}:
        return _("Caractères de contrôle interdits.")
    if pattern == schemas.SOME_TEXT:
        return _("Texte obligatoire, sans caractère de contrôle.")
    if pattern == schemas.CURSOR_PATTERN:
        return _("Curseur invalide : reprenez depuis la première page ou gardez le même tri.")
    if pattern == schemas.TERRITORY_PATTERN:
        return _("Territoire attendu sous la forme nature:code INSEE, par exemple "
                 "departement:93.")
    return _("Format attendu : %(pattern)s.", pattern=pattern)


def from_validation(error: ValidationError, status: int = 400) -> ApiError:
    details = [{"field": _location(e["loc"]), "message": _message(e)} for e in error.errors()]
    first = details[0] if details else {"field": None, "message": "invalid"}
    message = (first["message"] if first["field"] is None
               else _("%(field)s : %(message)s", field=first["field"],
                      message=first["message"]))
    return ApiError(status, "invalid", message, first["field"], details)


def not_found(what: str) -> ApiError:
    return ApiError(404, "not_found", what)
