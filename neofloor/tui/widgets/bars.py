"""Small horizontal bars in text, for a share or a yield in a table cell."""

from __future__ import annotations

from rich.text import Text

# Eighths of a cell, so a bar grows smoothly.
EIGHTHS = " ▏▎▍▌▋▊▉"
FULL = "█"


def bar(fraction: float | None, width: int, style: str = "") -> Text:
    """A bar ``width`` cells long at 100 %, as long as ``fraction`` of it (nothing for None)."""
    if fraction is None or width <= 0:
        return Text("")
    eighths = round(max(0.0, min(1.0, fraction)) * width * 8)
    whole, part = divmod(eighths, 8)
    return Text(FULL * whole + (EIGHTHS[part] if part else ""), style=style)
