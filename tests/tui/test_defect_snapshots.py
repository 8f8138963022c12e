"""The defect entry as people see it, at 80x24 and 120x40: a frozen clock, the seeded line.

Review the report (snapshot_report.html) before accepting changes with --snapshot-update.
"""

from __future__ import annotations

import pytest

from neofloor.tui.widgets.defect_table import DefectTable
from tests.conftest import INSPECTOR
from tests.tui.conftest import opened, settle
from tests.tui.test_defect_entry import open_entry
from tests.tui.test_snapshots import SIZES, still


@pytest.mark.parametrize("size", SIZES)
def test_defect_entry_after_a_defect_and_typing_the_next(snap_compare, make_app, line, size):
    """One defect logged on car #3, the next one half typed: its matches, highlighted."""
    app = make_app(station="TRIM1", badge=INSPECTOR, terminal="T-TRIM1-Q")

    async def run_before(pilot):
        await opened(pilot)
        await open_entry(pilot, line.vins[3])
        still(app)
        await pilot.press("w", "l", "enter", "l", "enter", "enter")
        await settle(pilot, lambda: len(app.screen.defects) == 3)
        # The cursor on the defect just logged (a poll may land first on a busy machine).
        table = app.screen.query_one("#car-defects", DefectTable)
        await settle(
            pilot,
            lambda: (
                table.selected() is not None and table.selected().id == max(d.id for d in app.screen.defects)
            ),
        )
        await pilot.press("d", "o", "o", "r")
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)
