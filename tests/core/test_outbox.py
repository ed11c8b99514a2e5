import threading
from io import StringIO

from sqlalchemy import func, select

from consult.core.delivery import ConsoleTransport, claim_batch, deliver_outbox
from consult.core.outbox import OutboxMessage, OutboxStatus, queue_mail
from consult.db import db
from tests.factories import UserFactory


class Recorder:
    def __init__(self, fail=False):
        self.sent, self.fail = [], fail

    def send(self, message):
        if self.fail:
            raise ConnectionRefusedError("smtp down")
        self.sent.append(message)


def queue(n=1, to="lea@exemple.fr"):
    user = UserFactory(email=to)
    for _ in range(n):
        queue_mail(to, "accounts/confirm_email", user=user, confirm_url="http://x/confirm")
    db.session.flush()


def test_a_mail_is_text_and_html_in_the_recipients_language():
    user = UserFactory(email="en@exemple.fr", locale="en")
    message = queue_mail("en@exemple.fr", "accounts/confirm_email", locale="en", user=user,
                         confirm_url="http://x/c")
    assert message.subject == "Confirm your e-mail address"
    assert "http://x/c" in message.body_text and 'href="http://x/c"' in message.body_html


def test_worker_sends_and_marks_messages():
    queue(3)
    transport = Recorder()
    assert deliver_outbox(transport, worker="w1") == 3
    assert len(transport.sent) == 3
    assert transport.sent[0]["To"] == "lea@exemple.fr"
    statuses = set(db.session.scalars(select(OutboxMessage.status)))
    assert statuses == {OutboxStatus.SENT}
    assert deliver_outbox(transport, worker="w1") == 0  # nothing sent twice


def test_failed_delivery_is_retried_later():
    queue(1)
    assert deliver_outbox(Recorder(fail=True), worker="w1") == 0
    message = db.session.scalar(select(OutboxMessage))
    assert message.status == OutboxStatus.PENDING and message.attempts == 1
    assert "ConnectionRefusedError" in message.last_error
    assert deliver_outbox(Recorder(), worker="w1") == 0  # not due yet (backoff)


def test_console_transport_prints_the_link():
    queue(1)
    stream = StringIO()
    deliver_outbox(ConsoleTransport(stream), worker="w1")
    assert "http://x/confirm" in stream.getvalue()


def test_a_rolled_back_change_sends_no_mail():
    before = db.session.scalar(select(func.count(OutboxMessage.id)))
    nested = db.session.begin_nested()
    queue(1)
    nested.rollback()
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == before


def test_two_workers_never_claim_the_same_message(committed_db):
    """Several workers (threads here, each with its own connection) share the outbox."""
    user = UserFactory(email="lea@exemple.fr")
    for _ in range(60):
        queue_mail("lea@exemple.fr", "accounts/confirm_email", user=user, confirm_url="http://x")
    db.session.commit()
    db.session.remove()

    claimed: dict[str, list[int]] = {}
    barrier = threading.Barrier(4)

    def work(name):
        barrier.wait()
        ids = []
        for _ in range(5):
            ids += claim_batch(name, limit=7)
        claimed[name] = ids
        db.session.remove()

    threads = [threading.Thread(target=work, args=(f"w{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    everything = [i for ids in claimed.values() for i in ids]
    assert len(everything) == len(set(everything)) == 60
