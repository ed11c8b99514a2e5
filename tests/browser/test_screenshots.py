"""`make screenshots`: the README's pictures, taken in a real browser from the demo, in
both themes (not part of `make test`: marked `screenshots`). The pictures go to
docs/screenshots only when `make screenshots` asks (CONSULT_SCREENSHOTS_DIR); run any
other way (`pytest -m browser`, `-m screenshots`), the test takes them into a
temporary folder: no option of pytest overwrites the README's pictures."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser.conftest import sign_in

PAGES = [
    ("home", "/", None),
    ("challenge", "/defis/simplifier-la-demande-de-carte-d-identite", None),
    ("idea", "/idees/3", None),
    ("brief", "/cahiers/1", None),
    ("moderation", "/moderation", "david.pref@demo.consult.example"),
    ("dashboard", "/espace/departement-du-val-d-oise-demo/tableau-de-bord",
     "agnes.admin@demo.consult.example"),
    ("programme", "/programmes/mois-de-l-innovation-publique-demo", None),
    ("event", "/evenements/1", None),
    ("checkin", "/evenements/1/participants", "claire.lab@demo.consult.example"),
    ("lab-project", "/projets/1", None),
    ("lab-call", "/appels/1", None),
    ("lab-report", "/labos/laboratoire-d-innovation-publique-demo/activite",
     "claire.lab@demo.consult.example"),
]


@pytest.mark.screenshots
@pytest.mark.parametrize("theme", ["neutral", "dsfr"])
def test_take_screenshots(live_servers, chromium, theme, tmp_path):
    base = live_servers(theme)["url"]
    out = Path(os.environ.get("CONSULT_SCREENSHOTS_DIR") or tmp_path)
    out.mkdir(parents=True, exist_ok=True)
    for name, path, account in PAGES:
        context = chromium.new_context(locale="fr-FR", viewport={"width": 1280, "height": 860})
        page = context.new_page()
        if account:
            sign_in(page, base, account)
        page.goto(base + path)
        page.wait_for_timeout(300)
        page.screenshot(path=str(out / f"{theme}-{name}.png"))
        context.close()
    # a questionnaire to answer, and the results of one that is over (found by their links)
    for name, path, link, account in (
            ("survey", "/defis/mieux-informer-les-familles-sur-les-transports-scolaires",
             "Répondre au questionnaire", "manon@demo.consult.example"),
            ("survey-results", "/defis/comment-rendre-l-accueil-des-maisons-departementales-"
             "des-solidarites-p", "Résultats du questionnaire", None)):
        context = chromium.new_context(locale="fr-FR", viewport={"width": 1280, "height": 860})
        page = context.new_page()
        if account:
            sign_in(page, base, account)
        page.goto(base + path)
        page.click(f"text={link}")
        page.wait_for_timeout(300)
        page.screenshot(path=str(out / f"{theme}-{name}.png"))
        context.close()
    dark = chromium.new_context(locale="fr-FR", color_scheme="dark",
                                viewport={"width": 1280, "height": 860})
    page = dark.new_page()
    page.goto(base + PAGES[1][1])
    page.wait_for_timeout(300)
    page.screenshot(path=str(out / f"{theme}-challenge-dark.png"))
    dark.close()
