"""The age band and gender a person may declare in their profile (representativeness,
issue 22): optional, never shown, counted only with others.

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-04 02:32:30.591527
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0032'
down_revision = '0031'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('age_band', sa.Enum('0_19', '20_39', '40_59', '60_74', '75_plus', name='age_band', native_enum=False, create_constraint=True, length=8), nullable=True))
        batch_op.add_column(sa.Column('gender', sa.Enum('f', 'm', 'other', name='gender', native_enum=False, create_constraint=True, length=8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_users_gender'), type_='check')
        batch_op.drop_constraint(op.f('ck_users_age_band'), type_='check')
        batch_op.drop_column('gender')
        batch_op.drop_column('age_band')
