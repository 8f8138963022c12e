"""The benchmark's table: each figure per plant, its growth, its target and whether it is met."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    stat: str | None  # the statistic the target is judged on: "median_ms", "p95_ms", "p99_ms"
    target: float | None  # milliseconds (seconds for generation, MB for memory)
    unit: str = "ms"
    floor_of: str | None = None  # a raw-sqlite3 floor row: the row it is the floor of


ROWS: tuple[Row, ...] = (
    Row("record_scan", "record_scan committed (WAL, sync=FULL)", "p99_ms", 3.0),
    Row("record_scan_raw", "  floor: same scan, raw sqlite3", None, None, floor_of="record_scan"),
    Row("lean_record_scan", "  lean twin (bench/lean.py)", None, None),
    Row("enter_to_result", "Enter → result shown (pilot)", "p99_ms", 16.0),
    Row("station_queue", "station queue (BODY, 50 cars)", "p95_ms", 2.0),
    Row("station_queue_raw", "  floor: raw sqlite3", None, None, floor_of="station_queue"),
    Row("lean_station_queue", "  lean twin (bench/lean.py)", None, None),
    Row("line_board", "line board (queries.line_board)", "p95_ms", 2.0),
    Row("line_board_raw", "  floor: raw sqlite3", None, None, floor_of="line_board"),
    Row("lean_line_board", "  lean twin (bench/lean.py)", None, None),
    Row("line_status", "line board paced by takt (line_status, the F2 screen)", "p95_ms", 2.0),
    Row("vehicle_history", "vehicle history (random VINs)", "p95_ms", 2.0),
    Row("vehicle_history_raw", "  floor: raw sqlite3", None, None, floor_of="vehicle_history"),
    Row("lean_vehicle_history", "  lean twin (bench/lean.py)", None, None),
    Row("component_by_serial", "component search by serial (find_serial)", "p95_ms", 2.0),
    Row("component_by_serial_raw", "  floor: raw sqlite3", None, None, floor_of="component_by_serial"),
    Row("yard_list", "yard list, first page (yard_list)", "p95_ms", 5.0),
    Row("yard_list_raw", "  floor: raw sqlite3", None, None, floor_of="yard_list"),
    Row("shift_dashboard", "shift dashboard (shift_summary)", "p95_ms", 20.0),
    Row("trend_30_days", "30-day trend (metrics_summary.trend)", "p95_ms", 50.0),
    Row("recall_station", "recall: model through CHASSIS, 180 d", "p95_ms", 300.0),
    Row("recall_defect", "recall: defect code found, 180 d", "p95_ms", 300.0),
    Row("build_record", "build record of a car (random VINs)", "p95_ms", 50.0),
    Row("recall_hold_1000", "recall hold of 1,000 cars, one transaction", "p95_ms", 2000.0),
    Row("pareto_year", "defect Pareto, one year", "p95_ms", 300.0),
    Row("cold_start", "cold start → station terminal ready", "median_ms", 800.0),
    Row("empty_app_start", "  floor: empty Textual app, first frame", None, None, floor_of="cold_start"),
    Row("cold_open", "  store open: a scan recorded at once", None, None),
    Row("peak_rss", "app peak memory (RSS)", "value", 150.0, unit="MB"),
    Row("generation", "generate the plant (neofloor demo)", "value", 60.0, unit="s"),
)
# The floor queries must cost the same on a new plant and an old one.
FLAT_GROWTH = ("station_queue", "line_board", "line_status", "vehicle_history")
FLAT_LIMIT = 1.3


def _cell(figure: dict[str, Any] | None, unit: str) -> str:
    if not figure:
        return "—"
    if "value" in figure:
        return f"{figure['value']:.1f} {unit}"
    return f"{figure['median_ms']:.2f} / {figure['p95_ms']:.2f} / {figure['p99_ms']:.2f}"


def verdicts(plants: dict[str, dict[str, Any]], largest: str, smallest: str) -> list[dict[str, Any]]:
    """Every target of the issue, judged on the largest plant (growth: largest against smallest)."""
    figures = plants[largest]["figures"]
    out: list[dict[str, Any]] = []
    for row in ROWS:
        if row.target is None or row.stat is None:
            continue
        figure = figures.get(row.key)
        if not figure:
            out.append({"target": f"{row.key}: not measured", "met": None})
            continue
        value = figure[row.stat]
        which = "" if row.stat == "value" else f" {row.stat.removesuffix('_ms')}"
        out.append(
            {
                "target": f"{row.key}{which} < {row.target:g} {row.unit}",
                "measured": round(value, 3),
                "met": value < row.target,
                "by": round(value / row.target, 2),
            }
        )
    for service, stat in (("record_scan", "p99_ms"), ("cold_start", "median_ms")):
        floor_key = "record_scan_raw" if service == "record_scan" else "empty_app_start"
        limit = 5.0 if service == "record_scan" else 2.0
        if figures.get(service) and figures.get(floor_key):
            ratio = figures[service][stat] / figures[floor_key][stat]
            out.append(
                {
                    "target": f"{service} {stat.removesuffix('_ms')} within {limit:g}x its floor",
                    "measured": round(ratio, 2),
                    "met": ratio <= limit,
                    "by": round(ratio / limit, 2),
                }
            )
    growth = plants[largest].get("growth") or {}
    for key in FLAT_GROWTH if smallest != largest else ():
        # From the interleaved calls when there are some (fair on a shared machine).
        source = growth if key in growth else None
        old = source[key]["from"] if source else plants[smallest]["figures"].get(key)
        new = source[key]["to"] if source else figures.get(key)
        if not (old and new):
            continue
        wall = new["p95_ms"] / old["p95_ms"]
        median = new["median_ms"] / old["median_ms"]
        out.append(
            {
                "target": f"{key} p95 {largest} within {FLAT_LIMIT}x of {smallest}",
                "measured": round(wall, 2),
                "median_growth": round(median, 2),
                "interleaved": source is not None,
                "met": wall <= FLAT_LIMIT,
                "by": round(wall / FLAT_LIMIT, 2),
            }
        )
    return out


def table(plants: dict[str, dict[str, Any]], *, markdown: bool = False) -> str:
    """Median / p95 / p99 of every figure per plant, the growth first to last, the target."""
    labels = list(plants)
    first, last = labels[0], labels[-1]
    header = ["figure", *(f"{label} (med / p95 / p99)" for label in labels), f"{last}÷{first}", "target"]
    lines = []
    for row in ROWS:
        cells = [_cell(plants[label]["figures"].get(row.key), row.unit) for label in labels]
        growth = "—"
        a, b = plants[first]["figures"].get(row.key), plants[last]["figures"].get(row.key)
        if a and b and first != last:
            stat = (
                row.stat if row.stat and row.stat != "value" else ("value" if "value" in a else "median_ms")
            )
            if a.get(stat):
                growth = f"{b[stat] / a[stat]:.2f}×"
        target = "—"
        if row.target is not None and row.stat is not None:
            which = "" if row.stat == "value" else f"{row.stat.removesuffix('_ms')} "
            target = f"{which}< {row.target:g} {row.unit}"
        lines.append([row.label, *cells, growth, target])
    if markdown:
        out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
        out += ["| " + " | ".join(cells) + " |" for cells in lines]
        return "\n".join(out)
    widths = [max(len(str(r[i])) for r in [header, *lines]) for i in range(len(header))]
    text = ["  ".join(str(c).ljust(w) for c, w in zip(header, widths, strict=True))]
    text.append("  ".join("-" * w for w in widths))
    text += ["  ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)) for r in lines]
    return "\n".join(text)


def verdict_lines(checks: list[dict[str, Any]]) -> str:
    lines = []
    for check in checks:
        mark = "?" if check["met"] is None else ("ok  " if check["met"] else "MISS")
        if check["met"] is None:
            lines.append(f"  {mark}    {check['target']}")
            continue
        by = f" ({check['by']}× the target)" if check["met"] is False else ""
        if "median_growth" in check:
            how = "interleaved calls" if check["interleaved"] else "one plant after another"
            by += f" [median {check['median_growth']}×; {how}]"
        lines.append(f"  {mark} {check['target']}: {check['measured']}{by}")
    return "\n".join(lines)


def unplanned_table(plants: dict[str, dict[str, Any]], *, markdown: bool = False) -> str:
    """The reads measured again without ``sqlite_stat1``, beside the figure with statistics."""
    labels = list(plants)
    header = ["figure", *(f"{label}: with / without statistics (med ms)" for label in labels)]
    lines = []
    for row in ROWS:
        if not any(row.key in plants[label].get("without_statistics", {}) for label in labels):
            continue
        cells = [row.label]
        for label in labels:
            with_stats = plants[label]["figures"].get(row.key)
            without = plants[label].get("without_statistics", {}).get(row.key)
            before = f"{with_stats['median_ms']:.2f}" if with_stats else "—"
            if isinstance(without, str):
                after = without.split(":")[0]
            else:
                after = f"{without['median_ms']:.2f}" if without else "—"
            cells.append(f"{before} / {after}")
        lines.append(cells)
    if markdown:
        out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
        out += ["| " + " | ".join(cells) + " |" for cells in lines]
        return "\n".join(out)
    widths = [max(len(str(r[i])) for r in [header, *lines]) for i in range(len(header))]
    text = ["  ".join(str(c).ljust(w) for c, w in zip(header, widths, strict=True))]
    text.append("  ".join("-" * w for w in widths))
    text += ["  ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)) for r in lines]
    return "\n".join(text)
