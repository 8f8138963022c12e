"""The high-contrast theme for bright shop floors, and where a terminal remembers its theme.

The theme is chosen from the command palette ("High-contrast theme", or Textual's own
"Theme" picker) and remembered per terminal name in a small TOML file in the user's
config folder: ``$XDG_CONFIG_HOME/neofloor/terminal.toml`` (``~/.config`` when the
variable is unset), one table per terminal. Only the command line passes that file to
the app; an app made without it (tests) neither reads nor writes one.
"""

from __future__ import annotations

import json
import os
import tomllib
from pathlib import Path

from rich.terminal_theme import TerminalTheme
from textual.theme import Theme

STANDARD_THEME = "textual-dark"
HIGH_CONTRAST_THEME = "neofloor-high-contrast"

# Black on white with deep, saturated colours: readable under strong light and from a distance.
HIGH_CONTRAST = Theme(
    name=HIGH_CONTRAST_THEME,
    primary="#0000A0",
    secondary="#000000",
    accent="#7A0099",
    foreground="#000000",
    background="#FFFFFF",
    surface="#FFFFFF",
    panel="#D8D8D8",
    boost="#000000",
    success="#005C00",
    warning="#8A3D00",
    error="#B00000",
    dark=False,
    variables={
        "block-cursor-foreground": "#FFFFFF",
        "block-cursor-background": "#0000A0",
        "block-cursor-text-style": "bold",
        "footer-key-foreground": "#0000A0",
        "footer-background": "#E8E8E8",
        "input-selection-background": "#0000A0 40%",
        "text-primary": "#0000A0",
        "text-secondary": "#000000",
        "text-accent": "#7A0099",
        "text-success": "#005C00",
        "text-warning": "#8A3D00",
        "text-error": "#B00000",
        "text-muted": "#333333",
        "border": "#000000",
        "border-blurred": "#555555",
    },
)

_DEEP = [
    (0, 0, 0),
    (176, 0, 0),
    (0, 92, 0),
    (138, 61, 0),
    (0, 0, 160),
    (122, 0, 153),
    (0, 90, 110),
    (255, 255, 255),
]
# The terminal colours named in the app's own styles ("bold green" on a result) under a light
# theme: as deep as the theme's, so that they read on white too.
HIGH_CONTRAST_ANSI = TerminalTheme((255, 255, 255), (0, 0, 0), _DEEP, _DEEP)


def settings_path() -> Path:
    """The file where this user's terminals remember their settings."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "neofloor" / "terminal.toml"


def read_theme(path: Path, terminal: str) -> str | None:
    """The theme remembered for ``terminal``; None when nothing (or nothing readable) is stored."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    table = data.get("terminals", {}).get(terminal or "default", {})
    theme = table.get("theme") if isinstance(table, dict) else None
    return theme if isinstance(theme, str) else None


def remember_theme(path: Path, terminal: str, theme: str) -> None:
    """Store ``theme`` for ``terminal``, keeping what the file says of other terminals."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        data = {}
    terminals = data.get("terminals")
    if not isinstance(terminals, dict):
        terminals = {}
    terminals.setdefault(terminal or "default", {})["theme"] = theme
    lines = ["# neofloor: what each terminal of this user remembers.", ""]
    for name, table in sorted(terminals.items()):
        if not isinstance(table, dict):
            continue
        # A JSON string is a valid TOML basic string.
        lines.append(f"[terminals.{json.dumps(name, ensure_ascii=False)}]")
        lines += [
            f"{key} = {json.dumps(value, ensure_ascii=False)}"
            for key, value in sorted(table.items())
            if isinstance(value, str)
        ]
        lines.append("")
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text("\n".join(lines), encoding="utf-8")
    temporary.replace(path)
