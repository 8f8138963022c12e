"""The CLI for scripts and automated stations: exit 0 when done, the reason on stderr when refused."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from neofloor.cli import main
from tests.conftest import TEST_PIN, give_test_pins, make_vin


@pytest.fixture
def plant(tmp_path: Path) -> str:
    path = str(tmp_path / "cli.db")
    assert main(["--db", path, "init"]) == 0
    give_test_pins(path)
    for n in (1, 2):
        assert (
            main(
                [
                    "--db",
                    path,
                    "plan",
                    "add",
                    make_vin(n),
                    "--model",
                    "C1",
                    "--color",
                    "WHT",
                    "--operator",
                    "3001",
                ]
            )
            == 0
        )
    return path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_scan_starts_then_completes(plant: str, capsys: pytest.CaptureFixture[str]) -> None:
    vin = make_vin(1)
    assert run(capsys, "--db", plant, "scan", "--station", "BODY", "--operator", "1001", vin)[:2] == (
        0,
        f"{vin} started at BODY.\n",
    )
    code, _, err = run(capsys, "--db", plant, "--station", "BODY", "scan", "--operator", "3001", vin)
    # The second scan within seconds is a double scan: refused, non-zero, nothing written.
    assert code != 0 and "Double scan" in err


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["scan", "--station", "BODY", "--operator", "1001", "NOTAVIN"], "a VIN has 17"),
        (["scan", "--station", "BODY", "--operator", "1001", make_vin(9)], "not in the production plan"),
        (["scan", "--station", "PAINT", "--operator", "3001", make_vin(1)], "due at BODY, not PAINT"),
        (["scan", "--operator", "1001", make_vin(1)], "Which station?"),
        (["release", make_vin(1), "--operator", "3001"], "is not on hold"),
        (["history", make_vin(9)], "not in the production plan"),
        (
            ["plan", "add", make_vin(1), "--model", "C1", "--color", "WHT", "--operator", "3001"],
            "already planned",
        ),
    ],
)
def test_refusals_exit_non_zero_with_the_reason(
    plant: str, capsys: pytest.CaptureFixture[str], args: list[str], words: str
) -> None:
    code, out, err = run(capsys, "--db", plant, *args)
    assert code != 0
    assert out == ""
    assert words in err and err.startswith("neofloor: ")


def test_hold_release_and_history_json(plant: str, capsys: pytest.CaptureFixture[str]) -> None:
    vin = make_vin(2)
    assert run(capsys, "--db", plant, "hold", vin, "--reason", "seat check", "--operator", "1001")[0] == 0
    code, _, err = run(capsys, "--db", plant, "scan", "--station", "BODY", "--operator", "1001", vin)
    assert code != 0 and "on hold (seat check)" in err
    assert run(capsys, "--db", plant, "release", vin, "--operator", "3001")[0] == 0
    code, out, _ = run(capsys, "--db", plant, "history", vin, "--json")
    history = json.loads(out)
    assert [e["kind"] for e in history["events"]] == ["plan", "hold", "release"]
    assert history["car"]["vin"] == vin
    code, out, _ = run(capsys, "--db", plant, "history", vin)
    assert code == 0 and "seat check" in out


def test_plan_import_all_or_nothing(plant: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "plan.csv"
    good.write_text(f"vin,model,color\n{make_vin(3)},C1E,RED\n{make_vin(4)},C1,GRY\n", "utf-8")
    assert run(capsys, "--db", plant, "plan", "import", str(good), "--operator", "3001") == (
        0,
        f"2 car(s) planned from {good}.\n",
        "",
    )
    bad = tmp_path / "bad.csv"
    bad.write_text(f"vin,model,color\n{make_vin(5)},C1,WHT\n{make_vin(6)},C9,WHT\n", "utf-8")
    code, _, err = run(capsys, "--db", plant, "plan", "import", str(bad), "--operator", "3001")
    assert code != 0 and "line 3" in err
    code, out, _ = run(capsys, "--db", plant, "queue", "BODY", "--json")
    assert make_vin(5) not in out and make_vin(4) in out


def test_missing_database_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--db", str(tmp_path / "none.db"), "history", make_vin(1))
    assert code != 0 and "No database at" in err


def test_environment_variable_names_the_database(plant: str, tmp_path: Path) -> None:
    """`python -m neofloor` in a real process, with NEOFLOOR_DATABASE_URL instead of --db."""
    env = {"NEOFLOOR_DATABASE_URL": f"sqlite:///{plant}", "PATH": "/usr/bin:/bin", "NEOFLOOR_PIN": TEST_PIN}
    done = subprocess.run(
        [sys.executable, "-m", "neofloor", "scan", "--station", "BODY", "--operator", "1001", make_vin(1)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert "started at BODY" in done.stdout
    refused = subprocess.run(
        [sys.executable, "-m", "neofloor", "scan", "--station", "TRIM1", "--operator", "3001", make_vin(2)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert refused.returncode != 0 and "due at BODY, not TRIM1" in refused.stderr


def test_demo_command_refuses_to_overwrite(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "demo.db"
    out.write_text("keep me")
    code, _, err = run(capsys, "demo", "--out", str(out))
    assert code != 0 and "--force" in err
    assert out.read_text() == "keep me"
