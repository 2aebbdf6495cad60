"""A target says which way is better ("higher", "lower"; "" to follow the KPI's own direction).

Revision ID: 0003
Revises: 0002
Create Date: 2026-05-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Targets stored before this revision follow their KPI's direction: "".
    with op.batch_alter_table("city_targets") as batch:
        batch.add_column(sa.Column("direction", sa.String(10), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("city_targets") as batch:
        batch.drop_column("direction")
