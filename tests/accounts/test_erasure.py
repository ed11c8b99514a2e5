"""Deleting an account erases the person's name everywhere: every table, every page,
every export — including text generated from their contributions (briefs prefilled from
their ideas, other people's notifications), written before or after this rule (issue 14)."""

from __future__ import annotations

import io
import json
import zipfile

from pypdf import PdfReader
from sqlalchemy import select

from consult.accounts.operations import erase_account
from consult.briefs.models import Brief
from consult.briefs.operations import prefill
from consult.comments.operations import post_comment
from consult.db import Base, db
from consult.notifications.models import Notification
from tests.conftest import login, post_form
from tests.factories import (
    ChallengeFactory,
    IdeaFactory,
    OrganisationFactory,
    UserFactory,
    agent_of,
    brief_from,
    move_to,
)

NAME = "Zéphyrine Quillard-Onzième"


def _every_text_in_the_database() -> str:
    found = []
    with db.session.no_autoflush:
        for table in Base.metadata.sorted_tables:
            for row in db.session.execute(select(table)):
                found.append(json.dumps([str(v) for v in row], ensure_ascii=False))
    return "\n".join(found)


def test_deleting_an_account_erases_the_name_everywhere(client, app):
    organisation = OrganisationFactory()
    challenge = ChallengeFactory(phase="supports", organisations=[organisation])
    person = UserFactory(display_name=NAME)
    other = UserFactory(display_name="Bastien")
    idea = IdeaFactory(challenge=challenge, author=person, title="Un guichet unique")
    question = post_comment(other, idea, "Et pour les communes rurales ?", None)
    post_comment(person, idea, "Une permanence mensuelle.", question)  # tells Bastien
    # data written before this rule copied the name into generated text
    db.session.add(Notification(user_id=other.id, kind="reply", idea_id=idea.id,
                                params={"author": NAME, "idea_title": idea.title}))
    move_to(challenge, "review")
    agent = agent_of(organisation)
    login(client, agent)
    response = post_form(client, f"/defis/{challenge.slug}/resultats/publier", {
        "message": "Merci.", "selected": [str(idea.id)],
        f"justification-{idea.id}": "Simple et utile."})
    assert response.status_code == 302
    fields = prefill(challenge, [idea])
    brief = brief_from([idea], organisation, agent, **fields)
    old_brief = brief_from([idea], organisation, agent, title="Ancien cahier",
                                 problem_statement="Le problème.",
                                 proposed_solution=f"### Un guichet\n\n_Idée de {NAME}_")
    from consult.briefs.models import BriefStatus
    from consult.briefs.operations import change_status

    change_status(agent, brief, BriefStatus.PUBLISHED)
    change_status(agent, old_brief, BriefStatus.PUBLISHED)
    assert NAME in client.get(f"/cahiers/{brief.id}").text  # named while the account lives
    assert NAME in _every_text_in_the_database()

    erase_account(person)
    db.session.flush()

    assert NAME not in _every_text_in_the_database()
    assert "Quillard" not in _every_text_in_the_database()
    anonymous, reader = app.test_client(), app.test_client()
    login(reader, other)
    pages = [f"/idees/{idea.id}", f"/cahiers/{brief.id}", f"/cahiers/{old_brief.id}",
             f"/cahiers/{brief.id}.md", f"/cahiers/{old_brief.id}.md",
             f"/defis/{challenge.slug}/resultats", f"/defis/{challenge.slug}/resultats.csv",
             f"/api/v1/ideas/{idea.id}", f"/api/v1/ideas/{idea.id}/comments",
             f"/api/v1/briefs/{brief.id}", f"/api/v1/challenges/{challenge.id}/results"]
    for path in pages:
        answer = anonymous.get(path)
        assert answer.status_code == 200, path
        assert "Quillard" not in answer.text, path
    notifications = reader.get("/notifications").text
    assert "Compte supprimé a répondu" in notifications and "Quillard" not in notifications
    pdf = anonymous.get(f"/cahiers/{old_brief.id}.pdf").data
    assert "Quillard" not in "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    archive = zipfile.ZipFile(io.BytesIO(anonymous.get("/donnees/consult.zip").data))
    for name in archive.namelist():
        assert "Quillard" not in archive.read(name).decode("utf-8", "replace"), name
    assert db.session.get(Brief, old_brief.id).proposed_solution.endswith(
        f"_D’après l’idée n° {idea.id} (voir « Né des idées »)_")
