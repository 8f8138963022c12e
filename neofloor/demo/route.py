"""The route as the simulation sees it: one ``Stop`` per station, looked up once."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Which defect categories each station tends to find.
FINDS = {
    "BODY": ("body",),
    "PAINT": ("paint",),
    "TRIM1": ("assembly", "electrical"),
    "TRIM2": ("assembly",),
    "CHASSIS": ("assembly", "fluids", "hv_system"),
    "FINAL": ("assembly", "fluids"),
    "EOL": ("function", "electrical", "hv_system"),
    "WATER": ("water_leak",),
    "QG": ("paint", "body", "assembly", "noise", "electrical"),
}
INSPECTION_STATIONS = ("EOL", "WATER", "QG")
# Working seconds from completing a station to arriving at the next: the body and
# paint buffers (ovens, sorting) hold cars for hours, the assembly conveyor for minutes.
TRANSFER_SECONDS = {"BODY": (1800.0, 3600.0), "PAINT": (7200.0, 12600.0)}


@dataclass(frozen=True)
class Stop:
    """One route station as the simulation needs it, looked up once."""

    index: int
    code: str
    id: int
    base_cycle: float
    terminal: str
    operator_id: int | None  # None: chosen per car (the quality gate's two inspectors)
    finder_id: int | None  # who records defects here; None: the operator
    defect_chance: float
    categories: tuple[str, ...]  # defect categories found here on a petrol car
    ev_categories: tuple[str, ...]  # ...and on an electric one
    transfer: tuple[float, float]


def build_stops(
    stations: list[dict[str, Any]], station_ids: dict[str, int], operator_ids: dict[str, int], takt: float
) -> list[Stop]:
    """The route's stations (work, test, quality gate) in order, as stops."""
    route = [s for s in stations if s["kind"] in ("work", "test", "quality_gate")]
    return [_stop(index, s, station_ids, operator_ids, takt) for index, s in enumerate(route)]


def _stop(
    index: int,
    station: dict[str, Any],
    station_ids: dict[str, int],
    operator_ids: dict[str, int],
    takt: float,
) -> Stop:
    code = station["code"]
    badge = {"BODY": "1001", "PAINT": "1001", "TRIM1": "1002", "TRIM2": "1002"}.get(code, "1003")
    if code in ("EOL", "WATER"):
        badge = "1004"
    inspection = code in INSPECTION_STATIONS
    return Stop(
        index=index,
        code=code,
        id=station_ids[code],
        base_cycle=min(float(station.get("ideal_cycle_seconds") or 1200), 0.8 * takt),
        terminal=f"{code.lower()}-1",
        operator_id=None if code == "QG" else operator_ids[badge],
        finder_id=operator_ids["2001"] if inspection else None,
        defect_chance=0.07 if inspection else 0.012,
        categories=tuple(c for c in FINDS[code] if c != "hv_system"),
        ev_categories=FINDS[code],
        transfer=TRANSFER_SECONDS.get(code, (60.0, 300.0)),
    )
