"""Identity (issue 20): signing in through the State's OpenID Connect providers —
ProConnect for public servants, FranceConnect for citizens — with Authlib's client
(authorization code flow with PKCE, state and nonce checked, the ID token verified by
the provider's keys, issuer, audience and expiry), accounts linked only after their
owner proves them, and logout propagated to the provider."""

from flask import Blueprint

bp = Blueprint("identity", __name__)
