"""ideas: a shuffle key for the random order, and indexes for the filters' counts

The random order while voting was a sort of every idea of the challenge on a computed
key (600 ms for 200,000 ideas on SQLite); it is now an index range from the visitor's
starting point on a ring of random keys drawn once per idea. The territory and theme
filters and the moderation figures are counted from indexes alone.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 07:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # add_column without batch mode: recreating the ideas table would drop its search
    # triggers on SQLite
    op.add_column('ideas', sa.Column('shuffle_key', sa.Integer(), server_default='0',
                                     nullable=False))
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("UPDATE ideas SET shuffle_key = floor(random() * 2147483648)::integer")
    else:
        op.execute("UPDATE ideas SET shuffle_key = abs(random()) % 2147483648")
    op.create_index('ix_ideas_challenge_status_shuffle', 'ideas',
                    ['challenge_id', 'status', 'shuffle_key'])
    op.create_index('ix_ideas_challenge_status_theme', 'ideas',
                    ['challenge_id', 'status', 'theme_id'])
    op.create_index('ix_ideas_challenge_status_territory', 'ideas',
                    ['challenge_id', 'status', 'territory_id'])
    op.create_index('ix_comments_status_idea', 'comments', ['status', 'idea_id'])


def downgrade() -> None:
    op.drop_index('ix_comments_status_idea', table_name='comments')
    op.drop_index('ix_ideas_challenge_status_territory', table_name='ideas')
    op.drop_index('ix_ideas_challenge_status_theme', table_name='ideas')
    op.drop_index('ix_ideas_challenge_status_shuffle', table_name='ideas')
    with op.batch_alter_table('ideas') as batch_op:
        batch_op.drop_column('shuffle_key')
