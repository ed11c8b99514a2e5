"""Delivers the outbox over SMTP (or to the console in development).

Several workers, on one machine or several, share the outbox safely: a worker *claims* a
batch (status ``sending`` with a lease) in a short transaction — on PostgreSQL with
``FOR UPDATE SKIP LOCKED``, on SQLite under ``BEGIN IMMEDIATE`` — commits the claim, then
sends and marks each message. No two workers ever hold the same message. A worker that
dies after sending and before marking leaves a lease that expires, and the message is
sent again: delivery is at least once, never silently lost.
"""

from __future__ import annotations

import logging
import os
import smtplib
import socket
import ssl
import sys
from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Protocol

from flask import current_app
from sqlalchemy import or_, select, update

from consult.core.outbox import OutboxMessage, OutboxStatus
from consult.db import db, utcnow

log = logging.getLogger(__name__)
LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 8


class Transport(Protocol):
    def send(self, message: EmailMessage) -> None: ...


class ConsoleTransport:
    """Prints mails so a newcomer running ``make run`` can click the confirmation link."""

    def __init__(self, stream=None) -> None:
        self.stream = stream or sys.stdout

    def send(self, message: EmailMessage) -> None:
        body = message.get_body(("plain",))
        text = body.get_content() if body is not None else ""
        bar = "=" * 72
        print(f"\n{bar}\nMail to {message['To']}\nSubject: {message['Subject']}\n\n{text}{bar}",
              file=self.stream, flush=True)


class SMTPTransport:
    def __init__(self, config) -> None:
        self.config = config

    def send(self, message: EmailMessage) -> None:
        cfg = self.config
        context = ssl.create_default_context()
        if cfg["SMTP_SSL"]:
            client = smtplib.SMTP_SSL(cfg["SMTP_HOST"], cfg["SMTP_PORT"], context=context,
                                      timeout=30)
        else:
            client = smtplib.SMTP(cfg["SMTP_HOST"], cfg["SMTP_PORT"], timeout=30)
        with client:
            if not cfg["SMTP_SSL"] and cfg["SMTP_STARTTLS"]:
                client.starttls(context=context)
            if cfg["SMTP_USERNAME"]:
                client.login(cfg["SMTP_USERNAME"], cfg["SMTP_PASSWORD"] or "")
            client.send_message(message)


def default_transport() -> Transport:
    if current_app.config["MAIL_CONSOLE"] or not current_app.config["SMTP_HOST"]:
        return ConsoleTransport()
    return SMTPTransport(current_app.config)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def build_email(row: OutboxMessage) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_SENDER"]
    message["To"] = row.to_address
    message["Subject"] = row.subject
    message["Message-ID"] = make_msgid(idstring=f"consult-{row.id}")
    message.set_content(row.body_text)
    if row.body_html:
        message.add_alternative(row.body_html, subtype="html")
    return message


def claim_batch(worker: str, limit: int = 50) -> list[int]:
    """Claim up to ``limit`` due messages for ``worker``; commits the claim."""
    now = utcnow()
    due = or_(
        OutboxMessage.status == OutboxStatus.PENDING,
        (OutboxMessage.status == OutboxStatus.SENDING) & (OutboxMessage.claimed_until < now),
    )
    query = (select(OutboxMessage.id).where(due, OutboxMessage.next_attempt_at <= now)
             .order_by(OutboxMessage.id).limit(limit))
    if db.dialect == "postgresql":
        query = query.with_for_update(skip_locked=True)
    ids = list(db.session.scalars(query))
    if ids:
        db.session.execute(
            update(OutboxMessage).where(OutboxMessage.id.in_(ids)).values(
                status=OutboxStatus.SENDING, claimed_by=worker, claimed_until=now + LEASE,
            )
        )
    db.session.commit()
    return ids


def deliver_outbox(transport: Transport | None = None, worker: str | None = None,
                   limit: int = 50) -> int:
    """Send one batch; returns how many messages were sent."""
    transport = transport or default_transport()
    worker = worker or worker_name()
    sent = 0
    for message_id in claim_batch(worker, limit):
        row = db.session.get(OutboxMessage, message_id)
        if row is None or row.claimed_by != worker or row.status != OutboxStatus.SENDING:
            db.session.rollback()
            continue
        try:
            transport.send(build_email(row))
        except Exception as exc:  # any transport failure: retry later with backoff
            row.attempts += 1
            row.last_error = f"{type(exc).__name__}: {exc}"[:500]
            row.status = (OutboxStatus.FAILED if row.attempts >= MAX_ATTEMPTS
                          else OutboxStatus.PENDING)
            row.next_attempt_at = utcnow() + timedelta(minutes=2 ** row.attempts)
            log.warning("mail %s to outbox failed (attempt %s): %s", row.id, row.attempts,
                        type(exc).__name__)
        else:
            row.status = OutboxStatus.SENT
            row.sent_at = utcnow()
            row.attempts += 1
            sent += 1
        row.claimed_by = None
        row.claimed_until = None
        db.session.commit()
    return sent
