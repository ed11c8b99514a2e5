"""No page wider than a phone (issue 14: « Mon espace » reached 541 px at 375 px wide;
issue 15 asks the same at 320 px): the sample of pages, signed out and signed in as a
citizen with ideas, at 320 px."""

from __future__ import annotations

from tests.browser.conftest import sign_in

PAGES = ["/", "/defis", "/defis/simplifier-la-demande-de-carte-d-identite", "/cahiers",
         "/recherche?q=accueil", "/donnees", "/api/v1/docs", "/connexion", "/inscription",
         "/evenements", "/evenements/1", "/programmes/mois-de-l-innovation-publique-demo",
         "/labos", "/projets/1", "/appels/1", "/solutions",
         "/labos/laboratoire-d-innovation-publique-demo/activite", "/labos/reseau",
         "/defis/quelles-ameliorations-du-site-du-departement-d-abord/classement"]
SIGNED_IN = ["/mon-espace", "/notifications", "/compte"]


def test_no_page_is_wider_than_a_phone(live_server, chromium):
    base = live_server["url"]
    context = chromium.new_context(viewport={"width": 320, "height": 720}, locale="fr-FR")
    page = context.new_page()
    too_wide = []

    def check(path: str) -> None:
        page.goto(base + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            too_wide.append(f"{path}: {width} px")

    for path in PAGES:
        check(path)
    sign_in(page, base, "lea@demo.consult.example")  # a citizen with ideas in a table
    for path in SIGNED_IN:
        check(path)
    context.close()
    assert not too_wide, too_wide
