"""Requests for another administration's opinion on an idea (issue 22).

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-03 23:57:24.218534
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0030'
down_revision = '0029'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('opinion_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('idea_id', sa.Integer(), nullable=False),
    sa.Column('challenge_id', sa.Integer(), nullable=False),
    sa.Column('asked_organisation_id', sa.Integer(), nullable=False),
    sa.Column('asked_by_id', sa.Integer(), nullable=True),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=False),
    sa.Column('status', sa.Enum('pending', 'answered', 'withdrawn', name='opinion_status', native_enum=False, create_constraint=True, length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('reminded_at', sa.DateTime(), nullable=True),
    sa.Column('opinion', sa.Text(), nullable=False),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.Column('answered_at', sa.DateTime(), nullable=True),
    sa.Column('cited_at', sa.DateTime(), nullable=True),
    sa.Column('cited_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['answered_by_id'], ['users.id'], name=op.f('fk_opinion_requests_answered_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['asked_by_id'], ['users.id'], name=op.f('fk_opinion_requests_asked_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['asked_organisation_id'], ['organisations.id'], name=op.f('fk_opinion_requests_asked_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['challenge_id'], ['challenges.id'], name=op.f('fk_opinion_requests_challenge_id_challenges'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['cited_by_id'], ['users.id'], name=op.f('fk_opinion_requests_cited_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['idea_id'], ['ideas.id'], name=op.f('fk_opinion_requests_idea_id_ideas'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_opinion_requests'))
    )
    with op.batch_alter_table('opinion_requests', schema=None) as batch_op:
        batch_op.create_index('ix_opinion_requests_asked', ['asked_organisation_id', 'status'], unique=False)
        batch_op.create_index('ix_opinion_requests_idea', ['idea_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('opinion_requests', schema=None) as batch_op:
        batch_op.drop_index('ix_opinion_requests_idea')
        batch_op.drop_index('ix_opinion_requests_asked')

    op.drop_table('opinion_requests')
