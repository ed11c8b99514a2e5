"""The header's count of unread notifications is read with the session's statement when
a page is asked (accounts.operations.HEADER_READS): right, fresh after marking them
read, on a kept page's hit as on a rendered page, and not read at all by a POST."""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event

from consult.db import db, utcnow
from consult.notifications.models import Notification
from tests.conftest import login, post_form
from tests.factories import ChallengeFactory, IdeaFactory, UserFactory

UNREAD = '<span class="c-count" aria-hidden="true">{}</span>'


@contextmanager
def _statements():
    run: list[str] = []

    def note(_conn, _cursor, statement, *_args) -> None:
        run.append(" ".join(statement.split()))

    engine = db.session.get_bind().engine
    event.listen(engine, "before_cursor_execute", note)
    try:
        yield run
    finally:
        event.remove(engine, "before_cursor_execute", note)


def _notify(person, count: int) -> None:
    for _ in range(count):
        db.session.add(Notification(user_id=person.id, kind="new_comment", params={},
                                    created_at=utcnow()))
    db.session.commit()


def test_the_unread_count_comes_with_the_session_on_every_page(client):
    me = UserFactory()
    idea = IdeaFactory(challenge=ChallengeFactory(phase="supports"))
    _notify(me, 3)
    login(client, me)
    for path in ("/mon-espace", f"/idees/{idea.id}", f"/idees/{idea.id}",
                 f"/defis/{idea.challenge.slug}", f"/defis/{idea.challenge.slug}"):
        with _statements() as run:
            page = client.get(path).text
        assert UNREAD.format(3) in page, path
        counts = [s for s in run if "count(*)" in s and "notifications" in s]
        assert len(counts) == 1 and "auth_sessions" in counts[0], (path, counts)

    post_form(client, "/notifications/lues")
    assert 'class="c-count"' not in client.get(f"/idees/{idea.id}").text  # fresh: none
    _notify(me, 2)
    assert UNREAD.format(2) in client.get(f"/idees/{idea.id}").text


def test_a_post_does_not_count_the_unread_notifications(client):
    me = UserFactory()
    idea = IdeaFactory(challenge=ChallengeFactory(phase="supports"))
    _notify(me, 1)
    login(client, me)
    token = _token(client)
    with _statements() as run:
        response = client.post(f"/idees/{idea.id}/soutenir", data={"csrf_token": token},
                               headers={"Accept": "application/json"})
    assert response.status_code == 200
    assert not [s for s in run if "count(*)" in s and "notifications" in s]


def _token(client) -> str:
    from tests.conftest import csrf_token

    return csrf_token(client, "/mon-espace")
