"""components per VIN, the yard, the pre-delivery inspection and the handover's customer

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-05 05:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import neofloor.store.types

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FITTED = "removed_at IS NULL"


def upgrade() -> None:
    op.create_table(
        "component_part",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("station_id", sa.Integer(), nullable=False),
        sa.Column("models", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("serial_format", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["station_id"], ["station.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    op.create_table(
        "fitted_component",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("vehicle_id", sa.Integer(), nullable=False),
        sa.Column("part_id", sa.Integer(), nullable=False),
        sa.Column("serial", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("lot", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("station_id", sa.Integer(), nullable=False),
        sa.Column("fitted_at", neofloor.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("fitted_by_id", sa.Integer(), nullable=True),
        sa.Column("removed_at", neofloor.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("removed_by_id", sa.Integer(), nullable=True),
        sa.Column("removal_reason", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.ForeignKeyConstraint(["vehicle_id"], ["vehicle.id"]),
        sa.ForeignKeyConstraint(["part_id"], ["component_part.id"]),
        sa.ForeignKeyConstraint(["station_id"], ["station.id"]),
        sa.ForeignKeyConstraint(["fitted_by_id"], ["operator.id"]),
        sa.ForeignKeyConstraint(["removed_by_id"], ["operator.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("fitted_component", schema=None) as batch_op:
        batch_op.create_index("ix_fitted_component_serial", ["serial"], unique=False)
        batch_op.create_index("ix_fitted_component_vehicle", ["vehicle_id", "part_id"], unique=False)
        batch_op.create_index(
            "ix_fitted_component_lot",
            ["lot"],
            unique=False,
            sqlite_where=sa.text("lot IS NOT NULL"),
            postgresql_where=sa.text("lot IS NOT NULL"),
        )
        batch_op.create_index(
            "ux_fitted_component_serial_fitted",
            ["serial"],
            unique=True,
            sqlite_where=sa.text(FITTED),
            postgresql_where=sa.text(FITTED),
        )
        batch_op.create_index(
            "ux_fitted_component_vehicle_part_fitted",
            ["vehicle_id", "part_id"],
            unique=True,
            sqlite_where=sa.text(FITTED),
            postgresql_where=sa.text(FITTED),
        )
    op.create_table(
        "pdi_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("models", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("zone", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    op.create_table(
        "pdi_check",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("vehicle_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("defect_id", sa.Integer(), nullable=True),
        sa.Column("operator_id", sa.Integer(), nullable=True),
        sa.Column("at", neofloor.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["vehicle_id"], ["vehicle.id"]),
        sa.ForeignKeyConstraint(["item_id"], ["pdi_item.id"]),
        sa.ForeignKeyConstraint(["defect_id"], ["defect.id"]),
        sa.ForeignKeyConstraint(["operator_id"], ["operator.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("pdi_check", schema=None) as batch_op:
        batch_op.create_index("ix_pdi_check_vehicle", ["vehicle_id", "id"], unique=False)
    op.create_table(
        "yard_place",
        sa.Column("vehicle_id", sa.Integer(), nullable=False),
        sa.Column("spot", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("parked_at", neofloor.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("parked_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["vehicle_id"], ["vehicle.id"]),
        sa.ForeignKeyConstraint(["parked_by_id"], ["operator.id"]),
        sa.PrimaryKeyConstraint("vehicle_id"),
        sa.UniqueConstraint("spot"),
    )
    # Plain ADD COLUMN (a batch copy of delivery is not needed for columns with defaults).
    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "customer_reference",
                sqlmodel.sql.sqltypes.AutoString(length=120),
                nullable=False,
                server_default="",
            )
        )
        batch_op.add_column(
            sa.Column(
                "dealer", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False, server_default=""
            )
        )


def downgrade() -> None:
    op.execute("ALTER TABLE delivery DROP COLUMN dealer")
    op.execute("ALTER TABLE delivery DROP COLUMN customer_reference")
    op.drop_table("yard_place")
    op.drop_index("ix_pdi_check_vehicle", table_name="pdi_check")
    op.drop_table("pdi_check")
    op.drop_table("pdi_item")
    for index in (
        "ux_fitted_component_vehicle_part_fitted",
        "ux_fitted_component_serial_fitted",
        "ix_fitted_component_lot",
        "ix_fitted_component_vehicle",
        "ix_fitted_component_serial",
    ):
        op.drop_index(index, table_name="fitted_component")
    op.drop_table("fitted_component")
    op.drop_table("component_part")
