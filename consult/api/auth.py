"""Who calls the API: nobody in particular (reads), or an organisation's integration
holding a token (``Authorization: Bearer …``). The API never reads the site's session
cookie, so a page on another site cannot make a visitor's browser act through it."""

from __future__ import annotations

from flask import g, request
from flask_babel import gettext as _

from consult.api.errors import ApiError
from consult.api.models import ApiScope
from consult.api.tokens import Integration, integration_for, record_use

_MISSING = object()


def bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _sep, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def current_integration() -> Integration | None:
    """The integration behind this request's token (looked up once per request)."""
    cached = g.get("api_integration", _MISSING)
    if cached is _MISSING:
        secret = bearer()
        cached = integration_for(secret) if secret else None
        g.api_integration = cached
    return cached


def require_integration(scope: ApiScope) -> Integration:
    integration = current_integration()
    if integration is None:
        raise ApiError(401, "unauthorized", _("Jeton d'organisation absent, inconnu ou révoqué."))
    if not integration.may(scope):
        raise ApiError(403, "forbidden",
                       _("Ce jeton n'a pas le droit « %(scope)s ».", scope=scope.value))
    record_use(integration)
    g.audit_via = f"api:{integration.token.prefix}"
    return integration


def rate_limit_key() -> str:
    integration = current_integration()
    if integration is not None:
        return f"api-token:{integration.token.id}"
    from flask_limiter.util import get_remote_address

    return f"api-address:{get_remote_address()}"
