"""Asking another administration for an opinion (issue 22): only the challenge's agents
ask, only an organisation that does not own the challenge is asked, by a deadline to
come; its agents see only what they were asked, answer privately and gain no moderation
right; the official answer may cite the opinion (public from then); reminders before the
deadline; the requests page shows what is pending and how late."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from consult.core.outbox import OutboxMessage
from consult.core.timezones import today_in_paris
from consult.db import db, utcnow
from consult.opinions import operations as ops
from consult.opinions.models import OpinionRequest, OpinionStatus
from tests.conftest import login, post_form
from tests.factories import (
    ChallengeFactory,
    IdeaFactory,
    OrganisationFactory,
    UserFactory,
    agent_of,
)


def _world():
    owner, legal = OrganisationFactory(), OrganisationFactory(name="Service juridique")
    challenge = ChallengeFactory(organisations=[owner])
    idea = IdeaFactory(challenge=challenge, title="Ouvrir la cantine le mercredi")
    other = IdeaFactory(challenge=challenge, title="Une autre idée, non demandée")
    asker, lawyer = agent_of(owner), agent_of(legal)
    db.session.commit()
    return challenge, idea, other, owner, legal, asker, lawyer


def _mails(kind: str) -> int:
    return db.session.scalar(select(func.count()).select_from(OutboxMessage)
                             .where(OutboxMessage.kind == kind))


def test_ask_answer_and_cite_an_opinion(client):
    challenge, idea, other, owner, legal, asker, lawyer = _world()
    login(client, asker)
    path = f"/idees/{idea.id}/avis"
    # every problem at once, what was typed kept, nothing saved
    past = (today_in_paris() - timedelta(days=1)).isoformat()
    bad = post_form(client, path, {"organisation": str(owner.id), "question": "Légal ?",
                                   "deadline": past})
    assert bad.status_code == 422
    assert "porte déjà le défi" in bad.text and "10 caractères" in bad.text
    assert "après aujourd’hui" in bad.text and "Légal ?</textarea>" in bad.text
    unreadable = post_form(client, path, {"organisation": str(legal.id),
                                          "question": "Est-ce conforme au règlement ?",
                                          "deadline": "demain"})
    assert unreadable.status_code == 422 and "Date illisible" in unreadable.text
    assert db.session.scalar(select(func.count()).select_from(OpinionRequest)) == 0
    deadline = today_in_paris() + timedelta(days=10)
    assert post_form(client, path, {"organisation": str(legal.id),
                                    "question": "Est-ce conforme au règlement de la cantine ?",
                                    "deadline": deadline.strftime("%d/%m/%Y")}
                     ).status_code == 302
    request = db.session.scalar(select(OpinionRequest))
    assert request.deadline == deadline and request.status == OpinionStatus.PENDING
    assert _mails("opinions/asked") == 1  # the legal service's agent is told

    # the asked agent sees this request, not the rest, and gains no moderation right
    login(client, lawyer)
    listing = client.get("/avis").text
    assert idea.title in listing and other.title not in listing
    page = client.get(f"/avis/{request.id}").text
    assert "Est-ce conforme au règlement de la cantine ?" in page
    assert client.get(f"/idees/{idea.id}/avis").status_code == 403
    assert client.get(f"/moderation/defis/{challenge.slug}").status_code in (403, 404)
    assert post_form(client, f"/avis/{request.id}/citer").status_code == 403
    empty = post_form(client, f"/avis/{request.id}", {"opinion": "  "})
    assert empty.status_code == 422 and "Écrivez votre avis" in empty.text
    assert post_form(client, f"/avis/{request.id}",
                     {"opinion": "Conforme, sous réserve d'un encadrement."}).status_code == 302
    assert _mails("opinions/answered") == 1
    again = post_form(client, f"/avis/{request.id}", {"opinion": "Autre chose"})
    assert again.status_code == 409

    # private until cited; the challenge's agent cites it with the official answer
    citizen = UserFactory()
    db.session.commit()
    login(client, citizen)
    assert "sous réserve" not in client.get(f"/idees/{idea.id}").text
    assert client.get(f"/avis/{request.id}").status_code == 403
    login(client, asker)
    assert "sous réserve" in client.get(f"/avis/{request.id}").text
    assert post_form(client, f"/avis/{request.id}/citer").status_code == 302
    login(client, citizen)
    shown = client.get(f"/idees/{idea.id}").text
    assert "sous réserve d'un encadrement" in shown and "Service juridique" in shown


def test_reminders_delays_and_strangers():
    _challenge, idea, _other, _owner, legal, asker, lawyer = _world()
    soon = ops.ask(asker, idea, legal.id, "Quel budget pour cette idée ?",
                   today_in_paris() + timedelta(days=2))
    later = ops.ask(asker, idea, legal.id, "Et pour la version réduite ?",
                    today_in_paris() + timedelta(days=20))
    db.session.commit()
    assert ops.send_opinion_reminders() == 1  # the one due within two days, once
    assert ops.send_opinion_reminders() == 0
    db.session.refresh(later)
    assert soon.reminded_at is not None and later.reminded_at is None
    # late: counted on the requests page of both sides
    soon.deadline = today_in_paris() - timedelta(days=3)
    db.session.commit()
    today = today_in_paris()
    assert soon.days_late(today) == 3
    figures = ops.delays(ops.sent_by(asker), today)
    assert figures == {"pending": 2, "late": 1, "median_days": None}
    assert ops.delays(ops.asked_of(lawyer), today)["late"] == 1
    ops.answer(lawyer, later, "Environ 20 000 euros.")
    later.answered_at = utcnow() + timedelta(days=4)
    assert ops.delays(ops.sent_by(asker), today)["median_days"] == 4
    # a stranger (an agent of neither) may not ask nor answer; a citizen has no page
    stranger = agent_of(OrganisationFactory())
    for attempt in (lambda: ops.ask(stranger, idea, legal.id, "Une question assez longue",
                                    today + timedelta(days=5)),
                    lambda: ops.answer(stranger, soon, "Non"),
                    lambda: ops.cite(lawyer, later), lambda: ops.withdraw(lawyer, soon)):
        try:
            attempt()
        except ops.Refused:
            continue
        raise AssertionError("not refused")
    ops.withdraw(asker, soon)
    assert soon.status == OpinionStatus.WITHDRAWN
    assert ops.asked_of(UserFactory()) == []


def test_a_deadline_no_calendar_holds_is_a_clear_error_not_a_500(client):
    _challenge, idea, _other, _owner, legal, asker, _lawyer = _world()
    login(client, asker)
    for typed in ("99999999999999999999", "99/99/99999", "1/2", "31/02/2027", "2027-13-01"):
        answer = post_form(client, f"/idees/{idea.id}/avis", {
            "organisation": str(legal.id), "question": "Est-ce conforme au règlement ?",
            "deadline": typed})
        assert answer.status_code == 422 and "Date illisible" in answer.text, typed
