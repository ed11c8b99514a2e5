"""The providers a deployment configures by environment. A provider whose issuer, client
id or secret is missing is simply not offered.

- ``CONSULT_PROCONNECT_ISSUER`` (or ``…_DISCOVERY_URL``), ``…_CLIENT_ID``,
  ``…_CLIENT_SECRET``, ``…_SCOPES``, ``…_ACR`` (the ``acr_values`` asked for);
- the same with ``CONSULT_FRANCECONNECT_``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from flask import Flask, current_app
from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Provider:
    name: str
    label: object
    for_agents: bool  # ProConnect: public servants; FranceConnect: citizens
    default_scopes: str
    issuer: str = ""
    discovery_url: str = ""
    client_id: str = ""
    client_secret: str = ""
    scopes: str = ""
    acr: str = ""
    help_url: str = ""

    @property
    def configured(self) -> bool:
        return bool((self.issuer or self.discovery_url) and self.client_id
                    and self.client_secret)


KNOWN = {
    "proconnect": Provider("proconnect", _l("ProConnect"), True,
                           "openid email given_name usual_name siret uid",
                           help_url="https://www.proconnect.gouv.fr/"),
    "franceconnect": Provider("franceconnect", _l("FranceConnect"), False,
                              "openid email given_name family_name birthdate",
                              help_url="https://franceconnect.gouv.fr/"),
}


def from_environment(environ=os.environ) -> dict[str, Provider]:
    found = {}
    for name, known in KNOWN.items():
        prefix = f"CONSULT_{name.upper()}_"
        issuer = environ.get(prefix + "ISSUER", "").rstrip("/")
        provider = Provider(
            known.name, known.label, known.for_agents, known.default_scopes,
            issuer=issuer,
            discovery_url=environ.get(prefix + "DISCOVERY_URL")
            or (f"{issuer}/.well-known/openid-configuration" if issuer else ""),
            client_id=environ.get(prefix + "CLIENT_ID", ""),
            client_secret=environ.get(prefix + "CLIENT_SECRET", ""),
            scopes=environ.get(prefix + "SCOPES", "") or known.default_scopes,
            acr=environ.get(prefix + "ACR", ""), help_url=known.help_url)
        if provider.configured:
            found[name] = provider
    return found


def init_providers(app: Flask) -> None:
    app.config.setdefault("IDENTITY_PROVIDERS", from_environment())


def configured() -> list[Provider]:
    return list(current_app.config.get("IDENTITY_PROVIDERS", {}).values())


def provider(name: str) -> Provider | None:
    return current_app.config.get("IDENTITY_PROVIDERS", {}).get(name)


def client(found: Provider):
    """Authlib's client for the provider (registered on first use, and again when the
    configuration changed): it keeps state, nonce and the PKCE verifier in the session,
    and verifies the ID token against the provider's published keys."""
    from authlib.integrations.flask_client import OAuth

    oauth = current_app.extensions.get("consult_oauth")
    if oauth is None:
        oauth = current_app.extensions["consult_oauth"] = OAuth(current_app)
    registered = current_app.extensions.setdefault("consult_oauth_providers", {})
    if registered.get(found.name) != found:
        oauth._clients.pop(found.name, None)  # a configuration changed: a new client
        oauth.register(found.name, client_id=found.client_id,
                       client_secret=found.client_secret,
                       server_metadata_url=found.discovery_url,
                       client_kwargs={"scope": found.scopes, "code_challenge_method": "S256"})
        registered[found.name] = found
    return oauth.create_client(found.name)
