"""the VIN backwards, indexed, to find a car by its last digits

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 06:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("vehicle", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "vin_reversed",
                sqlmodel.sql.sqltypes.AutoString(length=17),
                nullable=False,
                server_default="",
            )
        )
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        # SQLite has no reverse(): lend it Python's for this one statement.
        driver = bind.connection.driver_connection
        assert driver is not None
        driver.create_function(
            "reverse", 1, lambda text: text[::-1] if text is not None else None, deterministic=True
        )
    op.execute("UPDATE vehicle SET vin_reversed = reverse(vin)")
    with op.batch_alter_table("vehicle", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_vehicle_vin_reversed"), ["vin_reversed"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_vehicle_vin_reversed", table_name="vehicle")
    # A plain DROP COLUMN (SQLite 3.35+): a batch copy of the table would trip the
    # foreign keys that point at vehicle.
    op.execute("ALTER TABLE vehicle DROP COLUMN vin_reversed")
