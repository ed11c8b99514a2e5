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
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flask import Flask, g, get_template_attribute
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


def render_slot(name: str, args: tuple) -> Markup:
    # a macro of an autoescaping template: its output is Markup, escaped where it must be
    return get_template_attribute(TEMPLATE, name)(*args)


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
    rendered = [render_slot(name, args) for name, args in slots]
    return _HOLE.sub(lambda m: rendered[int(m.group(1))], body)


def init_personal(app: Flask) -> None:
    from flask_login import current_user

    # globals, not context processors: a slot is rendered outside any page's context
    app.jinja_env.globals.update(personal=personal, personal_context=personal_context,
                                 current_user=current_user)
