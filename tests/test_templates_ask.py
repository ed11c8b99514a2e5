"""Templates ask the rules (actions_for, open_to, can), they never restate them
(issue 16): no template compares a phase with a phase's name."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.dbless  # no database: runs once, on SQLite

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
NAMES = ("draft|announced|pause|closed|information|survey|ideas|supports|review|results"
         "|submission|voting")
RESTATED = re.compile(
    rf"phase(\.value)?\s*(==|!=|\bin\b|\bnot in\b)\s*[\(\[]?\s*['\"]({NAMES})['\"]"
    rf"|['\"]({NAMES})['\"]\s*(==|!=)\s*\w*\.?phase|Phase\.[A-Z]+")


def test_no_template_compares_phase_names():
    found = [f"{path.relative_to(TEMPLATES)}:{number}: {line.strip()[:100]}"
             for path in sorted(TEMPLATES.rglob("*.html"))
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if RESTATED.search(line)]
    assert found == []


def test_the_pattern_sees_a_restated_rule():
    assert RESTATED.search("{% if challenge.phase.value == 'supports' and supports_left %}")
    assert RESTATED.search("{% if challenge.phase.value in ('review', 'results') %}")
    assert RESTATED.search("{% if challenge.phase == Phase.SUPPORTS %}")
    assert not RESTATED.search("{% if Action.SUPPORT in actions_for(challenge) %}")
