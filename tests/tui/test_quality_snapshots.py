"""The quality overview as people see it, at 80x24 and 120x40: a frozen clock, a day of quality work.

Review the report (snapshot_report.html) before accepting changes with --snapshot-update.
"""

from __future__ import annotations

import pytest

from tests.conftest import INSPECTOR
from tests.tui.conftest import opened, settle
from tests.tui.test_quality_overview import quality_day
from tests.tui.test_snapshots import SIZES

TABS = [
    pytest.param("f2", id="open-defects"),
    pytest.param("f3", id="pareto"),
    pytest.param("f4", id="fpy-dphu"),
]


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("tab", TABS)
def test_quality_overview(snap_compare, make_app, line, tab, size):
    quality_day(line)
    app = make_app(badge=INSPECTOR)

    async def run_before(pilot):
        await opened(pilot)
        await pilot.press("f11")
        await settle(pilot, lambda: getattr(app.screen, "counts", None) is not None)
        await pilot.press(tab)
        await settle(pilot, lambda: tab == "f2" or app.screen.trend is not None)

    assert snap_compare(app, terminal_size=size, run_before=run_before)
