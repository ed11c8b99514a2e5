"""Languages: French by default, English complete. The choice comes from the person's
profile, else the language cookie, else the browser, else French."""

from __future__ import annotations

from functools import lru_cache

from flask import Flask, current_app, g, has_request_context, request
from flask_babel import Babel, Domain, format_date, format_decimal, format_time

babel = Babel()
LANG_COOKIE = "consult_lang"


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return "fr"
    user = g.get("_login_user")  # loaded by accounts.sessions before the view runs
    if getattr(user, "is_authenticated", False) and user.locale in languages:
        return user.locale
    cookie = request.cookies.get(LANG_COOKIE)
    if cookie in languages:
        return cookie
    return request.accept_languages.best_match(languages, default="fr") or "fr"


def _babel_context():
    """Flask-Babel's state of this request (its language), if it has one yet."""
    try:
        return g._flask_babel
    except (AttributeError, RuntimeError):  # not asked yet; outside any context
        return None


class KeptDomain(Domain):
    """Flask-Babel's message domain, with the translations of the request's language
    looked up once per request and language: its own lookup (the request's state, the
    language, then ``str(locale)`` as the key of its cache) cost 8 µs, a template's
    ``_()`` 13 µs, and a page asks for a hundred. A ``force_locale`` block (a mail in
    its recipient's language) changes the language object, so it is looked up again."""

    def get_translations(self):
        context = _babel_context()
        kept = getattr(context, "consult_translations", None)
        if kept is not None and kept[0] is not None \
                and kept[0] is getattr(context, "babel_locale", None):
            return kept[1]
        found = super().get_translations()
        context = _babel_context()  # (created by the lookup above when it was missing)
        if context is not None:
            context.consult_translations = (getattr(context, "babel_locale", None), found)
        return found


def translations():
    """The translations of the request's language (the templates' gettext)."""
    return babel.domain_instance.get_translations()


def init_i18n(app: Flask) -> None:
    import os

    app.config["BABEL_TRANSLATION_DIRECTORIES"] = os.path.join(app.root_path, "translations")
    babel.init_app(app, locale_selector=select_locale)
    # the default domain, with its translations kept for the request (a cached property
    # of Flask-Babel's: set once, for every application)
    if not isinstance(babel.__dict__.get("domain_instance"), KeptDomain):
        babel.domain_instance = KeptDomain(domain=app.extensions["babel"].default_domain)
    # (Flask-Babel's own pgettext and npgettext reach it through its get_translations)
    install_direct_gettext(app)
    install_counting_ngettext(app)
    app.jinja_env.filters.update(
        date=lambda value, fmt="long": format_date(value, fmt) if value else "",
        datetime=lambda value, fmt="medium": when(value, fmt) if value else "",
        time=lambda value: format_time(value, "short") if value else "",
        number=lambda value: format_decimal(value) if value is not None else "",
        percent=percent,
        decimal1=lambda value: format_decimal(value, "#,##0.0") if value is not None else "",
    )


ESCAPED_KEPT = 20_000  # texts of the templates: far fewer; a bound all the same


def install_direct_gettext(app: Flask) -> None:
    """The templates' ``_()`` and ``gettext()`` as Jinja's new-style gettext does them
    (the text escaped as the template is, then formatted with its variables, so ``%%``
    writes ``%``), called directly: Jinja's own goes through ``_`` to ``gettext`` to the
    callable, a context call each (7 µs in all, a hundred times a page)."""
    from jinja2 import pass_eval_context
    from markupsafe import Markup

    @pass_eval_context
    def gettext(eval_ctx, __string: str, **variables):
        found = translations()
        if variables or not eval_ctx.autoescape:
            text = found.ugettext(__string)
            if eval_ctx.autoescape:
                text = Markup(text)  # noqa: S704  # nosec B704 - the catalogue's text is ours
            return text % variables
        # a text without variables, escaped once per language (kept with its catalogue)
        kept = found.__dict__.setdefault("consult_escaped", {})
        text = kept.get(__string)
        if text is None:
            text = Markup(found.ugettext(__string)) % {}  # noqa: S704  # nosec B704
            if len(kept) < ESCAPED_KEPT:
                kept[__string] = text
        return text

    app.jinja_env.globals.update(_=gettext, gettext=gettext)


def install_counting_ngettext(app: Flask) -> None:
    """Templates' ``ngettext`` writes its count as the reader does: « 10 000 idées »,
    "10,000 ideas" (issue 14), with the catalogue's plural rule; other variables are
    left as given, escaped like every template variable."""
    import re
    from functools import lru_cache

    from babel.numbers import format_decimal as babel_decimal
    from flask_babel import get_locale
    from jinja2 import pass_eval_context
    from markupsafe import Markup, escape

    count_in_text = re.compile(r"%\((num)\)d")

    @lru_cache(maxsize=4096)
    def counting(text: str) -> str:
        return count_in_text.sub(r"%(\1)s", text)

    @lru_cache(maxsize=16384)
    def written(number: int, locale: str) -> str:  # a page writes the same counts often
        return babel_decimal(number, locale=locale)

    @pass_eval_context
    def ngettext(eval_ctx, __singular: str, __plural: str, __num: int, **variables):
        text = translations().ngettext(__singular, __plural, __num)
        if "num" not in variables:  # given explicitly: used as given
            text = counting(text)
            variables["num"] = (written(__num, str(get_locale()))
                                if isinstance(__num, int) else __num)
        if eval_ctx.autoescape:
            # the catalogue's text is ours; every variable is escaped here
            return Markup(text) % {k: v if isinstance(v, Markup) else escape(v)  # noqa: S704  # nosec B704
                                   for k, v in variables.items()}
        return text % variables

    app.jinja_env.globals["ngettext"] = ngettext


def when(value, fmt: str = "medium") -> str:
    """A date and time as a person reads it, in Paris time: the locale's date, then the
    hour and minutes — no seconds, no time-zone name or offset (issue 14). Formatted
    once per minute, format and language (Babel took 28 µs for each: a moderation queue
    shows 25, a notifications page 50)."""
    from babel import Locale
    from flask_babel import get_locale, to_user_timezone

    local = to_user_timezone(value)
    return _when(local.date(), local.hour, local.minute,
                 fmt if fmt in ("short", "medium", "long") else "medium",
                 str(get_locale() or Locale.parse("fr")))


@lru_cache(maxsize=4096)
def _when(day, hour: int, minute: int, fmt: str, locale_name: str) -> str:
    from datetime import time

    from babel import Locale
    from babel.dates import format_date as babel_date
    from babel.dates import format_time as babel_time

    locale = Locale.parse(locale_name)
    pattern = str(locale.datetime_formats.get(fmt))
    return (pattern.replace("'", "").replace("{1}", babel_date(day, fmt, locale=locale))
            .replace("{0}", babel_time(time(hour, minute), "short", locale=locale)))


def percent(share: float | None, digits: int = 1) -> str:
    """A share as the reader writes it: « 33,3 % » in French, "33.3%" in English."""
    if share is None:
        return ""
    from babel import Locale
    from flask_babel import get_locale

    locale = get_locale() or Locale.parse("fr")
    return _percent(round(share, digits + 6), digits, str(locale))


@lru_cache(maxsize=4096)
def _percent(share: float, digits: int, locale_name: str) -> str:
    """Formatted once per value, digits and language (a results page shows hundreds)."""
    from babel import Locale
    from babel.numbers import format_percent as babel_percent

    locale = Locale.parse(locale_name)
    pattern = locale.percent_formats[None].pattern
    if digits:
        pattern = pattern.replace("0", "0." + "0" * digits, 1)
    return babel_percent(share, pattern, locale=locale)
