"""Each organisation's answer templates (issue 22).

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-04 00:08:22.890885
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0031'
down_revision = '0030'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('answer_templates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('status', sa.Enum('under_study', 'selected', 'not_retained', 'implemented', name='answer_status', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_answer_templates_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_answer_templates')),
    sa.UniqueConstraint('organisation_id', 'name', name=op.f('uq_answer_templates_organisation_id_name'))
    )
    with op.batch_alter_table('answer_templates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_answer_templates_organisation_id'), ['organisation_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('answer_templates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_answer_templates_organisation_id'))

    op.drop_table('answer_templates')
