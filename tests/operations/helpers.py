"""Starting terminal processes on a plant and reading what they were told."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text

from neofloor.services.operations.consistency import CheckReport, check_plant
from neofloor.services.plant.catalog import forget_catalog
from neofloor.store.engine import Database

ROOT = Path(__file__).resolve().parents[2]


def start_terminal(
    url: str, acks: Path, seed: int, operations: int, vins: list[str]
) -> subprocess.Popen[str]:
    """A terminal process (``tests.operations.terminal``) scanning, holding and releasing ``vins``."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.operations.terminal",
            url,
            str(acks),
            str(seed),
            str(operations),
            *vins,
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


@dataclass(frozen=True)
class Answers:
    """What the terminals were told: the events acknowledged (with when), refusals, failures."""

    acknowledged: dict[int, float]
    refused: int
    errors: list[str]


def read_answers(*paths: Path) -> Answers:
    acknowledged: dict[int, float] = {}
    refused = 0
    errors: list[str] = []
    for path in paths:
        if not path.exists():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            kind, _, rest = line.partition(" ")
            if kind == "ok":
                event, at = rest.split()
                assert int(event) not in acknowledged, f"event {event} acknowledged twice"
                acknowledged[int(event)] = float(at)
            elif kind == "refused":
                refused += 1
            elif kind == "error":
                errors.append(rest)
            # A line cut short by a kill is no answer anyone saw.
    return Answers(acknowledged, refused, errors)


def ledger_ids(database: Database, *, but_kind: str = "plan") -> set[int]:
    """The ids of the ledger's events, the plan events left out."""
    with database.read() as session:
        rows = session.execute(text("SELECT id FROM station_event WHERE kind <> :kind"), {"kind": but_kind})
        return {int(row[0]) for row in rows}


def checked(url: str) -> CheckReport:
    database = Database(url)
    try:
        with database.read() as session:
            forget_catalog(session)
            return check_plant(session)
    finally:
        database.dispose()
