"""The three journeys, in a real browser against a real gunicorn, in order (they share
the live server's demo database): a citizen, an agent, an administrator."""

from __future__ import annotations

import io
from datetime import timedelta

from pypdf import PdfReader

from consult.core.timezones import utc_to_local
from tests.browser.conftest import last_link, sign_in

CARTE = "/defis/simplifier-la-demande-de-carte-d-identite"


def submit(page, selector: str) -> None:
    """Click what sends a form, and wait for the page it leads to."""
    with page.expect_navigation():
        page.click(selector)

TRANSPORTS = "/defis/mieux-informer-les-familles-sur-les-transports-scolaires"


def test_a_citizen_registers_proposes_supports_and_comments(live_server, chromium):
    base = live_server["url"]
    context = chromium.new_context(locale="fr-FR")
    page = context.new_page()
    page.goto(base + "/")
    submit(page, "header >> text=Créer un compte")
    page.fill("#display_name", "Nadia")
    page.fill("#email", "nadia@exemple.fr")
    page.fill("#password", "le car passe toujours en retard")
    submit(page, "main form.c-form button[type=submit]")
    assert "Consultez vos e-mails" in page.inner_text("h1")
    page.goto(last_link(live_server["database"], "nadia@exemple.fr", "/compte/confirmer/"))
    assert "adresse e-mail est confirmée" in page.inner_text("main")
    sign_in(page, base, "nadia@exemple.fr", "le car passe toujours en retard")

    page.goto(base + TRANSPORTS + "/proposer")
    page.fill("#title", "Un tableau des horaires du car à l'arrêt")
    page.fill("#body", "Afficher **les horaires** à chaque arrêt, mis à jour en cas de retard.")
    page.click("button[value=preview]")  # shown in place by JavaScript, the form stays
    page.wait_for_selector("[data-preview] strong")
    assert page.locator("[data-preview] strong", has_text="les horaires").count() == 1
    assert page.input_value("#title") == "Un tableau des horaires du car à l'arrêt"
    submit(page, "button[value=submit]")
    if "Des idées proches existent déjà" in page.inner_text("main"):
        submit(page, "button[value=submit]")  # publish anyway
    assert "Votre idée est publiée" in page.inner_text("main")

    page.goto(base + CARTE)
    card = page.locator("article.c-idea-card", has=page.locator("button.c-btn--primary")).first
    title = card.locator("h3").inner_text()
    before = int(card.locator("[data-supports-count]").inner_text())
    card.locator("button").click()  # supported without reloading the page
    page.wait_for_function(
        "([t, n]) => [...document.querySelectorAll('article.c-idea-card')].some("
        "c => c.querySelector('h3').innerText === t && "
        "+c.querySelector('[data-supports-count]').innerText === n + 1)", arg=[title, before])
    with page.expect_navigation():
        page.locator("article.c-idea-card h3 a", has_text=title).click()
    page.fill("#body", "Je soutiens : j'ai dû revenir deux fois à la mairie.")
    submit(page, "text=Publier le commentaire")
    assert "Votre commentaire est publié." in page.inner_text("main")
    assert "j'ai dû revenir deux fois" in page.inner_text("main")
    submit(page, "text=Signaler cette idée")
    page.select_option("#reason", "off_topic")
    page.fill("#details", "Je teste le signalement.")
    submit(page, "main form.c-form button[type=submit]")
    assert "signalement est transmis" in page.inner_text("main")
    context.close()


def test_an_agent_moderates_the_queue_and_answers_an_idea(live_server, chromium):
    base = live_server["url"]
    context = chromium.new_context(locale="fr-FR")
    page = context.new_page()
    sign_in(page, base, "david.pref@demo.consult.example")
    submit(page, "nav >> text=Modération")
    assert "signalement" in page.inner_text("main")  # the citizen's report is queued
    submit(page, "text=Examiner et décider")
    page.select_option("#d-action", "hide")
    page.fill("#d-reason", "Vérification en cours")
    submit(page, "text=Enregistrer la décision")
    assert "Décision enregistrée." in page.inner_text("main")
    page.select_option("#d-action", "restore")
    page.fill("#d-reason", "Signalement non fondé")
    submit(page, "text=Enregistrer la décision")
    page.select_option("#a-status", "under_study")
    page.fill("#a-text", "Nous étudions cette proposition avec les mairies.")
    submit(page, "text=Publier la réponse")
    assert "Décision enregistrée." in page.inner_text("main")
    submit(page, "text=Voir la page publique de l’idée")
    assert "Nous étudions cette proposition avec les mairies." in page.inner_text("main")
    context.close()


def test_an_administrator_runs_the_loop_to_a_pdf_brief(live_server, chromium):
    base = live_server["url"]
    context = chromium.new_context(locale="fr-FR", accept_downloads=True)
    page = context.new_page()
    sign_in(page, base, "david.pref@demo.consult.example")

    # publishes a new challenge, its calendar prefilled from a process template
    page.goto(base + "/espace/prefecture-du-val-d-oise-demo/defis/nouveau")
    page.select_option("#demarche", "diagnostic-usage")
    submit(page, "button:has-text('Préremplir le calendrier')")
    assert page.input_value("#phases-0-kind") == "survey"
    page.select_option("#demarche", "defi-service")
    submit(page, "button:has-text('Préremplir le calendrier')")
    assert page.input_value("#phases-1-kind") == "supports"
    page.fill("#title", "Comment mieux accueillir au guichet des étrangers ?")
    page.fill("#service", "Accueil des étrangers en préfecture")
    page.fill("#problem", "Les files d'attente commencent avant l'aube devant la préfecture.")

    def when(days: int) -> str:
        from consult.db import utcnow

        return utc_to_local(utcnow() + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")

    for row, (start, end) in enumerate(((1, 10), (10, 20), (20, 30), (30, None))):
        page.fill(f"#phases-{row}-starts_at", when(start))
        page.fill(f"#phases-{row}-ends_at", when(end) if end else "")
    page.fill("#phases-3-title", "Les réponses de la préfecture")
    submit(page, "#challenge-form button[type=submit]")
    assert "Brouillon : aperçu" in page.inner_text("main")
    page.click("summary:has-text('Publier le défi')")  # an irreversible action: confirmed
    submit(page, "text=Confirmer la publication")
    assert "Le défi est publié." in page.inner_text("main")

    # closes voting on the identity-card challenge and publishes its results
    page.goto(base + CARTE)
    page.click("summary:has-text('Clore la phase « Vote » maintenant')")
    submit(page, "button:has-text('Clore la phase maintenant')")
    assert "La phase est close" in page.inner_text("main")
    submit(page, "text=Publier les résultats")
    page.fill("#message", "Merci pour vos idées : deux seront prototypées avec le laboratoire.")
    boxes = page.locator("input[name=selected]")
    for index in (0, 1):
        boxes.nth(index).check()
        idea_id = boxes.nth(index).get_attribute("value")
        page.fill(f"#justification-{idea_id}", "Très soutenue et faisable rapidement.")
    submit(page, "text=Publier les résultats et prévenir les participants")
    assert "Résultats publiés" in page.inner_text("main")

    # converts the winners into a brief, publishes it, exports the PDF
    submit(page, "text=Transformer les idées retenues en cahier de prototypage")
    page.fill("#title", "Rendez-vous plus simples pour la carte d'identité")
    submit(page, "text=Enregistrer le cahier")
    assert "Cahier de prototypage créé" in page.inner_text("main")
    page.select_option("#s-status", "published")
    submit(page, "text=Changer l’état")
    with page.expect_download() as download:
        page.click("text=Télécharger en PDF")
    from pathlib import Path

    pdf = PdfReader(io.BytesIO(Path(download.value.path()).read_bytes()))
    text = " ".join(" ".join(p.extract_text() for p in pdf.pages).split())  # lines wrap
    assert "Rendez-vous plus simples pour la carte d'identité" in text
    context.close()
