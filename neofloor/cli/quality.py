"""Subcommands for the quality part of the plant (registered by neofloor.cli)."""

from __future__ import annotations

from typing import Any


def register(commands: Any) -> None:
    """Add this module's subcommands to the neofloor parser."""
