"""One rule for every free-text field people type: reasons, notes, names.

Text is stored as typed (French accents and Arabic intact, normalised to NFC) but never
holds control characters: an escape sequence kept in a hold reason would move the cursor
of every terminal that later prints it. ``clean_text`` is the check every write path runs
before it writes; ``printable`` is the defence on the way out, for rows written before the
rule existed or behind the app's back.
"""

from __future__ import annotations

import unicodedata

from neofloor.i18n import _
from neofloor.services.plant.errors import InvalidInput

# The limits of the fields people type, the same in the services, the CLI and the screens.
SHORT_TEXT_MAX = 120  # a name, a customer reference
REASON_MAX = 400  # a hold or override reason, a note on a defect or a stop
LONG_TEXT_MAX = 2000  # a shift note


def _forbidden(char: str, multiline: bool) -> bool:
    if char == "\n":
        return not multiline
    if char == "\t":
        return False  # folded into a space below
    category = unicodedata.category(char)
    # Cc: C0/C1 controls and DEL; the bidi embeddings and overrides can hide what a line says.
    return category == "Cc" or char in _BIDI_CONTROLS


_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def clean_text(
    value: str,
    *,
    what: str,
    max_length: int,
    multiline: bool = False,
    required: bool = False,
) -> str:
    """``value`` trimmed and normalised, or an ``InvalidInput`` naming ``what`` is wrong.

    A single-line field has its runs of spaces folded into one; a multi-line field keeps
    its line breaks (Windows line ends become ``\\n``) and trims each line's end.
    """
    text = unicodedata.normalize("NFC", value.replace("\r\n", "\n"))
    for char in text:
        if _forbidden(char, multiline):
            shown = f"U+{ord(char):04X}"
            raise InvalidInput(
                _("{what} holds a control character ({shown}); type plain text on one line.").format(
                    what=what, shown=shown
                )
                if char == "\n"
                else _("{what} holds a control character ({shown}); type plain text.").format(
                    what=what, shown=shown
                )
            )
    text = text.replace("\t", " ")
    if multiline:
        lines = [line.rstrip() for line in text.strip().split("\n")]
        text = "\n".join(lines)
    else:
        text = " ".join(text.split())
    if required and not text:
        raise InvalidInput(_("{what} is needed.").format(what=what))
    if len(text) > max_length:
        raise InvalidInput(
            _("{what} is too long: keep it under {max_length} characters ({count} given).").format(
                what=what, max_length=max_length, count=len(text)
            )
        )
    return text


def printable(text: str, *, multiline: bool = False) -> str:
    """``text`` with every control character shown as ``\\xNN`` so it cannot drive a terminal."""
    out: list[str] = []
    for char in text:
        if char == "\n" and multiline:
            out.append(char)
        elif unicodedata.category(char) == "Cc" or char in _BIDI_CONTROLS:
            code = ord(char)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(char)
    return "".join(out)
