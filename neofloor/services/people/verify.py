"""``neofloor verify``: walk both hash chains and say whether a row was changed behind the app's back.

Each chain is read in id order in batches (never the whole table in memory), each row's hash
recomputed from its content and the previous row's hash. The first row whose stored hash
differs names where the chain broke: a row UPDATEd shows as itself, a row DELETEd as the one
after it, a row INSERTed with plain SQL as itself (it has no hash, or a wrong one).

The result is recorded (``verify_run``) with the head of each chain: the next walk also checks
that the head seen last time is still there with the same hash, so rewriting a whole chain or
cutting its end after a check does not go unnoticed. ``last_verify`` is for the terminal header.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, select
from sqlmodel import Session, col

from neofloor.i18n import _
from neofloor.services.people.chain import GENESIS, chain_batches, row_hash
from neofloor.store.models import VerifyRun
from neofloor.store.types import utcnow

BATCH = 50_000


@dataclass(frozen=True)
class ChainCheck:
    """One chain's walk: rows checked, the last row, and the first broken row if any."""

    table: str
    rows: int
    head_id: int | None
    head_hash: str | None
    broken_row: int | None = None
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_row is None


@dataclass(frozen=True)
class VerifyResult:
    """What the last ``verify`` found (for the CLI and the terminal header)."""

    at: datetime
    ok: bool
    events_checked: int
    audit_checked: int
    broken_table: str | None
    broken_row: int | None
    detail: str

    @property
    def message(self) -> str:
        if self.ok:
            return _(
                "Ledger and audit trail intact: {events_checked:,} events and "
                "{audit_checked:,} audit rows checked."
            ).format(events_checked=self.events_checked, audit_checked=self.audit_checked)
        return _("Tampering found: {detail}").format(detail=self.detail)


def walk_chain(
    conn: Connection,
    table: str,
    *,
    expected_head: tuple[int, str] | None = None,
    progress: Callable[[int], None] | None = None,
) -> ChainCheck:
    """Recompute ``table``'s chain from its first row; stop at the first row that does not match."""
    previous, last_id, count = GENESIS, None, 0
    seen_expected = expected_head is None
    for rows in chain_batches(conn, table, BATCH):
        for row in rows:
            row_id, stored = row[0], row[1]
            computed = row_hash(previous, tuple(row[2:]))
            if stored != computed:
                what = (
                    _("has no hash (written behind the app's back)")
                    if stored is None
                    else (
                        _(
                            "does not match its content or the row before it (changed, or one "
                            "before it deleted)"
                        )
                    )
                )
                return ChainCheck(
                    table,
                    count,
                    last_id,
                    previous,
                    row_id,
                    _("{table} row {row_id} {what}.").format(table=table, row_id=row_id, what=what),
                )
            if expected_head is not None and row_id == expected_head[0]:
                if stored != expected_head[1]:
                    return ChainCheck(
                        table,
                        count,
                        last_id,
                        previous,
                        row_id,
                        _(
                            "{table} row {row_id} differs from what the last check saw (chain rewritten)."
                        ).format(table=table, row_id=row_id),
                    )
                seen_expected = True
            previous, last_id = computed, row_id
            count += 1
        if progress is not None:
            progress(count)
    if not seen_expected and expected_head is not None:
        return ChainCheck(
            table,
            count,
            last_id,
            previous,
            expected_head[0],
            _(
                "{table} row {expected_head}, the last one the previous check saw, is gone (rows deleted)."
            ).format(table=table, expected_head=expected_head[0]),
        )
    return ChainCheck(table, count, last_id, previous if last_id is not None else None)


def check_chains(
    session: Session, *, now: datetime | None = None, progress: Callable[[str, int], None] | None = None
) -> VerifyRun:
    """Walk the ledger's and the audit trail's chains (a read); the run to record, not yet recorded."""
    now = now or utcnow()
    last = session.execute(
        select(VerifyRun).where(col(VerifyRun.ok)).order_by(col(VerifyRun.id).desc()).limit(1)
    ).scalar_one_or_none()
    conn = session.connection()

    def heads(row_id: int | None, row_hash: str | None) -> tuple[int, str] | None:
        return (row_id, row_hash) if row_id is not None and row_hash is not None else None

    events = walk_chain(
        conn,
        "station_event",
        expected_head=heads(last.event_head_id, last.event_head_hash) if last else None,
        progress=(lambda n: progress("station_event", n)) if progress else None,
    )
    audit = walk_chain(
        conn,
        "audit",
        expected_head=heads(last.audit_head_id, last.audit_head_hash) if last else None,
        progress=(lambda n: progress("audit", n)) if progress else None,
    )
    broken = events if not events.ok else audit if not audit.ok else None
    return VerifyRun(
        at=now,
        ok=broken is None,
        broken_table=broken.table if broken else None,
        broken_row=broken.broken_row if broken else None,
        detail=broken.detail if broken else "",
        events_checked=events.rows,
        audit_checked=audit.rows,
        event_head_id=events.head_id,
        event_head_hash=events.head_hash,
        audit_head_id=audit.head_id,
        audit_head_hash=audit.head_hash,
    )


def record_verify(session: Session, run: VerifyRun) -> VerifyResult:
    """Record a walk's result (a short write), for the next walk and the terminal header."""
    recorded = VerifyRun.model_validate(run.model_dump(exclude={"id"}))
    session.add(recorded)
    session.flush()
    return _result(recorded)


def verify_chains(session: Session, *, now: datetime | None = None) -> VerifyResult:
    """Walk both chains and record the result in one session (tests, small plants)."""
    return record_verify(session, check_chains(session, now=now))


def _result(run: VerifyRun) -> VerifyResult:
    return VerifyResult(
        at=run.at,
        ok=run.ok,
        events_checked=run.events_checked,
        audit_checked=run.audit_checked,
        broken_table=run.broken_table,
        broken_row=run.broken_row,
        detail=run.detail,
    )


def last_verify(session: Session) -> VerifyResult | None:
    """The last recorded check, or None if the chains were never checked (the header warns when not ok)."""
    run = session.execute(select(VerifyRun).order_by(col(VerifyRun.id).desc()).limit(1)).scalar_one_or_none()
    return _result(run) if run is not None else None
