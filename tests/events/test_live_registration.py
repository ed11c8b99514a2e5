"""Registration under contention through the real HTTP server (gunicorn, four workers,
the suite's database, SQLite or PostgreSQL): 200 people signed in through the login page
press « Confirmer mon inscription » at the same moment for 30 seats. Exactly 30 are
confirmed, 170 wait in line, the counter equals the rows, and nobody saw an error."""

from __future__ import annotations

import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import create_engine, text

from tests.live import ROOT, Visitor, start_live_server

pytestmark = pytest.mark.slow

PASSWORD = "banc-d-essai-2026"  # the invented citizens of bench.seed
PEOPLE, SEATS = 200, 30

NEW_EVENT = """
from datetime import timedelta
from consult import create_app
from consult.db import db, utcnow
from consult.events.models import Event
from consult.organisations.models import Organisation
app = create_app()
with app.app_context():
    organisation = db.session.query(Organisation).order_by(Organisation.id).first()
    start = utcnow() + timedelta(days=5)
    event = Event(kind="workshop", title="Atelier très demandé", organisation_id=organisation.id,
                  starts_at=start, ends_at=start + timedelta(hours=2), format="in_person",
                  address="Salle des fêtes", capacity=%d)
    db.session.add(event)
    db.session.commit()
    print(event.id)
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    cleanups: list = []
    live = start_live_server(tmp_path_factory, cleanups, workers=4, ARGON2_TIME_COST="1",
                             ARGON2_MEMORY_COST="1024", ARGON2_PARALLELISM="1")
    subprocess.run([sys.executable, "-m", "bench.seed", "--scale", "0.002"], cwd=ROOT,
                   env=live["env"], check=True, capture_output=True)
    made = subprocess.run([sys.executable, "-c", NEW_EVENT % SEATS], cwd=ROOT, env=live["env"],
                          check=True, capture_output=True, text=True)
    live["event"] = int(made.stdout.strip().splitlines()[-1])
    yield live
    for cleanup in cleanups:
        cleanup()


def test_two_hundred_people_at_once_for_thirty_seats(server):
    event = server["event"]

    def ready(n: int) -> Visitor:
        visitor = Visitor(server["url"])
        visitor.sign_in(f"citoyen{n}@bench.consult.example", PASSWORD)
        status, page = visitor.request(f"/evenements/{event}/inscription")
        assert status == 200 and "Confirmer mon inscription" in page
        return visitor

    with ThreadPoolExecutor(16) as pool:
        people = list(pool.map(ready, range(PEOPLE)))
    start = threading.Barrier(PEOPLE)

    def register(visitor: Visitor) -> int:
        start.wait()
        status, _page = visitor.request(f"/evenements/{event}/inscription",
                                        {"csrf_token": visitor.token, "needs": ""})
        return status

    with ThreadPoolExecutor(PEOPLE) as pool:
        statuses = list(pool.map(register, people))
    assert statuses == [200] * PEOPLE  # each sent back to the event page, no error

    engine = create_engine(server["database"])
    with engine.connect() as conn:
        counts = dict(conn.execute(text(
            "SELECT status, count(*) FROM event_registrations WHERE event_id = :e "
            "GROUP BY status"), {"e": event}).all())
        seats = conn.execute(text("SELECT confirmed_count FROM events WHERE id = :e"),
                             {"e": event}).scalar()
        people_registered = conn.execute(text(
            "SELECT count(DISTINCT user_id) FROM event_registrations WHERE event_id = :e"),
            {"e": event}).scalar()
    engine.dispose()
    assert counts == {"confirmed": SEATS, "waiting": PEOPLE - SEATS}
    assert seats == SEATS and people_registered == PEOPLE
    # the page says so to each: 30 confirmed, 170 in line
    status, page = people[0].request(f"/evenements/{event}")
    assert status == 200 and "170 personnes en liste d’attente" in page.replace("\u202f", " ")
