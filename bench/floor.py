"""The floor: the same reads and writes as the services, by hand on a raw ``sqlite3`` connection.

What the app's figures are compared with. Each function does what its service
does on the database (same statements, same indexes, same transaction, same
SQLite settings: WAL, ``synchronous=FULL``, foreign keys, ``BEGIN IMMEDIATE``
for writes) without SQLAlchemy, SQLModel or the dataclasses the services return.
Rules that need no database (double scan, held car, sequence) are checked the
same way, so a raw scan refuses what a service scan refuses.
"""

from __future__ import annotations

import itertools
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

IN_PLANT = "state NOT IN ('finished', 'delivered')"
_CAR = (
    "SELECT id, vin, model_id, color_id, build_seq, order_ref, options, option_notes, planned_at, "
    "state, station_id, state_since, resume_state, return_station_id, hold_reason, "
    "last_scan_station_id, last_scan_at, first_start_at, finished_at, delivered_at, out_of_sequence, "
    "repair_visits, last_event_id FROM vehicle"
)


def sqlite_time(moment: datetime) -> str:
    """An aware time as the store keeps it on SQLite: naive UTC text with microseconds."""
    return moment.astimezone(UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")


class RawFloor:
    """A terminal's connection, opened as the store opens it, with the plant's stations in memory."""

    def __init__(self, path: Path) -> None:
        self.conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        for pragma in (
            "busy_timeout = 10000",
            "journal_mode = WAL",
            "synchronous = FULL",
            "foreign_keys = ON",
        ):
            self.conn.execute(f"PRAGMA {pragma}")
        rows = self.conn.execute("SELECT id, code, kind, position FROM station ORDER BY id").fetchall()
        self.station_id = {code: sid for sid, code, _kind, _pos in rows}
        self.kind = {sid: kind for sid, _code, kind, _pos in rows}
        route = sorted((pos, sid) for sid, _code, _kind, pos in rows if pos is not None)
        self.next_station = {a[1]: b[1] for a, b in itertools.pairwise(route)}
        self.production = {sid for sid, _c, kind, _p in rows if kind in ("work", "test", "quality_gate")}
        self.yard_id = next(sid for sid, _c, kind, _p in rows if kind == "yard")
        # Required serials per (station, model): a completion there checks them first, as the service does.
        self.required: dict[tuple[int, int], list[int]] = {}
        models = {code: mid for mid, code in self.conn.execute("SELECT id, code FROM vehicle_model")}
        for part_id, sid, model_codes in self.conn.execute(
            "SELECT id, station_id, models FROM component_part WHERE required ORDER BY id"
        ):
            for code, mid in models.items():
                if not model_codes or code in model_codes.split(","):
                    self.required.setdefault((sid, mid), []).append(part_id)
        self.last_production = max(
            ((pos, sid) for sid, _c, kind, pos in rows if pos is not None and sid in self.production)
        )[1]

    def close(self) -> None:
        self.conn.close()

    # --- after the line ---------------------------------------------------------------

    def component_by_serial(self, serial: str) -> list[tuple[Any, ...]]:
        """Where a serial is or was fitted, with its car and fitter, newest first."""
        return self.conn.execute(
            "SELECT f.id, v.vin, f.part_id, f.serial, f.lot, f.station_id, f.fitted_at, o.name, "
            "f.removed_at, r.name, f.removal_reason FROM fitted_component f "
            "JOIN vehicle v ON v.id = f.vehicle_id LEFT JOIN operator o ON o.id = f.fitted_by_id "
            "LEFT JOIN operator r ON r.id = f.removed_by_id "
            "WHERE f.serial = ? ORDER BY f.id DESC",
            (serial,),
        ).fetchall()

    def yard_list(self, limit: int = 50) -> list[tuple[Any, ...]]:
        """The yard's first page with each car's spot, latest PDI checks and serious open defects."""
        conn = self.conn
        where = "state IN ('finished', 'held') AND station_id = ?"
        conn.execute("BEGIN")
        try:
            conn.execute(f"SELECT count(*) FROM vehicle WHERE {where}", (self.yard_id,)).fetchone()
            cars = conn.execute(
                "SELECT v.id, v.vin, v.build_seq, v.model_id, v.color_id, v.finished_at, v.state_since, "
                "v.order_ref, v.state, v.hold_reason, y.spot FROM vehicle v "
                f"LEFT JOIN yard_place y ON y.vehicle_id = v.id WHERE v.{where.replace(' AND ', ' AND v.')} "
                "ORDER BY v.finished_at, v.id LIMIT ?",
                (self.yard_id, limit),
            ).fetchall()
            ids = [c[0] for c in cars]
            marks = ",".join("?" * len(ids))
            if ids:
                conn.execute(
                    "SELECT vehicle_id, item_id, passed, defect_id, at FROM pdi_check "
                    f"WHERE vehicle_id IN ({marks}) ORDER BY vehicle_id, id",
                    ids,
                ).fetchall()
                conn.execute(
                    f"SELECT DISTINCT vehicle_id FROM defect WHERE vehicle_id IN ({marks}) "
                    "AND severity IN ('critical', 'major') AND status IN ('open', 'repaired')",
                    ids,
                ).fetchall()
        finally:
            conn.execute("COMMIT")
        return cars

    # --- the scan -------------------------------------------------------------------

    def record_scan(self, station_code: str, vin: str, badge: str, terminal: str, now: datetime) -> str:
        """Start or complete the car at the station, in one ``BEGIN IMMEDIATE`` transaction."""
        conn = self.conn
        now_text = sqlite_time(now)
        station_id = self.station_id[station_code]
        conn.execute("BEGIN IMMEDIATE")
        try:
            operator = conn.execute(
                "SELECT id, badge, name, role, pin_hash, active FROM operator WHERE badge = ?", (badge,)
            ).fetchone()
            if operator is None or not operator[5]:
                raise LookupError(f"unknown badge {badge}")
            certified = {
                row[0]
                for row in conn.execute(
                    "SELECT station_id FROM operator_station WHERE operator_id = ?", (operator[0],)
                )
            }
            if operator[3] == "operator" and station_id not in certified:
                raise PermissionError(f"{badge} not certified for {station_code}")
            car = conn.execute(f"{_CAR} WHERE vin = ?", (vin,)).fetchone()
            if car is None:
                raise LookupError(f"unknown VIN {vin}")
            vehicle_id, build_seq, state, car_station = car[0], car[4], car[9], car[10]
            if car[15] == station_id and car[16] is not None and _seconds(car[16], now) < 5:
                raise ValueError("double scan")
            if state in ("held", "in_repair", "finished", "delivered"):
                raise ValueError(f"{vin} is {state}")
            if car_station != station_id:
                raise ValueError(f"{vin} is not at {station_code}")
            if state in ("planned", "queued"):
                action = self._start(vehicle_id, build_seq, station_id, operator[0], terminal, now_text, car)
            else:
                action = self._complete(vehicle_id, station_id, operator[0], terminal, now_text, now, car[2])
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        return action

    def _event(self, vehicle_id: int, station_id: int, kind: str, operator_id: int, terminal: str,
               now_text: str) -> int:  # fmt: skip
        cursor = self.conn.execute(
            "INSERT INTO station_event (vehicle_id, station_id, kind, at, operator_id, terminal, note) "
            "VALUES (?, ?, ?, ?, ?, ?, '')",
            (vehicle_id, station_id, kind, now_text, operator_id, terminal),
        )
        return int(cursor.lastrowid or 0)

    def _start(self, vehicle_id: int, build_seq: int, station_id: int, operator_id: int, terminal: str,
               now_text: str, car: tuple[Any, ...]) -> str:  # fmt: skip
        conn = self.conn
        earlier = conn.execute(
            "SELECT id FROM vehicle WHERE station_id = ? AND build_seq < ? "
            f"AND state IN ('planned', 'queued') AND {IN_PLANT} LIMIT 1",
            (station_id, build_seq),
        ).fetchone()
        out_of_sequence = int(earlier is not None)
        event_id = self._event(vehicle_id, station_id, "start", operator_id, terminal, now_text)
        conn.execute(
            "INSERT INTO station_visit (vehicle_id, station_id, started_at, operator_id, out_of_sequence) "
            "VALUES (?, ?, ?, ?, ?)",
            (vehicle_id, station_id, now_text, operator_id, out_of_sequence),
        )
        conn.execute(
            "UPDATE vehicle SET state = 'in_station', state_since = ?, last_scan_station_id = ?, "
            "last_scan_at = ?, first_start_at = ?, out_of_sequence = ?, last_event_id = ? WHERE id = ?",
            (now_text, station_id, now_text, car[17] or now_text, out_of_sequence, event_id, vehicle_id),
        )
        return "started"

    def _complete(self, vehicle_id: int, station_id: int, operator_id: int, terminal: str, now_text: str,
                  now: datetime, model_id: int) -> str:  # fmt: skip
        conn = self.conn
        required = self.required.get((station_id, model_id))
        if required:
            fitted = conn.execute(
                f"SELECT count(*) FROM fitted_component WHERE vehicle_id = ? "
                f"AND part_id IN ({', '.join('?' * len(required))}) AND removed_at IS NULL",
                (vehicle_id, *required),
            ).fetchone()[0]
            if fitted < len(required):
                raise ValueError("serials missing")
        if self.kind[station_id] == "quality_gate":
            blocking = conn.execute(
                "SELECT defect_catalog.code, defect.id, defect.severity, defect.status FROM defect "
                "JOIN defect_catalog ON defect_catalog.id = defect.catalog_id WHERE defect.vehicle_id = ? "
                "AND defect.severity IN ('critical', 'major') AND defect.status IN ('open', 'repaired') "
                "ORDER BY defect.id",
                (vehicle_id,),
            ).fetchall()
            if blocking:
                raise ValueError("gate blocked")
        event_id = self._event(vehicle_id, station_id, "complete", operator_id, terminal, now_text)
        visit_id = conn.execute(
            "SELECT max(id) FROM station_visit WHERE vehicle_id = ? AND station_id = ?",
            (vehicle_id, station_id),
        ).fetchone()[0]
        if visit_id is not None:
            started = conn.execute(
                "SELECT started_at FROM station_visit WHERE id = ?", (visit_id,)
            ).fetchone()[0]
            conn.execute(
                "UPDATE station_visit SET completed_at = ?, cycle_seconds = ? WHERE id = ?",
                (now_text, _seconds(started, now), visit_id),
            )
        following = self.next_station.get(station_id)
        if station_id == self.last_production or following is None or following not in self.production:
            conn.execute(
                "UPDATE vehicle SET state = 'finished', station_id = ?, finished_at = ?, state_since = ?, "
                "last_scan_station_id = ?, last_scan_at = ?, last_event_id = ? WHERE id = ?",
                (self.yard_id, now_text, now_text, station_id, now_text, event_id, vehicle_id),
            )
        else:
            conn.execute(
                "UPDATE vehicle SET state = 'queued', station_id = ?, state_since = ?, "
                "last_scan_station_id = ?, last_scan_at = ?, last_event_id = ? WHERE id = ?",
                (following, now_text, station_id, now_text, event_id, vehicle_id),
            )
        return "completed"

    # --- what the floor reads ---------------------------------------------------------

    def station_queue(self, station_code: str, limit: int = 50) -> list[tuple[Any, ...]]:
        return self.conn.execute(
            f"{_CAR} WHERE station_id = ? AND {IN_PLANT} AND (state IN ('planned', 'queued') "
            "OR (state = 'held' AND resume_state IN ('planned', 'queued'))) ORDER BY build_seq LIMIT ?",
            (self.station_id[station_code], limit),
        ).fetchall()

    def cars_in_station(self, station_code: str, limit: int = 32) -> list[tuple[Any, ...]]:
        return self.conn.execute(
            f"{_CAR} WHERE station_id = ? AND {IN_PLANT} AND (state = 'in_station' "
            "OR (state = 'held' AND resume_state = 'in_station')) "
            "ORDER BY state_since DESC, build_seq LIMIT ?",
            (self.station_id[station_code], limit),
        ).fetchall()

    def line_board(self) -> list[tuple[Any, ...]]:
        conn = self.conn
        conn.execute("BEGIN")
        try:
            counts = conn.execute(
                "SELECT station_id, state, resume_state, count(*) FROM vehicle "
                f"WHERE {IN_PLANT} AND station_id IS NOT NULL GROUP BY station_id, state, resume_state"
            ).fetchall()
            stops = conn.execute(
                "SELECT station_id, started_at FROM downtime WHERE ended_at IS NULL"
            ).fetchall()
            columns = [
                (code, self.cars_in_station(code)[:8], self.station_queue(code, 8))
                for code, sid in self.station_id.items()
                if sid in self.production or self.kind[sid] == "repair"
            ]
        finally:
            conn.execute("COMMIT")
        return [(counts, stops), *columns]

    def vehicle_history(self, vin: str) -> tuple[Any, ...]:
        conn = self.conn
        conn.execute("BEGIN")
        try:
            car = conn.execute(f"{_CAR} WHERE vin = ?", (vin,)).fetchone()
            vehicle_id = car[0]
            events = conn.execute(
                "SELECT station_event.id, at, kind, station_id, operator.name, terminal, note "
                "FROM station_event LEFT OUTER JOIN operator ON operator.id = station_event.operator_id "
                "WHERE vehicle_id = ? ORDER BY station_event.id",
                (vehicle_id,),
            ).fetchall()
            stays = conn.execute(
                "SELECT station.code, started_at, completed_at, cycle_seconds, operator.name "
                "FROM station_visit JOIN station ON station.id = station_visit.station_id "
                "LEFT OUTER JOIN operator ON operator.id = station_visit.operator_id "
                "WHERE vehicle_id = ? ORDER BY started_at, station_visit.id",
                (vehicle_id,),
            ).fetchall()
            defects = conn.execute(
                "SELECT defect.id, defect_catalog.code, defect_catalog.description, zone, severity, status, "
                "station.code, found_at FROM defect "
                "JOIN defect_catalog ON defect_catalog.id = defect.catalog_id "
                "JOIN station ON station.id = defect.station_id WHERE vehicle_id = ? ORDER BY defect.id",
                (vehicle_id,),
            ).fetchall()
            color = conn.execute("SELECT name FROM color WHERE id = ?", (car[3],)).fetchone()
            model = conn.execute("SELECT name FROM vehicle_model WHERE id = ?", (car[2],)).fetchone()
        finally:
            conn.execute("COMMIT")
        return car, events, stays, defects, color, model


def _seconds(earlier_text: str, now: datetime) -> float:
    earlier = datetime.fromisoformat(earlier_text).replace(tzinfo=UTC)
    return (now - earlier).total_seconds()
