"""default charter rules for every challenge without rules (pages read them, never create them)

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-22 08:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

DEFAULT_CHARTER_RULES = (  # consult.moderation.models, as of this revision
    "Propos injurieux, discriminatoires ou haineux",
    "Données personnelles d'un tiers",
    "Publicité ou spam",
    "Hors sujet par rapport au défi",
    "Contenu illégal",
)


def upgrade() -> None:
    connection = op.get_bind()
    bare = connection.execute(sa.text(
        "SELECT id FROM challenges c WHERE NOT EXISTS "
        "(SELECT 1 FROM charter_rules r WHERE r.challenge_id = c.id)")).scalars().all()
    rules = sa.table("charter_rules", sa.column("challenge_id", sa.Integer),
                     sa.column("label", sa.String), sa.column("position", sa.Integer))
    rows = [{"challenge_id": challenge_id, "label": label, "position": position}
            for challenge_id in bare for position, label in enumerate(DEFAULT_CHARTER_RULES)]
    if rows:
        op.bulk_insert(rules, rows)


def downgrade() -> None:
    pass  # the rules stay: they are the challenges' published charter
