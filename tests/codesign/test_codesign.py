from datetime import timedelta

from sqlalchemy import func, select

from consult.briefs.models import BriefStatus
from consult.briefs.operations import change_status
from consult.codesign.models import Feedback, Volunteer
from consult.codesign.operations import schedule_session
from consult.db import db, utcnow
from consult.events.models import Event, EventFormat, Registration, RegistrationStatus
from consult.events.registration import register, send_reminders
from consult.notifications.models import Notification
from tests.conftest import login, mails_to, post_form
from tests.events.helpers import draft, event_form
from tests.factories import (
    ChallengeFactory,
    IdeaFactory,
    OrganisationFactory,
    UserFactory,
    agent_of,
    brief_from,
)


def live_brief(status=BriefStatus.PROTOTYPING):
    organisation = OrganisationFactory()
    challenge = ChallengeFactory(phase="results", organisations=[organisation])
    idea = IdeaFactory(challenge=challenge)
    agent = agent_of(organisation)
    brief = brief_from([idea], organisation, agent, title="Cahier vivant",
                             problem_statement="Un problème.")
    change_status(agent, brief, BriefStatus.PUBLISHED)
    if status == BriefStatus.PROTOTYPING:
        change_status(agent, brief, BriefStatus.PROTOTYPING)
    return brief, agent


def session_form(**overrides):
    overrides.setdefault("title", "Atelier de test")
    overrides.setdefault("kind", "user_test")
    return event_form(**overrides)


def test_volunteer_with_consent_and_withdraw(client):
    brief, _ = live_brief()
    me = UserFactory()
    login(client, me)
    response = post_form(client, f"/cahiers/{brief.id}/volontaire",
                         {"contact": "phone", "availability": "le mercredi"})
    assert response.status_code == 422 and "Ce champ est obligatoire." in response.text
    response = post_form(client, f"/cahiers/{brief.id}/volontaire",
                         {"consent": "y", "contact": "phone"})
    assert response.status_code == 422 and "Indiquez un numéro" in response.text
    assert post_form(client, f"/cahiers/{brief.id}/volontaire", {
        "consent": "y", "contact": "phone", "phone": "01 02 03 04 05",
        "availability": "le mercredi"}).status_code == 302
    volunteer = db.session.scalar(select(Volunteer))
    assert volunteer.phone == "+33 1 02 03 04 05" and volunteer.consent_at  # one format
    post_form(client, f"/cahiers/{brief.id}/volontaire/retirer")
    assert db.session.scalar(select(Volunteer)) is None


def test_a_phone_number_that_cannot_be_dialled_is_refused(client):
    brief, _ = live_brief()
    login(client, UserFactory())
    for wrong in ("12", "06 12 34", "pas un numéro", "+33 6 12 34 56 78 90"):
        response = post_form(client, f"/cahiers/{brief.id}/volontaire",
                             {"consent": "y", "contact": "phone", "phone": wrong})
        assert response.status_code == 422 and "n’est pas valide" in response.text, wrong
    assert post_form(client, f"/cahiers/{brief.id}/volontaire", {
        "consent": "y", "contact": "phone", "phone": "+32 470 12 34 56"}).status_code == 302


def test_a_session_form_reports_every_error_at_once(client):
    brief, agent = live_brief()
    login(client, agent)
    response = post_form(client, f"/cahiers/{brief.id}/seances/nouvelle", session_form(
        capacity="0", starts_at="2020-05-10T10:00", ends_at="2020-05-10T09:00"))
    assert response.status_code == 422
    for error in ("La capacité doit être d’au moins une place.",
                  "L’événement doit commencer dans le futur.",
                  "La fin doit venir après le début."):
        assert error in response.text
    assert db.session.scalar(select(Event)) is None


def test_session_with_capacity_zero_is_refused_and_waiting_list_works(client, app):
    brief, agent = live_brief()
    login(client, agent)
    response = post_form(client, f"/cahiers/{brief.id}/seances/nouvelle",
                         session_form(capacity="0"))
    assert response.status_code == 422 and "au moins une place" in response.text
    assert db.session.scalar(select(Event)) is None
    response = post_form(client, f"/cahiers/{brief.id}/seances/nouvelle",
                         session_form(ends_at="2030-05-10T09:00"))
    assert response.status_code == 422 and "La fin doit venir après le début." in response.text
    assert post_form(client, f"/cahiers/{brief.id}/seances/nouvelle",
                     session_form()).status_code == 302
    session = db.session.scalar(select(Event))
    assert session.kind == "user_test" and session.brief_id == brief.id
    people, browsers = [UserFactory() for _ in range(3)], []
    for person in people:
        browser = app.test_client()
        login(browser, person)
        browsers.append(browser)
        post_form(browser, f"/evenements/{session.id}/inscription")
    statuses = [db.session.scalar(select(Registration.status).where(
        Registration.user_id == p.id)) for p in people]
    assert statuses == [RegistrationStatus.CONFIRMED, RegistrationStatus.CONFIRMED,
                        RegistrationStatus.WAITING]
    page = browsers[2].get(f"/cahiers/{brief.id}").text
    assert "Liste d’attente" in page and "1 personne en liste d’attente" in page
    # the first cancels: the person waiting gets the seat and is told
    post_form(browsers[0], f"/evenements/{session.id}/desinscription")
    db.session.refresh(session)
    assert session.confirmed_count == 2
    assert db.session.scalar(select(Registration.status).where(
        Registration.user_id == people[2].id)) == RegistrationStatus.CONFIRMED
    assert db.session.scalar(select(Notification.kind).where(
        Notification.user_id == people[2].id)) == "seat_available"
    again = post_form(browsers[1], f"/evenements/{session.id}/inscription")
    assert again.status_code == 302  # already registered: nothing changes
    assert db.session.scalar(select(func.count()).select_from(Registration).where(
        Registration.user_id == people[1].id)) == 1


def _add_version(agent_browser, brief, name, reviewers="anyone"):
    from consult.codesign.models import PrototypeVersion

    assert post_form(agent_browser, f"/cahiers/{brief.id}/versions", {
        "v-name": name, "v-released_on": "2030-01-15", "v-changes": "Un formulaire court.",
        "v-reviewers": reviewers}).status_code == 302
    return db.session.scalar(select(PrototypeVersion).where(PrototypeVersion.name == name))


def test_feedback_per_version_defined_by_the_team(client, app):
    """The team defines the versions; a review is attached to one, one per person and
    version, editable (issue 14: « v1 » and « V1 » were two versions, and one person's
    repeated reviews all counted)."""
    brief, agent = live_brief()
    team = app.test_client()
    login(team, agent)
    first = _add_version(team, brief, "Version 1")
    duplicate = post_form(team, f"/cahiers/{brief.id}/versions", {
        "v-name": "version 1", "v-reviewers": "anyone"})
    assert duplicate.status_code == 422 and "déjà une version" in duplicate.text
    reviewers = []
    for rating, worked in ((4, "Simple à comprendre"), (2, "")):
        browser = app.test_client()
        login(browser, UserFactory())
        reviewers.append(browser)
        assert post_form(browser, f"/cahiers/{brief.id}/retours?version={first.id}", {
            "worked": worked, "did_not_work": "Trop de champs",
            "rating": str(rating)}).status_code == 302
    again = post_form(reviewers[1], f"/cahiers/{brief.id}/retours?version={first.id}", {
        "worked": "Finalement clair", "rating": "3"})
    assert again.status_code == 302  # the same review, edited
    assert "vous pouvez le modifier" in reviewers[1].get(
        f"/cahiers/{brief.id}/retours?version={first.id}").text
    assert db.session.scalar(select(func.count(Feedback.id))) == 2
    bad = app.test_client()
    login(bad, UserFactory())
    assert post_form(bad, f"/cahiers/{brief.id}/retours?version={first.id}",
                     {"rating": "9"}).status_code == 422
    page = client.get(f"/cahiers/{brief.id}").text
    assert "3,5" in page and "Simple à comprendre" in page and "Finalement clair" in page
    assert "Version 1" in page and "Un formulaire court." in page


def test_who_may_review_is_the_teams_choice(client, app):
    brief, agent = live_brief()
    team = app.test_client()
    login(team, agent)
    for_volunteers = _add_version(team, brief, "Prototype papier", "volunteers")
    for_participants = _add_version(team, brief, "Version 2", "participants")
    login(client, UserFactory())
    page = client.get(f"/cahiers/{brief.id}/retours?version={for_volunteers.id}").text
    assert "proposez-vous pour tester" in page
    assert post_form(client, f"/cahiers/{brief.id}/retours?version={for_volunteers.id}",
                     {"rating": "4"}).status_code == 200  # refused, nothing saved
    post_form(client, f"/cahiers/{brief.id}/volontaire", {"consent": "y", "contact": "email"})
    assert post_form(client, f"/cahiers/{brief.id}/retours?version={for_volunteers.id}",
                     {"rating": "4"}).status_code == 302
    assert post_form(client, f"/cahiers/{brief.id}/retours?version={for_participants.id}",
                     {"rating": "4"}).status_code == 200  # not registered to its session
    assert db.session.scalar(select(func.count(Feedback.id))) == 1


def test_reminders_go_once_to_confirmed_people():
    brief, agent = live_brief()
    session = schedule_session(agent, brief, draft(
        title="Test demain", starts_at=utcnow() + timedelta(hours=20),
        ends_at=utcnow() + timedelta(hours=22), format=EventFormat.ONLINE, capacity=1))
    first, second = UserFactory(email="un@exemple.fr"), UserFactory(email="deux@exemple.fr")
    register(first, session)
    register(second, session)  # waiting list
    assert send_reminders() == 1
    reminder = mails_to("un@exemple.fr", "events/reminder")
    assert reminder and "https://visio.example/salle" in reminder[0].body_text
    assert mails_to("deux@exemple.fr") == []
    assert send_reminders() == 0


def test_registrations_under_concurrency_never_overbook(app, committed_db):
    from consult.briefs.models import Brief
    from tests.ideas.test_vote_integrity import run_at_once

    # Built without operations: their log entries are append-only and would outlive the test.
    challenge = ChallengeFactory(phase="results")
    brief = Brief(challenge_id=challenge.id, organisation=challenge.organisations[0],
                  title="Cahier", problem_statement="P", status=BriefStatus.TESTING,
                  published_at=utcnow())
    db.session.add(brief)
    db.session.flush()
    session = Event(brief_id=brief.id, kind="user_test", title="Atelier", address="Mairie",
                    capacity=5, starts_at=utcnow() + timedelta(days=2), format="in_person",
                    organisation_id=brief.organisation_id,
                    ends_at=utcnow() + timedelta(days=2, hours=2))
    db.session.add(session)
    db.session.flush()
    people = [UserFactory() for _ in range(12)]
    db.session.commit()
    session_id = session.id

    def registrant(user_id):
        def job():
            from consult.accounts.models import User

            register(db.session.get(User, user_id), db.session.get(Event, session_id))
        return job

    outcomes = run_at_once(app, [registrant(p.id) for p in people])
    assert outcomes == ["ok"] * 12
    db.session.expire_all()
    counts = dict(db.session.execute(select(Registration.status, func.count()).group_by(
        Registration.status)).all())
    assert counts == {RegistrationStatus.CONFIRMED: 5, RegistrationStatus.WAITING: 7}
    assert db.session.get(Event, session_id).confirmed_count == 5


def test_deleting_an_account_erases_co_design_data_and_frees_the_seat():
    from consult.accounts.operations import erase_account, export_personal_data
    from consult.codesign.models import ContactPreference
    from consult.codesign.operations import volunteer

    brief, agent = live_brief()
    session = schedule_session(agent, brief, draft(
        title="Atelier", starts_at=utcnow() + timedelta(days=2),
        ends_at=utcnow() + timedelta(days=2, hours=1), format=EventFormat.ONLINE, capacity=1))
    leaving, waiting = UserFactory(), UserFactory()
    volunteer(leaving, brief, consent=True, availability="le soir",
              contact=ContactPreference.PHONE, phone="0601020304")
    register(leaving, session)
    register(waiting, session)
    data = export_personal_data(leaving)
    assert data["volunteering"][0]["phone"] == "0601020304"
    assert data["registrations"][0]["status"] == "confirmed"
    erase_account(leaving)
    assert db.session.scalar(select(Volunteer)) is None
    assert db.session.scalar(select(Registration.status).where(
        Registration.user_id == waiting.id)) == RegistrationStatus.CONFIRMED
