"""Small HTTP helpers: redirects that never leave the site."""

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
