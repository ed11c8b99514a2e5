"""Absolute links for mails, built from ``CONSULT_BASE_URL``, in or out of a request
(the worker and the CLI have none)."""

from __future__ import annotations

from flask import current_app, has_request_context, url_for


def external_url(endpoint: str, **values) -> str:
    base = current_app.config["BASE_URL"]
    if has_request_context():
        return base + url_for(endpoint, **values)
    with current_app.test_request_context("/"):
        return base + url_for(endpoint, **values)
