"""Absolute links for mails, built from ``CONSULT_BASE_URL``, in or out of a request
(the worker and the CLI have none)."""

from __future__ import annotations

from flask import current_app, has_request_context, url_for
from werkzeug.routing import IntegerConverter


def external_url(endpoint: str, **values) -> str:
    base = current_app.config["BASE_URL"]
    if has_request_context():
        return base + url_for(endpoint, **values)
    with current_app.test_request_context("/"):
        return base + url_for(endpoint, **values)


class IdConverter(IntegerConverter):
    """The site's ``<int:…>``: ASCII digits, from 0 to what an integer column holds, so
    an id beyond 64 bits is a 404, not a database error (issue 14)."""

    regex = r"[0-9]{1,10}"

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)
