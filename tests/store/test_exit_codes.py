"""One table of exit codes: every refusal and every store problem has a code of its own, in the README."""

from __future__ import annotations

import re
from pathlib import Path

from neofloor.cli.people import TAMPERED_EXIT
from neofloor.services.plant import errors
from neofloor.store.errors import StoreProblem, StoreReadOnly, StoreUnreachable, StoreUnusable

README = Path(__file__).resolve().parents[2] / "README.md"


def _codes() -> dict[str, int]:
    codes = {
        name: cls.exit_code
        for name, cls in vars(errors).items()
        if isinstance(cls, type) and issubclass(cls, errors.NeofloorError) and "exit_code" in vars(cls)
    }
    for cls in (StoreUnusable, StoreUnreachable, StoreReadOnly):
        codes[cls.__name__] = cls.exit_code
    codes["verify: tampered"] = TAMPERED_EXIT
    return codes


def test_no_two_kinds_of_failure_share_an_exit_code() -> None:
    codes = _codes()
    assert len(set(codes.values())) == len(codes), codes
    assert StoreProblem.exit_code == StoreUnusable.exit_code


def test_the_readme_lists_every_exit_code_once() -> None:
    text = " ".join(README.read_text("utf-8").split())
    table = text[text.index("Exit codes:") : text.index("A production plan CSV")]
    listed = [int(code) for code in re.findall(r"`(\d+)`", table)]
    assert listed == sorted(set(listed)), listed
    assert set(_codes().values()) | {0} == set(listed)
