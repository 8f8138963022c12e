"""The French catalog: every message in the code has its French, with the same placeholders,
compiled as it is written; and no user-visible string goes around the catalog."""

from __future__ import annotations

import gettext
import re
from collections.abc import Iterator
from pathlib import Path
from string import Formatter

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

from neofloor.i18n import DOMAIN, LOCALE_DIR
from tests.i18n.user_strings import PACKAGE, untranslated

PO = LOCALE_DIR / "fr" / "LC_MESSAGES" / f"{DOMAIN}.po"
MO = PO.with_suffix(".mo")
PERCENT = re.compile(r"%(?:\([a-z_]+\))?[sdfr%]")
MessageId = str | tuple[str, ...]


def _code_messages() -> Iterator[tuple[str, int, MessageId, str | None]]:
    """Every message the code hands to ``_``, ``N_``, ``ngettext`` or ``pgettext``, where it is."""
    keywords = {**DEFAULT_KEYWORDS, "N_": None}
    for filename, line, message, _comments, context in extract_from_dir(
        str(PACKAGE), method_map=[("**.py", "python")], keywords=keywords
    ):
        yield filename, line, message, context


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    with PO.open("rb") as handle:
        return read_po(handle, locale="fr", domain=DOMAIN)


def _placeholders(text: str) -> list[str]:
    names = sorted(name for _literal, name, _spec, _conv in Formatter().parse(text) if name is not None)
    return names + sorted(PERCENT.findall(text))


def test_every_message_in_the_code_has_its_french(catalog: Catalog) -> None:
    missing = []
    for filename, line, message, context in _code_messages():
        singular = message[0] if isinstance(message, tuple) else message
        entry = catalog.get(singular, context=context)
        strings = (entry.string if isinstance(entry.string, tuple) else (entry.string,)) if entry else ()
        if entry is None or entry.fuzzy or not all(strings):
            missing.append(f"{filename}:{line}: {singular!r}")
    assert not missing, f"{len(missing)} messages without French (run make i18n):\n" + "\n".join(missing[:40])


def test_translations_keep_every_placeholder(catalog: Catalog) -> None:
    wrong = []
    for entry in catalog:
        if not entry.id:
            continue
        sources = entry.id if isinstance(entry.id, tuple) else (entry.id,)
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        expected = _placeholders(sources[-1])
        for text in strings:
            # A French singular may say "un" where the English says "{n}": the plural must keep it.
            found = _placeholders(text)
            singular_may_drop = len(strings) > 1 and text is strings[0] and set(found) <= set(expected)
            if found != expected and not singular_may_drop:
                wrong.append(f"{sources[0]!r} -> {text!r}: {found} instead of {expected}")
    assert not wrong, "\n".join(wrong)


def test_the_compiled_catalog_is_the_written_one(catalog: Catalog) -> None:
    with MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for entry in catalog:
        if not entry.id or entry.fuzzy:
            continue
        if isinstance(entry.id, tuple):
            if compiled.ngettext(entry.id[0], entry.id[1], 5) != entry.string[1]:
                stale.append(entry.id[0])
        elif entry.context is not None:
            if compiled.pgettext(entry.context, entry.id) != entry.string:
                stale.append(entry.id)
        elif compiled.gettext(entry.id) != entry.string:
            stale.append(entry.id)
    assert not stale, f"neofloor.mo is older than neofloor.po (run make i18n): {stale[:10]}"


def test_no_user_visible_string_goes_around_the_catalog() -> None:
    found = untranslated()
    assert not found, f"{len(found)} strings shown as they are:\n" + "\n".join(map(str, found[:60]))


def test_the_catalog_is_where_the_package_ships_it() -> None:
    assert Path(PO).is_file() and Path(MO).is_file()
