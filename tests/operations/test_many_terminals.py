"""Several terminal processes on the same cars at once, and a writer killed mid-work, on both stores.

What must hold: every write a terminal was told about is in the ledger once, and nothing is in
the ledger that no terminal was told about; every car's state is the replay of its ledger; no
terminal ever sees a lock error; after a SIGKILL the plant passes ``check``.
"""

from __future__ import annotations

import random
import signal
import time
from pathlib import Path

from neofloor.cli import main
from neofloor.services.people.verify import check_chains
from neofloor.store.engine import Database
from tests.conftest import plan_cars
from tests.operations.helpers import checked, ledger_ids, read_answers, start_terminal

TERMINALS = 4
OPERATIONS_EACH = 25


def test_terminals_scanning_holding_and_releasing_the_same_cars_lose_and_double_nothing(
    db: Database, db_url: str, tmp_path: Path
) -> None:
    vins = plan_cars(db, 3)  # few cars, so the terminals keep meeting on the same ones
    acks = [tmp_path / f"terminal-{n}.acks" for n in range(TERMINALS)]
    terminals = [start_terminal(db_url, acks[n], n, OPERATIONS_EACH, vins) for n in range(TERMINALS)]
    for terminal in terminals:
        _, stderr = terminal.communicate(timeout=240)
        assert terminal.returncode == 0, stderr

    answers = read_answers(*acks)
    assert answers.errors == []  # no lock error, no failure: a write is done or refused
    assert len(answers.acknowledged) + answers.refused == TERMINALS * OPERATIONS_EACH
    # Most refusals are double scans: two terminals on one car within seconds, as on the floor.
    assert len(answers.acknowledged) >= 15
    assert ledger_ids(db) == set(answers.acknowledged)  # none lost, none added, none twice
    report = checked(db_url)
    assert report.ok, report.message
    # Appending at once did not fork either hash chain: each row builds on the one before it.
    with db.read() as session:
        chains = check_chains(session)
    assert chains.ok, chains.detail


def test_a_writer_killed_mid_work_leaves_a_plant_that_checks_out(
    db: Database, db_url: str, tmp_path: Path, capsys
) -> None:
    vins = plan_cars(db, 4)
    rng = random.Random(13)
    acks = tmp_path / "killed.acks"
    for round_ in range(4):
        before = lines(acks)
        writer = start_terminal(db_url, acks, 100 + round_, -1, vins)
        deadline = time.monotonic() + 120
        while lines(acks) == before and time.monotonic() < deadline:  # writing, however slow its start
            time.sleep(0.02)
        time.sleep(rng.uniform(0.0, 0.3))  # then killed at some point of its work
        writer.send_signal(signal.SIGKILL)
        writer.wait(timeout=30)
        assert writer.returncode == -signal.SIGKILL

        assert main(["--db", db_url, "check"]) == 0, capsys.readouterr().err
        assert "Plant consistent" in capsys.readouterr().out
        answers = read_answers(acks)
        assert answers.errors == []
        # Every write the writer was told about survived the kill; at most one more (committed,
        # killed before it could say so) is in the ledger.
        written = ledger_ids(db)
        assert set(answers.acknowledged) <= written
        assert len(written - set(answers.acknowledged)) <= round_ + 1
    assert read_answers(acks).acknowledged, "the writer never got to write"


def lines(path: Path) -> int:
    return path.read_text(encoding="utf-8").count("\n") if path.exists() else 0
