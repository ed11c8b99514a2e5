"""Ideas merged into an idea, indexed: the idea page asks whether any was (their
supporters may move their support to it), once per kept page.

Revision ID: 0034
Revises: 0033
Create Date: 2026-12-04 05:58:58.168532
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0034"
down_revision = "0033"
branch_labels = None
depends_on = None

MERGED = sa.text("merged_into_id IS NOT NULL")


def upgrade() -> None:
    with op.batch_alter_table("ideas", schema=None) as batch_op:
        batch_op.create_index("ix_ideas_merged_into", ["merged_into_id"], unique=False,
                              sqlite_where=MERGED, postgresql_where=MERGED)


def downgrade() -> None:
    with op.batch_alter_table("ideas", schema=None) as batch_op:
        batch_op.drop_index("ix_ideas_merged_into", sqlite_where=MERGED, postgresql_where=MERGED)
