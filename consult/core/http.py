"""Small HTTP helpers: redirects that never leave the site. Every redirect to a place
a request names (``next``, ``back``, the referrer) goes through ``safe_next`` here: a
test fails on any other ``redirect(request…)`` in the code (issue 14)."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit


def safe_next(target: str | None, default: str = "/") -> str:
    """``target`` if it is a path on this site, else ``default``.

    Refuses absolute URLs, scheme-relative ``//host``, backslash tricks (``/\\host``,
    which browsers read as ``//host``), control characters, and their percent-encoded
    forms.
    """
    if not target:
        return default
    candidate = target.strip()
    for _ in range(3):  # decode nested encodings such as %252F%252F
        decoded = unquote(candidate)
        if decoded == candidate:
            break
        candidate = decoded
    if any(ord(ch) < 32 or ch == "\x7f" for ch in candidate):
        return default
    if "\\" in candidate or not candidate.startswith("/") or candidate.startswith("//"):
        return default
    parts = urlsplit(candidate)
    if parts.scheme or parts.netloc:
        return default
    return target.strip()


def redirect_back(default: str):
    """Back where the form says it came from (``back`` or ``next``), if that is a page
    of this site; else ``default``."""
    from flask import redirect, request

    return redirect(safe_next(request.form.get("back") or request.form.get("next"), default))


class ChunkedBodyLimit:
    """WSGI middleware: a body sent in chunks (no Content-Length) is held to the same
    limit as any other and answered 413 when it passes it, instead of being cut silently
    to the limit and read as a shorter request (issue 14)."""

    def __init__(self, app, limit: int) -> None:
        self.app, self.limit = app, limit

    def __call__(self, environ, start_response):
        import io

        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        if chunked and not environ.get("CONTENT_LENGTH"):
            body = environ["wsgi.input"].read(self.limit + 1)
            if len(body) > self.limit:
                start_response("413 Request Entity Too Large",
                               [("Content-Type", "text/plain; charset=utf-8"),
                                ("Connection", "close")])
                return [b"Request body too large.\n"]
            environ["wsgi.input"] = io.BytesIO(body)
            environ["CONTENT_LENGTH"] = str(len(body))
            environ["wsgi.input_terminated"] = False
        return self.app(environ, start_response)
