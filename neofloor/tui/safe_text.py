"""Stored text as a screen may show it: never a cursor move, never markup.

Reasons, notes, names and customers come from the database, where a row written
before the text rule existed (or behind the app's back) may hold an escape sequence
or a ``[bold]`` that Textual would read as markup. Every screen shows such text
through one of these two: ``plain`` where it goes into a Rich ``Text`` (which reads
no markup), ``safe`` where it goes into a string Textual parses (a label, a table
cell, a notification). French accents and Arabic pass unchanged.
"""

from __future__ import annotations

from rich.markup import escape


def plain(text: str | None, *, multiline: bool = False) -> str:
    """``text`` with its control characters shown as ``\\xNN`` (for a Rich ``Text``).

    The rule is the services' (imported here, not at the top: the app imports no service
    before its first paint).
    """
    from neofloor.services.plant.text import printable

    return printable(text or "", multiline=multiline)


def safe(text: str | None, *, multiline: bool = False) -> str:
    """``text`` as :func:`plain`, its markup escaped too (for a string Textual parses)."""
    return escape(plain(text, multiline=multiline))
