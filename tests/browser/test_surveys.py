"""A questionnaire answered in a real browser with JavaScript off and the keyboard only
(issue 16): fieldsets and legends, every error on its question with what was typed
kept, then the answer changed until the phase ends."""

from __future__ import annotations

from tests.browser.conftest import sign_in

TRANSPORTS = "/defis/mieux-informer-les-familles-sur-les-transports-scolaires"


def test_a_citizen_answers_without_javascript_with_the_keyboard(live_server, chromium):
    base = live_server["url"]
    context = chromium.new_context(locale="fr-FR", java_script_enabled=False)
    page = context.new_page()
    sign_in(page, base, "manon@demo.consult.example")
    page.goto(base + TRANSPORTS)
    with page.expect_navigation():
        page.click("text=Répondre au questionnaire")
    assert page.locator("fieldset legend").first.inner_text().startswith(
        "Par où apprenez-vous un changement d’horaire ?")
    # the keyboard only: tab to the first box, tick it with space, send with Enter
    page.focus("input[type=checkbox] >> nth=0")
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    page.fill("input[type=text]", "Un SMS la veille")
    with page.expect_navigation():
        page.locator("button:has-text('Envoyer mes réponses')").press("Enter")
    summary = page.locator(".c-error-summary").inner_text()
    assert "une erreur" in summary and "Êtes-vous bien informé·e ?" in summary
    assert page.input_value("input[type=text]") == "Un SMS la veille"  # kept
    assert page.locator("input[type=checkbox]:checked").count() == 2  # kept
    page.click(".c-error-summary a")  # the link leads to the question's first choice
    assert page.evaluate("document.activeElement.type") == "radio"
    page.check("input[type=radio][value='4']")
    with page.expect_navigation():
        page.click("button:has-text('Envoyer mes réponses')")
    assert "Merci, vos réponses sont enregistrées." in page.inner_text("main")
    assert page.locator("input[type=radio][value='4']").is_checked()
    page.check("input[type=radio][value='2']")
    with page.expect_navigation():
        page.click("button:has-text('Modifier mes réponses')")
    assert "Vos réponses sont modifiées." in page.inner_text("main")
    context.close()
