"""Emerging topics of a challenge: each computation (fingerprint, method, parameters),
its topics as agents edit them, the ideas of each, the duplicate candidates it proposes
to moderators, and the summaries agents validate (issue 22).

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-03 23:49:31.369015
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0029'
down_revision = '0028'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('topic_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('challenge_id', sa.Integer(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('requested_at', sa.DateTime(), nullable=False),
    sa.Column('status', sa.Enum('queued', 'done', 'failed', name='topic_run_status', native_enum=False, create_constraint=True, length=8), nullable=False),
    sa.Column('k', sa.Integer(), nullable=True),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('method', sa.String(length=40), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('input_hash', sa.String(length=64), nullable=False),
    sa.Column('ideas', sa.Integer(), nullable=False),
    sa.Column('unassigned', sa.Integer(), nullable=False),
    sa.Column('seconds', sa.Float(), nullable=True),
    sa.Column('error', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['challenge_id'], ['challenges.id'], name=op.f('fk_topic_runs_challenge_id_challenges'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_topic_runs_requested_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_topic_runs'))
    )
    with op.batch_alter_table('topic_runs', schema=None) as batch_op:
        batch_op.create_index('ix_topic_runs_challenge', ['challenge_id', 'id'], unique=False)

    op.create_table('topics',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('challenge_id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=80), nullable=False),
    sa.Column('words', sa.JSON(), nullable=False),
    sa.Column('representative', sa.JSON(), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('supports', sa.Integer(), nullable=False),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.Column('theme_id', sa.Integer(), nullable=True),
    sa.Column('edited_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['challenge_id'], ['challenges.id'], name=op.f('fk_topics_challenge_id_challenges'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['published_by_id'], ['users.id'], name=op.f('fk_topics_published_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['run_id'], ['topic_runs.id'], name=op.f('fk_topics_run_id_topic_runs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['theme_id'], ['themes.id'], name=op.f('fk_topics_theme_id_themes'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_topics'))
    )
    with op.batch_alter_table('topics', schema=None) as batch_op:
        batch_op.create_index('ix_topics_challenge_published', ['challenge_id', 'published_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_topics_run_id'), ['run_id'], unique=False)

    op.create_table('duplicate_candidates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('challenge_id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=True),
    sa.Column('idea_a_id', sa.Integer(), nullable=False),
    sa.Column('idea_b_id', sa.Integer(), nullable=False),
    sa.Column('similarity', sa.Float(), nullable=False),
    sa.Column('status', sa.Enum('open', 'merged', 'dismissed', name='duplicate_status', native_enum=False, create_constraint=True, length=10), nullable=False),
    sa.Column('resolved_by_id', sa.Integer(), nullable=True),
    sa.Column('resolved_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint('idea_a_id < idea_b_id', name=op.f('ck_duplicate_candidates_ordered')),
    sa.ForeignKeyConstraint(['challenge_id'], ['challenges.id'], name=op.f('fk_duplicate_candidates_challenge_id_challenges'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['idea_a_id'], ['ideas.id'], name=op.f('fk_duplicate_candidates_idea_a_id_ideas'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['idea_b_id'], ['ideas.id'], name=op.f('fk_duplicate_candidates_idea_b_id_ideas'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['resolved_by_id'], ['users.id'], name=op.f('fk_duplicate_candidates_resolved_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['run_id'], ['topic_runs.id'], name=op.f('fk_duplicate_candidates_run_id_topic_runs'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_duplicate_candidates')),
    sa.UniqueConstraint('idea_a_id', 'idea_b_id', name=op.f('uq_duplicate_candidates_idea_a_id_idea_b_id'))
    )
    with op.batch_alter_table('duplicate_candidates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_duplicate_candidates_idea_b_id'), ['idea_b_id'], unique=False)
        batch_op.create_index('ix_duplicate_candidates_queue', ['challenge_id', 'status', 'similarity'], unique=False)

    op.create_table('summaries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('challenge_id', sa.Integer(), nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.Enum('extractive', 'generative', name='summary_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('sentences', sa.JSON(), nullable=False),
    sa.Column('method', sa.String(length=300), nullable=False),
    sa.Column('input_hash', sa.String(length=64), nullable=False),
    sa.Column('model', sa.String(length=200), nullable=False),
    sa.Column('prompt', sa.Text(), nullable=False),
    sa.Column('error', sa.String(length=300), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('computed_at', sa.DateTime(), nullable=True),
    sa.Column('validated_by_id', sa.Integer(), nullable=True),
    sa.Column('validated_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['challenge_id'], ['challenges.id'], name=op.f('fk_summaries_challenge_id_challenges'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_summaries_requested_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['topic_id'], ['topics.id'], name=op.f('fk_summaries_topic_id_topics'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['validated_by_id'], ['users.id'], name=op.f('fk_summaries_validated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_summaries'))
    )
    with op.batch_alter_table('summaries', schema=None) as batch_op:
        batch_op.create_index('ix_summaries_challenge', ['challenge_id', 'topic_id'], unique=False)

    op.create_table('topic_ideas',
    sa.Column('topic_id', sa.Integer(), nullable=False),
    sa.Column('idea_id', sa.Integer(), nullable=False),
    sa.Column('weight', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['idea_id'], ['ideas.id'], name=op.f('fk_topic_ideas_idea_id_ideas'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['topic_id'], ['topics.id'], name=op.f('fk_topic_ideas_topic_id_topics'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('topic_id', 'idea_id', name=op.f('pk_topic_ideas'))
    )
    with op.batch_alter_table('topic_ideas', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_topic_ideas_idea_id'), ['idea_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('topic_ideas', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_topic_ideas_idea_id'))

    op.drop_table('topic_ideas')
    with op.batch_alter_table('summaries', schema=None) as batch_op:
        batch_op.drop_index('ix_summaries_challenge')

    op.drop_table('summaries')
    with op.batch_alter_table('duplicate_candidates', schema=None) as batch_op:
        batch_op.drop_index('ix_duplicate_candidates_queue')
        batch_op.drop_index(batch_op.f('ix_duplicate_candidates_idea_b_id'))

    op.drop_table('duplicate_candidates')
    with op.batch_alter_table('topics', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_topics_run_id'))
        batch_op.drop_index('ix_topics_challenge_published')

    op.drop_table('topics')
    with op.batch_alter_table('topic_runs', schema=None) as batch_op:
        batch_op.drop_index('ix_topic_runs_challenge')

    op.drop_table('topic_runs')
