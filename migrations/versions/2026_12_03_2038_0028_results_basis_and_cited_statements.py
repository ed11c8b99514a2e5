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

    # the pairwise pages at 1,000,000 choices: counters instead of counting the choices
    with op.batch_alter_table('pairwise_scores', schema=None) as batch_op:
        batch_op.add_column(sa.Column('undecided', sa.Integer(), server_default='0',
                                      nullable=False))
    op.execute("UPDATE pairwise_scores SET undecided = (SELECT count(*) FROM pairwise_votes v "
               "JOIN pairwise_pairs p ON p.id = v.pair_id WHERE v.winner_id IS NULL AND "
               "pairwise_scores.idea_id IN (p.left_id, p.right_id))")
    op.create_index('ix_pairwise_votes_user_challenge', 'pairwise_votes',
                    ['user_id', 'challenge_id'], unique=False)



def downgrade() -> None:
    op.drop_index('ix_pairwise_votes_user_challenge', table_name='pairwise_votes')
    with op.batch_alter_table('pairwise_scores', schema=None) as batch_op:
        batch_op.drop_column('undecided')

    with op.batch_alter_table('result_entries', schema=None) as batch_op:
        batch_op.drop_column('score')

    with op.batch_alter_table('challenges', schema=None) as batch_op:
        batch_op.drop_column('results_statements')
        batch_op.drop_column('results_basis')

