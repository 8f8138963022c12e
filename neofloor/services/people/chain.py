"""The hash chains: each row of the station-event ledger and of the audit trail carries a SHA-256
over its canonical content and the previous row's hash, one chain per table.

Appending takes the chain's lock first so two terminals writing at once cannot both build on
the same head (which would fork the chain): on SQLite the write transaction already began with
``BEGIN IMMEDIATE`` (store/engine.py), so the database is locked for writers; on PostgreSQL a
transaction-scoped advisory lock per chain is taken before the head is read, and held to commit
(both chains' locks together, in one order, before any car row is locked: ``lock_chains``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from functools import cache
from typing import Any

from sqlalchemy import Connection, Select, select, text

from neofloor.store.models import AuditEntry, StationEvent

# The hash the first row of a chain builds on.
GENESIS = "0" * 64
# PostgreSQL advisory lock keys, one per chain (any fixed 64-bit numbers).
LOCK_KEYS = {"station_event": 0x6E65_6F66_0001, "audit": 0x6E65_6F66_0002}

EVENT_FIELDS = ("vehicle_id", "station_id", "kind", "at", "operator_id", "terminal", "note")
AUDIT_FIELDS = (
    "at",
    "operator_id",
    "badge",
    "role",
    "terminal",
    "action",
    "subject",
    "before",
    "after",
)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        # One spelling on every backend: UTC, microseconds, no offset suffix.
        if value.tzinfo is not UTC:
            value = value.astimezone(UTC)
        # "YYYY-MM-DDTHH:MM:SS.ffffff" (the offset cut off), as strftime spells it, in half the time.
        return value.isoformat(timespec="microseconds")[:26]
    return value


# One encoder, built once: json.dumps with these options would build a new one for every row.
_CANONICAL = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def row_hash(previous: str, values: tuple[Any, ...]) -> str:
    """SHA-256 of the previous row's hash and this row's canonical content (a JSON array)."""
    content = _CANONICAL.encode([_plain(v) for v in values])
    return hashlib.sha256(f"{previous}\n{content}".encode()).hexdigest()


# The last row's hash: a walk down the table's integer primary key that stops at its first row.
_HEAD_SQL = {table: f"SELECT chain_hash FROM {table} ORDER BY id DESC LIMIT 1" for table in LOCK_KEYS}


@cache
def _head_statements() -> dict[str, Select[Any]]:
    event, audit = StationEvent.__table__.c, AuditEntry.__table__.c  # type: ignore[attr-defined]
    return {
        "station_event": select(event.chain_hash).order_by(event.id.desc()).limit(1),
        "audit": select(audit.chain_hash).order_by(audit.id.desc()).limit(1),
    }


def chain_batches(conn: Connection, table: str, batch: int) -> Iterator[list[tuple[Any, ...]]]:
    """Every row of ``table`` in id order, in batches: (id, stored hash, *canonical content).

    On SQLite the rows are read through the driver and the stored time text
    ("YYYY-MM-DD HH:MM:SS.ffffff", UTC) becomes the canonical time by its "T": a walk of ten
    years of events takes seconds, not minutes. Elsewhere the typed columns are read.
    """
    fields = EVENT_FIELDS if table == "station_event" else AUDIT_FIELDS
    at_index = 2 + fields.index("at")
    if conn.dialect.name == "sqlite":
        driver: Any = conn.connection.driver_connection
        sql = f"SELECT id, chain_hash, {', '.join(fields)} FROM {table} WHERE id > ? ORDER BY id LIMIT ?"
        after = 0
        while True:
            rows = driver.execute(sql, (after, batch)).fetchall()
            if not rows:
                return
            yield [
                (
                    *row[:at_index],
                    row[at_index].replace(" ", "T", 1) if row[at_index] else row[at_index],
                    *row[at_index + 1 :],
                )
                for row in rows
            ]
            after = rows[-1][0]
    model: Any = StationEvent if table == "station_event" else AuditEntry
    c = model.__table__.c
    query = select(c.id, c.chain_hash, *(c[name] for name in fields)).order_by(c.id)
    after = 0
    while True:
        typed = conn.execute(query.where(c.id > after).limit(batch)).all()
        if not typed:
            return
        yield [(row[0], row[1], *(_plain(v) for v in row[2:])) for row in typed]
        after = typed[-1][0]


def lock_chains(conn: Connection) -> None:
    """Take both chains' locks for this transaction (PostgreSQL; SQLite's write lock already serializes).

    Always both, always in the same order, and before any car's row lock (``find_vehicle``, the
    scan's car read): a recall holding cars one after the other while a terminal scans one of them
    would otherwise wait on each other's locks, the event chain's and the car's (a deadlock the
    server ends by failing one of them). The locks are taken again at no cost within a transaction.
    """
    if conn.dialect.name == "postgresql":
        conn.execute(
            text("SELECT pg_advisory_xact_lock(:events), pg_advisory_xact_lock(:audit)"),
            {"events": LOCK_KEYS["station_event"], "audit": LOCK_KEYS["audit"]},
        )


def lock_and_head(conn: Connection, table: str) -> str:
    """Take the chains' locks for this transaction and answer the hash of ``table``'s last row.

    Every scan asks this twice (the ledger's chain and the audit's). On SQLite the write
    transaction already holds the lock and the head is one read through the driver, in the
    same transaction (SQLAlchemy's statement machinery costs twenty times the look-up itself).
    On PostgreSQL the advisory locks are their own statement, before the head is read: read in
    the same statement, the head would come from a snapshot taken before the lock was granted.
    """
    if conn.dialect.name == "sqlite":
        driver: Any = conn.connection.driver_connection
        row = driver.execute(_HEAD_SQL[table]).fetchone()
        return (row[0] if row else None) or GENESIS
    lock_chains(conn)
    head = conn.execute(_head_statements()[table]).scalar_one_or_none()
    return head or GENESIS
