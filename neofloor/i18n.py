"""The plant's languages: every user-visible string goes through ``_`` and every number or date
shown to a person through the formatters here, so that a terminal reads in French or English.

The catalogs are gettext catalogs managed with Babel (``make i18n``): ``neofloor/locale/fr/
LC_MESSAGES/neofloor.po`` holds the French, compiled beside it to ``neofloor.mo``. English is the
source language: its catalog is the messages themselves.

One process serves one person at a time (a terminal, a served page, a command), so the language
is one setting for the process: chosen at start (``--lang``, ``NEOFLOOR_LANG``, the plant's
default) and changed when an operator who carries a language signs in. ``_`` looks the language
up at each call, so strings are translated where they are shown, never frozen at import time.
Strings defined at import time (key descriptions, column titles) are marked with ``N_`` for the
extraction and translated with ``_`` where they are displayed.

This module imports nothing of neofloor: every layer may use it.
"""

from __future__ import annotations

import gettext
import os
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from babel import Locale

DOMAIN = "neofloor"
LOCALE_DIR = Path(__file__).parent / "locale"
# The languages a terminal can speak, the source language first.
LANGUAGES = ("en", "fr")
SOURCE_LANGUAGE = "en"
LANGUAGE_NAMES = {"en": "English", "fr": "Français"}
ENV_VARIABLE = "NEOFLOOR_LANG"

_language = SOURCE_LANGUAGE
_catalog: gettext.NullTranslations = gettext.NullTranslations()
# Whether the person starting the process chose the language (--lang, NEOFLOOR_LANG): then the
# plant's default does not replace it.
_chosen = False
_started_in = SOURCE_LANGUAGE


class UnknownLanguage(ValueError):
    """A language neofloor does not speak: the message names the ones it does."""


def normalise_language(value: str) -> str:
    """``fr``, ``FR``, ``fr_MA``, ``fr-MA.UTF-8`` -> ``fr``; a language we do not speak is refused."""
    code = value.strip().replace("-", "_").split(".")[0].split("_")[0].lower()
    if code not in LANGUAGES:
        raise UnknownLanguage(
            f"Language {value.strip()!r} is not one neofloor speaks: use {' or '.join(LANGUAGES)}."
        )
    return code


@lru_cache(maxsize=len(LANGUAGES))
def _load(language: str) -> gettext.NullTranslations:
    if language == SOURCE_LANGUAGE:
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[language], fallback=True)


def set_language(language: str | None) -> str:
    """Speak ``language`` from now on (None: the source language); returns the code in use."""
    global _language, _catalog
    code = SOURCE_LANGUAGE if not language else normalise_language(language)
    _language, _catalog = code, _load(code)
    return code


def set_language_chosen(chosen: bool) -> None:
    """Remember whether the language in use was asked for at start (it then outranks the plant's)."""
    global _chosen, _started_in
    _chosen, _started_in = chosen, _language


def language_chosen() -> bool:
    """Whether ``--lang`` or ``NEOFLOOR_LANG`` chose the language at start."""
    return _chosen


def terminal_language(plant_default: str | None) -> str:
    """The language a terminal speaks when nobody who reads another is signed in on it."""
    if not _chosen and plant_default:
        return normalise_language(plant_default)
    return _started_in


def apply_plant_language(plant_default: str | None) -> str:
    """The plant's default language, unless one was chosen at start; returns the code in use."""
    if not _chosen and plant_default:
        return set_language(plant_default)
    return _language


def language() -> str:
    """The language this process speaks now."""
    return _language


def language_from_environment() -> str | None:
    """``NEOFLOOR_LANG`` when it is set (refused when it names a language we do not speak)."""
    value = os.environ.get(ENV_VARIABLE, "").strip()
    return normalise_language(value) if value else None


def _(message: str) -> str:
    """``message`` in the language spoken now."""
    return _catalog.gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The singular or plural of a message for ``count``, in the language spoken now."""
    return _catalog.ngettext(singular, plural, count)


def pgettext(context: str, message: str) -> str:
    """A short message whose translation depends on where it is shown (a column, a key)."""
    return _catalog.pgettext(context, message)


def N_(message: str) -> str:
    """Mark a string defined at import time for the catalog; translate it with ``_`` where shown."""
    return message


# --- numbers and dates, in the language's format -----------------------------------------------


def _locale() -> Locale:
    # Babel is read only when a language other than the source one formats something: a
    # terminal in English starts without it.
    from babel import Locale

    return Locale.parse(_language)


def decimal_text(value: float, digits: int = 1) -> str:
    """72.73 -> "72.7" in English, "72,7" in French."""
    if _language == SOURCE_LANGUAGE:
        return f"{value:.{digits}f}"
    from babel.numbers import format_decimal

    pattern = "0." + "0" * digits if digits else "0"
    return format_decimal(value, format=pattern, locale=_locale())


def percent_text(ratio: float, digits: int = 1) -> str:
    """0.7273 -> "72.7 %" (English as the plant has always written it), "72,7 %" in French."""
    return f"{decimal_text(ratio * 100, digits)} %"


def day_month_text(day: date | datetime) -> str:
    """26 Nov / 26 nov."""
    if _language == SOURCE_LANGUAGE:
        return day.strftime("%d %b")
    from babel.dates import format_date

    return format_date(day, "dd MMM", locale=_locale())


def day_month_year_text(day: date | datetime) -> str:
    """26 Nov 2025 / 26 nov. 2025."""
    if _language == SOURCE_LANGUAGE:
        return day.strftime("%d %b %Y")
    from babel.dates import format_date

    return format_date(day, "dd MMM y", locale=_locale())


def weekday_day_month_text(moment: datetime) -> str:
    """Thu 26 Nov / jeu. 26 nov."""
    if _language == SOURCE_LANGUAGE:
        return moment.strftime("%a %d %b")
    from babel.dates import format_datetime

    return format_datetime(moment, "EEE dd MMM", locale=_locale())


def long_date_text(day: date) -> str:
    """Thursday 26 November 2025 / jeudi 26 novembre 2025."""
    if _language == SOURCE_LANGUAGE:
        return day.strftime("%A %d %B %Y")
    from babel.dates import format_date

    return format_date(day, "EEEE d MMMM y", locale=_locale())
