from sqlalchemy import select

from consult.db import db
from consult.notifications.digest import announce_phase_changes, send_digests
from consult.notifications.models import Notification
from consult.notifications.operations import follow, notify
from tests.conftest import mails_to
from tests.factories import ChallengeFactory, UserFactory, move_to


def kinds(user):
    return [n.kind for n in db.session.scalars(
        select(Notification).where(Notification.user_id == user.id).order_by(Notification.id))]


def test_followers_hear_of_each_new_phase_once():
    challenge = ChallengeFactory(phase="ideas")
    follower = UserFactory()
    follow(follower, challenge=challenge)
    assert announce_phase_changes() == 0
    move_to(challenge, "supports")
    assert announce_phase_changes() == 1
    assert announce_phase_changes() == 0  # not twice
    move_to(challenge, "results")
    announce_phase_changes()
    assert kinds(follower) == ["new_phase", "new_phase"]  # results: told when published
    note = db.session.scalar(select(Notification).where(Notification.kind == "new_phase"))
    assert note.params["phase"] == "Vote"


def test_daily_digest_for_those_who_opted_in_only():
    challenge = ChallengeFactory(phase="supports")
    wants = UserFactory(email="oui@exemple.fr", digest_opt_in=True)
    declines = UserFactory(email="non@exemple.fr", digest_opt_in=False)
    english = UserFactory(email="en@exemple.fr", digest_opt_in=True, locale="en")
    notify([wants.id, declines.id, english.id], "results", challenge=challenge)
    db.session.flush()
    assert send_digests() == 2
    [mail] = mails_to("oui@exemple.fr", "notifications/digest")
    assert challenge.title in mail.body_text and "1 nouvelle information" in mail.subject
    assert mails_to("non@exemple.fr") == []
    [english_mail] = mails_to("en@exemple.fr")
    assert "results of the challenge" in english_mail.body_text
    assert send_digests() == 0  # each notification is mailed once


def test_digest_command(app):
    result = app.test_cli_runner().invoke(args=["digest"])
    assert result.exit_code == 0 and "mis en file d'envoi" in result.output


def test_every_notification_leads_to_its_subject_and_important_ones_are_mailed(client, app):
    """Results, briefs and sessions can be clicked through; the header counts what is
    unread; results leave by e-mail too for people who keep that option (issue 14)."""
    from sqlalchemy import select

    from consult.core.outbox import OutboxMessage
    from consult.notifications.digest import mail_important_notifications
    from consult.notifications.models import Notification
    from consult.notifications.operations import notify
    from tests.conftest import login
    from tests.factories import ChallengeFactory, UserFactory

    challenge = ChallengeFactory(phase="results")
    keen, quiet = UserFactory(), UserFactory(important_mail=False)
    notify([keen.id, quiet.id], "results", challenge=challenge)
    notify([keen.id], "brief_status", challenge=challenge, brief_id=42, brief_title="Cahier",
           status="Publié")
    db.session.flush()
    login(client, keen)
    page = client.get("/mon-espace").text
    assert "2 notifications non lues" in page
    results = db.session.scalar(select(Notification).where(
        Notification.user_id == keen.id, Notification.kind == "results"))
    answer = client.get(f"/notifications/{results.id}")
    assert answer.status_code == 302
    assert answer.headers["Location"].endswith(f"/defis/{challenge.slug}/resultats")
    brief = db.session.scalar(select(Notification).where(Notification.kind == "brief_status"))
    assert client.get(f"/notifications/{brief.id}").headers["Location"].endswith("/cahiers/42")
    assert "notifications non lues" not in client.get("/mon-espace").text

    notify([keen.id, quiet.id], "results", challenge=challenge)
    db.session.flush()
    assert mail_important_notifications() == 1
    mails = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.kind == "notifications/important")).all()
    assert [m.to_address for m in mails] == [keen.email]
    assert f"/defis/{challenge.slug}/resultats" in mails[0].body_text
    assert mail_important_notifications() == 0  # once
