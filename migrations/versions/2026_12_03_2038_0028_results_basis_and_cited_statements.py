"""Results: what the published ranking is ordered by (supports or the pairwise scores),
the consensus statements the decision cites, and each recorded line's score (issue 21).

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-03 20:38:38.950519
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0028'
down_revision = '0027'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('challenges', schema=None) as batch_op:
        batch_op.add_column(sa.Column('results_basis', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('results_statements', sa.JSON(), nullable=True))

    with op.batch_alter_table('result_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('score', sa.Float(), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('result_entries', schema=None) as batch_op:
        batch_op.drop_column('score')

    with op.batch_alter_table('challenges', schema=None) as batch_op:
        batch_op.drop_column('results_statements')
        batch_op.drop_column('results_basis')

