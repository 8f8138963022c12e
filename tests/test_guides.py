"""The role guides stay true: each exists and is linked, its screenshots exist, its keys are bound.

A guide names keys in backticks (`F2`, `Ctrl+O`, `r`); each must be a key some binding of the
app gives (a ``Binding(...)`` or a view's key under ``neofloor/tui``), so a key renamed in
the code fails here until the guide follows. Its screenshots are the snapshot tests' SVGs,
so they change when the screens do. The commands it names (`neofloor report shift`) must be
commands of the CLI.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from urllib.parse import unquote

import pytest
from textual.app import App

from neofloor.cli import build_parser

ROOT = Path(__file__).resolve().parent.parent
GUIDES = ("operator", "inspector", "supervisor", "shift-lead", "admin")
GUIDE_PATHS = [ROOT / "docs" / f"guide-{role}.md" for role in GUIDES]

# `F2`, `Ctrl+O`, `Escape`, `PgDn`, `Home`, `/`, `[`, a single letter: what a guide names as a key.
KEY_SPAN = re.compile(r"^(F\d{1,2}|Ctrl\+\S+|Shift\+\S+|Escape|PgUp|PgDn|Home|[a-z/\[\]])$")
# How the guides spell a key, as Textual names it.
KEY_NAMES = {"escape": "escape", "pgup": "pageup", "pgdn": "pagedown", "home": "home",
             "/": "slash", "[": "left_square_bracket", "]": "right_square_bracket"}
IMAGE = re.compile(r"!\[[^\]]*\]\(([^)\s]+)\)")
CODE_SPAN = re.compile(r"`([^`]+)`")


def textual_key(shown: str) -> str:
    """The Textual key name of a key as a guide writes it (`Ctrl+O` -> ctrl+o, `PgDn` -> pagedown)."""
    lowered = shown.lower()
    if lowered in KEY_NAMES:
        return KEY_NAMES[lowered]
    return lowered


def bound_keys(tui: Path = ROOT / "neofloor" / "tui") -> set[str]:
    """Every key a binding under ``tui`` names: ``Binding("f2", ...)``, ``FloorView(.., .., "f5", ...)``."""
    keys = {App.COMMAND_PALETTE_BINDING}  # Textual's own Ctrl+P, which the app keeps
    for source in tui.rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
                continue
            position = {"Binding": 0, "FloorView": 2}.get(node.func.id)
            if position is None or len(node.args) <= position:
                continue
            argument = node.args[position]
            if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                keys.update(key.strip() for key in argument.value.split(","))
    return keys


def unbound_keys(text: str, keys: set[str]) -> list[str]:
    """The keys ``text`` names in backticks that no binding gives."""
    named = [span for span in CODE_SPAN.findall(text) if KEY_SPAN.match(span)]
    return [span for span in named if textual_key(span) not in keys]


def missing_images(guide: Path, text: str) -> list[str]:
    """The images ``text`` embeds that are not files of the repository (paths relative to ``guide``)."""
    return [link for link in IMAGE.findall(text) if not (guide.parent / unquote(link)).resolve().is_file()]


def unknown_commands(text: str) -> list[str]:
    """The `neofloor ...` commands ``text`` names that the CLI does not have (a command, then its action)."""
    parser = build_parser()
    unknown = []
    for span in CODE_SPAN.findall(text):
        words = span.split()
        if not words or words[0] != "neofloor":
            continue
        words = words[1:]
        while words[:1] and words[0] in ("--db", "--station", "--terminal"):
            words = words[2:]  # the global options and their values
        if not words or words[0].startswith("-"):
            continue
        level = parser
        for word in words:
            choices = next(
                (action.choices for action in level._actions if isinstance(action.choices, dict)), None
            )
            if choices is None or word.startswith("-") or not re.fullmatch(r"[a-z][a-z|-]*", word):
                break
            if any(choice not in choices for choice in word.split("|")):
                unknown.append(span)
                break
            level = choices[word.split("|")[0]]
    return unknown


@pytest.mark.parametrize("guide", GUIDE_PATHS, ids=GUIDES)
def test_each_guide_exists_and_is_linked_from_the_readme(guide: Path) -> None:
    assert guide.is_file(), f"{guide.name} is missing"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"(docs/{guide.name})" in readme, f"README.md does not link {guide.name}"


@pytest.mark.parametrize("guide", GUIDE_PATHS, ids=GUIDES)
def test_each_guide_shows_screens_that_exist(guide: Path) -> None:
    text = guide.read_text(encoding="utf-8")
    assert IMAGE.findall(text), f"{guide.name} shows no screen"
    assert missing_images(guide, text) == []
    for link in IMAGE.findall(text):
        assert "/tests/tui/__snapshots__/" in unquote(link), f"{link} is not made by a snapshot test"


@pytest.mark.parametrize("guide", GUIDE_PATHS, ids=GUIDES)
def test_every_key_a_guide_names_is_bound(guide: Path) -> None:
    text = guide.read_text(encoding="utf-8")
    assert unbound_keys(text, bound_keys()) == []


@pytest.mark.parametrize("guide", GUIDE_PATHS, ids=GUIDES)
def test_every_command_a_guide_names_exists(guide: Path) -> None:
    assert unknown_commands(guide.read_text(encoding="utf-8")) == []


def test_the_checks_catch_a_wrong_key_a_missing_image_and_an_unknown_command(tmp_path: Path) -> None:
    keys = bound_keys()
    assert {"f2", "ctrl+o", "f10", "ctrl+y", "slash", "pagedown", "r", "ctrl+p"} <= keys
    text = (
        "Hold with `F2`, override with `Ctrl+O`, find with `/`; not `Ctrl+K`, nor `F13`, nor `q`.\n"
        "![gone](../tests/tui/__snapshots__/test_snapshots/no_such_screen%5B120x40%5D.svg)\n"
        "`neofloor report shift --save`, `neofloor operator unlock 1001`, `neofloor operator lock 1001`,"
        " `neofloor --db plant.db teleport`, `neofloor repair send|fly`.\n"
    )
    assert unbound_keys(text, keys) == ["Ctrl+K", "F13", "q"]
    guide = tmp_path / "docs" / "guide-test.md"
    assert missing_images(guide, text) == [
        "../tests/tui/__snapshots__/test_snapshots/no_such_screen%5B120x40%5D.svg"
    ]
    assert unknown_commands(text) == [
        "neofloor operator lock 1001",
        "neofloor --db plant.db teleport",
        "neofloor repair send|fly",
    ]
