"""Cities and their KPI values.

Revision ID: 0001
Revises:
Create Date: 2026-05-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("name_key", sa.String(200), nullable=False),
        sa.Column("iso3", sa.String(3), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=False),
        sa.Column("longitude", sa.Float(), nullable=False),
        sa.Column("geonameid", sa.Integer(), nullable=True),
        sa.Column("population", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_cities"),
        sa.UniqueConstraint("name_key", "iso3", name="uq_cities_name_key_iso3"),
    )
    op.create_index("ix_cities_name_key", "cities", ["name_key"])
    op.create_table(
        "city_values",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("city_id", sa.Integer(), nullable=False),
        sa.Column("kpi_code", sa.String(40), nullable=False),
        sa.Column("data_point", sa.String(80), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("unit", sa.String(120), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("data_quality", sa.String(40), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(200), nullable=False),
        sa.ForeignKeyConstraint(
            ["city_id"], ["cities.id"], name="fk_city_values_city_id_cities", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_city_values"),
        sa.UniqueConstraint(
            "city_id",
            "kpi_code",
            "data_point",
            "year",
            name="uq_city_values_city_id_kpi_code_data_point_year",
        ),
    )


def downgrade() -> None:
    op.drop_table("city_values")
    op.drop_index("ix_cities_name_key", table_name="cities")
    op.drop_table("cities")
