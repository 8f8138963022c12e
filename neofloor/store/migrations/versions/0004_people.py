"""people and trust: lockouts, certifications that expire, the audit trail, the hash chains

Revision ID: 0004
Revises: 0002
Create Date: 2026-12-05 05:40:00

The station-event ledger gets its chain over every row it already holds (in id order, in
batches), so ``neofloor verify`` covers the whole history from the first event; then
triggers make the ledger and the audit trail append-only.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import neofloor.store.types
from neofloor.services.people.chain import GENESIS, chain_batches, row_hash

revision: str = "0004"
# Chained after 0003 (delivery).
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 20_000
APPEND_ONLY = ("station_event", "audit")


def upgrade() -> None:
    op.add_column("operator", sa.Column("failed_pins", sa.Integer(), nullable=False, server_default="0"))
    op.add_column(
        "operator", sa.Column("locked_until", neofloor.store.types.UTCDateTime(timezone=True), nullable=True)
    )
    op.add_column("operator_station", sa.Column("certified_on", sa.Date(), nullable=True))
    op.add_column("operator_station", sa.Column("expires_on", sa.Date(), nullable=True))
    op.add_column(
        "operator_station",
        sa.Column(
            "programme", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False, server_default=""
        ),
    )
    op.add_column(
        "station_event", sa.Column("chain_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True)
    )
    op.create_table(
        "audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", neofloor.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("operator_id", sa.Integer(), nullable=True),
        sa.Column("badge", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("terminal", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("action", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("subject", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("before", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("after", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("chain_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.ForeignKeyConstraint(["operator_id"], ["operator.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_audit_at", "audit", ["at"], unique=False)
    op.create_index("ix_audit_badge_at", "audit", ["badge", "at"], unique=False)
    op.create_index("ix_audit_subject_at", "audit", ["subject", "at"], unique=False)
    op.create_index("ix_audit_action_at", "audit", ["action", "at"], unique=False)
    op.create_table(
        "verify_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", neofloor.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("broken_table", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("broken_row", sa.Integer(), nullable=True),
        sa.Column("detail", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("events_checked", sa.Integer(), nullable=False),
        sa.Column("audit_checked", sa.Integer(), nullable=False),
        sa.Column("event_head_id", sa.Integer(), nullable=True),
        sa.Column("event_head_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("audit_head_id", sa.Integer(), nullable=True),
        sa.Column("audit_head_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    _chain_existing_events()
    _append_only()


def _chain_existing_events() -> None:
    """Hash every event already in the ledger, in id order, each on the one before."""
    bind = op.get_bind()
    event = sa.table("station_event", sa.column("id", sa.Integer()), sa.column("chain_hash", sa.String()))
    write = (
        sa.update(event)
        .where(event.c.id == sa.bindparam("row_id"))
        .values(chain_hash=sa.bindparam("hash"))
    )
    previous = GENESIS
    # Batches are read ahead of the updates they feed: each batch is read whole before it is written.
    for rows in chain_batches(bind, "station_event", BATCH):
        updates = []
        for row in rows:
            previous = row_hash(previous, tuple(row[2:]))
            updates.append({"row_id": row[0], "hash": previous})
        if bind.dialect.name == "sqlite":
            driver = bind.connection.driver_connection
            assert driver is not None
            driver.executemany(
                "UPDATE station_event SET chain_hash = :hash WHERE id = :row_id", updates
            )
        else:
            bind.execute(write, updates)


def _append_only() -> None:
    """Refuse UPDATE and DELETE on the ledger and the audit trail, in the database itself."""
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for table in APPEND_ONLY:
            for verb in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: a correction is a new row'); END"
                )
    elif bind.dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION neofloor_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION '% is append-only: a correction is a new row', TG_TABLE_NAME; END $$"
        )
        for table in APPEND_ONLY:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION neofloor_append_only()"
            )


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for table in APPEND_ONLY:
            for verb in ("update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{verb}")
    elif bind.dialect.name == "postgresql":
        for table in APPEND_ONLY:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        op.execute("DROP FUNCTION IF EXISTS neofloor_append_only()")
    op.drop_table("verify_run")
    op.drop_index("ix_audit_action_at", table_name="audit")
    op.drop_index("ix_audit_subject_at", table_name="audit")
    op.drop_index("ix_audit_badge_at", table_name="audit")
    op.drop_index("ix_audit_at", table_name="audit")
    op.drop_table("audit")
    # Plain DROP COLUMN (SQLite 3.35+), as 0002 does: a batch copy would trip the foreign keys.
    op.execute("ALTER TABLE station_event DROP COLUMN chain_hash")
    op.execute("ALTER TABLE operator_station DROP COLUMN programme")
    op.execute("ALTER TABLE operator_station DROP COLUMN expires_on")
    op.execute("ALTER TABLE operator_station DROP COLUMN certified_on")
    op.execute("ALTER TABLE operator DROP COLUMN locked_until")
    op.execute("ALTER TABLE operator DROP COLUMN failed_pins")
