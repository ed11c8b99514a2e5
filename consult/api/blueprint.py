"""The ``/api/v1`` blueprint and what every API answer shares: JSON errors, ``ETag``
and ``Cache-Control``, rate limits per address or per token."""

from __future__ import annotations

from flask import Blueprint, current_app, request
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address

from consult import csrf
from consult.api.auth import current_integration, rate_limit_key
from consult.api.errors import ApiError
from consult.core.errors_domain import Refused
from consult.core.ratelimit import limiter

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # no cookie is ever read by the API: tokens only (see api.auth)


@bp.errorhandler(ApiError)
def _api_error(error: ApiError):
    return error.response()


@bp.errorhandler(Refused)
def _refused(error: Refused):
    return ApiError(422, "refused", error.message, error.field).response()


@bp.before_request
def _writes_need_a_token():
    """Every write needs a valid token, checked before the body is (401 comes first)."""
    if request.method not in {"GET", "HEAD", "OPTIONS"} and current_integration() is None:
        raise ApiError(401, "unauthorized",
                       _("Jeton d'organisation absent, inconnu ou révoqué."))


MAX_JSON_DEPTH = 20


def _depth(value, level: int = 0) -> int:
    if level > MAX_JSON_DEPTH:
        return level
    if isinstance(value, dict):
        return max((_depth(v, level + 1) for v in value.values()), default=level + 1)
    if isinstance(value, list):
        return max((_depth(v, level + 1) for v in value), default=level + 1)
    return level


@bp.before_request
def _bodies_are_json():
    """A write's body is JSON, or the answer says so (415) in the API's error shape;
    JSON that cannot be read, or nested past any real request, is a 400 (issue 14)."""
    if request.method not in {"POST", "PUT", "PATCH"}:
        return
    if not request.is_json:
        raise ApiError(415, "unsupported_media_type",
                       _("Le corps de la requête doit être du JSON (Content-Type: "
                         "application/json)."))
    import json

    try:
        body = json.loads(request.get_data(cache=True) or b"null")
    except (ValueError, RecursionError) as exc:
        raise ApiError(400, "invalid_json", _("Le corps de la requête n'est pas un JSON "
                                              "lisible.")) from exc
    if _depth(body) > MAX_JSON_DEPTH:
        raise ApiError(400, "invalid_json", _("Le JSON est imbriqué trop profondément "
                                              "(%(max)d niveaux au plus).", max=MAX_JSON_DEPTH))


@bp.after_request
def _cacheable(response):
    if request.method == "GET" and response.status_code == 200 and response.is_json:
        response.add_etag()
        response.headers["Cache-Control"] = (
            "private, no-cache" if request.headers.get("Authorization")
            else "public, max-age=30")
        response.vary.update({"Authorization", "Accept-Language"})
        response.make_conditional(request)
    return response


def _anonymous_limit() -> str:
    return current_app.config["API_RATELIMIT_ANONYMOUS"]


def _token_limit() -> str:
    return current_app.config["API_RATELIMIT_TOKEN"]


def _with_token() -> bool:
    return current_integration() is not None


limiter.limit(_anonymous_limit, key_func=lambda: "api-address:" + get_remote_address(),
              exempt_when=_with_token, scope="api-anonymous")(bp)
limiter.limit(_token_limit, key_func=rate_limit_key, exempt_when=lambda: not _with_token(),
              scope="api-token")(bp)
