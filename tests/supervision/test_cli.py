"""The supervision commands end to end: one line on success, the service's sentence and its exit code when
refused, nothing written then."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from neofloor.cli import main
from neofloor.services.supervision.repair import repair_scan
from neofloor.store.engine import Database
from neofloor.store.types import utcnow
from tests.conftest import give_test_pins, make_vin
from tests.supervision.helpers import tables

VIN1, VIN2 = make_vin(1), make_vin(2)


@pytest.fixture
def plant(tmp_path: Path) -> str:
    """A plant file with two cars; car 1 started at BODY."""
    path = str(tmp_path / "cli.db")
    assert main(["--db", path, "init"]) == 0
    give_test_pins(path)
    for vin in (VIN1, VIN2):
        assert (
            main(["--db", path, "plan", "add", vin, "--model", "C1", "--color", "WHT", "--operator", "3001"])
            == 0
        )
    assert main(["--db", path, "scan", VIN1, "--station", "BODY", "--operator", "1001"]) == 0
    return path


def run(capsys: pytest.CaptureFixture[str], plant: str, *args: str) -> tuple[int, str, str]:
    code = main(["--db", plant, "--terminal", "T-CLI", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def refused(capsys: pytest.CaptureFixture[str], plant: str, code: int, words: str, *args: str) -> None:
    """The command exits with ``code``, says ``words`` on stderr, prints nothing and writes nothing."""
    database = Database(f"sqlite:///{plant}")
    before = tables(database)
    got, out, err = run(capsys, plant, *args)
    assert (got, out) == (code, ""), err
    assert err.startswith("neofloor: ") and words in err, err
    assert tables(database) == before
    database.dispose()


def test_the_repair_loop_from_the_command_line(plant: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, plant, "repair", "send", VIN1, "--reason", "weld spatter", "--operator", "3001") == (
        0,
        f"{VIN1} sent to REPAIR from BODY: weld spatter.\n",
        "",
    )
    refused(
        capsys,
        plant,
        4,
        "already in the repair bay",
        "repair",
        "send",
        VIN1,
        "--reason",
        "x",
        "--operator",
        "3001",
    )
    refused(capsys, plant, 4, "not been repaired yet", "repair", "return", VIN1, "--operator", "3001")
    assert run(capsys, plant, "repair", "scan", VIN1, "--operator", "2001")[:2] == (
        0,
        f"{VIN1} repair started at REPAIR.\n",
    )
    refused(capsys, plant, 6, "Double scan", "repair", "scan", VIN1, "--operator", "2001")
    # The repair is done a while later (the clock is moved on, not waited for).
    database = Database(f"sqlite:///{plant}")
    with database.write() as session:
        repair_scan(session, VIN1, "2001", "T-BAY", now=utcnow() + timedelta(minutes=20))
    database.dispose()
    refused(
        capsys,
        plant,
        5,
        "only a supervisor, shift lead or admin",
        "repair",
        "return",
        VIN1,
        "--operator",
        "2001",
        "--to",
        "PAINT",
    )
    code, out, _ = run(capsys, plant, "repair", "list")
    assert code == 0 and VIN1 in out and "repaired" in out and "weld spatter" in out
    assert run(
        capsys, plant, "repair", "return", VIN1, "--operator", "3001", "--to", "PAINT", "--note", "respray"
    )[:2] == (
        0,
        f"{VIN1} back from repair, queued at PAINT (instead of BODY).\n",
    )
    refused(capsys, plant, 4, "not in the repair bay", "repair", "return", VIN1, "--operator", "3001")
    code, out, _ = run(capsys, plant, "repair", "time", VIN1)
    assert code == 0 and out.startswith(f"{VIN1}: 1 repair visit(s), ")
    code, out, _ = run(capsys, plant, "repair", "time")
    assert code == 0 and "1 repair visit(s), 1 car(s)" in out
    assert run(capsys, plant, "repair", "list")[:2] == (0, "No car in the repair bay.\n")


def test_repair_refusals(plant: str, capsys: pytest.CaptureFixture[str]) -> None:
    refused(
        capsys,
        plant,
        5,
        "may not send a car to repair",
        "repair",
        "send",
        VIN1,
        "--reason",
        "x",
        "--operator",
        "1001",
    )
    refused(capsys, plant, 2, "needs a reason", "repair", "send", VIN1, "--reason", " ", "--operator", "3001")
    refused(
        capsys,
        plant,
        4,
        "has not started on the line yet",
        "repair",
        "send",
        VIN2,
        "--reason",
        "x",
        "--operator",
        "3001",
    )
    refused(
        capsys,
        plant,
        3,
        "not in the production plan",
        "repair",
        "send",
        make_vin(9),
        "--reason",
        "x",
        "--operator",
        "3001",
    )
    refused(capsys, plant, 4, "not in the repair bay", "repair", "scan", VIN1, "--operator", "3001")
    refused(capsys, plant, 3, "Unknown badge", "repair", "scan", VIN1, "--operator", "0000")


def test_andon_from_the_command_line(plant: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(
        capsys,
        plant,
        "andon",
        "raise",
        "--station",
        "BODY",
        "--reason",
        "mat",
        "--operator",
        "1001",
        "--note",
        "no roof panels",
    ) == (
        0,
        "BODY stopped: Material shortage (MAT).\n",
        "",
    )
    refused(
        capsys,
        plant,
        4,
        "BODY is already stopped since",
        "andon",
        "raise",
        "--station",
        "BODY",
        "--reason",
        "EQP",
        "--operator",
        "3001",
    )
    code, out, _ = run(capsys, plant, "andon", "list")
    assert (
        code == 0
        and out.startswith("BODY     STOPPED")
        and "raised by Youssef El Amrani  no roof panels" in out
    )
    refused(
        capsys, plant, 5, "not certified for BODY", "andon", "end", "--station", "BODY", "--operator", "1002"
    )
    code, out, _ = run(capsys, plant, "andon", "end", "--station", "BODY", "--operator", "3001")
    assert (
        code == 0 and out.startswith("BODY running again after ") and out.endswith("(Material shortage).\n")
    )
    refused(
        capsys,
        plant,
        4,
        "BODY has no open stop to end.",
        "andon",
        "end",
        "--station",
        "BODY",
        "--operator",
        "3001",
    )
    assert run(capsys, plant, "andon", "list")[:2] == (0, "No station is stopped.\n")
    code, out, _ = run(capsys, plant, "andon", "list", "--date", "today")
    assert code == 0 and ": 1 stop(s), " in out.splitlines()[0]
    assert "BODY" in out.splitlines()[1] and "ended by Rachid Alaoui" in out


def test_andon_refusals(plant: str, capsys: pytest.CaptureFixture[str]) -> None:
    refused(
        capsys,
        plant,
        3,
        "Unknown downtime reason 'LUNCH'; reasons are MAT",
        "andon",
        "raise",
        "--station",
        "BODY",
        "--reason",
        "LUNCH",
        "--operator",
        "1001",
    )
    refused(capsys, plant, 2, "Which station?", "andon", "raise", "--reason", "MAT", "--operator", "1001")
    refused(
        capsys,
        plant,
        3,
        "Unknown station",
        "andon",
        "raise",
        "--station",
        "MOON",
        "--reason",
        "MAT",
        "--operator",
        "1001",
    )
    code, out, _ = run(capsys, plant, "andon", "reasons")
    assert code == 0 and out.splitlines()[0] == "MAT      Material shortage"
    # A terminal bound to a station raises there without naming it again.
    code, out, _ = run(
        capsys, plant, "--station", "PAINT", "andon", "raise", "--reason", "EQP", "--operator", "1001"
    )
    assert (code, out) == (0, "PAINT stopped: Equipment fault (EQP).\n")


def test_overrides_from_the_command_line(plant: str, capsys: pytest.CaptureFixture[str]) -> None:
    refused(
        capsys,
        plant,
        5,
        "may not override the build sequence",
        "override",
        VIN1,
        "--to",
        "TRIM1",
        "--reason",
        "x",
        "--operator",
        "1001",
    )
    refused(
        capsys,
        plant,
        2,
        "An override needs a reason.",
        "override",
        VIN1,
        "--to",
        "TRIM1",
        "--reason",
        "",
        "--operator",
        "3001",
    )
    assert run(
        capsys, plant, "override", VIN1, "--to", "TRIM1", "--reason", "dealer show car", "--operator", "3001"
    ) == (
        0,
        f"{VIN1} moved by override from BODY to TRIM1: dealer show car.\n",
        "",
    )
    code, out, _ = run(capsys, plant, "overrides")
    assert code == 0
    (line,) = out.splitlines()
    assert f"{VIN1}  BODY -> TRIM1  Rachid Alaoui: dealer show car" in line
    assert run(capsys, plant, "overrides", "--date", "2001-01-01")[:2] == (0, "No overrides on 2001-01-01.\n")
    refused(capsys, plant, 2, "should be YYYY-MM-DD", "overrides", "--date", "next tuesday")
    code, out, _ = run(capsys, plant, "history", VIN1)
    assert code == 0 and "override" in out and "BODY -> TRIM1: dealer show car" in out


def test_the_line_and_the_sequence_from_the_command_line(
    plant: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, plant, "scan", VIN2, "--station", "BODY", "--operator", "1001")[0] == 0
    code, out, _ = run(capsys, plant, "line")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith(("Shift A", "No production shift"))
    assert any(line.startswith("BODY     in 2  waiting 0  held 0") for line in lines)
    code, out, _ = run(capsys, plant, "sequence")
    assert code == 0 and "out-of-sequence start(s) of 2." in out.splitlines()[0]
    code, out, _ = run(capsys, plant, "line", "--json")
    assert code == 0 and '"progress"' in out
