"""Helpers the quality tests share: run a write, and prove a refusal wrote nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import text
from sqlmodel import Session

from neofloor.store.engine import Database


def defect_tables(db: Database) -> tuple[list[Any], list[Any]]:
    """Every defect and defect event row, to prove a refusal wrote nothing."""
    with db.read() as session:
        defects = session.execute(text("SELECT * FROM defect ORDER BY id")).all()
        events = session.execute(text("SELECT * FROM defect_event ORDER BY id")).all()
    return [tuple(r) for r in defects], [tuple(r) for r in events]


def refused(
    db: Database, error: type[Exception], call: Callable[[Session], object], match: str | None = None
) -> str:
    """Run ``call`` in a write, expect ``error``, check nothing changed; returns the sentence."""
    before = defect_tables(db)
    with pytest.raises(error, match=match) as caught, db.write() as session:
        call(session)
    assert defect_tables(db) == before
    return str(caught.value)


def write(db: Database, call: Callable[[Session], Any]) -> Any:
    with db.write() as session:
        return call(session)
