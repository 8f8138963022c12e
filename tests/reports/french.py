"""The reports' and dialogs' French, read straight from their catalog part, for tests."""

from __future__ import annotations

import gettext
import io
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

import neofloor.i18n as i18n

PART = Path(i18n.LOCALE_DIR) / "fr" / "LC_MESSAGES" / "part-dialogs.po"


def part_catalog(path: Path = PART) -> gettext.GNUTranslations:
    """The part compiled in memory, as gettext reads a .mo file."""
    with path.open("rb") as source:
        catalog = read_po(source)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


@contextmanager
def speaking_french() -> Iterator[None]:
    """French for the time of a block (numbers and dates in French too), then English again."""
    i18n.set_language("fr")
    previous = i18n._catalog
    i18n._catalog = part_catalog()
    try:
        yield
    finally:
        i18n._catalog = previous
        i18n.set_language(None)
