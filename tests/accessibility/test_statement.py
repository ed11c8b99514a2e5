"""The accessibility statement as the RGAA's model asks: computed from the grid, naming
the deployment's entity and contact, with the Défenseur des droits recourse."""

from __future__ import annotations

from pathlib import Path

GRID = Path(__file__).resolve().parents[2] / "consult/accessibility/rgaa-4.1.toml"


def configure(monkeypatch, app, **settings) -> None:
    """The deployment's settings, for this test only (the app outlives it)."""
    for key, value in settings.items():
        monkeypatch.setitem(app.config, key, value)


def test_the_statement_is_computed_from_the_grid_and_names_the_deployment(client, app,
                                                                          monkeypatch):
    configure(monkeypatch, app, ACCESSIBILITY_ENTITY="Département du Val-d’Oise",
              ACCESSIBILITY_CONTACT_EMAIL="accessibilite@valdoise.example",
              ACCESSIBILITY_PLAN_URL="https://www.valdoise.example/schema-accessibilite")
    page = client.get("/accessibilite").text
    assert "Département du Val-d’Oise s’engage à rendre" in page
    assert 'href="mailto:accessibilite@valdoise.example"' in page
    assert 'href="https://www.valdoise.example/schema-accessibilite"' in page
    assert "Consult est totalement conforme" in page
    assert "révèle que 100,0\u00a0% des critères" in page  # as French writes a share
    assert "73 critères conformes" in page and "0 critère non conforme" in page
    assert "33 critères non applicables" in page
    assert "Défenseur des droits" in page and "Libre réponse 71120" in page
    assert "Cette déclaration a été établie le 2 décembre 2026." in page
    assert "n’a pas encore renseigné" not in page
    assert page.count("<details") == 13  # one per RGAA theme, each criterion in it
    assert "Accessibilité : totalement conforme" in page  # the footer says the same


def test_a_non_conformity_lowers_the_level_everywhere_and_is_listed(client, app, tmp_path,
                                                                    monkeypatch):
    failing = tmp_path / "grid.toml"
    failing.write_text(GRID.read_text(encoding="utf-8").replace(
        'id = "10.12"\ntitle = ', 'id = "10.12"\nnote = "Le texte des cartes est coupé."\n'
        'title = ', 1).replace(
        'checks = ["tests/browser/test_reading.py::test_text_spacing_loses_nothing"]',
        'status = "NC"\nchecks = ["manuel"]', 1).replace(
        'title = "Dans chaque page web, les propriétés d’espacement du texte peuvent-elles '
        'être redéfinies par l’utilisateur sans perte de contenu ou de fonctionnalité ?"\n'
        'status = "C"\n', 'title = "Espacement du texte"\n', 1), encoding="utf-8")
    configure(monkeypatch, app, ACCESSIBILITY_GRID=str(failing))
    page = client.get("/accessibilite").text
    assert "Consult est partiellement conforme" in page
    assert "en raison des non-conformités énumérées ci-dessous" in page
    assert "98,6\u00a0%" in page  # 72 of 73 applicable criteria
    assert "Critère 10.12" in page and "Le texte des cartes est coupé." in page
    assert "Accessibilité : partiellement conforme" in client.get("/").text


def test_an_instance_that_did_not_name_itself_says_so(client, app, monkeypatch):
    configure(monkeypatch, app, ACCESSIBILITY_ENTITY=None, ACCESSIBILITY_CONTACT_EMAIL=None,
              ACCESSIBILITY_CONTACT_URL=None, ACCESSIBILITY_CONTACT_ADDRESS=None)
    page = client.get("/accessibilite").text
    assert "L’organisme qui exploite Consult s’engage" in page
    assert "n’a pas encore renseigné son nom ou son moyen de contact" in page


def test_the_statement_reads_in_english_too(client, app):
    client.set_cookie("consult_lang", "en")
    page = client.get("/accessibilite").text
    assert "Accessibility statement" in page and "fully compliant" in page
    assert "Défenseur des droits" in page
