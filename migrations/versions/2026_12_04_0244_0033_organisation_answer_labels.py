"""An organisation's own answer statuses, each mapped onto a canonical one (issue 22),
and the label an idea was answered with.

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-04 02:44:32.971613
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0033'
down_revision = '0032'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('answer_labels',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('status', sa.Enum('under_study', 'selected', 'not_retained', 'implemented', name='answer_status', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_answer_labels_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_answer_labels')),
    sa.UniqueConstraint('organisation_id', 'name', name=op.f('uq_answer_labels_organisation_id_name'))
    )
    with op.batch_alter_table('answer_labels', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_answer_labels_organisation_id'), ['organisation_id'], unique=False)

    with op.batch_alter_table('ideas', schema=None) as batch_op:
        batch_op.add_column(sa.Column('answer_label', sa.String(length=80), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('ideas', schema=None) as batch_op:
        batch_op.drop_column('answer_label')

    with op.batch_alter_table('answer_labels', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_answer_labels_organisation_id'))

    op.drop_table('answer_labels')
