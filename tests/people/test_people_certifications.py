"""Certifications that expire: an expired one refuses the scan with the day it expired; the skills
matrix flags what expires within 30 days; `neofloor operator list --format csv` lists them."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from pathlib import Path

import pytest

from neofloor.cli import main
from neofloor.services.people.certifications import CertStatus, certify, skills_matrix
from neofloor.services.plant.errors import PermissionDenied
from neofloor.services.plant.operators import operator_by_badge
from neofloor.services.scan import record_scan
from neofloor.store.engine import Database
from tests.conftest import ROUTE, T0, plan_cars, run_through


def test_an_expired_certification_refuses_the_scan_with_its_date(db: Database) -> None:
    """Youssef's EOL certification (demo data) ran out on 3 Nov 2026."""
    (vin,) = plan_cars(db, 1)
    at = run_through(db, vin, ROUTE[:6], T0)
    with pytest.raises(PermissionDenied) as refused, db.write() as session:
        record_scan(session, "EOL", vin, "1001", "t", now=at)
    assert str(refused.value) == "Youssef El Amrani's certification for EOL expired on 3 Nov 2026."


def test_a_renewed_certification_lets_the_scan_through(db: Database) -> None:
    (vin,) = plan_cars(db, 1)
    at = run_through(db, vin, ROUTE[:6], T0)
    with db.write() as session:
        admin = operator_by_badge(session, "9001", now=at)
        certify(
            session,
            admin,
            "1001",
            "EOL",
            certified_on=date(2026, 11, 20),
            expires_on=date(2028, 11, 20),
            programme="OFPPT — recyclage",
            now=at,
        )
    with db.write() as session:
        assert record_scan(session, "EOL", vin, "1001", "t", now=at).action == "started"


def test_the_skills_matrix_flags_expiring_and_expired(db: Database) -> None:
    with db.read() as session:
        matrix = skills_matrix(session, now=T0)
    cells = {(row.badge, c.station): c for row in matrix.rows for c in row.cells}
    assert cells[("1001", "EOL")].status == CertStatus.EXPIRED
    assert cells[("1002", "TRIM2")].status == CertStatus.EXPIRING  # 20 Dec 2026, 24 days after T0
    assert cells[("1002", "TRIM1")].status == CertStatus.VALID
    assert cells[("1002", "BODY")].status == CertStatus.NONE
    assert cells[("1002", "TRIM1")].programme.startswith("OFPPT")
    assert "EOL-RIG" in {row.badge for row in matrix.rows}
    with db.read() as session:
        later = skills_matrix(session, now=T0 + timedelta(days=30))
    assert {(r.badge, c.station): c.status for r in later.rows for c in r.cells}[
        ("1002", "TRIM2")
    ] == CertStatus.EXPIRED


def test_operator_list_as_csv(db: Database, db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", str(db_path), "operator", "list", "--format", "csv"]) == 0
    listed = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    eol = next(r for r in listed if r["badge"] == "1001" and r["station"] == "EOL")
    assert (eol["status"], eol["expires_on"]) == ("expired", "2026-11-03")


def test_operator_add_then_sign_in_with_the_new_pin(
    db: Database, db_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("NEOFLOOR_NEW_PIN", "55667788")
    assert (
        main(
            [
                "--db",
                str(db_path),
                "operator",
                "add",
                "1077",
                "--name",
                "Aïcha Bennani",
                "--role",
                "operator",
                "--operator",
                "9001",
            ]
        )
        == 0
    )
    assert (
        main(
            [
                "--db",
                str(db_path),
                "operator",
                "add",
                "1078",
                "--name",
                "X",
                "--role",
                "operator",
                "--operator",
                "1001",
            ]
        )
        == 5
    )
    monkeypatch.setenv("NEOFLOOR_PIN", "55667788")
    assert (
        main(
            [
                "--db",
                str(db_path),
                "andon",
                "raise",
                "--station",
                "BODY",
                "--reason",
                "MAT",
                "--operator",
                "1077",
            ]
        )
        == 5
    )
    assert "not certified for BODY" in capsys.readouterr().err
