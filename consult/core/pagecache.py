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
turns the cache off), in each worker's memory (cachetools).

With Redis (``CONSULT_REDIS_URL``), kept pages are also shared by every worker of every
host: a page is rendered once for the whole deployment per period instead of once per
worker (the 64 random orders of a voting challenge, on six workers, were 384 renders
every 10 s). Each worker then keeps a page one second in its own memory, in front of
Redis, so a page is at most ``CONSULT_PAGE_CACHE_SECONDS`` + 1 s old. Redis not
answering costs nothing but the sharing: each worker keeps its own pages meanwhile, with
a logged warning. Entries are JSON, never pickles: whoever can write to Redis cannot
make a worker run code."""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
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
log = logging.getLogger("consult.pagecache")


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


class SharedPages:
    """Kept pages in Redis, for every worker of every host."""

    PREFIX = "consult:page:"
    SET_ASIDE_SECONDS = 5.0

    def __init__(self, url: str, seconds: int) -> None:
        import redis

        self.errors = (redis.RedisError, OSError)
        self.client = redis.Redis.from_url(url, socket_timeout=0.25,
                                           socket_connect_timeout=0.25)
        self.seconds = seconds
        self.set_aside_until = 0.0

    @classmethod
    def name(cls, key: tuple) -> str:
        return cls.PREFIX + hashlib.sha256(repr(key).encode()).hexdigest()

    def _failed(self, error: BaseException) -> None:
        first = time.monotonic() >= self.set_aside_until
        self.set_aside_until = time.monotonic() + self.SET_ASIDE_SECONDS
        if first:
            log.warning("page cache: Redis not answering, each worker keeps its own pages "
                        "for %.0f s: %s", self.SET_ASIDE_SECONDS, error)

    def get(self, key: tuple) -> Entry | None:
        if time.monotonic() < self.set_aside_until:
            return None
        try:
            raw = self.client.get(self.name(key))
        except self.errors as error:
            self._failed(error)
            return None
        if raw is None:
            return None
        try:
            data = json.loads(raw)
            return Entry(str(data["body"]), str(data["mimetype"]), str(data["nonce"]),
                         data["csrf"] and str(data["csrf"]),
                         tuple((str(name), tuple(args)) for name, args in data["slots"]))
        except (ValueError, KeyError, TypeError):  # not ours: a miss, rendered again
            log.warning("page cache: an unreadable entry in Redis was ignored")
            return None

    def put(self, key: tuple, entry: Entry) -> None:
        if time.monotonic() < self.set_aside_until:
            return
        data = {"body": entry.body, "mimetype": entry.mimetype, "nonce": entry.nonce,
                "csrf": entry.csrf, "slots": [[name, list(args)] for name, args in entry.slots]}
        try:
            self.client.set(self.name(key), json.dumps(data), ex=self.seconds)
        except self.errors as error:
            self._failed(error)


class PageCache:
    WAIT_SECONDS = 2.0  # at most, for another thread's render of the same page

    def __init__(self, seconds: int, size: int, shared: SharedPages | None = None) -> None:
        # in front of a shared level, each worker keeps a page one second
        self.entries: TTLCache = TTLCache(maxsize=size, ttl=1 if shared else seconds)
        self.shared = shared
        self.lock = threading.Lock()  # gthread workers share it
        self.hits = self.misses = self.shared_hits = 0
        # the pages being rendered by a thread of this worker: when a kept page expires
        # at the height of a peak, one thread renders it and the others wait for it,
        # instead of eight renders at once (each eight times slower under the GIL, the
        # worker's memory swollen by all of them)
        self.rendering: dict[Any, threading.Event] = {}

    def claim(self, key) -> threading.Event | None:
        """None: this thread renders the page (and must ``release`` it); else the event
        to wait for, set when another thread has kept it."""
        with self.lock:
            pending = self.rendering.get(key)
            if pending is None:
                self.rendering[key] = threading.Event()
            return pending

    def release(self, key) -> None:
        with self.lock:
            pending = self.rendering.pop(key, None)
        if pending is not None:
            pending.set()

    def get(self, key) -> Entry | None:
        with self.lock:
            entry = self.entries.get(key)
        if entry is None and self.shared is not None:
            entry = self.shared.get(key)
            if entry is not None:
                self.shared_hits += 1
                with self.lock:
                    self.entries[key] = entry
        return entry

    def put(self, key, entry: Entry) -> None:
        with self.lock:
            self.entries[key] = entry
        if self.shared is not None:
            self.shared.put(key, entry)


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
    shared_url = app.config.get("PAGE_CACHE_REDIS_URL")
    cache = PageCache(seconds, app.config.get("PAGE_CACHE_SIZE", 512),
                      SharedPages(shared_url, seconds) if shared_url else None)
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
        if entry is None:
            pending = cache.claim(key)
            if pending is None:
                g.page_cache_rendering = key  # released once kept, or on any error
            elif pending.wait(cache.WAIT_SECONDS):
                entry = cache.get(key)  # (still None if that render was not kept)
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
        _release()
        return response

    @app.teardown_request
    def _release(_error=None):
        # the threads waiting for this render go on (a hit, or their own render when it
        # was not kept: an error, a 404, a redirect)
        key = g.pop("page_cache_rendering", None)
        if key is not None:
            cache.release(key)
