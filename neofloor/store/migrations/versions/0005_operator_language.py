"""each operator's own language, applied when they sign in

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05 12:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # None: the person reads the terminal's language (the command line's, else the plant's).
    op.add_column(
        "operator", sa.Column("language", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True)
    )


def downgrade() -> None:
    # Plain DROP COLUMN (SQLite 3.35+), as 0004 does: a batch copy would trip the foreign keys.
    op.execute("ALTER TABLE operator DROP COLUMN language")
