"""``neofloor serve``: the command each visitor's app runs, and the refusals before serving."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import pytest

from neofloor.cli import build_parser, main
from neofloor.cli.serve import WALL_VIEWS, app_command
from neofloor.tui.wall import WALL_VIEWS as APP_WALL_VIEWS


def test_each_visitor_runs_this_python_on_this_database(tmp_path: Path) -> None:
    db = tmp_path / "plant.db"
    args = build_parser().parse_args(["--db", str(db), "--terminal", "T-WEB", "serve", "--station", "TRIM1"])
    words = shlex.split(app_command(args))
    assert words[:3] == [sys.executable, "-m", "neofloor"]
    assert words[3:] == ["--db", f"sqlite:///{db}", "--terminal", "T-WEB", "--station", "TRIM1"]


def test_a_wall_view_is_served_read_only_without_a_station(tmp_path: Path) -> None:
    args = build_parser().parse_args(
        ["--db", str(tmp_path / "p.db"), "--station", "TRIM1", "serve", "--view", "board"]
    )
    words = shlex.split(app_command(args))
    assert words[-2:] == ["--view", "board"] and "--station" not in words


def test_the_views_offered_are_the_app_s_wall_views() -> None:
    assert WALL_VIEWS == APP_WALL_VIEWS


@pytest.mark.parametrize(
    ("argv", "sentence"),
    [
        (["serve", "--port", "0"], "neofloor: Port 0 is not a port number (1 to 65535).\n"),
        (["serve"], "create one with 'neofloor init' or 'neofloor demo'.\n"),
    ],
)
def test_refused_before_serving(tmp_path: Path, capsys, argv: list[str], sentence: str) -> None:
    code = main(["--db", str(tmp_path / "none.db"), *argv])
    assert code != 0 and capsys.readouterr().err.endswith(sentence)
    assert not (tmp_path / "none.db").exists()
