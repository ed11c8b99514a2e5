"""A short-lived cache of the pages anonymous visitors read, so that a media peak on a
consultation is served from memory instead of rendering the same page thousands of
times a second.

Only GET views marked ``@anonymous_cache`` are cached, only for visitors who are not
signed in and have no message waiting, per address, language, display scheme and
whatever the view declares it varies on (the visitor's random order). A page embeds two
per-request secrets — the CSP nonce and the visitor's CSRF token — so the cached copy
keeps the ones it was rendered with and each hit swaps in fresh ones: every visitor
gets a page that works with their own session.

A view that also declares how to build its personal parts (``personal=``, see
core.personal) is shared by signed-in citizens too: the kept page has holes where each
citizen's own state goes (their supports, their ballot, their name, their unread
notifications), filled for each of them on a hit. Agents and administrators, whose
pages hold tools of their own, and people with a message waiting always get a page
rendered for them. Entries live ``CONSULT_PAGE_CACHE_SECONDS`` (10 s by default, 0
turns the cache off), in each worker's memory (cachetools)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from cachetools import TTLCache
from flask import Flask, current_app, g, request, session
from flask_babel import get_locale
from flask_wtf.csrf import generate_csrf

from consult.core.personal import fill, record_slots, split
from consult.core.templating import csp_nonce

F = TypeVar("F", bound=Callable[..., Any])


def anonymous_cache(vary: Callable[[], Any] | None = None,
                    personal: Callable[[list], Any] | None = None) -> Callable[[F], F]:
    """Mark a GET view whose page is the same for every anonymous visitor (once
    ``vary()`` — e.g. the visitor's random order — is part of the key); with
    ``personal(slots)``, which sets the personal context of a kept page's slots for the
    current person, signed-in citizens share it too."""

    def mark(view: F) -> F:
        view._page_cache_vary = vary or (lambda: None)  # type: ignore[attr-defined]
        view._page_cache_personal = personal  # type: ignore[attr-defined]
        return view

    return mark


@dataclass(frozen=True)
class Entry:
    body: str
    mimetype: str
    nonce: str
    csrf: str | None
    slots: tuple = ()  # (name, arguments) of each hole, for signed-in citizens


class PageCache:
    def __init__(self, seconds: int, size: int) -> None:
        self.entries: TTLCache = TTLCache(maxsize=size, ttl=seconds)
        self.lock = threading.Lock()  # gthread workers share it
        self.hits = self.misses = 0

    def get(self, key) -> Entry | None:
        with self.lock:
            return self.entries.get(key)

    def put(self, key, entry: Entry) -> None:
        with self.lock:
            self.entries[key] = entry


def _view():
    return current_app.view_functions.get(request.endpoint or "")


def _key() -> tuple | None:
    # Runs before anything else of the request: a session naming a server-side session
    # ("sid") is a signed-in person (or one whose session just expired), who may share
    # only the pages that can be personalised.
    if request.method != "GET" or session.get("_flashes"):
        return None
    view = _view()
    vary = getattr(view, "_page_cache_vary", None)
    if vary is None:
        return None
    signed_in = "sid" in session
    if signed_in and getattr(view, "_page_cache_personal", None) is None:
        return None
    return (request.host, request.full_path, str(get_locale()),
            request.cookies.get("consult_scheme", "system"), vary(), signed_in)


def shares_pages(user: Any) -> bool:
    """A confirmed citizen with no role beyond it: their pages differ from another
    citizen's only in their slots."""
    from consult.core.security import Role, roles_of

    return (getattr(user, "is_authenticated", False) and not user.is_deleted
            and user.is_confirmed and roles_of(user) == {Role.CITIZEN})


def init_page_cache(app: Flask) -> None:
    seconds = app.config.get("PAGE_CACHE_SECONDS", 10)
    if not seconds:
        return
    cache = PageCache(seconds, app.config.get("PAGE_CACHE_SIZE", 512))
    app.extensions["consult_page_cache"] = cache

    def _serve_from_cache():
        key = _key()
        if key is None:
            return None
        signed_in = key[-1]
        if signed_in:
            from flask_login import current_user

            if not shares_pages(current_user._get_current_object()):
                return None
        entry = cache.get(key)
        # a kept page whose subject went away meanwhile (the builder says False) is
        # rendered again, as a miss
        if entry is not None and entry.slots and \
                _view()._page_cache_personal(list(entry.slots)) is False:
            entry = None
        if entry is None:
            g.page_cache_key = key
            cache.misses += 1
            if signed_in:
                record_slots()
            return None
        cache.hits += 1
        body = entry.body
        if entry.slots:
            body = fill(body, list(entry.slots))
        body = body.replace(entry.nonce, csp_nonce())
        if entry.csrf:
            body = body.replace(entry.csrf, generate_csrf())
        response = app.response_class(body, mimetype=entry.mimetype)
        response.headers["X-Consult-Cache"] = "hit"
        return response

    # first of the request's steps: an anonymous hit costs no database query and no
    # user loading; a citizen's costs loading them and their slots' few queries
    app.before_request_funcs.setdefault(None, []).insert(0, _serve_from_cache)

    @app.after_request
    def _store(response):
        key = g.pop("page_cache_key", None)
        slots = g.pop("consult_slots", None)
        if key is None or response.is_streamed:
            return response
        body = response.get_data(as_text=True)
        kept = body
        if slots is not None:
            body, kept = split(body)
            response.set_data(body)
        if response.status_code == 200:
            cache.put(key, Entry(kept, response.mimetype, csp_nonce(), g.get("csrf_token"),
                                 tuple(slots or ())))
        return response
