"""The self-assessment grid backs the accessibility statement: it must be whole, every
status established by something that exists, and the rate computed from it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from consult.accessibility.grid import load, parse, problems

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


def test_the_grid_is_whole_and_every_status_is_backed():
    axe = AXE.read_text() if AXE.exists() else None
    assert problems(load(), ROOT, axe) == []


def test_a_criterion_without_status_fails_the_grid():
    grid = load()
    text = (ROOT / "consult/accessibility/rgaa-4.1.toml").read_text()
    assert problems(parse(text.replace('status = "NA"', "", 1))) == [
        "1.4: status '' is not one of C, NC, NA"]
    assert problems(parse(text.replace('id = "13.12"', 'id = "13.13"'))) == [
        "13.12: missing", "13.13: not an RGAA 4.1 criterion"]
    assert len(grid.criteria) == 106


def test_a_check_that_does_not_exist_fails_the_grid():
    text = (ROOT / "consult/accessibility/rgaa-4.1.toml").read_text()
    invented = text.replace('"axe:image-alt", ', '"tests/browser/test_x.py::test_nothing", ', 1)
    assert problems(parse(invented), ROOT) == [
        "1.1: tests/browser/test_x.py::test_nothing: no such test"]
    vague = text.replace('"axe:image-alt", ', '"looked at it", ', 1)
    assert problems(parse(vague)) == [
        "1.1: 'looked at it': neither a test, an axe rule nor « manuel »"]


def test_the_rate_is_the_rgaa_formula():
    grid = parse("""
[audit]
date = 2026-12-02
sample = [["Accueil", "/"]]
[[criterion]]
id = "1.1"
title = "t"
status = "C"
checks = ["manuel"]
note = "n"
[[criterion]]
id = "1.2"
title = "t"
status = "NC"
checks = ["manuel"]
note = "n"
[[criterion]]
id = "1.3"
title = "t"
status = "NA"
note = "n"
""")
    assert grid.audited_on == date(2026, 12, 2)
    assert grid.rate == 0.5 and grid.level == "partial"  # NA does not count
    assert [c.id for c in grid.failing()] == ["1.2"]


def test_flask_check_refuses_a_deployment_grid_that_is_not_whole(app, tmp_path, monkeypatch):
    from consult.integrity import accessibility_grid_is_fit

    assert accessibility_grid_is_fit() == []
    broken = tmp_path / "grid.toml"
    broken.write_text((ROOT / "consult/accessibility/rgaa-4.1.toml").read_text()
                      .replace('id = "2.2"', 'id = "2.9"'), encoding="utf-8")
    monkeypatch.setitem(app.config, "ACCESSIBILITY_GRID", str(broken))
    assert accessibility_grid_is_fit() == ["grille d’accessibilité : 2.2: missing",
                                           "grille d’accessibilité : 2.9: not an RGAA 4.1 "
                                           "criterion"]
    monkeypatch.setitem(app.config, "ACCESSIBILITY_GRID", str(tmp_path / "absent.toml"))
    assert "illisible" in accessibility_grid_is_fit()[0]
