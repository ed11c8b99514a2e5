"""Supporting with JavaScript on: after every click the page shows the state the server
holds — what remains, which buttons are possible, a refusal visibly — and the focus
stays where the person is (issues 14 and 15)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import register
from tests.live import start_live_server

CARTE = "/defis/simplifier-la-demande-de-carte-d-identite?tri=recentes"


def _visible_support_buttons(page) -> int:
    return page.locator("form[data-support][action$='/soutenir'] button:visible").count()


@pytest.fixture(scope="module")
def voting_server(tmp_path_factory, chromium):
    """A demo of its own: the journeys close the shared demo's vote."""
    cleanups: list = []
    yield start_live_server(tmp_path_factory, cleanups)
    for cleanup in cleanups:
        cleanup()


def test_supporting_up_to_the_limit_and_back(voting_server, chromium):
    live_server = voting_server
    context = chromium.new_context(locale="fr-FR")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    register(page, live_server, "Inès", "ines.limite@exemple.fr")
    page.goto(live_server["url"] + CARTE)
    banner = page.locator("[data-supports-left]")
    assert banner.inner_text() == "Il vous reste 3 soutiens sur 3."
    ideas = page.locator("article.c-idea-card").count()
    assert _visible_support_buttons(page) == ideas

    for used in range(1, 4):
        button = page.locator("form[data-support][action$='/soutenir'] button:visible").first
        button.click()
        page.wait_for_function("n => document.querySelectorAll("
                               "\"form[data-support][action$='/retirer-soutien']\").length === n",
                               arg=used)
        # the focus stays on the button pressed, now « Soutenue — retirer mon soutien »
        assert page.evaluate("document.activeElement.getAttribute('aria-pressed')") == "true"
    assert banner.inner_text() == ("Vous avez utilisé vos 3 soutiens. Retirez-en un pour "
                                   "soutenir une autre idée.")
    assert _visible_support_buttons(page) == 0  # no button the server would refuse
    page.reload()  # the same state without JavaScript's help
    assert _visible_support_buttons(page) == 0
    assert "Vous avez utilisé vos 3 soutiens" in banner.inner_text()

    # a refusal (forced here by showing a hidden button) is shown, not only announced
    page.evaluate("document.querySelector(\"form[data-support][action$='/soutenir']\")"
                  ".hidden = false")
    page.locator("form[data-support][action$='/soutenir'] button:visible").first.click()
    alert = page.locator("[data-support-alert]")
    alert.wait_for(state="visible")
    assert "Vous avez utilisé vos 3 soutiens" in alert.inner_text()
    assert page.evaluate("document.activeElement.hasAttribute('data-support-alert')")
    assert _visible_support_buttons(page) == 0  # the page took the server's state again

    # taking one back brings every button back
    page.locator("form[data-support][action$='/retirer-soutien'] button").first.click()
    page.wait_for_function("() => document.querySelectorAll("
                           "\"form[data-support][action$='/retirer-soutien']\").length === 2")
    assert banner.inner_text() == "Il vous reste 1 soutien sur 3."
    assert _visible_support_buttons(page) == ideas - 2
    assert alert.is_hidden()
    assert errors == []
    context.close()


def test_similar_ideas_take_the_focus_when_they_appear(voting_server, chromium):
    """« Des idées proches existent déjà » appears in place of publishing: the focus
    goes to it, so a screen-reader user hears it (issue 15)."""
    context = chromium.new_context(locale="fr-FR")
    page = context.new_page()
    register(page, voting_server, "Paul", "paul.proches@exemple.fr")
    page.goto(voting_server["url"]
              + "/defis/mieux-informer-les-familles-sur-les-transports-scolaires/proposer")
    page.fill("#title", "Une alerte quand le car est en retard")
    page.fill("#body", "Prévenir les parents par SMS quand le car a du retard.")
    with page.expect_navigation():
        page.click("button[value=submit]")
    assert "Des idées proches existent déjà" in page.inner_text("main")
    assert page.evaluate("document.activeElement.id") == "idees-proches"
    context.close()


@pytest.fixture(scope="module")
def dsfr_voting_server(tmp_path_factory, chromium):
    cleanups: list = []
    yield start_live_server(tmp_path_factory, cleanups, theme="dsfr")
    for cleanup in cleanups:
        cleanup()


@pytest.mark.parametrize("theme", ["neutral", "dsfr"])
def test_focus_stays_on_the_support_button_in_both_themes(request, chromium, theme):
    """Issue 15: by keyboard alone (Enter, then Space), on the challenge page and on the
    idea page, the focus stays on the button pressed — now saying what it does next —
    and the result is said in the live region."""
    live = request.getfixturevalue("voting_server" if theme == "neutral"
                                   else "dsfr_voting_server")
    context = chromium.new_context(locale="fr-FR")
    page = context.new_page()
    register(page, live, "Nour", f"nour.clavier.{theme}@exemple.fr")
    page.goto(live["url"] + CARTE)
    button = page.locator("form[data-support][action$='/soutenir'] button:visible").first
    form_action = button.evaluate("b => b.form.getAttribute('action')")
    button.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement.getAttribute('aria-pressed') === 'true'")
    assert page.evaluate("document.activeElement.form.getAttribute('action')").endswith(
        form_action.replace("/soutenir", "/retirer-soutien"))
    assert "soutien" in page.locator("[role=status][aria-live=polite]").last.inner_text()

    page.goto(live["url"] + form_action.replace("/soutenir", ""))  # the idea's own page
    taken_back = page.locator("form[data-support][action$='/retirer-soutien'] button")
    taken_back.focus()
    page.keyboard.press(" ")
    page.wait_for_function("() => document.activeElement.getAttribute('aria-pressed') === 'false'")
    assert page.evaluate("document.activeElement.tagName") == "BUTTON"
    assert page.locator("[role=status][aria-live=polite]").last.inner_text()
    context.close()
