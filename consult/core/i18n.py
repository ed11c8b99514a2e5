"""Languages: French by default, English complete. The choice comes from the person's
profile, else the language cookie, else the browser, else French."""

from __future__ import annotations

from functools import lru_cache

from flask import Flask, current_app, g, has_request_context, request
from flask_babel import Babel, format_date, format_decimal, format_time

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


def init_i18n(app: Flask) -> None:
    import os

    app.config["BABEL_TRANSLATION_DIRECTORIES"] = os.path.join(app.root_path, "translations")
    babel.init_app(app, locale_selector=select_locale)
    install_counting_ngettext(app)
    app.jinja_env.filters.update(
        date=lambda value, fmt="long": format_date(value, fmt) if value else "",
        datetime=lambda value, fmt="medium": when(value, fmt) if value else "",
        time=lambda value: format_time(value, "short") if value else "",
        number=lambda value: format_decimal(value) if value is not None else "",
        percent=percent,
        decimal1=lambda value: format_decimal(value, "#,##0.0") if value is not None else "",
    )


def install_counting_ngettext(app: Flask) -> None:
    """Templates' ``ngettext`` writes its count as the reader does: « 10 000 idées »,
    "10,000 ideas" (issue 14), with the catalogue's plural rule; other variables are
    left as given, escaped like every template variable."""
    import re
    from functools import lru_cache

    from babel.numbers import format_decimal as babel_decimal
    from flask_babel import get_locale, get_translations
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
        text = get_translations().ngettext(__singular, __plural, __num)
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
    hour and minutes — no seconds, no time-zone name or offset (issue 14)."""
    from babel import Locale
    from flask_babel import get_locale

    locale = get_locale() or Locale.parse("fr")
    pattern = str(locale.datetime_formats.get(fmt if fmt in ("short", "medium", "long")
                                              else "medium"))
    return (pattern.replace("'", "").replace("{1}", format_date(value, fmt))
            .replace("{0}", format_time(value, "short")))


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
