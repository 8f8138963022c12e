"""The defect catalog and the zones of a car: what an inspector picks from, in a few keystrokes.

``match_catalog`` ranks catalog entries the way a command palette does, so a
skilled inspector types two or three characters and presses Enter: the start of
a code first ("wl" finds WL-DOOR), then the starts of words ("run" finds "Paint
run or sag"), then letters in order anywhere. It is plain Python, so the screens
and the CLI share it and the services stay free of Textual.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlmodel import Session, col

from neofloor.i18n import N_, _
from neofloor.services.plant.errors import InvalidInput, NotFound
from neofloor.store.models import ZONES, DefectCatalogEntry, Severity

ZONE_LABELS: dict[str, str] = {
    "front": N_("Front"),
    "rear": N_("Rear"),
    "left": N_("Left"),
    "right": N_("Right"),
    "roof": N_("Roof"),
    "interior": N_("Interior"),
    "underbody": N_("Underbody"),
    "powertrain": N_("Powertrain"),
    "electrical": N_("Electrical"),
    "hv_battery": N_("HV battery"),
}
assert tuple(ZONE_LABELS) == ZONES, "every zone of the store needs a label"

SEVERITIES: tuple[str, ...] = (Severity.CRITICAL, Severity.MAJOR, Severity.MINOR)
# Lower is more serious.
SEVERITY_RANK: dict[str, int] = {severity: rank for rank, severity in enumerate(SEVERITIES)}

# Match tiers, best first.
TIER_CODE_EXACT = 0
TIER_CODE_PREFIX = 1
TIER_WORD_STARTS = 2
TIER_LETTERS = 3

_WORD = re.compile(r"[0-9A-Za-z]+")


@dataclass(frozen=True)
class CatalogEntry:
    """One defect the plant knows, with the severity it carries unless the inspector says otherwise."""

    id: int
    code: str
    description: str
    category: str
    default_severity: str


@dataclass(frozen=True)
class CatalogMatch:
    """A catalog entry that matches what was typed, with the characters to highlight."""

    entry: CatalogEntry
    tier: int
    code_positions: tuple[int, ...]
    description_positions: tuple[int, ...]


def catalog_entries(session: Session) -> list[CatalogEntry]:
    """The whole defect catalog, by code (a few dozen rows: load once, match on every keystroke)."""
    rows = session.execute(select(DefectCatalogEntry).order_by(col(DefectCatalogEntry.code))).scalars()
    return [
        CatalogEntry(
            id=row.id,
            code=row.code,
            description=row.description,
            category=row.category,
            default_severity=row.default_severity,
        )
        for row in rows
    ]


def catalog_entry(session: Session, code: str) -> CatalogEntry:
    """The catalog entry with exactly this code (any case), or :class:`NotFound` with a suggestion."""
    wanted = code.strip().upper()
    if not wanted:
        raise InvalidInput(_("Which defect? Give a catalog code."))
    row = session.execute(
        select(DefectCatalogEntry).where(col(DefectCatalogEntry.code) == wanted)
    ).scalar_one_or_none()
    if row is not None:
        return CatalogEntry(
            id=row.id,
            code=row.code,
            description=row.description,
            category=row.category,
            default_severity=row.default_severity,
        )
    entries = catalog_entries(session)
    # "wldoor" for WL-DOOR: the separator is the one thing people skip.
    same = [e for e in entries if _compact(e.code) == _compact(wanted)]
    if len(same) == 1:
        return same[0]
    guesses = [m.entry.code for m in match_catalog(entries, wanted, limit=3)]
    hint = _("; did you mean {guesses}?").format(guesses=" or ".join(guesses)) if guesses else "."
    raise NotFound(_("Unknown defect code {wanted!r} in the catalog{hint}").format(wanted=wanted, hint=hint))


def normalize_zone(text: str) -> str:
    """The zone key for what was typed ("HV battery", "hv-battery", "Front"), or :class:`InvalidInput`."""
    key = re.sub(r"[\s\-]+", "_", text.strip().lower())
    if key in ZONE_LABELS:
        return key
    for zone, label in ZONE_LABELS.items():
        if key == label.lower().replace(" ", "_"):
            return zone
    listed = ", ".join(ZONES)
    raise InvalidInput(
        _("Unknown zone {given!r}; zones are {listed}.").format(given=text.strip(), listed=listed)
    )


def match_zones(text: str) -> list[str]:
    """Zones whose key or label starts with what was typed ("fr" -> front, "r" -> rear, right, roof)."""
    typed = re.sub(r"[\s\-]+", "_", text.strip().lower())
    if not typed:
        return list(ZONES)
    return [
        zone
        for zone, label in ZONE_LABELS.items()
        if zone.startswith(typed) or label.lower().replace(" ", "_").startswith(typed)
    ]


def normalize_severity(text: str | None, default: str) -> str:
    """The severity typed (any case), ``default`` when none was, or :class:`InvalidInput`."""
    if text is None or not text.strip():
        return default
    value = text.strip().lower()
    if value not in SEVERITY_RANK:
        raise InvalidInput(
            _("Unknown severity {given!r}; a defect is critical, major or minor.").format(given=text.strip())
        )
    return value


# --- fuzzy matching ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Word:
    in_code: bool
    start: int
    text: str  # lower case


def _words(entry: CatalogEntry) -> list[_Word]:
    words = [_Word(True, m.start(), m.group().lower()) for m in _WORD.finditer(entry.code)]
    words += [_Word(False, m.start(), m.group().lower()) for m in _WORD.finditer(entry.description)]
    return words


def _compact(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


def _code_prefix_positions(code: str, typed: str) -> tuple[int, ...] | None:
    """Positions in ``code`` of ``typed`` read as its start, separators skipped."""
    positions: list[int] = []
    index = 0
    for i, ch in enumerate(code.lower()):
        if index == len(typed):
            break
        if not ch.isalnum():
            continue
        if ch != typed[index]:
            return None
        positions.append(i)
        index += 1
    return tuple(positions) if index == len(typed) else None


def _word_starts(typed: str, words: list[_Word]) -> tuple[int, int, list[tuple[bool, int]]] | None:
    """Split ``typed`` into starts of successive words: (chunks, words skipped, positions) or None.

    Fewest chunks wins ("run" as one word beats "r"+"u"+"n"), then fewest words skipped.
    """
    memo: dict[tuple[int, int], tuple[int, int, list[tuple[bool, int]]] | None] = {}

    def best(t: int, w: int) -> tuple[int, int, list[tuple[bool, int]]] | None:
        if t == len(typed):
            return (0, 0, [])
        if (t, w) in memo:
            return memo[(t, w)]
        found: tuple[int, int, list[tuple[bool, int]]] | None = None
        for k in range(w, len(words)):
            word = words[k]
            common = 0
            while (
                common < len(word.text) and t + common < len(typed) and word.text[common] == typed[t + common]
            ):
                common += 1
            for length in range(common, 0, -1):
                rest = best(t + length, k + 1)
                if rest is None:
                    continue
                here = [(word.in_code, word.start + i) for i in range(length)]
                candidate = (1 + rest[0], (k - w) + rest[1], here + rest[2])
                if found is None or candidate[:2] < found[:2]:
                    found = candidate
        memo[(t, w)] = found
        return found

    return best(0, 0)


def _letters(typed: str, entry: CatalogEntry) -> tuple[int, int, list[tuple[bool, int]]] | None:
    """``typed`` as letters in order across code then description: (span, start, positions) or None."""
    haystack = [(True, i, ch) for i, ch in enumerate(entry.code.lower())]
    haystack += [(False, i, ch) for i, ch in enumerate(entry.description.lower())]
    best: tuple[int, int, list[tuple[bool, int]]] | None = None
    for first, (_is_code, _index, ch) in enumerate(haystack):
        if ch != typed[0]:
            continue
        picked = [first]
        for h in range(first + 1, len(haystack)):
            if len(picked) == len(typed):
                break
            if haystack[h][2] == typed[len(picked)]:
                picked.append(h)
        if len(picked) < len(typed):
            break  # no later start can match either
        span = picked[-1] - picked[0]
        if best is None or span < best[0]:
            best = (span, first, [(haystack[h][0], haystack[h][1]) for h in picked])
    return best


def _match_term(
    term: str, entry: CatalogEntry, words: list[_Word]
) -> tuple[tuple[int, ...], list[tuple[bool, int]]] | None:
    """How well one typed term matches: (sort key, highlighted positions) or None."""
    compact = _compact(term)
    if not compact:
        return None
    code_positions = _code_prefix_positions(entry.code, compact)
    if code_positions is not None:
        tier = TIER_CODE_EXACT if compact == _compact(entry.code) else TIER_CODE_PREFIX
        return (tier,), [(True, p) for p in code_positions]
    starts = _word_starts(compact, words)
    if starts is not None:
        chunks, skipped, positions = starts
        return (TIER_WORD_STARTS, chunks, skipped), positions
    letters = _letters(compact, entry)
    if letters is not None:
        span, first, positions = letters
        return (TIER_LETTERS, span, first), positions
    return None


def _source_entries(source: Session | Sequence[CatalogEntry]) -> Sequence[CatalogEntry]:
    return catalog_entries(source) if isinstance(source, Session) else source


def match_catalog(source: Session | Sequence[CatalogEntry], text: str, limit: int = 8) -> list[CatalogMatch]:
    """Catalog entries matching what was typed, best first (all of them, by code, when nothing is).

    Several words must each match ("door leak"); the worst of them ranks the entry.
    """
    entries = _source_entries(source)
    terms = text.lower().split()
    if not terms:
        return [CatalogMatch(e, TIER_LETTERS, (), ()) for e in sorted(entries, key=lambda e: e.code)][:limit]
    ranked: list[tuple[tuple[int, ...], str, CatalogMatch]] = []
    for entry in entries:
        words = _words(entry)
        keys: list[tuple[int, ...]] = []
        positions: list[tuple[bool, int]] = []
        for term in terms:
            matched = _match_term(term, entry, words)
            if matched is None:
                break
            keys.append(matched[0])
            positions += matched[1]
        else:
            key = max(keys)
            match = CatalogMatch(
                entry=entry,
                tier=key[0],
                code_positions=tuple(sorted({p for in_code, p in positions if in_code})),
                description_positions=tuple(sorted({p for in_code, p in positions if not in_code})),
            )
            ranked.append((key, entry.code, match))
    ranked.sort(key=lambda item: (item[0], item[1]))
    return [match for _key, _code, match in ranked[:limit]]
