"""axe-core (npm registry, pinned) in headless Chromium over every page type, in the light
and dark schemes: no violation. Pages needing an account are opened signed in; forms
with errors are submitted first."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.browser.conftest import sign_in

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]

LAB = "laboratoire-d-innovation-publique-demo"
PAIRWISE = "quelles-ameliorations-du-site-du-departement-d-abord"  # the demo's wiki survey
STATEMENTS = "comment-ouvrir-les-accueils-du-departement"  # its « points d'accord »
ANONYMOUS = [
    ("home", "/"), ("challenges", "/defis"),
    ("challenge", "/defis/simplifier-la-demande-de-carte-d-identite"),
    ("search", "/defis/simplifier-la-demande-de-carte-d-identite?q=prefecture+accueil"),
    ("idea", "/idees/1"),
    ("results", "/defis/simplifier-l-inscription-a-la-cantine-des-colleges/resultats"),
    ("brief", "/cahiers/1"), ("login", "/connexion"), ("register", "/inscription"),
    ("forgot", "/mot-de-passe-oublie"), ("accessibility", "/accessibilite"),
    ("not-found", "/nexiste-pas"),
    ("organisation", "/organisations/departement-du-val-d-oise-demo"),
    ("open-data", "/donnees"), ("api-docs", "/api/v1/docs"),
    ("agenda", "/evenements"), ("event", "/evenements/1"), ("programmes", "/programmes"),
    ("programme", "/programmes/mois-de-l-innovation-publique-demo"),
    ("labs", "/labos"), ("lab", f"/labos/{LAB}"), ("lab-project", "/projets/1"),
    ("calls", "/appels"), ("call", "/appels/1"), ("catalogue", "/solutions"),
    ("lab-report", f"/labos/{LAB}/activite"), ("labs-network", "/labos/reseau"),
    ("pairwise-ranking", f"/defis/{PAIRWISE}/classement"),
    ("opinion-groups", f"/defis/{STATEMENTS}/points-d-accord/rapport"),
]
CITIZEN = [("my-space", "/mon-espace"), ("profile", "/compte"),
           ("propose", "/defis/mieux-informer-les-familles-sur-les-transports-scolaires/proposer"),
           ("register-event", "/evenements/2/inscription"), ("my-events", "/mon-espace/evenements"),
           ("compare", f"/defis/{PAIRWISE}/comparer"),
           ("statements", f"/defis/{STATEMENTS}/points-d-accord")]
AGENT = [("moderation", "/moderation"), ("moderate-idea", "/moderation/idees/1"),
         ("workspace", "/espace/departement-du-val-d-oise-demo"),
         ("dashboard", "/espace/departement-du-val-d-oise-demo/tableau-de-bord"),
         ("editor", "/defis/simplifier-l-inscription-a-la-cantine-des-colleges/modifier"),
         ("brief-editor", "/cahiers/1/modifier"),
         ("new-challenge", "/espace/departement-du-val-d-oise-demo/defis/nouveau"),
         ("api-tokens", "/espace/departement-du-val-d-oise-demo/jetons-api"),
         ("new-event", "/evenements/nouveau"), ("write-up", "/evenements/7/compte-rendu"),
         ("participants", "/evenements/2/participants"),
         ("request-lab", f"/labos/{LAB}/solliciter"), ("lab-request", "/labos/demandes/1"),
         ("my-requests", "/labos/mes-demandes"),
         ("eligibility", "/defis/mieux-informer-les-familles-sur-les-transports-scolaires/"
                         "qui-peut-participer"),
         ("proconnect-agents", "/espace/departement-du-val-d-oise-demo/proconnect")]
LAB_TEAM = [("lab-queue", f"/labos/{LAB}/demandes"), ("lab-triage", "/labos/demandes/2"),
            ("lab-partners", f"/labos/{LAB}/partenaires"),
            ("lab-project-team", "/projets/1"), ("lab-project-edit", "/projets/1/modifier"),
            ("new-call", f"/labos/{LAB}/appels/nouveau"), ("jury", "/appels/1/jury")]


def violations(page) -> list[dict]:
    # after a click that posts a form, the answer may still be loading (under load, its
    # stylesheet not yet applied: the skip links then look like tiny targets)
    page.wait_for_load_state("load")
    page.evaluate(AXE.read_text())
    result = page.evaluate("(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})",
                           TAGS)
    return [{"id": v["id"], "impact": v["impact"],
             "nodes": [n["target"] for n in v["nodes"][:3]]} for v in result["violations"]]


def watch_console(page, failures: list) -> None:
    """Any script error or Content-Security-Policy refusal fails the test."""
    page.on("pageerror", lambda error: failures.append(f"script error on {page.url}: {error}"))
    page.on("console", lambda message: failures.append(
        f"console on {page.url}: {message.text}") if message.type == "error"
        and "Failed to load resource" not in message.text else None)


def check(page, url: str, failures: list, label: str) -> None:
    page.goto(url)
    found = violations(page)
    if found:
        failures.append(f"{label}: {json.dumps(found, ensure_ascii=False)}")


@pytest.mark.parametrize("theme", ["neutral", "dsfr"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_page_type_has_no_axe_violation(live_servers, chromium, theme, scheme):
    if not AXE.exists():
        pytest.skip("axe-core is installed by `make test` (npm ci)")
    base, failures = live_servers(theme)["url"], []
    context = chromium.new_context(color_scheme=scheme, locale="fr-FR",
                                   viewport={"width": 1280, "height": 900})
    page = context.new_page()
    watch_console(page, failures)
    page.goto(base + "/")
    if theme == "dsfr":  # the theme is really on: DSFR's header, and its dark theme
        assert page.locator("header.fr-header .fr-logo").count() == 1
        page.wait_for_function(f"document.documentElement.dataset.frTheme === '{scheme}'")
    for label, path in ANONYMOUS:
        check(page, base + path, failures, label)
    # a form refused with its errors
    page.goto(base + "/inscription")
    page.fill("#email", "pas-une-adresse")
    page.click("main form.c-form button[type=submit]")
    failures += [f"register-errors: {v}" for v in violations(page)]
    sign_in(page, base, "camille@demo.consult.example")
    for label, path in CITIZEN:
        check(page, base + path, failures, label)
    page.goto(base + CITIZEN[2][1])
    page.click("button[value=submit]")
    failures += [f"propose-errors: {v}" for v in violations(page)]
    context.close()
    for account, pages in (("agnes.admin@demo.consult.example", AGENT),
                           ("claire.lab@demo.consult.example", LAB_TEAM)):
        context = chromium.new_context(color_scheme=scheme, locale="fr-FR")
        page = context.new_page()
        watch_console(page, failures)
        sign_in(page, base, account)
        for label, path in pages:
            check(page, base + path, failures, label)
        if pages is AGENT:  # a partner's request refused with its errors
            page.goto(base + f"/labos/{LAB}/solliciter")
            page.click("main form.c-form button[type=submit]")
            failures += [f"request-errors: {v}" for v in violations(page)]
        context.close()
    assert not failures, "\n".join(failures)
