"""The events journey in a real browser against a real gunicorn (issue 18): a partner
submits a workshop to the innovation month, the programme's team accepts it, a citizen
finds it in the agenda by territory, registers with an accessibility need while it is
full, is promoted when someone cancels, is checked in on the day from a phone, and the
write-up's two workshop ideas appear on the linked challenge."""

from __future__ import annotations

from datetime import timedelta

from consult.db import utcnow
from tests.browser.conftest import sign_in
from tests.browser.conftest import sql as _sql
from tests.browser.test_journeys import submit

TRANSPORTS = "/defis/mieux-informer-les-familles-sur-les-transports-scolaires"
TITLE = "Atelier des parents : les cars du matin"



def test_from_a_partners_proposal_to_the_ideas_of_the_workshop(live_server, chromium):
    live, base = live_server, live_server["url"]
    [(slug, starts_on)] = _sql(live, "SELECT slug, starts_on FROM programmes")
    [(challenge_id,)] = _sql(live, "SELECT id FROM challenges WHERE slug = :s",
                             s=TRANSPORTS.rsplit("/", 1)[1])
    day = str(starts_on)[:10]
    context = chromium.new_context(locale="fr-FR")
    page = context.new_page()

    # 1. a partner (the département's agent) submits the workshop to the month
    sign_in(page, base, "bruno.agent@demo.consult.example")
    page.goto(f"{base}/programmes/{slug}")
    submit(page, "text=Proposer un événement")
    page.fill("#title", TITLE)
    page.fill("#starts_at", f"{day}T17:00")
    page.fill("#ends_at", f"{day}T19:00")
    page.fill("#address", "Collège Jean-Moulin, 1 rue des Écoles")
    page.fill("#commune", "Cergy")
    page.fill("#capacity", "1")
    page.select_option("#challenge", str(challenge_id))
    page.check("#step_free")
    submit(page, "main form.c-form button[type=submit]")
    assert "son équipe va l’examiner" in page.content()
    event_url = page.url
    event_id = int(event_url.rstrip("/").rsplit("/", 1)[1])

    # 2. the programme's team accepts it from its queue
    team = context.browser.new_context(locale="fr-FR").new_page()
    sign_in(team, base, "david.pref@demo.consult.example")
    team.goto(f"{base}/programmes/{slug}/examen")
    assert TITLE in team.content()
    team.select_option(f"#e{event_id}-decision", "accept")
    submit(team, f"#proposition-{event_id} ~ form button[type=submit]")
    assert "il paraît dans l’agenda" in team.content()

    # 3. someone takes the only seat; Léa finds the workshop by her territory
    first = context.browser.new_context(locale="fr-FR").new_page()
    sign_in(first, base, "camille@demo.consult.example")
    first.goto(event_url)
    submit(first, "text=M’inscrire")
    submit(first, "main form.c-form button[type=submit]")
    assert "Un rappel vous sera envoyé la veille" in first.content()
    lea = context.browser.new_context(locale="fr-FR").new_page()
    sign_in(lea, base, "lea@demo.consult.example")
    lea.goto(f"{base}/programmes/{slug}")
    lea.fill("#f-territoire", "Val-d'Oise")
    submit(lea, "form.c-filters button[type=submit]")
    assert TITLE in lea.content()
    submit(lea, f"text={TITLE}")
    assert "complet" in lea.content()
    submit(lea, "text=M’inscrire sur la liste d’attente")
    lea.fill("#needs", "Je viens avec mon fauteuil roulant")
    submit(lea, "main form.c-form button[type=submit]")
    assert "vous êtes sur la liste d’attente" in lea.content()

    # 4. the first cancels: Léa gets the seat and hears of it
    submit(first, "text=Annuler mon inscription")
    lea.goto(event_url)
    assert "Inscrit·e" in lea.content() and "Annuler mon inscription" in lea.content()
    lea.goto(f"{base}/notifications")
    assert "Une place s’est libérée" in lea.content()

    # 5. the day comes: the organiser checks Léa in from a phone
    now = utcnow()
    _sql(live, "UPDATE events SET starts_at = :s, ends_at = :e WHERE id = :i",
         s=now - timedelta(minutes=30), e=now + timedelta(hours=1), i=event_id)
    phone = context.browser.new_context(locale="fr-FR", viewport={"width": 390, "height": 844},
                                        is_mobile=True, has_touch=True).new_page()
    sign_in(phone, base, "bruno.agent@demo.consult.example")
    phone.goto(f"{event_url}/participants")
    assert "Je viens avec mon fauteuil roulant" in phone.content()
    submit(phone, "text=Pointer Léa")
    assert "1 personne pointée" in phone.content().replace("\u202f", " ")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll

    # 6. the write-up, with two ideas of the workshop, posted into the challenge
    page.goto(f"{event_url}/compte-rendu")
    page.fill("#summary", "Vingt parents : les horaires d’hiver reviennent sans cesse.")
    page.fill("#ideas", "Un SMS quand le car a du retard\nEnvoyé aux parents inscrits.\n\n"
                        "Des abris aux arrêts isolés")
    submit(page, "main form.c-form button[type=submit]")
    assert "2 idées déposées" in page.content()
    page.goto(base + TRANSPORTS + "?tri=recentes")
    challenge_page = page.content()
    assert "Un SMS quand le car a du retard" in challenge_page
    assert "Des abris aux arrêts isolés" in challenge_page
    submit(page, "text=Un SMS quand le car a du retard")
    assert f"Proposée lors de « {TITLE} »" in page.content() and "à Cergy" in page.content()
    lea.goto(event_url)
    assert "Vingt parents" in lea.content() and "Des abris aux arrêts isolés" in lea.content()
    context.close()
