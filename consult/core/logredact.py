"""Logs never carry a secret: the links mailed to people (e-mail confirmation, password
reset, invitation) hold a token in their path, and an API token may travel in a header.
One filter on every log handler, and gunicorn's access log (``gunicorn.conf.py``),
replace those secrets by « [masqué] » before anything is written."""

from __future__ import annotations

import logging
import re

from gunicorn.glogging import Logger as GunicornBaseLogger

MASK = "[masqué]"
_SECRET_PATHS = re.compile(r"(/compte/confirmer/|/mot-de-passe/|/invitations/)[^/?\s\"']+")
_SECRET_QUERY = re.compile(r"((?:^|[?&\s])(?:token|jeton|password|mot_de_passe)=)[^&\s\"']+",
                           re.I)
_API_TOKEN = re.compile(r"\bconsult_[A-Za-z0-9_\-]{32,}")  # consult.api.tokens
_BEARER = re.compile(r"(Bearer\s+)[A-Za-z0-9._~+/\-]+=*", re.I)


def redact(text: str) -> str:
    text = _SECRET_PATHS.sub(lambda m: m.group(1) + MASK, text)
    text = _SECRET_QUERY.sub(lambda m: m.group(1) + MASK, text)
    text = _BEARER.sub(lambda m: m.group(1) + MASK, text)
    return _API_TOKEN.sub(MASK, text)


class RedactingFilter(logging.Filter):
    """Rewrites each record's message (arguments included) without its secrets."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


def install(logger: logging.Logger | None = None) -> None:
    """Put the filter on every handler of ``logger`` (the root logger by default)."""
    target = logger or logging.getLogger()
    for handler in target.handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter())


class GunicornLogger(GunicornBaseLogger):
    """gunicorn's logger, whose access lines show the path without its secrets."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("r", "U", "q", "{raw_uri}e"):
            if isinstance(atoms.get(key), str):
                atoms[key] = redact(atoms[key])
        return atoms

    def setup(self, cfg):
        super().setup(cfg)
        install(self.error_log)
        install(self.access_log)
