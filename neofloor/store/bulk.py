"""Bulk loads on PostgreSQL: rows streamed with COPY, ids handed out ahead, a SQLite plant moved whole.

A row-by-row INSERT costs a round trip per row; COPY streams them (psycopg's ``cursor.copy``),
tens of times faster for a production plan or a generated plant. SQLite needs none of this: its
inserts never leave the process.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, MetaData, text
from sqlmodel import Session, SQLModel

import neofloor.store.models  # noqa: F401  (registers the tables)

# Functions the migrations create on PostgreSQL, besides the tables.
PLANT_FUNCTIONS = ("neofloor_append_only",)
# Rows read from SQLite per fetch while moving a plant.
FETCH_ROWS = 10_000
# Memory for each index built after a move (the server's default suits a running plant, not a load).
INDEX_BUILD_MEMORY = "256MB"


def _driver_cursor(conn: Connection) -> Any:
    driver = conn.connection.driver_connection
    assert driver is not None
    return driver.cursor()


def copy_rows(session: Session, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Stream ``rows`` into ``table`` with COPY in the session's transaction (PostgreSQL only)."""
    conn = session.connection()
    return _copy(conn, table, columns, rows)


def _copy(conn: Connection, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    names = ", ".join(f'"{c}"' for c in columns)
    count = 0
    with _driver_cursor(conn) as cursor, cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def reserve_ids(session: Session, table: str, count: int) -> list[int]:
    """``count`` ids from ``table``'s sequence, for rows written by COPY that others must point at."""
    if count == 0:
        return []
    result = session.connection().execute(
        text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :count)"),
        {"table": table, "count": count},
    )
    return [int(value) for (value,) in result]


def copy_sqlite_plant(source: Path, conn: Connection) -> dict[str, int]:
    """Copy every row of the SQLite plant ``source`` into the empty plant schema on ``conn`` (PostgreSQL).

    Both must be at the same schema revision. Times stored by SQLite as naive UTC text are read
    by the server as UTC; each id sequence is then moved past the highest id. Returns rows per table.
    """
    copied: dict[str, int] = {}
    raw = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        conn.exec_driver_sql("SET LOCAL TimeZone = 'UTC'")
        conn.exec_driver_sql(f"SET LOCAL maintenance_work_mem = '{INDEX_BUILD_MEMORY}'")
        # Secondary indexes are built once at the end (a sort) rather than row by row; the
        # indexes of primary keys and unique constraints stay, they check the rows as they come.
        indexes = conn.exec_driver_sql(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND indexname "
            "NOT IN (SELECT conname FROM pg_constraint WHERE connamespace = current_schema()::regnamespace)"
        ).all()
        for name, _definition in indexes:
            conn.exec_driver_sql(f'DROP INDEX "{name}"')
        target = MetaData()
        target.reflect(conn)
        for table in SQLModel.metadata.sorted_tables:
            if table.name not in target.tables:
                continue
            present = {row[1] for row in raw.execute(f'PRAGMA table_info("{table.name}")')}
            columns = [c.name for c in target.tables[table.name].columns if c.name in present]
            cursor = raw.execute(f'SELECT {", ".join(columns)} FROM "{table.name}"')
            copied[table.name] = _copy(conn, table.name, columns, _batches(cursor))
            if "id" in columns:
                conn.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f'coalesce(max(id), 0) + 1, false) FROM "{table.name}"'
                )
        for _name, definition in indexes:
            conn.exec_driver_sql(definition)
    finally:
        raw.close()
    return copied


def _batches(cursor: sqlite3.Cursor) -> Iterable[Sequence[Any]]:
    while rows := cursor.fetchmany(FETCH_ROWS):
        yield from rows


def drop_every_table(conn: Connection) -> None:
    """Empty a database of every table (``demo --force`` on a server): the plant is made again after."""
    existing = MetaData()
    existing.reflect(conn)
    existing.drop_all(conn)
    if conn.dialect.name == "postgresql":
        # The append-only triggers' function (migration 0004) outlives its tables; the next
        # migration to head would refuse to create it again.
        for function in PLANT_FUNCTIONS:
            conn.exec_driver_sql(f"DROP FUNCTION IF EXISTS {function}() CASCADE")
