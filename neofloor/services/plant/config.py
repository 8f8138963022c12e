"""The plant config: a TOML file of stations, models, shifts, catalogs and people.

``load_plant_config`` parses and checks a file without touching the database;
``init_plant`` writes a checked config into an empty database in one transaction.
The format is documented in docs/plant-config.md.
"""

from __future__ import annotations

import hashlib
import os
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlmodel import Session, col, select

from neofloor.services.plant.errors import ConfigError, RuleViolation
from neofloor.services.plant.shifts import WEEKDAYS, ShiftDefinition, build_calendar, parse_shift
from neofloor.store.models import (
    ZONES,
    Color,
    DefectCatalogEntry,
    DowntimeReason,
    FinancingPartner,
    Operator,
    OperatorStation,
    PlantSetting,
    Role,
    Severity,
    Shift,
    Station,
    StationKind,
    VehicleModel,
    WorkInstruction,
)

DEMO_PLANT_RESOURCE = "demo_plant.toml"
# A shift's days are written with the shift calendar's day names.
DAY_NAMES = WEEKDAYS
DEFECT_CATEGORIES = (
    "paint",
    "body",
    "assembly",
    "electrical",
    "water_leak",
    "noise",
    "function",
    "fluids",
    "hv_system",
)


@dataclass(frozen=True)
class PlantConfig:
    """A parsed, checked plant config (plain data, no database)."""

    name: str
    timezone: str
    vin_check_digit: bool
    wmi: str
    stations: list[dict[str, Any]]
    models: list[dict[str, Any]]
    colors: list[dict[str, Any]]
    shifts: list[dict[str, Any]]
    defects: list[dict[str, Any]]
    downtime_reasons: list[dict[str, Any]]
    financing_partners: list[dict[str, Any]]
    operators: list[dict[str, Any]]
    work_instructions: list[dict[str, Any]] = field(default_factory=list)
    # Where reports are written: a folder, relative to the database's folder unless absolute.
    reports_folder: str = ""
    # A second scan of a car at a station within this many seconds is ignored (a scanner's double fire).
    double_scan_seconds: float = 2.0

    @property
    def route(self) -> list[str]:
        """Station codes in route order (off-line stations excluded)."""
        return [s["code"] for s in self.stations if s["kind"] != StationKind.REPAIR]


def demo_plant_text() -> str:
    return resources.files("neofloor.data").joinpath(DEMO_PLANT_RESOURCE).read_text("utf-8")


def load_plant_config(path: str | os.PathLike[str] | None = None) -> PlantConfig:
    """Parse and check a plant config file (the demo plant's when no path is given)."""
    if path is None:
        text, where = demo_plant_text(), "demo plant"
    else:
        try:
            text, where = Path(path).read_text("utf-8"), str(path)
        except OSError as exc:
            raise ConfigError(f"Cannot read plant config {path}: {exc.strerror}.") from exc
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{where} is not valid TOML: {exc}.") from exc
    return _check_config(raw, where)


def _need(table: dict[str, Any], key: str, where: str, kind: type = str) -> Any:
    if key not in table:
        raise ConfigError(f"{where}: missing '{key}'.")
    value = table[key]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ConfigError(f"{where}: '{key}' should be a {kind.__name__}.")
    return value


def _entries(raw: dict[str, Any], key: str, where: str, *, required: bool = True) -> list[dict[str, Any]]:
    entries = raw.get(key, [])
    if required and not entries:
        raise ConfigError(f"{where}: needs at least one [[{key}]] entry.")
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise ConfigError(f"{where}: '{key}' should be a list of tables ([[{key}]]).")
    codes = [e.get("code", e.get("badge")) for e in entries]
    dupes = sorted({c for c in codes if c is not None and codes.count(c) > 1})
    if dupes:
        raise ConfigError(f"{where}: duplicate {key} {', '.join(map(str, dupes))}.")
    return entries


def _check_shifts(shifts: list[dict[str, Any]], timezone: str, where: str) -> None:
    """The shifts as the shift calendar will read them: times, breaks, days, no two overlapping."""
    definitions: list[ShiftDefinition] = []
    for sh in shifts:
        here = f"{where} shift {sh.get('code')}"
        code = _need(sh, "code", here)
        start, end = _need(sh, "start", here), _need(sh, "end", here)
        target = _need(sh, "target_cars", here, int) if "target_cars" in sh else 0
        try:
            definitions.append(
                parse_shift(
                    code,
                    str(sh.get("name", code)),
                    start,
                    end,
                    ",".join(map(str, sh.get("breaks", []))),
                    ",".join(map(str, sh.get("days", DAY_NAMES[:5]))),
                    target,
                )
            )
        except ConfigError as exc:
            raise ConfigError(f"{where}: {exc}") from exc
    try:
        build_calendar(timezone, definitions)
    except ConfigError as exc:
        raise ConfigError(f"{where}: {exc}") from exc


def _check_config(raw: dict[str, Any], where: str) -> PlantConfig:
    plant = raw.get("plant")
    if not isinstance(plant, dict):
        raise ConfigError(f"{where}: missing the [plant] table.")
    name = _need(plant, "name", f"{where} [plant]")
    timezone = plant.get("timezone", "UTC")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(f"{where} [plant]: unknown time zone '{timezone}'.") from exc
    wmi = str(plant.get("wmi", ""))

    stations = _entries(raw, "stations", where)
    kinds = {k.value for k in StationKind}
    for i, st in enumerate(stations, 1):
        here = f"{where} station {i}"
        _need(st, "code", here)
        _need(st, "name", here)
        if st.get("kind", "work") not in kinds:
            raise ConfigError(f"{here}: kind '{st.get('kind')}' is not one of {', '.join(sorted(kinds))}.")
        st.setdefault("kind", "work")
    codes = {s["code"] for s in stations}

    models = _entries(raw, "models", where)
    for m in models:
        _need(m, "code", f"{where} model")
        _need(m, "name", f"{where} model {m['code']}")
    colors = _entries(raw, "colors", where)
    shifts = _entries(raw, "shifts", where)
    _check_shifts(shifts, timezone, where)
    defects = _entries(raw, "defects", where)
    severities = {s.value for s in Severity}
    for d in defects:
        here = f"{where} defect {d.get('code')}"
        _need(d, "description", here)
        if d.get("category") not in DEFECT_CATEGORIES:
            raise ConfigError(f"{here}: category should be one of {', '.join(DEFECT_CATEGORIES)}.")
        if d.get("severity") not in severities:
            raise ConfigError(f"{here}: severity should be critical, major or minor.")
    reasons = _entries(raw, "downtime_reasons", where)
    partners = _entries(raw, "financing_partners", where, required=False)
    operators = _entries(raw, "operators", where)
    roles = {r.value for r in Role}
    for op in operators:
        here = f"{where} operator {op.get('badge')}"
        _need(op, "badge", here)
        _need(op, "name", here)
        if op.get("role") not in roles:
            raise ConfigError(f"{here}: role should be one of {', '.join(sorted(roles))}.")
        for code in op.get("stations", []):
            if code not in codes:
                raise ConfigError(f"{here}: unknown station {code}.")
    instructions = raw.get("work_instructions", [])
    model_codes = {m["code"] for m in models}
    for wi in instructions:
        here = f"{where} work instruction"
        if _need(wi, "station", here) not in codes:
            raise ConfigError(f"{here}: unknown station {wi['station']}.")
        if wi.get("model") and wi["model"] not in model_codes:
            raise ConfigError(f"{here}: unknown model {wi['model']}.")
        _need(wi, "text", here)
    assert set(ZONES)  # zones are fixed by the domain, not the config
    return PlantConfig(
        name=name,
        timezone=timezone,
        vin_check_digit=bool(plant.get("vin_check_digit", False)),
        wmi=wmi,
        stations=stations,
        models=models,
        colors=colors,
        shifts=shifts,
        defects=defects,
        downtime_reasons=reasons,
        financing_partners=partners,
        operators=operators,
        work_instructions=instructions,
        reports_folder=str(plant.get("reports_folder", "")),
        double_scan_seconds=_double_scan_seconds(plant.get("double_scan_seconds", 2)),
    )


def _double_scan_seconds(value: object) -> float:
    """The double-scan window: a number of seconds from 0 (none) to 60."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 60:
        raise ConfigError(
            f"[plant] double_scan_seconds must be a number of seconds from 0 to 60, not {value!r}."
        )
    return float(value)


def hash_pin(pin: str, badge: str) -> str:
    """A salted hash of an operator's PIN (the badge is the salt)."""
    digest = hashlib.pbkdf2_hmac("sha256", pin.encode(), f"neofloor:{badge}".encode(), 100_000)
    return "pbkdf2_sha256$100000$" + digest.hex()


def init_plant(session: Session, config: PlantConfig) -> None:
    """Write a plant config into an empty database."""
    if session.exec(select(col(Station.id)).limit(1)).first() is not None:
        raise RuleViolation("This database already holds a plant; use a new database file.")
    _add_settings(session, config)
    stations = _add_stations(session, config)
    models = _add_models(session, config)
    _add_reference_lists(session, config)
    session.flush()
    station_ids = {code: station.id for code, station in stations.items() if station.id is not None}
    _add_operators(session, config, station_ids)
    _add_work_instructions(session, config, station_ids, models)
    session.flush()


def _add_settings(session: Session, config: PlantConfig) -> None:
    settings = {
        "name": config.name,
        "timezone": config.timezone,
        "vin_check_digit": "true" if config.vin_check_digit else "false",
        "wmi": config.wmi,
    }
    if config.reports_folder:
        settings["reports_folder"] = config.reports_folder
    settings["double_scan_seconds"] = f"{config.double_scan_seconds:g}"
    session.add_all(PlantSetting(key=k, value=v) for k, v in settings.items())


def _add_stations(session: Session, config: PlantConfig) -> dict[str, Station]:
    """The stations, numbered along the line in file order (the repair bay is off the line)."""
    position = 0
    stations: dict[str, Station] = {}
    for st in config.stations:
        off_line = st["kind"] == StationKind.REPAIR
        if not off_line:
            position += 1
        station = Station(
            code=st["code"],
            name=st["name"],
            kind=st["kind"],
            position=None if off_line else position,
            ideal_cycle_seconds=st.get("ideal_cycle_seconds"),
            description=st.get("description", ""),
        )
        stations[station.code] = station
        session.add(station)
    return stations


def _add_models(session: Session, config: PlantConfig) -> dict[str, VehicleModel]:
    models: dict[str, VehicleModel] = {}
    for m in config.models:
        model = VehicleModel(
            code=m["code"],
            name=m["name"],
            powertrain=m.get("powertrain", "petrol"),
            vin_prefix=m.get("vin_prefix", ""),
        )
        models[model.code] = model
        session.add(model)
    return models


def _add_reference_lists(session: Session, config: PlantConfig) -> None:
    """Colors, shifts, the defect catalog, downtime reasons and financing partners."""
    session.add_all(Color(code=c["code"], name=c["name"]) for c in config.colors)
    session.add_all(
        Shift(
            code=sh["code"],
            name=sh.get("name", sh["code"]),
            start=sh["start"],
            end=sh["end"],
            breaks=",".join(sh.get("breaks", [])),
            days=",".join(sh.get("days", DAY_NAMES[:5])),
            target_cars=int(sh.get("target_cars", 0)),
        )
        for sh in config.shifts
    )
    session.add_all(
        DefectCatalogEntry(
            code=d["code"],
            description=d["description"],
            category=d["category"],
            default_severity=d["severity"],
        )
        for d in config.defects
    )
    session.add_all(
        DowntimeReason(code=r["code"], description=r["description"]) for r in config.downtime_reasons
    )
    session.add_all(
        FinancingPartner(code=p["code"], name=p["name"], kind=p.get("kind", "bank"))
        for p in config.financing_partners
    )


def _add_operators(session: Session, config: PlantConfig, station_ids: dict[str, int]) -> None:
    """The operators, each with the stations they are certified for."""
    for op in config.operators:
        pin = op.get("pin")
        operator = Operator(
            badge=str(op["badge"]),
            name=op["name"],
            role=op["role"],
            pin_hash=hash_pin(str(pin), str(op["badge"])) if pin is not None else None,
        )
        session.add(operator)
        session.flush()
        operator_id = operator.id
        assert operator_id is not None  # given by the flush
        session.add_all(
            OperatorStation(operator_id=operator_id, station_id=station_ids[code])
            for code in op.get("stations", [])
        )


def _add_work_instructions(
    session: Session, config: PlantConfig, station_ids: dict[str, int], models: dict[str, VehicleModel]
) -> None:
    session.add_all(
        WorkInstruction(
            station_id=station_ids[wi["station"]],
            model_id=models[wi["model"]].id if wi.get("model") else None,
            # Car options are stored upper-case; match them whatever the file's case.
            option=wi["option"].strip().upper() if wi.get("option") else None,
            text=wi["text"],
        )
        for wi in config.work_instructions
    )
