"""The handover and trend reports in French: the same numbers, the plant's French words and number format."""

from __future__ import annotations

from datetime import date

import pytest

from neofloor.reports.shift_report import render_shift_report
from neofloor.reports.shift_xlsx import shift_sheets
from neofloor.reports.trend_report import render_trend_report, trend_sheets
from neofloor.services.metrics.summary import ShiftSummary, shift_summary
from neofloor.services.metrics.trend import trend
from tests.metrics.builders import local
from tests.metrics.conftest import ShiftDay
from tests.reports.french import speaking_french

THURSDAY = date(2026, 11, 26)
AFTER_SHIFT = local(26, 14, 35)


@pytest.fixture
def summary(shift_day: ShiftDay) -> ShiftSummary:
    with shift_day.db.read() as session:
        return shift_summary(session, THURSDAY, "A", now=AFTER_SHIFT)


def test_markdown_report_reads_in_french(summary: ShiftSummary) -> None:
    english = render_shift_report(summary, "md")
    with speaking_french():
        text = render_shift_report(summary, "md")
    assert text.startswith("# Passation d'équipe : Aïn Aouda assembly, 2026-11-26 équipe A (Day shift)")
    for line in (
        "## Production par rapport au plan",
        "| Production (véhicules passés QG) | 5 |",
        "| Retard sur le plan | 7 (7 de retard) |",
        "| Rendement premier passage | 40,0 % (2 sur 5) |",
        "| DPHU | 60,0 |",
        "## TRS",
        "| TRS | 12,9 % | disponibilité × performance × qualité |",
        "| Disponibilité | 75,3 % | marche 350 min sur 465 min prévues (115 min d'arrêt de ligne) |",
        "| 09:00 | 1,2 | 0 | 5 | 2 |  |",
        "| QG | 5 | 25m 00s | 36m 00s | 25m 00s | 20 min | goulot |",
        "Arrêt de ligne : 115 min de temps de production.",
        "En-cours : 3 véhicule(s).",
        "### Blocages en cours (1)",
        "### Défauts critiques ouverts (2)",
    ):
        assert line in text, line
    # The stored words stay as they were typed; the English report is untouched by the visit.
    assert render_shift_report(summary, "md") == english


def test_csv_and_json_stay_english_for_scripts(summary: ShiftSummary) -> None:
    english = (render_shift_report(summary, "csv"), render_shift_report(summary, "json"))
    with speaking_french():
        assert (render_shift_report(summary, "csv"), render_shift_report(summary, "json")) == english


def test_spreadsheet_sheets_and_headers_read_in_french(summary: ShiftSummary) -> None:
    with speaking_french():
        sheets = shift_sheets(summary)
    names = [sheet.name for sheet in sheets]
    assert names[:4] == ["Équipe", "Cadence", "Par heure", "Qualité"]
    assert "TRS" in names and "Ligne maintenant" in names
    assert sheets[2].header[:3] == ("Heure", "Début", "Fin")


def test_trend_reads_in_french(shift_day: ShiftDay) -> None:
    with shift_day.db.read() as session:
        report = trend(session, THURSDAY, THURSDAY, now=AFTER_SHIFT)
    with speaking_french():
        text = render_trend_report(report, "md")
        sheets = trend_sheets(report)
    assert text.startswith("# Tendance : Aïn Aouda assembly, du 2026-11-26 au 2026-11-26")
    assert "| jeu 2026-11-26 |" in text and "| **Total** |" in text
    assert "| Jour | Équipes | Plan | Production | Retard |" in text
    assert sheets[0].name == "Tendance" and sheets[0].rows[0][1] == "jeu"
