"""The personal parts of a page that signed-in people share (issue 17).

A citizen's idea list differs from another citizen's only in a few places: their name in
the header, their unread notifications, whether they follow the challenge, what remains
of their supports and the button of each idea. Templates write those places as slots,
``{{ personal('support', idea.id, …) }}``: a slot is a macro of ``templates/_personal.html``
that reads its data from the page's personal context (``personal_context()``), so the
same macro renders it in a full page and on a cached one.

When a page is to be kept (core.pagecache), each slot's output is framed by markers;
the cache keeps the page with numbered holes and the slots' arguments, and answers the
next citizen by filling the holes for them: their context is built by the view's
``personal`` function from those arguments (a handful of small queries), instead of
loading and rendering the whole page. The markers are NUL characters, which no text of
Consult can hold (core.text refuses control characters).

A slot whose output follows from its arguments and a few values of the person's context
may say so (``memoised(name, state)``: ``state(args)`` gives those values, and the macro
reads them through the same function): its output is then rendered once per worker for
each (arguments, state, language) and copied for every other person with their own CSRF
token — the idea list's twenty buttons cost a dictionary lookup each instead of a macro
call.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Hashable
from typing import Any

from cachetools import LRUCache
from flask import Flask, g, get_template_attribute, request
from flask_babel import get_locale
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

TEMPLATE = "_personal.html"
_FRAMED = re.compile(r"\x00(\d+)\x01(.*?)\x00", re.S)
_HOLE = re.compile(r"\x00(\d+)\x00")

Slots = list[tuple[str, tuple]]
ContextBuilder = Callable[[Slots], dict[str, Any]]


def personal_context() -> dict[str, Any]:
    """What the slots of this page read (set by the view, or by its builder on a hit)."""
    return g.get("consult_personal") or {}


def set_personal_context(**values: Any) -> None:
    g.consult_personal = {**personal_context(), **values}


def record_slots() -> None:
    """This render will be kept: frame each slot's output and note its arguments."""
    g.consult_slots = []


State = Callable[[tuple], Hashable]
FRESH = object()  # what a state says when this output must be rendered, not kept
_STATES: dict[str, State] = {}
_CSRF_MARK = "\x02csrf\x02"  # a control character: no text of Consult holds one
_rendered: LRUCache = LRUCache(maxsize=4096)
_rendered_lock = threading.Lock()  # gthread workers share it


def memoised(name: str, state: State) -> None:
    """Declare that slot ``name``'s output is a function of its arguments and of
    ``state(args)`` (read from the person's context), the language and the CSRF token;
    a state of ``FRESH`` renders it without keeping it (a form holding what was typed)."""
    _STATES[name] = state


def render_slot(name: str, args: tuple, token: str | None = None,
                locale: str | None = None) -> Markup:
    """A slot's output for the current person (``token`` and ``locale``: their CSRF
    token and language, when the caller has them already)."""
    state = _STATES.get(name)
    if state is None:
        # a macro of an autoescaping template: its output is Markup, escaped where it must be
        return get_template_attribute(TEMPLATE, name)(*args)
    values = state(tuple(args))
    if values is FRESH:
        return get_template_attribute(TEMPLATE, name)(*args)
    key = (name, tuple(args), values, locale or str(get_locale()))
    token = token or generate_csrf()
    with _rendered_lock:
        kept = _rendered.get(key)
    if kept is None:
        html = get_template_attribute(TEMPLATE, name)(*args)
        with _rendered_lock:
            _rendered[key] = str(html).replace(token, _CSRF_MARK)
        return html
    # the kept output was escaped when it was rendered; the token is URL-safe base64
    return Markup(kept.replace(_CSRF_MARK, token))  # noqa: S704  # nosec B704


def personal(name: str, *args: Any) -> Markup:
    """A personal part of the page (the Jinja global)."""
    html = render_slot(name, args)
    slots = g.get("consult_slots")
    if slots is None:
        return html
    slots.append((name, args))
    # the markers are a number and control characters: nothing to escape
    opening = Markup(f"\x00{len(slots) - 1}\x01")  # noqa: S704  # nosec B704
    return opening + html + Markup("\x00")


def split(body: str) -> tuple[str, str]:
    """(the page for the person it was rendered for, the page with numbered holes)."""
    return _FRAMED.sub(r"\2", body), _FRAMED.sub(lambda m: f"\x00{m.group(1)}\x00", body)


def fill(body: str, slots: Slots) -> str:
    """The kept page with every hole filled for the current person."""
    # the token and the language asked once for the page, not for each of its slots
    # (Flask-WTF's generate_csrf reads its configuration at each call: 10 µs a slot)
    token, locale = generate_csrf(), str(get_locale())
    rendered = [render_slot(name, args, token, locale) for name, args in slots]
    return _HOLE.sub(lambda m: rendered[int(m.group(1))], body)


def once_per_request(key: Hashable, compute: Callable[[], Any]) -> Any:
    """``compute()``, asked once in this request (a slot's state and its macro read the
    same value: one query). Kept in the request's environ, which dies with it (``g``
    outlives a request when an application context was pushed before it)."""
    kept = request.environ.setdefault("consult.once", {})
    if key not in kept:
        kept[key] = compute()
    return kept[key]


def kept_for_request(key: Hashable, value: Any) -> None:
    """What ``once_per_request(key, …)`` will answer in this request, read already (the
    session's statement reads the header's counts with the person)."""
    request.environ.setdefault("consult.once", {})[key] = value


def init_personal(app: Flask) -> None:
    from flask_login import current_user

    # globals, not context processors: a slot is rendered outside any page's context
    app.jinja_env.globals.update(personal=personal, personal_context=personal_context,
                                 current_user=current_user)
