"""a challenge is a sequence of typed phases stored as rows

The four dates of ``challenges`` (submission, voting, review, results) become four rows
of ``challenge_phases`` (ideas, supports, review, results); the vote's limit and
self-support rule become settings of the supports phase; the phase last announced to
followers becomes a date on each phase. Visitors see the same calendar.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03 01:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

KINDS = ('information', 'survey', 'ideas', 'supports', 'review', 'results', 'draft',
         'announced', 'pause', 'closed')
# The old phase names, in order, with the kind each becomes.
OLD = (('submission', 'ideas'), ('voting', 'supports'), ('review', 'review'),
       ('results', 'results'))

phases = sa.table(
    'challenge_phases', sa.column('challenge_id', sa.Integer), sa.column('kind', sa.String),
    sa.column('title', sa.String), sa.column('description', sa.Text),
    sa.column('starts_at', sa.DateTime), sa.column('ends_at', sa.DateTime),
    sa.column('settings', sa.JSON), sa.column('announced_at', sa.DateTime))


def upgrade() -> None:
    op.create_table('challenge_phases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('challenge_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum(*KINDS, name='phase_kind', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('ends_at', sa.DateTime(), nullable=True),
    sa.Column('settings', sa.JSON(), nullable=False),
    sa.Column('announced_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint('ends_at IS NULL OR starts_at < ends_at', name=op.f('ck_challenge_phases_phase_dates_in_order')),
    sa.ForeignKeyConstraint(['challenge_id'], ['challenges.id'], name=op.f('fk_challenge_phases_challenge_id_challenges'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_challenge_phases'))
    )
    with op.batch_alter_table('challenge_phases', schema=None) as batch_op:
        batch_op.create_index('ix_challenge_phases_challenge', ['challenge_id', 'starts_at'], unique=False)
        batch_op.create_index('ix_challenge_phases_kind_dates', ['kind', 'starts_at', 'ends_at'], unique=False)

    bind = op.get_bind()
    old = sa.table(
        'challenges', sa.column('id', sa.Integer), sa.column('submission_starts_at', sa.DateTime),
        sa.column('voting_starts_at', sa.DateTime), sa.column('review_starts_at', sa.DateTime),
        sa.column('results_at', sa.DateTime), sa.column('supports_per_person', sa.Integer),
        sa.column('self_support_allowed', sa.Boolean), sa.column('announced_phase', sa.String))
    rows = bind.execute(sa.select(
        old.c.id, old.c.submission_starts_at, old.c.voting_starts_at, old.c.review_starts_at,
        old.c.results_at, old.c.supports_per_person, old.c.self_support_allowed,
        old.c.announced_phase)).all()
    names = [old for old, _ in OLD]
    values = []
    for (cid, submission, voting, review, results, limit, self_support, announced) in rows:
        starts = [submission, voting, review, results]
        ends = [voting, review, results, None]
        told = names.index(announced) if announced in names else -1
        for i, (_, kind) in enumerate(OLD):
            settings = ({'supports_per_person': limit, 'self_support_allowed': bool(self_support)}
                        if kind == 'supports' else {})
            values.append({'challenge_id': cid, 'kind': kind, 'title': '', 'description': '',
                           'starts_at': starts[i], 'ends_at': ends[i], 'settings': settings,
                           # announced phases keep their announcement (no second mail)
                           'announced_at': starts[i] if i <= told else None})
    if values:
        op.bulk_insert(phases, values)

    with op.batch_alter_table('challenges', schema=None) as batch_op:
        batch_op.drop_index('ix_challenges_published_dates')
        batch_op.drop_constraint(op.f('ck_challenges_phases_in_order'), type_='check')
        batch_op.drop_constraint(op.f('ck_challenges_supports_limit_positive'), type_='check')
        for column in ('submission_starts_at', 'voting_starts_at', 'review_starts_at',
                       'results_at', 'supports_per_person', 'self_support_allowed',
                       'announced_phase'):
            batch_op.drop_column(column)


def downgrade() -> None:
    with op.batch_alter_table('challenges', schema=None) as batch_op:
        for column in ('submission_starts_at', 'voting_starts_at', 'review_starts_at',
                       'results_at'):
            batch_op.add_column(sa.Column(column, sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('supports_per_person', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('self_support_allowed', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('announced_phase', sa.String(length=16), nullable=True))
    # Only challenges made of the four historical phases go back (others lose theirs).
    for column, kind in (('submission_starts_at', 'ideas'), ('voting_starts_at', 'supports'),
                         ('review_starts_at', 'review'), ('results_at', 'results')):
        op.execute(f"UPDATE challenges SET {column} = (SELECT MIN(p.starts_at) FROM "
                   f"challenge_phases p WHERE p.challenge_id = challenges.id "
                   f"AND p.kind = '{kind}')")
    op.execute("UPDATE challenges SET self_support_allowed = false")
    op.drop_table('challenge_phases')
