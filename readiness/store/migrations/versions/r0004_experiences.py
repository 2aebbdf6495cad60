"""Country experiences (case studies and their coding), workshop polls, and the store's own facts.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def _text(name: str) -> sa.Column:
    return sa.Column(name, sa.Text(), nullable=False)


def _case_studies() -> None:
    op.create_table(
        "case_studies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.String(40), nullable=False),
        _text("economies"),
        _text("city_or_region"),
        sa.Column("sectors", sa.String(200), nullable=False),
        _text("technology"),
        sa.Column("year", sa.String(40), nullable=False),
        sa.Column("stage", sa.String(20), nullable=False),
        _text("stage_detail"),
        _text("summary"),
        _text("outcomes"),
        _text("enabling"),
        _text("limiting"),
        _text("source_title"),
        _text("source_publisher"),
        sa.Column("source_year", sa.String(20), nullable=False),
        _text("source_url"),
        sa.Column("source_type", sa.String(80), nullable=False),
        sa.Column("origin", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("workshop", sa.String(6), nullable=False),
        sa.Column("session_key", sa.String(64), nullable=False),
        sa.Column("submitted_by", sa.String(200), nullable=False),
        sa.Column("role", sa.String(40), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("published_by", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_case_studies"),
        sa.UniqueConstraint("case_id", name="uq_case_studies_case_id"),
    )
    op.create_index("ix_case_studies_status", "case_studies", ["status"])
    op.create_index("ix_case_studies_session_key", "case_studies", ["session_key"])
    op.create_table(
        "case_factors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("study_id", sa.Integer(), nullable=False),
        sa.Column("side", sa.String(10), nullable=False),
        _text("phrase"),
        sa.Column("factor", sa.String(20), nullable=False),
        _text("rule"),
        sa.ForeignKeyConstraint(
            ["study_id"],
            ["case_studies.id"],
            name="fk_case_factors_study_id_case_studies",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_case_factors"),
    )
    op.create_index("ix_case_factors_study_id", "case_factors", ["study_id"])


def _polls() -> None:
    op.create_table(
        "workshops",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(6), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("question", sa.String(10), nullable=False),
        sa.Column("max_choices", sa.Integer(), nullable=False),
        sa.Column("is_open", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_workshops"),
        sa.UniqueConstraint("code", name="uq_workshops_code"),
    )
    op.create_table(
        "poll_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.Column("session_key", sa.String(64), nullable=False),
        sa.Column("iso3", sa.String(3), nullable=False),
        sa.Column("role", sa.String(40), nullable=False),
        sa.Column("changes", sa.Integer(), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["workshop_id"],
            ["workshops.id"],
            name="fk_poll_answers_workshop_id_workshops",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_poll_answers"),
        sa.UniqueConstraint(
            "workshop_id", "session_key", name="uq_poll_answers_workshop_id_session_key"
        ),
    )
    op.create_table(
        "poll_choices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("answer_id", sa.Integer(), nullable=False),
        sa.Column("factor", sa.String(20), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["answer_id"],
            ["poll_answers.id"],
            name="fk_poll_choices_answer_id_poll_answers",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_poll_choices"),
    )
    op.create_index("ix_poll_choices_answer_id", "poll_choices", ["answer_id"])


def upgrade() -> None:
    op.create_table(
        "store_meta",
        sa.Column("key", sa.String(80), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_store_meta"),
    )
    _case_studies()
    _polls()


def downgrade() -> None:
    op.drop_index("ix_poll_choices_answer_id", table_name="poll_choices")
    op.drop_table("poll_choices")
    op.drop_table("poll_answers")
    op.drop_table("workshops")
    op.drop_index("ix_case_factors_study_id", table_name="case_factors")
    op.drop_table("case_factors")
    op.drop_index("ix_case_studies_session_key", table_name="case_studies")
    op.drop_index("ix_case_studies_status", table_name="case_studies")
    op.drop_table("case_studies")
    op.drop_table("store_meta")
