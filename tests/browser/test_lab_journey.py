"""The labs journey in a real browser against a real gunicorn (issue 19): the lab makes
a commune its partner; the commune's agent calls on the lab (a first try missing what is
required keeps what was typed); the lab accepts, organises a workshop within the
project and links it and a survey; an idea of its challenge becomes a brief which,
tested, is adopted and published to the catalogue; the département starts a linked
project from it in one step; the lab's annual report counts all of it, once."""

from __future__ import annotations

from tests.browser.conftest import sign_in
from tests.browser.conftest import sql as _sql
from tests.browser.test_journeys import submit

LAB_AGENT, DEP_AGENT = "claire.lab@demo.consult.example", "bruno.agent@demo.consult.example"
COMMUNE_AGENT = "mairie.cergy@demo.consult.example"
CANTINE = "simplifier-l-inscription-a-la-cantine-des-colleges"  # run with the lab



def test_from_a_communes_request_to_a_solution_reused_and_reported(live_server, chromium):
    live, base = live_server, live_server["url"]
    [(lab,)] = _sql(live, "SELECT slug FROM organisations WHERE kind = 'laboratoire'")
    [(survey_id,)] = _sql(live, "SELECT s.id FROM surveys s JOIN challenge_organisations co "
                                "ON co.challenge_id = s.challenge_id JOIN organisations o ON "
                                "o.id = co.organisation_id WHERE o.kind = 'laboratoire' "
                                "ORDER BY s.id LIMIT 1")
    context = chromium.new_context(locale="fr-FR")

    # 1. the lab's administrator makes the commune a partner
    team = context.new_page()
    sign_in(team, base, LAB_AGENT)
    team.goto(f"{base}/labos/{lab}/partenaires")
    [(commune,)] = _sql(live, "SELECT slug FROM organisations WHERE kind = 'commune'")
    team.select_option("#partner", commune)
    submit(team, "main form.c-form button[type=submit]")
    assert "Ville de Cergy (démo) peut maintenant solliciter le laboratoire" in team.content()

    # 2. the commune's agent calls on the lab; what is missing is named, nothing is lost
    agent = chromium.new_context(locale="fr-FR").new_page()
    sign_in(agent, base, COMMUNE_AGENT)
    agent.goto(f"{base}/labos/{lab}")
    submit(agent, "text=Solliciter le labo")
    agent.fill("#service", "Inscriptions au périscolaire")
    agent.fill("#tried", "Un formulaire papier")
    submit(agent, "main form.c-form button[type=submit]")
    assert "Le formulaire contient 2 erreurs" in agent.content()
    assert agent.input_value("#service") == "Inscriptions au périscolaire"
    agent.fill("#users_concerned", "Les parents qui travaillent en horaires décalés")
    agent.fill("#problem", "Les inscriptions ouvrent en mairie aux heures de bureau : les "
                           "parents en horaires décalés n’y arrivent pas.")
    submit(agent, "main form.c-form button[type=submit]")
    assert "À examiner" in agent.content()
    request_url = agent.url

    # 3. the lab accepts: a project owned with the commune
    team.goto(request_url)
    team.select_option("#reponse-decision", "accept")
    team.fill("#reponse-title", "Le périscolaire sans guichet")
    submit(team, "text=Envoyer la réponse")
    assert "Le périscolaire sans guichet" in team.content()
    project_url = team.url

    # 4. a workshop within the project, and the survey, linked to it
    team.goto(f"{base}/evenements/nouveau?organisation={lab}")
    team.fill("#title", "Atelier avec les parents du périscolaire")
    team.fill("#starts_at", "2030-03-12T18:00")
    team.fill("#ends_at", "2030-03-12T20:00")
    team.fill("#address", "Maison de quartier, 3 rue des Écoles")
    team.fill("#commune", "Cergy")
    team.fill("#capacity", "20")
    submit(team, "main form.c-form button[type=submit]")
    event_id = int(team.url.rstrip("/").rsplit("/", 1)[1])
    for kind, target in (("event", event_id), ("survey", survey_id)):
        team.goto(project_url)
        team.select_option("#lien-kind", kind)
        team.fill("#lien-target", str(target))
        submit(team, "form[action$='/liens'] button[type=submit]")
    team.select_option("#etape-stage", "codesign")
    team.fill("#etape-text", "Un atelier avec douze parents.")
    submit(team, "text=Enregistrer l’étape")
    page = team.content()
    assert "Atelier avec les parents du périscolaire" in page and "Co-conception" in page

    # 5. an idea of the lab's challenge becomes a brief, linked to the project; tested,
    #    adopted, it is published to the catalogue
    [(idea_id,)] = _sql(live, "SELECT i.id FROM ideas i JOIN challenges c ON c.id = "
                              "i.challenge_id WHERE c.slug = :s AND i.status = 'published' "
                              "AND i.id NOT IN (SELECT idea_id FROM brief_ideas) "
                              "ORDER BY i.id LIMIT 1", s=CANTINE)
    team.goto(f"{base}/defis/{CANTINE}/cahiers/nouveau?idee={idea_id}")
    assert team.is_checked(f"input[name=ideas][value='{idea_id}']")
    team.select_option("#organisation", label="Laboratoire d'innovation publique (démo)")
    team.fill("#title", "Le menu de la cantine lisible par tous")
    team.fill("#problem_statement", "Les familles ne savent pas ce que mangent leurs enfants.")
    submit(team, "text=Enregistrer le cahier")
    brief_id = int(team.url.rstrip("/").rsplit("/", 1)[1])
    for status in ("published", "prototyping", "testing", "adopted"):
        team.select_option("#s-status", status)
        submit(team, "text=Changer l’état")
    assert "Adopté" in team.content()
    team.goto(project_url)
    team.select_option("#lien-kind", "brief")
    team.fill("#lien-target", str(brief_id))
    submit(team, "form[action$='/liens'] button[type=submit]")
    team.goto(f"{base}/cahiers/{brief_id}")
    submit(team, "text=Publier au catalogue des solutions")
    team.fill("#assessment", "Adopté après deux tests ; il faut un agent référent par "
                             "école et une période d’inscription longue.")
    submit(team, "main form.c-form button[type=submit]")
    assert "d’autres administrations peuvent l’essaimer" in team.content()
    solution_url = team.url

    # 6. the département starts a linked project from it, in one step
    dep = chromium.new_context(locale="fr-FR").new_page()
    sign_in(dep, base, DEP_AGENT)
    dep.goto(solution_url)
    submit(dep, "text=Essaimer cette solution")
    submit(dep, "main form.c-form button[type=submit]")
    assert "Essaimage de" in dep.content() and "crédite" in dep.content()
    dep.goto(f"{base}/cahiers/{brief_id}")
    assert "Essaimé par : Département du Val-d’Oise (démo)".replace("’", "'") in dep.content()

    # 7. the lab's annual report counts all of it, once
    team.goto(f"{base}/labos/{lab}/activite")
    figures = dict(zip(team.locator(".c-figures dt").all_inner_texts(),
                       team.locator(".c-figures dd").all_inner_texts(), strict=True))
    assert figures["Cahiers adoptés"] == "1"
    report = team.content()
    assert "1 solution publiée au catalogue" in report
    assert "1 réutilisation par une autre administration" in report
    assert "Ville de Cergy (démo)" in report  # projects by organisation involved
    context.close()
