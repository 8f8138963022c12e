"""The handover and trend reports show exactly the numbers of the summary they are made from."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest

from neofloor.reports.common import save_report
from neofloor.reports.shift_report import (
    default_shift_report_name,
    render_shift_report,
    shift_report_data,
    write_shift_report,
)
from neofloor.reports.trend_report import (
    render_trend_report,
    trend_report_data,
)
from neofloor.services.metrics.summary import ShiftSummary, shift_summary
from neofloor.services.metrics.trend import trend
from neofloor.services.plant.errors import InvalidInput
from neofloor.services.plant.report_files import report_path, reports_folder
from neofloor.services.supervision.shift_notes import add_shift_note
from neofloor.store.engine import Database
from neofloor.store.models import PlantSetting
from tests.metrics.builders import local
from tests.metrics.conftest import SHIFT_LEAD, ShiftDay

THURSDAY = date(2026, 11, 26)
AFTER_SHIFT = local(26, 14, 35)


@pytest.fixture
def summary(shift_day: ShiftDay) -> ShiftSummary:
    with shift_day.db.write() as session:
        add_shift_note(
            session,
            THURSDAY,
            "A",
            "PAINT oven fault at 09:00 | maintenance called.",
            SHIFT_LEAD,
            now=AFTER_SHIFT,
        )
    with shift_day.db.read() as session:
        return shift_summary(session, THURSDAY, "A", now=AFTER_SHIFT)


def test_json_report_carries_the_summary_numbers(summary: ShiftSummary) -> None:
    data = json.loads(render_shift_report(summary, "json"))
    assert data == json.loads(json.dumps(shift_report_data(summary)))
    pace = data["pace"]
    assert (pace["output"], pace["plan_so_far"], pace["cars_behind"], pace["target_cars"]) == (
        summary.output,
        summary.plan_so_far,
        summary.cars_behind,
        summary.target_cars,
    )
    assert pace["takt_seconds"] == summary.takt_seconds and pace["no_production"] is False
    assert [h["output"] for h in data["hourly"]] == [h.output for h in summary.hourly]
    assert [h["cumulative_plan"] for h in data["hourly"]] == [h.cumulative_plan for h in summary.hourly]
    assert [h["plan"] for h in data["hourly"]] == [h.plan for h in summary.hourly]
    quality = data["quality"]
    assert (quality["fpy"], quality["dphu"], quality["defects"], quality["first_pass"]) == (
        summary.fpy,
        summary.dphu,
        summary.defects,
        summary.first_pass,
    )
    assert summary.oee is not None
    oee = data["oee"]
    assert (oee["oee"], oee["availability"], oee["performance"], oee["quality"]) == (
        summary.oee.oee,
        summary.oee.availability,
        summary.oee.performance,
        summary.oee.quality,
    )
    assert data["downtime"]["line_minutes"] == summary.line_downtime_minutes
    assert [(d["reason_code"], d["minutes"]) for d in data["downtime"]["by_reason"]] == [
        (d.reason_code, d.minutes) for d in summary.downtime
    ]
    assert data["bottleneck"] == {
        "station": "QG",
        "criterion": "longest median cycle time",
        "median_cycle_seconds": 1500,
        "downtime_minutes": 20.0,
    }
    line = data["line_now"]
    assert line["wip"] == summary.line.wip
    assert [c["vin"] for c in line["held"]] == [c.vin for c in summary.line.held]
    assert [c["vin"] for c in line["in_repair"]] == [c.vin for c in summary.line.in_repair]
    assert line["open_critical_defects"]["count"] == summary.line.open_critical_count == 2
    assert [o["note"] for o in data["overrides"]] == [o.note for o in summary.overrides]
    assert [n["text"] for n in data["notes"]] == [n.text for n in summary.notes]
    assert data["shift"]["start"] == "2026-11-26T06:00:00+01:00"
    assert data["shift"]["as_of"] == "2026-11-26T14:30:00+01:00"


def test_markdown_report_shows_the_summary_numbers(summary: ShiftSummary) -> None:
    text = render_shift_report(summary, "md")
    assert text.startswith("# Shift handover: Aïn Aouda assembly, 2026-11-26 shift A (Day shift)")
    for line in (
        "| Output (cars through QG) | 5 |",
        "| Plan so far | 12 |",
        "| Cars behind plan | 7 (7 behind) |",
        "| Takt time | 38m 45s |",
        "| First-pass yield | 40.0 % (2 of 5) |",
        "| DPHU | 60.0 |",
        "| OEE | 12.9 % | availability × performance × quality |",
        "| Availability | 75.3 % | run 350 min of 465 min planned (115 min line downtime) |",
        "| Performance | 42.9 % | 5 car(s) × ideal cycle 30m 00s / run time |",
        "| Quality | 40.0 % | 2 first-pass of 5 car(s) |",
        "| 09:00 | 1.2 | 0 | 5 | 2 |  |",
        "| QG | 5 | 25m 00s | 36m 00s | 25m 00s | 20 min | bottleneck |",
        "Bottleneck: **QG** (longest median cycle time).",
        "| EQP Equipment fault | 55.0 | 2 | PAINT, TRIM1 |",
        "Line downtime: 115 min of production time.",
        "Work in progress: 3 car(s).",
        "### Open holds (1)",
        "### Cars in repair (1)",
        "### Open critical defects (2)",
        "- FINAL: STAFF Missing operator, since 2026-11-26 14:00",
        "- 14:35 Leila Chraibi: PAINT oven fault at 09:00 | maintenance called.",
    ):
        assert line in text, line
    assert "Released with supervisor approval" in text
    assert "No production" not in text


def test_csv_report_rows(summary: ShiftSummary) -> None:
    rows = list(csv.DictReader(io.StringIO(render_shift_report(summary, "csv"))))
    assert list(rows[0]) == ["section", "item", "value", "unit", "detail"]
    value = {(r["section"], r["item"]): r["value"] for r in rows}
    assert value["pace", "output"] == "5" and value["pace", "cars_behind"] == "7"
    assert value["quality", "fpy"] == "40.0" and value["quality", "dphu"] == "60.0"
    assert float(value["oee", "oee"]) == round(summary.oee.oee * 100, 2)  # type: ignore[union-attr]
    assert value["downtime", "line"] == "115.0" and value["downtime", "EQP"] == "55.0"
    assert value["bottleneck", "QG"] == ""
    assert value["hourly", "10:00"] == "2"
    assert value["line_now", "wip"] == "3"
    assert value["open_critical_defects", "count"] == "2"
    assert [r["item"] for r in rows if r["section"] == "hold"] == [c.vin for c in summary.line.held]


def test_no_production_report_says_so(db: Database) -> None:
    with db.read() as session:
        empty = shift_summary(session, date(2026, 11, 27), "A", now=local(27, 16))
    text = render_shift_report(empty, "md")
    assert "**No production in this shift: no car passed QG between 06:00 and 14:30.**" in text
    assert "| First-pass yield | – (0 of 0) |" in text and "| DPHU | – |" in text
    assert "| OEE | 0.0 % |" in text
    data = json.loads(render_shift_report(empty, "json"))
    assert data["pace"]["no_production"] is True and data["quality"]["fpy"] is None
    assert data["oee"]["quality"] is None and data["oee"]["oee"] == 0.0
    rows = {
        (r["section"], r["item"]): r for r in csv.DictReader(io.StringIO(render_shift_report(empty, "csv")))
    }
    assert rows["pace", "no_production"]["value"] == "yes"
    assert rows["quality", "fpy"]["value"] == ""
    early = render_shift_report(summary_before_start(db), "md")
    assert (
        "The shift has not started yet" in early
        and "No OEE for this shift: the shift has not started." in early
    )


def summary_before_start(db: Database) -> ShiftSummary:
    with db.read() as session:
        return shift_summary(session, date(2026, 11, 27), "A", now=local(27, 5))


def test_write_shift_report_to_its_default_file(
    shift_day: ShiftDay, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with shift_day.db.read() as session:
        written = write_shift_report(session, THURSDAY, "A", fmt="json", now=AFTER_SHIFT)
        summary = shift_summary(session, THURSDAY, "A", now=AFTER_SHIFT)
        folder = reports_folder(session)
    # Not the current folder: the plant's reports folder, by default "reports" beside the database.
    db_folder = Path(str(shift_day.db.engine.url.database)).resolve().parent
    assert folder == db_folder / "reports" and written.is_absolute()
    assert written == folder / "handover-2026-11-26-A.json"
    assert written.name == default_shift_report_name(summary, "json")
    assert json.loads(written.read_text("utf-8")) == json.loads(render_shift_report(summary, "json"))
    with pytest.raises(InvalidInput, match="does not exist"):
        save_report("x", tmp_path / "missing" / "r.md")
    with pytest.raises(InvalidInput, match="is a folder"):
        save_report("x", tmp_path)
    with pytest.raises(InvalidInput, match="not one of md, csv, json"):
        render_shift_report(summary, "pdf")


def test_the_reports_folder_comes_from_the_plant_config(shift_day: ShiftDay, tmp_path: Path) -> None:
    with shift_day.db.write() as session:
        session.add(PlantSetting(key="reports_folder", value=str(tmp_path / "handovers")))
    with shift_day.db.read() as session:
        assert reports_folder(session) == tmp_path / "handovers"
        assert report_path(session, "x.md") == tmp_path / "handovers" / "x.md"
        with pytest.raises(InvalidInput, match="not a file name"):
            report_path(session, "../x.md")
        written = write_shift_report(session, THURSDAY, "A", now=AFTER_SHIFT)
    assert written == tmp_path / "handovers" / "handover-2026-11-26-A.md" and written.exists()
    with shift_day.db.write() as session:
        session.merge(PlantSetting(key="reports_folder", value="out/reports"))
    with shift_day.db.read() as session:
        db_folder = Path(str(shift_day.db.engine.url.database)).resolve().parent
        assert reports_folder(session) == db_folder / "out" / "reports"


def test_trend_report(shift_day: ShiftDay) -> None:
    with shift_day.db.read() as session:
        report = trend(session, date(2026, 11, 24), THURSDAY, now=AFTER_SHIFT)
    data = json.loads(render_trend_report(report, "json"))
    assert data == json.loads(json.dumps(trend_report_data(report)))
    assert [d["output"] for d in data["days"]] == [d.output for d in report.days] == [0, 1, 6]
    assert [d["fpy"] for d in data["days"]] == [d.fpy for d in report.days]
    assert data["total"]["output"] == 7 and data["total"]["date"] is None
    assert data["days"][2]["oee"]["oee"] == report.days[2].oee.oee  # type: ignore[union-attr]
    rows = list(csv.DictReader(io.StringIO(render_trend_report(report, "csv"))))
    assert [r["date"] for r in rows] == ["2026-11-24", "2026-11-25", "2026-11-26", "total"]
    assert [r["output"] for r in rows] == ["0", "1", "6", "7"]
    assert rows[2]["fpy_pct"] == "50.0" and rows[2]["dphu"] == "50.0" and rows[2]["weekday"] == "thu"
    text = render_trend_report(report, "md")
    assert "| thu 2026-11-26 | A B | 12 | 6 | +6 | 50.0 % | 50.0 | 115 min |" in text
    assert "| **Total** | A B | 36 | 7 | +29 |" in text
    assert "No production in this period" not in text


def test_the_handover_report_gives_fpy_and_dphu_by_station(summary: ShiftSummary) -> None:
    text = render_shift_report(summary, "md")
    section = text.split("### Quality by station, where the defects were found", 1)[1]
    qg = next(q for q in summary.quality_by_station if q.station == "QG")
    assert f"| QG | {qg.cars} | {qg.first_pass} |" in section
    data = json.loads(render_shift_report(summary, "json"))
    assert [row["station"] for row in data["quality"]["by_station"]] == [
        q.station for q in summary.quality_by_station
    ]
