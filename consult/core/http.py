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
