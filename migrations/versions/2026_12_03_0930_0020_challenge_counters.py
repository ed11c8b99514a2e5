"""challenge counters: a challenge's supports and participants counted on several rows

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-03 09:30:00

Each support, and each person's first act, moved the challenge's own row, so the
supports of one challenge waited for one another on PostgreSQL (issue 17). They now
move one of 16 rows per challenge (the person's slot); ``challenges.supports_count`` and
``participants_count`` keep what was counted until now, and each figure is that plus
the slots.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'challenge_counters',
        sa.Column('challenge_id', sa.Integer(), nullable=False),
        sa.Column('slot', sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column('supports', sa.Integer(), nullable=False),
        sa.Column('participants', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['challenge_id'], ['challenges.id'],
                                name=op.f('fk_challenge_counters_challenge_id_challenges'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('challenge_id', 'slot', name=op.f('pk_challenge_counters')),
    )


def downgrade() -> None:
    # fold the slots back into the challenge's own counters before they go
    for column, slots in (("supports_count", "supports"),
                          ("participants_count", "participants")):
        op.execute(f"UPDATE challenges SET {column} = {column} + coalesce(("  # noqa: S608
                   f"SELECT sum({slots}) FROM challenge_counters "
                   "WHERE challenge_counters.challenge_id = challenges.id), 0)")
    op.drop_table('challenge_counters')
