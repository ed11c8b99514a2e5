"""The loop Consult exists for, through HTTP: a challenge is launched and published,
citizens propose and support ideas, voting closes, results are published, two ideas
become one brief, a test session fills with registrations and feedback, the brief is
adopted. Every notified person gets exactly one notification per event, and the brief's
PDF carries its title and its source ideas."""

import io
from collections import Counter
from datetime import timedelta

from pypdf import PdfReader
from sqlalchemy import select

from consult.briefs.models import Brief
from consult.challenges.models import Challenge
from consult.challenges.phases import Phase
from consult.core.timezones import utc_to_local
from consult.db import db, utcnow
from consult.events.models import Event
from consult.ideas.models import Idea
from consult.notifications.digest import announce_phase_changes
from consult.notifications.models import Notification
from consult.organisations.models import MembershipRole
from tests.challenges.test_editor import calendar
from tests.conftest import login, post_form
from tests.factories import OrganisationFactory, UserFactory, agent_of


def local(delta: timedelta) -> str:
    return utc_to_local(utcnow() + delta).strftime("%Y-%m-%dT%H:%M")


def browser_for(app, user):
    browser = app.test_client()
    login(browser, user)
    return browser


def test_the_whole_loop(app):
    lab = OrganisationFactory(name="Laboratoire d'innovation")
    admin = browser_for(app, agent_of(lab, MembershipRole.ADMIN))
    citizens = [UserFactory(display_name=f"Citoyen {n}") for n in range(5)]
    people = [browser_for(app, c) for c in citizens]

    # 1. launch and publish
    assert post_form(admin, f"/espace/{lab.slug}/defis/nouveau", {
        "title": "Comment simplifier l'inscription à la cantine ?",
        "service": "Restauration scolaire", "problem": "Les dossiers sont trop lourds à remplir.",
        "organisations": [str(lab.id)], "themes": "Inscription",
        **calendar(("ideas", local(timedelta(hours=-1)), local(timedelta(days=1))),
                   ("supports", local(timedelta(days=1)), local(timedelta(days=2))),
                   ("review", local(timedelta(days=2)), local(timedelta(days=3))),
                   ("results", local(timedelta(days=3)), None)),
        "supports_per_person": "2",
        "charter_rules": "Hors sujet"}).status_code == 302
    challenge = db.session.scalar(select(Challenge))
    assert post_form(admin, f"/defis/{challenge.slug}/publier").status_code == 302
    post_form(people[4], f"/defis/{challenge.slug}/suivre", {"follow": "1"})

    # 2. three citizens propose
    titles = ["Un formulaire unique en ligne", "Le tarif calculé automatiquement",
              "Payer chaque mois par prélèvement"]
    for browser, title in zip(people[:3], titles, strict=True):
        assert post_form(browser, f"/defis/{challenge.slug}/proposer", {
            "title": title, "body": f"{title} : une proposition détaillée pour les familles.",
            "territory": "", "unique_confirmed": "1", "action": "submit"}).status_code == 302
    ideas = {i.title: i for i in db.session.scalars(select(Idea))}

    # 3. voting opens early, everyone supports, voting closes
    assert post_form(admin, f"/defis/{challenge.slug}/clore-phase").status_code == 302
    announce_phase_changes()
    for n, browser in enumerate(people):
        for title in titles[: 2 if n != 2 else 3]:
            if ideas[title].author_id != citizens[n].id:
                post_form(browser, f"/idees/{ideas[title].id}/soutenir")
    assert post_form(admin, f"/defis/{challenge.slug}/clore-phase").status_code == 302
    announce_phase_changes()
    db.session.refresh(challenge)
    assert challenge.phase == Phase.REVIEW

    # 4. results: two ideas selected with their justifications
    first, second = ideas[titles[0]], ideas[titles[1]]
    assert post_form(admin, f"/defis/{challenge.slug}/resultats/publier", {
        "message": "Merci ! Deux idées seront prototypées.",
        "selected": [str(first.id), str(second.id)],
        f"justification-{first.id}": "La plus soutenue.",
        f"justification-{second.id}": "Elle complète la première."}).status_code == 302

    # 5. one brief from the two, published, prototyped, tested
    assert post_form(admin, f"/defis/{challenge.slug}/cahiers/nouveau", {
        "ideas": [str(first.id), str(second.id)], "organisation": str(lab.id),
        "title": "Inscription unique et tarif automatique",
        "problem_statement": "Les familles remplissent trop de papiers.",
        "milestones-0-title": "Prototype papier", "milestones-0-due_on": "2030-01-15",
    }).status_code == 302
    brief = db.session.scalar(select(Brief))
    for status in ("published", "prototyping", "testing"):
        assert post_form(admin, f"/cahiers/{brief.id}/etat",
                         {"s-status": status}).status_code == 302
    post_form(people[3], f"/cahiers/{brief.id}/volontaire", {"consent": "y", "contact": "email"})
    assert post_form(admin, f"/cahiers/{brief.id}/versions", {
        "v-name": "Version 1", "v-changes": "Un formulaire unique.",
        "v-reviewers": "participants"}).status_code == 302
    from consult.codesign.models import PrototypeVersion

    version = db.session.scalar(select(PrototypeVersion))
    assert post_form(admin, f"/cahiers/{brief.id}/seances/nouvelle", {
        "kind": "user_test", "title": "Atelier familles", "starts_at": local(timedelta(days=5)),
        "ends_at": local(timedelta(days=5, hours=2)), "format": "in_person",
        "address": "Collège Jean-Moulin", "commune": "Cergy", "audience": "everyone",
        "capacity": "2", "version": str(version.id)}).status_code == 302
    session = db.session.scalar(select(Event))
    assert session.version_id == version.id
    for browser in people[:3]:
        post_form(browser, f"/evenements/{session.id}/inscription")
    db.session.refresh(session)
    assert session.confirmed_count == 2
    for browser, rating in ((people[0], "4"), (people[1], "5")):  # the two who got a seat
        assert post_form(browser, f"/cahiers/{brief.id}/retours?version={version.id}", {
            "worked": "Rapide", "rating": rating}).status_code == 302
    assert post_form(admin, f"/cahiers/{brief.id}/etat",
                     {"s-status": "adopted", "s-text": "Généralisé à la rentrée."}
                     ).status_code == 302

    # 6. exactly one notification per person and event
    notes = db.session.scalars(select(Notification)).all()
    events = Counter((n.user_id, n.kind, n.idea_id, tuple(sorted(
        (k, str(v)) for k, v in (n.params or {}).items()))) for n in notes)
    assert events and max(events.values()) == 1, [e for e, c in events.items() if c > 1]
    kinds = Counter(n.kind for n in notes)
    assert kinds["results"] >= 5  # authors, supporters and the follower
    assert kinds["brief_status"] >= 4 * 2  # four changes told to the two authors at least
    assert kinds["session_scheduled"] == 1  # the volunteer
    assert {n.kind for n in notes if n.user_id == citizens[4].id} >= {"new_phase", "results"}

    # 7. every administration and brief action of the loop left its line in the
    # append-only log, with who did it
    from consult.audit.models import ActionLog

    logged = Counter(e.action for e in db.session.scalars(select(ActionLog)))
    assert {"challenge.create", "challenge.publish", "challenge.close_phase",
            "challenge.publish_results", "brief.create", "brief.status",
            "event.create"} <= logged.keys(), logged
    assert logged["challenge.close_phase"] == 2 and logged["brief.status"] >= 4
    assert all(e.actor_id is not None for e in db.session.scalars(select(ActionLog)))

    # 8. the public page and the PDF
    page = app.test_client().get(f"/cahiers/{brief.id}").text
    assert "Adopté" in page and "Généralisé à la rentrée." in page and "4,5" in page
    pdf = app.test_client().get(f"/cahiers/{brief.id}.pdf")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Inscription unique et tarif automatique" in text
    assert titles[0] in text and titles[1] in text
