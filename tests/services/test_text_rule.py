"""The one rule for free text: no control characters in, nothing that drives a terminal out."""

from __future__ import annotations

import pytest

from neofloor.services.plant.errors import InvalidInput
from neofloor.services.plant.text import clean_text, printable


@pytest.mark.parametrize(
    "typed",
    ["paint run \x1b[2J", "bell\x07", "nul\x00", "del\x7f", "c1\x9b31m", "spoof\u202egnp.exe"],
)
def test_control_characters_are_refused(typed: str) -> None:
    with pytest.raises(InvalidInput, match="control character"):
        clean_text(typed, what="The reason", max_length=400)


def test_a_newline_is_refused_on_one_line_and_kept_where_the_field_is_multi_line() -> None:
    with pytest.raises(InvalidInput, match="on one line"):
        clean_text("a\nb", what="The reason", max_length=400)
    assert clean_text("a  \r\nb\n", what="The note", max_length=400, multiline=True) == "a\nb"


def test_too_long_is_refused_naming_the_limit() -> None:
    with pytest.raises(InvalidInput, match=r"under 400 characters \(5000 given"):
        clean_text("x" * 5000, what="The reason", max_length=400)


def test_french_and_arabic_stay_intact() -> None:
    typed = "Rayure côté passager — خدش في الباب"
    assert clean_text(f"  {typed}\t", what="The note", max_length=400) == typed


def test_required_text_is_refused_when_blank() -> None:
    with pytest.raises(InvalidInput, match="is needed"):
        clean_text("   ", what="The customer's name", max_length=120, required=True)


def test_printable_shows_controls_as_escapes() -> None:
    assert printable("a\x1b[2Jb") == "a\\x1b[2Jb"
    assert printable("line\nnext", multiline=True) == "line\nnext"
    assert printable("x\u202ey") == "x\\u202ey"
