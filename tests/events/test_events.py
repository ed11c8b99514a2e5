"""Events through the doors people use: the organiser's form (every error at once, what
was typed kept), registration with needs and questions, the waiting line, check-in,
changes and cancellation told once, the write-up with the workshop's ideas."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from consult.db import db, utcnow
from consult.events import registration as seats
from consult.events.models import (
    Audience,
    Event,
    EventFormat,
    Registration,
    RegistrationStatus,
)
from consult.events.operations import cancel_event, schedule_event, update_event
from consult.notifications.models import Notification
from tests.conftest import login, mails_to, post_form
from tests.events.helpers import draft, event_form
from tests.factories import ChallengeFactory, OrganisationFactory, UserFactory, agent_of


def _organiser():
    organisation = OrganisationFactory(name="Laboratoire du Val d'Oise")
    return organisation, agent_of(organisation)


def test_the_event_form_reports_every_error_at_once_and_keeps_what_was_typed(client):
    _organisation, agent = _organiser()
    login(client, agent)
    response = post_form(client, "/evenements/nouveau", event_form(
        title="Atelier « accueil »", starts_at="2020-05-10T10:00", ends_at="2020-05-10T09:00",
        capacity="0", commune="Nulle-Part-sur-Mer", format="hybrid", online_url="pas un lien"))
    assert response.status_code == 422
    page = response.text
    for error in ("L’événement doit commencer dans le futur.",
                  "La fin doit venir après le début.",
                  "La capacité doit être d’au moins une place.",
                  "Territoire inconnu", "Indiquez le lien de connexion"):
        assert error in page, error
    assert 'value="Atelier « accueil »"' in page and 'value="Nulle-Part-sur-Mer"' in page
    assert 'value="2020-05-10T10:00"' in page and 'value="pas un lien"' in page
    assert db.session.scalar(select(func.count(Event.id))) == 0
    response = post_form(client, "/evenements/nouveau", event_form(commune="Val-d'Oise"))
    assert response.status_code == 422 and "pas un département" in response.text
    response = post_form(client, "/evenements/nouveau", event_form(
        format="in_person", address="", commune=""))
    assert "Indiquez l’adresse du lieu." in response.text
    assert "Indiquez la commune du lieu" in response.text


def test_an_agent_organises_an_event_with_partners_themes_and_accessibility(client):
    _organisation, agent = _organiser()
    partner = OrganisationFactory(name="Ville de Cergy")
    login(client, agent)
    response = post_form(client, "/evenements/nouveau", event_form(
        themes=["relation_usagers", "design"], partners=[str(partner.id)], step_free="y",
        sign_language="y", questions="Votre service ? *\nUn régime alimentaire ?",
        audience="agents", kind="training"))
    assert response.status_code == 302, response.text
    event = db.session.scalar(select(Event))
    assert (event.kind, event.audience, event.commune.name) == ("training", "agents", "Cergy")
    assert [p.name for p in event.organisers] == ["Laboratoire du Val d'Oise", "Ville de Cergy"]
    assert sorted(event.theme_codes) == ["design", "relation_usagers"]
    assert [(q.label, q.required) for q in event.questions] == [
        ("Votre service ?", True), ("Un régime alimentaire ?", False)]
    page = client.get(f"/evenements/{event.id}").text
    assert "Accès de plain-pied ou ascenseur" in page and "langue des signes" in page
    assert "Ville de Cergy" in page and "Design des politiques publiques" in page
    # a partner's agent may edit it; an agent of another organisation may not
    login(client, agent_of(partner))
    assert client.get(f"/evenements/{event.id}/modifier").status_code == 200
    login(client, agent_of(OrganisationFactory()))
    assert client.get(f"/evenements/{event.id}/modifier").status_code == 403


def test_registration_with_needs_and_questions_seen_only_by_the_organisers(client, app):
    organisation, agent = _organiser()
    event = schedule_event(agent, organisation, draft(questions=[("Votre service ?", True)]))
    question = event.questions[0]
    person = UserFactory(display_name="Camille")
    login(client, person)
    response = post_form(client, f"/evenements/{event.id}/inscription",
                         {"needs": "Place pour un fauteuil roulant"})
    assert response.status_code == 422 and "Répondez à cette question." in response.text
    assert "Place pour un fauteuil roulant" in response.text  # kept
    assert db.session.scalar(select(Registration)) is None
    assert post_form(client, f"/evenements/{event.id}/inscription", {
        "needs": "Place pour un fauteuil roulant",
        f"question_{question.id}": "Accueil de la CAF"}).status_code == 302
    registration = db.session.scalar(select(Registration))
    assert registration.status == RegistrationStatus.CONFIRMED
    assert registration.answers == {str(question.id): "Accueil de la CAF"}
    assert "fauteuil" not in client.get(f"/evenements/{event.id}").text
    assert client.get(f"/evenements/{event.id}/participants").status_code == 403
    organiser = app.test_client()
    login(organiser, agent)
    page = organiser.get(f"/evenements/{event.id}/participants").text
    assert "Camille" in page and "Place pour un fauteuil roulant" in page
    assert "Accueil de la CAF" in page


def test_the_online_link_is_given_only_to_confirmed_people(client, app):
    organisation, agent = _organiser()
    event = schedule_event(agent, organisation, draft(format=EventFormat.ONLINE, capacity=1))
    link = "https://visio.example/salle"
    assert link not in client.get(f"/evenements/{event.id}").text
    assert link not in client.get(f"/evenements/{event.id}.ics").text
    first, second = UserFactory(), UserFactory()
    seats.register(first, event)
    seats.register(second, event)  # waiting
    login(client, first)
    assert link in client.get(f"/evenements/{event.id}").text
    assert link in client.get(f"/evenements/{event.id}.ics").text
    waiting = app.test_client()
    login(waiting, second)
    assert link not in waiting.get(f"/evenements/{event.id}").text


def test_cancelling_promotes_the_first_in_line_who_is_told(client):
    organisation, agent = _organiser()
    event = schedule_event(agent, organisation, draft(capacity=2))
    people = [UserFactory() for _ in range(4)]
    statuses = [seats.register(p, event) for p in people]
    assert statuses == ["confirmed", "confirmed", "waiting", "waiting"]
    login(client, people[1])
    assert post_form(client, f"/evenements/{event.id}/desinscription").status_code == 302
    db.session.refresh(event)
    assert event.confirmed_count == 2
    status = dict(db.session.execute(select(Registration.user_id, Registration.status)).all())
    assert [status[p.id] for p in people] == ["confirmed", "cancelled", "confirmed", "waiting"]
    assert db.session.scalar(select(Notification.kind).where(
        Notification.user_id == people[2].id)) == "seat_available"
    assert db.session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == people[3].id)) == 0
    # who comes back joins the end of the line
    assert seats.register(people[1], event) == "waiting"


def test_a_trainng_for_agents_refuses_citizens_with_a_reason():
    organisation, agent = _organiser()
    event = schedule_event(agent, organisation, draft(audience=Audience.AGENTS))
    citizen = UserFactory()
    problem = seats.registration_problem(citizen, event)
    assert problem and "réservé aux agents" in problem
    other_agent = agent_of(OrganisationFactory())
    assert seats.register(other_agent, event) == "confirmed"  # agents register like anyone


def test_check_in_on_the_day_and_the_write_up_counts_attendance(client, app):
    organisation, agent = _organiser()
    event = schedule_event(agent, organisation, draft(starts_at=utcnow() + timedelta(days=3)))
    person = UserFactory(display_name="Dominique")
    seats.register(person, event)
    registration = db.session.scalar(select(Registration))
    login(client, agent)
    early = post_form(client, f"/evenements/{event.id}/pointage/{registration.id}",
                      {"present": "1"})
    assert early.status_code == 303 and registration.checked_in_at is None
    event.starts_at, event.ends_at = utcnow() - timedelta(hours=1), utcnow() + timedelta(hours=1)
    db.session.flush()
    post_form(client, f"/evenements/{event.id}/pointage/{registration.id}", {"present": "1"})
    db.session.refresh(registration)
    assert registration.checked_in_at is not None
    page = client.get(f"/evenements/{event.id}/participants").text
    assert "1 personne pointée" in page and "Annuler le pointage de Dominique" in page
    # the write-up proposes the people checked in as the attendance
    form = client.get(f"/evenements/{event.id}/compte-rendu").text
    assert 'name="attendance" type="number" value="1"' in form or 'value="1"' in form
    assert post_form(client, f"/evenements/{event.id}/compte-rendu", {
        "summary": "", "attendance": "-3"}).status_code == 422
    assert post_form(client, f"/evenements/{event.id}/compte-rendu", {
        "summary": "Douze idées, trois à prototyper.", "attendance": "14",
        "materials": "[Diaporama](https://exemple.fr/diapo.pdf)"}).status_code == 302
    page = client.get(f"/evenements/{event.id}").text
    assert "Douze idées, trois à prototyper." in page and "14 participant·es" in page
    assert db.session.scalar(select(Notification.kind).where(
        Notification.user_id == person.id)) == "event_written_up"


def test_workshop_ideas_are_posted_into_the_linked_challenge_through_its_moderation(client):
    organisation, agent = _organiser()
    challenge = ChallengeFactory(phase="ideas", organisations=[organisation],
                                 moderation_mode="pre")
    event = schedule_event(agent, organisation, draft(challenge_id=challenge.id))
    event.starts_at, event.ends_at = utcnow() - timedelta(hours=3), utcnow() - timedelta(hours=1)
    db.session.flush()
    login(client, agent)
    response = post_form(client, f"/evenements/{event.id}/compte-rendu", {
        "summary": "Un atelier riche.",
        "ideas": "Un guichet unique en mairie\nPour toutes les démarches.\n\n"
                 "Des horaires le samedi matin"})
    assert response.status_code == 302, response.text
    from consult.events.models import EventIdea
    from consult.ideas.models import Idea

    ideas = db.session.scalars(select(Idea).join(EventIdea)).all()
    assert sorted(i.title for i in ideas) == ["Des horaires le samedi matin",
                                              "Un guichet unique en mairie"]
    assert {i.status for i in ideas} == {"pending"} and {i.challenge_id for i in ideas} == {
        challenge.id}
    guichet = next(i for i in ideas if i.title.startswith("Un guichet"))
    assert guichet.body == "Pour toutes les démarches."
    page = client.get(f"/idees/{guichet.id}").text
    assert "Proposée lors de « Atelier de co-conception »" in page and "à Cergy" in page


def test_a_change_of_date_and_a_cancellation_are_told_once_in_each_language():
    organisation, agent = _organiser()
    event = schedule_event(agent, organisation, draft())
    french = UserFactory(email="fr@exemple.fr", locale="fr")
    english = UserFactory(email="en@exemple.fr", locale="en")
    seats.register(french, event)
    seats.register(english, event)
    changed = draft(starts_at=event.starts_at + timedelta(days=1),
                    ends_at=event.ends_at + timedelta(days=1), title=event.title)
    assert update_event(agent, event, changed) == ["la date", "l’heure de fin"]
    assert len(mails_to("fr@exemple.fr", "events/changed")) == 1
    assert update_event(agent, event, draft(starts_at=event.starts_at, ends_at=event.ends_at,
                                            title="Nouveau titre")) == []
    assert len(mails_to("fr@exemple.fr", "events/changed")) == 1  # nothing that matters
    assert cancel_event(agent, event, "La salle est inondée.") == 2
    [mail] = mails_to("en@exemple.fr", "events/cancelled")
    assert "cancelled" in mail.subject.lower() and "La salle est inondée." in mail.body_text
    [mail] = mails_to("fr@exemple.fr", "events/cancelled")
    assert mail.subject.startswith("Annulé")
    assert seats.registration_problem(UserFactory(), event) == "Cet événement est annulé."
    # told once: the in-app notifications are not mailed again by a digest
    told = db.session.scalars(select(Notification).where(
        Notification.user_id == french.id)).all()
    assert sorted(n.kind for n in told) == ["event_cancelled", "event_changed"]
    assert all(n.digested_at and n.mailed_at for n in told)


def test_the_capacity_cannot_go_below_the_people_already_confirmed():
    organisation, agent = _organiser()
    event = schedule_event(agent, organisation, draft(capacity=3))
    for _ in range(2):
        seats.register(UserFactory(), event)
    from consult.core.errors_domain import Refused

    try:
        update_event(agent, event, draft(capacity=1, starts_at=event.starts_at,
                                         ends_at=event.ends_at))
    except Refused as refusal:
        assert refusal.field == "capacity"
    else:
        raise AssertionError("refused")


def test_deleting_an_account_frees_the_seat_and_erases_needs():
    from consult.accounts.operations import erase_account, export_personal_data

    organisation, agent = _organiser()
    event = schedule_event(agent, organisation, draft(capacity=1))
    leaving, waiting = UserFactory(), UserFactory()
    seats.register(leaving, event, needs="Interprète LSF")
    seats.register(waiting, event)
    data = export_personal_data(leaving)
    assert data["registrations"][0]["accessibility_needs"] == "Interprète LSF"
    erase_account(leaving)
    assert db.session.scalar(select(Registration.accessibility_needs).where(
        Registration.user_id == leaving.id)) is None
    assert db.session.scalar(select(Registration.status).where(
        Registration.user_id == waiting.id)) == "confirmed"


def test_the_agenda_s_statements_do_not_grow_with_its_events(client):
    """Each commune is written with its département (« Lyon (69) »): read with the
    events, not once for each of them."""
    from tests.conftest import count_queries
    from tests.events.helpers import commune

    organisation = OrganisationFactory()
    agent = agent_of(organisation)
    soon = utcnow() + timedelta(days=5)

    def held_in(*places: str) -> None:
        for n, place in enumerate(places):
            schedule_event(agent, organisation, draft(
                title=f"Atelier à {place}", commune=commune(place),
                starts_at=soon + timedelta(hours=n), ends_at=soon + timedelta(hours=n + 1)))
        db.session.commit()

    held_in("Cergy", "Bordeaux")
    few = count_queries(client, "/evenements")
    held_in("Lyon", "Lille", "Rennes", "Nantes", "Strasbourg")
    assert count_queries(client, "/evenements") == few
    page = client.get("/evenements").text
    assert all(label in page for label in ("Cergy (95)", "Lyon (69)", "Strasbourg (67)"))
