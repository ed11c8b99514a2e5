"""Personal slots (core.personal): a memoised slot is rendered once per state and
language, then copied for each person with their own CSRF token — never another
person's token, never a stale state."""

from __future__ import annotations

import re
from types import SimpleNamespace

from flask import g
from flask_wtf.csrf import generate_csrf

from consult.core import personal
from consult.core.personal import render_slot, set_personal_context
from consult.ideas.ballot import Ballot

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
ARGS = (1, "Des bancs <à l'ombre>", 9, True, 4, 2, "/defis/ombre")


def _footer(app, counts: dict, supported: set) -> str:
    with app.test_request_context("/defis/ombre"):
        g.pop("csrf_token", None)  # (g lives with the tests' app context: a new person)
        challenge = SimpleNamespace(self_support_allowed=False, supports_per_person=None)
        set_personal_context(counts=counts, supported=supported,
                             ballot=Ballot(challenge, 7, None, None))
        return str(render_slot("idea_footer", ARGS))


def test_a_memoised_slot_is_copied_with_each_person_s_token(app, monkeypatch):
    rendered = []
    real = personal.get_template_attribute

    def counting(template, name):
        rendered.append(name)
        return real(template, name)

    monkeypatch.setattr(personal, "get_template_attribute", counting)
    personal._rendered.clear()
    first = _footer(app, {1: 5}, set())
    assert "Des bancs &lt;à l&#39;ombre&gt;" in first and 'aria-pressed="false"' in first
    assert "<strong data-supports-count>5</strong>" in first
    second = _footer(app, {1: 5}, set())  # another request, another session: another token
    assert rendered == ["idea_footer"]  # rendered once
    mine, theirs = TOKEN.search(first).group(1), TOKEN.search(second).group(1)
    assert mine != theirs and mine not in second
    assert second == first.replace(mine, theirs)
    # the state changed (a support, a fresh count): rendered again, never the old output
    third = _footer(app, {1: 6}, {1})
    assert rendered == ["idea_footer", "idea_footer"]
    assert 'aria-pressed="true"' in third and "<strong data-supports-count>6</strong>" in third
    assert "\x02" not in first + second + third


def test_a_comment_form_slot_filled_on_a_hit_builds_its_blank_form(app):
    """On a kept page's hit the person's context holds no comment form (building one
    for every hit cost more than the slot): rendered cold, the slot makes a blank one."""
    personal._rendered.clear()
    with app.test_request_context("/idees/1"):
        set_personal_context(comment_problem=None, comment_form=None)
        html = str(render_slot("comment_form", (1,)))
        token = generate_csrf()
    assert 'name="body"' in html and f'value="{token}"' in html
    assert "error-summary" not in html
