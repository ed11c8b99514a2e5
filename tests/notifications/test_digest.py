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
    challenge = ChallengeFactory(phase="submission", announced_phase="submission")
    follower = UserFactory()
    follow(follower, challenge=challenge)
    assert announce_phase_changes() == 0
    move_to(challenge, "voting")
    assert announce_phase_changes() == 1
    assert announce_phase_changes() == 0  # not twice
    move_to(challenge, "results")
    announce_phase_changes()
    assert kinds(follower) == ["new_phase", "new_phase"]  # results: told when published
    note = db.session.scalar(select(Notification).where(Notification.kind == "new_phase"))
    assert note.params["phase"] == "Vote"


def test_daily_digest_for_those_who_opted_in_only():
    challenge = ChallengeFactory(phase="voting")
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
    assert result.exit_code == 0 and "résumé(s)" in result.output
