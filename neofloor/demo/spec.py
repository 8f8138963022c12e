"""What to generate: the seed, the span of history and the plant's volume."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

# The demo's history ends here, plant local time: a Wednesday afternoon, mid-shift, before
# the day the example was made, so a newcomer's first scans come after its last ones.
DEMO_END_LOCAL = datetime(2026, 11, 25, 13, 0)


@dataclass(frozen=True)
class DemoSpec:
    seed: int = 2023
    days: int = 28
    cars_per_year: int = 3000
    end_local: datetime = DEMO_END_LOCAL
    # Planned cars beyond the end of history, in working days of production.
    backlog_days: float = 2.0
