"""The moderation queue kept as it changes (consult.moderation.backlog): one row per
pending idea and per idea or comment with open reports, filled from the ideas and
reports already there.

Revision ID: 0035
Revises: 0034
Create Date: 2026-12-05 06:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0035"
down_revision = "0034"
branch_labels = None
depends_on = None

# the queue as consult.moderation.backlog.derived computes it, frozen here in SQL: a
# pending idea waits since it was proposed (its first open report, if any, kept
# beside); any other idea or comment since its first open report
FILL = """
INSERT INTO moderation_queue (kind, target_id, challenge_id, pending_since, reported_since, since)
SELECT 'idea', ideas.id, ideas.challenge_id, ideas.created_at, first_reports.first, ideas.created_at
FROM ideas LEFT JOIN (
    SELECT target_id, min(created_at) AS first FROM reports
    WHERE target_type = 'idea' AND resolved_at IS NULL GROUP BY target_id
) AS first_reports ON first_reports.target_id = ideas.id
WHERE ideas.status = 'pending'
UNION ALL
SELECT target_type, target_id, min(challenge_id), NULL, min(created_at), min(created_at)
FROM reports
WHERE resolved_at IS NULL AND NOT (target_type = 'idea' AND target_id IN (
    SELECT id FROM ideas WHERE status = 'pending'))
GROUP BY target_type, target_id
"""


def upgrade() -> None:
    op.create_table(
        "moderation_queue",
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("target_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("challenge_id", sa.Integer(), nullable=False),
        sa.Column("pending_since", sa.DateTime(), nullable=True),
        sa.Column("reported_since", sa.DateTime(), nullable=True),
        sa.Column("since", sa.DateTime(), nullable=False),
        sa.CheckConstraint("kind IN ('idea', 'comment')", name=op.f("ck_moderation_queue_known_kind")),
        sa.CheckConstraint("pending_since IS NOT NULL OR reported_since IS NOT NULL",
                           name=op.f("ck_moderation_queue_waits_for_something")),
        sa.ForeignKeyConstraint(["challenge_id"], ["challenges.id"],
                                name=op.f("fk_moderation_queue_challenge_id_challenges"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("kind", "target_id", name=op.f("pk_moderation_queue")),
    )
    op.create_index("ix_moderation_queue_since", "moderation_queue", ["since"])
    op.create_index("ix_moderation_queue_challenge_since", "moderation_queue",
                    ["challenge_id", "since"])
    op.execute(FILL)


def downgrade() -> None:
    op.drop_index("ix_moderation_queue_challenge_since", table_name="moderation_queue")
    op.drop_index("ix_moderation_queue_since", table_name="moderation_queue")
    op.drop_table("moderation_queue")
