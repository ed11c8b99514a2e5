"""What every template can use, and the security headers every response carries."""

from __future__ import annotations

import secrets

from flask import Flask, current_app, g, request, session
from flask_babel import get_locale
from flask_login import current_user
from jinja2 import pass_environment
from markupsafe import Markup, escape

from consult.core.sanitize import render_markdown, render_markdown_inline
from consult.core.security import Permission, can, roles_of


def csp_nonce() -> str:
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


_CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self' 'nonce-{nonce}'",
    "style-src 'self' 'nonce-{nonce}'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "object-src 'none'",
])


def _content_security_policy() -> str:
    return _CSP.replace("{nonce}", csp_nonce())


# The headers every answer carries unless its view set its own (in this order)
_STATIC_HEADERS = (
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("X-Frame-Options", "DENY"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
)


def _content_language() -> str | None:
    """The language people write in on this platform (``CONSULT_CONTENT_LANGUAGE``,
    French by default), when it differs from the interface's: then their texts carry
    it, so that a screen reader reading an English page says them in French
    (issue 15)."""
    content = current_app.config.get("CONTENT_LANGUAGE", "fr")
    return content if str(get_locale() or "fr") != content else None


def _in_content_language(render):
    def rendered(text):
        html = render(text)
        language = _content_language()
        if not language or not html:
            return html
        return Markup('<div lang="{}">{}</div>').format(language, html)

    return rendered


def user_text(text) -> Markup:
    """A short text a person typed (a title), marked with its language when needed."""
    language = _content_language()
    if not language or not text:
        return escape(text or "")
    return Markup('<span lang="{}">{}</span>').format(language, text)


def init_templating(app: Flask) -> None:
    from consult.core.personal import init_personal
    from consult.core.themes import theme_table

    init_personal(app)
    app.jinja_env.globals.update(can=can, Permission=Permission, csp_nonce=csp_nonce,
                                 roles_of=roles_of, theme=app.config["THEME"],
                                 ui=theme_table(app.config["THEME"]))
    app.jinja_env.filters["markdown"] = _in_content_language(render_markdown)
    app.jinja_env.filters["user_text"] = user_text
    app.jinja_env.filters["markdown_inline"] = render_markdown_inline
    app.jinja_env.filters["zip"] = lambda first, second: list(zip(first, second, strict=True))
    app.jinja_env.filters["truncate"] = _truncate
    # WTForms writes None attributes as the text "None": drop them before rendering.
    app.jinja_env.filters["attributes"] = lambda values: {
        k: v for k, v in values.items() if v is not None and v != ""}
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def _globals():
        return {
            "platform_name": current_app.config["PLATFORM_NAME"],
            "theme": current_app.config["THEME"],
            "locale": str(get_locale() or "fr"),
            "scheme": g.get("scheme", "system"),
            "current_user": current_user,
        }

    @app.after_request
    def _security_headers(response):
        headers = response.headers
        # the names present read once (each setdefault scanned every header: 16 µs an
        # answer for these six, 8 µs now)
        present = {name.lower() for name, _value in headers.items()}
        if "content-security-policy" not in present:
            headers.add("Content-Security-Policy", _content_security_policy())
        for name, value in _STATIC_HEADERS:
            if name.lower() not in present:
                headers.add(name, value)
        if request.is_secure:
            headers.setdefault("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
        # the person as loaded for this request (a page-cache hit loads nobody: anonymous);
        # and any answer that sets a cookie: a shared cache must never hand it to another
        # visitor, whatever the view said (issue 14)
        personal = (getattr(g.get("_login_user"), "is_authenticated", False)
                    or session.modified or "Set-Cookie" in headers)
        if personal and "no-store" not in headers.get("Cache-Control", ""):
            headers["Cache-Control"] = "private, no-store"
        return response


@pass_environment
def _truncate(env, text: str, length: int = 255, killwords: bool = False, end: str = "…",
              leeway: int | None = None) -> str:
    """Jinja's ``truncate``, ending with the ellipsis character a French reader expects
    (« … », not three full stops)."""
    from jinja2.filters import do_truncate

    return do_truncate(env, text, length, killwords, end, leeway)
