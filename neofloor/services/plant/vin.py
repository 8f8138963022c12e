"""VIN checks after ISO 3779 (and the North American check digit in position 9)."""

from __future__ import annotations

from neofloor.i18n import _
from neofloor.services.plant.errors import InvalidVin

VIN_LENGTH = 17
VIN_ALPHABET = frozenset("0123456789ABCDEFGHJKLMNPRSTUVWXYZ")  # no I, O, Q
_TRANSLITERATION = {
    **{str(d): d for d in range(10)},
    **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
    **dict(zip("JKLMN", range(1, 6), strict=True)),
    "P": 7,
    "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}
_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)


def normalize_vin(raw: str) -> str:
    """What a scanner or a keyboard typed, trimmed and upper-cased."""
    return raw.strip().upper()


def check_digit(vin: str) -> str:
    """The position-9 check character a VIN should carry ('0'-'9' or 'X')."""
    total = sum(_TRANSLITERATION[ch] * w for ch, w in zip(vin, _WEIGHTS, strict=True))
    remainder = total % 11
    return "X" if remainder == 10 else str(remainder)


def with_check_digit(vin: str) -> str:
    """The same VIN with its position-9 character set right (for generated VINs)."""
    return vin[:8] + check_digit(vin) + vin[9:]


def validate_vin(raw: str, *, verify_check_digit: bool = True) -> str:
    """The normalized VIN, or :class:`InvalidVin` with the reason."""
    vin = normalize_vin(raw)
    if not vin:
        raise InvalidVin(_("No VIN given."))
    if len(vin) != VIN_LENGTH:
        raise InvalidVin(_("VIN {vin} has {count} characters; a VIN has 17.").format(vin=vin, count=len(vin)))
    bad = sorted({ch for ch in vin if ch not in VIN_ALPHABET})
    if bad:
        listed = ", ".join(bad)
        raise InvalidVin(
            _("VIN {vin} contains {listed}: a VIN uses 0-9 and A-Z except I, O, Q.").format(
                vin=vin, listed=listed
            )
        )
    if verify_check_digit:
        expected = check_digit(vin)
        if vin[8] != expected:
            raise InvalidVin(
                _("VIN {vin} fails its check digit (position 9 is {digit}, should be {expected}).").format(
                    vin=vin, digit=vin[8], expected=expected
                )
            )
    return vin
