"""Kept pages with holes (core.personal): the person a page was rendered for sees no
marker, the kept copy has numbered holes, and filling them for another person puts
each slot's new rendering in its place (the live proof is in test_pagecache.py)."""

import pytest

from consult.core import personal

pytestmark = pytest.mark.dbless


def test_a_kept_page_has_holes_and_its_first_reader_sees_none(monkeypatch):
    body = "<p>a</p>\x000\x01<b>Camille</b>\x00<p>b</p>\x001\x01<i>3</i>\x00"
    theirs, kept = personal.split(body)
    assert theirs == "<p>a</p><b>Camille</b><p>b</p><i>3</i>"
    assert kept == "<p>a</p>\x000\x00<p>b</p>\x001\x00"
    monkeypatch.setattr(personal, "render_slot", lambda name, args: f"[{name} {args[0]}]")
    filled = personal.fill(kept, [("account_name", ("Yasmine",)), ("idea_footer", (5,))])
    assert filled == "<p>a</p>[account_name Yasmine]<p>b</p>[idea_footer 5]"
    assert "\x00" not in filled


def test_a_page_without_slots_is_kept_as_it_is():
    assert personal.split("<p>rien</p>") == ("<p>rien</p>", "<p>rien</p>")
