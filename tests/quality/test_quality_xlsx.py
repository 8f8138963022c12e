"""`neofloor defect list|catalog|pareto --format xlsx --out FILE`: the lists as spreadsheets."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from openpyxl import load_workbook

from neofloor.reports.xlsx import DURATION_FORMAT, PERCENT_FORMAT
from neofloor.services.plant.clock import to_local
from neofloor.store.types import utcnow
from tests.quality.test_cli_quality import add, car, cli  # noqa: F401  (fixtures)


def test_list_catalog_and_pareto_as_xlsx(cli, car: str, tmp_path: Path) -> None:  # noqa: F811
    add(cli, car, "WL-DOOR", "left")
    add(cli, car, "WL-DOOR", "right")
    add(cli, car, "WL-ROOF", "roof")

    code, out, err = cli("defect", "list", "--format", "xlsx")
    assert code != 0 and out == "" and "give --out FILE.xlsx" in err
    code, _, err = cli("defect", "list", "--out", str(tmp_path / "x.xlsx"))
    assert code != 0 and "--format xlsx" in err and not (tmp_path / "x.xlsx").exists()

    listing = tmp_path / "defects.xlsx"
    code, out, _ = cli("defect", "list", "--format", "xlsx", "--out", str(listing))
    assert code == 0 and out == f"3 row(s) written to {listing}.\n"
    sheet = load_workbook(listing)["Defects"]
    assert sheet.freeze_panes == "A2"
    header = [c.value for c in sheet[1]]
    first = dict(zip(header, sheet[2], strict=True))
    assert first["vin"].value == car and isinstance(first["id"].value, int)
    assert isinstance(first["found_at"].value, datetime) and first["found_at"].value.tzinfo is None
    assert first["age"].number_format == DURATION_FORMAT and isinstance(first["age"].value, timedelta)

    catalog = tmp_path / "catalog.xlsx"
    code, _, _ = cli("defect", "catalog", "wl", "--format", "xlsx", "--out", str(catalog))
    rows = list(load_workbook(catalog)["Defect catalog"].iter_rows(min_row=2, values_only=True))
    assert code == 0 and rows[0][1] == "WL-DOOR" and isinstance(rows[0][0], int)

    today = to_local(utcnow(), "Africa/Casablanca").date()
    period = ("--from", str(today - timedelta(days=1)), "--to", str(today + timedelta(days=1)))
    pareto = tmp_path / "pareto.xlsx"
    code, _, _ = cli("defect", "pareto", *period, "--format", "xlsx", "--out", str(pareto))
    sheet = load_workbook(pareto).active
    assert code == 0 and sheet.title.startswith("Pareto ")
    rows = list(sheet.iter_rows(min_row=2))
    assert [(r[1].value, r[4].value) for r in rows] == [("WL-DOOR", 2), ("WL-ROOF", 1)]
    assert rows[0][5].value == 2 / 3 and rows[0][5].number_format == PERCENT_FORMAT
