"""French spoken for the time of a block, for the reports' and dialogs' tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import neofloor.i18n as i18n


@contextmanager
def speaking_french() -> Iterator[None]:
    """French for the time of a block (numbers and dates in French too), then English again."""
    i18n.set_language("fr")
    i18n.set_language_chosen(True)  # as --lang fr: a terminal keeps it over the plant's default
    try:
        yield
    finally:
        i18n.set_language(None)
        i18n.set_language_chosen(False)
