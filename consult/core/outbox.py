"""The mail outbox: every message is a row written in the same transaction as the change
that caused it, so a rolled-back change never sends mail and a committed one always does.

``queue_mail`` renders the message (text and HTML, in the recipient's language) and adds
the row; ``consult.core.delivery`` sends the rows later (``flask --app consult worker``).
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import CheckConstraint, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from consult.db import Base, db, enum_type, utcnow


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class OutboxMessage(Base):
    __tablename__ = "outbox_messages"
    __table_args__ = (
        Index("ix_outbox_messages_due", "status", "next_attempt_at"),
        CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        CheckConstraint("status != 'sent' OR sent_at IS NOT NULL", name="sent_has_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    to_address: Mapped[str] = mapped_column(String(320), index=True)
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(64))  # template name, for tests and metrics
    status: Mapped[OutboxStatus] = mapped_column(
        enum_type(OutboxStatus, "outbox_status", 16),
        default=OutboxStatus.PENDING,
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_by: Mapped[str | None] = mapped_column(String(120))
    claimed_until: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(500))


def _has_template(name: str) -> bool:
    from jinja2 import TemplateNotFound

    try:
        current_app.jinja_env.get_template(name)
    except TemplateNotFound:
        return False
    return True


def queue_mail(to: str, template: str, locale: str | None = None, **context: Any) -> OutboxMessage:
    """Render ``templates/emails/<template>.{txt,html}`` and add it to the outbox."""
    subject, text, html = render_mail(template, locale, **context)
    message = OutboxMessage(to_address=to, subject=subject, body_text=text, body_html=html,
                            kind=template)
    db.session.add(message)
    return message


def render_mail(template: str, locale: str | None = None,
                **context: Any) -> tuple[str, str, str]:
    """Subject, text and HTML of a mail. The first line of the text template is
    ``Subject: ...``; the rest is the body."""
    context.setdefault("platform_name", current_app.config["PLATFORM_NAME"])
    context.setdefault("base_url", current_app.config["BASE_URL"])
    with force_locale(locale or "fr"):
        text = render_template(f"emails/{template}.txt", **context)
        first, _, body = text.lstrip().partition("\n")
        if _has_template(f"emails/{template}.html"):
            html = render_template(f"emails/{template}.html", **context)
        else:  # derived from the text: paragraphs, escaped, links clickable
            paragraphs = [block.strip().splitlines() for block in body.strip().split("\n\n")
                          if block.strip()]
            html = render_template("emails/_text_as_html.html", paragraphs=paragraphs,
                                   **context)
    if not first.startswith("Subject:"):
        raise ValueError(f"emails/{template}.txt must start with 'Subject:'")
    return first.removeprefix("Subject:").strip(), body.strip() + "\n", html
