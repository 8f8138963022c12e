"""The plant config: a TOML file of stations, models, shifts, catalogs and people.

``load_plant_config`` parses and checks a file without touching the database;
``init_plant`` writes a checked config into an empty database in one transaction.
The format is documented in docs/plant-config.md.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlmodel import Session, col, select

from neofloor.i18n import LANGUAGES, UnknownLanguage, _, normalise_language
from neofloor.services.plant.errors import ConfigError, RuleViolation
from neofloor.services.plant.pins import demo_salt, hash_pin
from neofloor.services.plant.shifts import WEEKDAYS, ShiftDefinition, build_calendar, parse_shift
from neofloor.store.models import (
    ZONES,
    Color,
    ComponentPart,
    DefectCatalogEntry,
    DowntimeReason,
    FinancingPartner,
    Operator,
    OperatorStation,
    PdiItem,
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
IDLE_SIGN_OUT_DEFAULT = 10
STATION_SECRET_MIN = 12
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
    # Parts whose serial is captured (code, name, station, models, format, required), the
    # pre-delivery checklist (code, name, models) and the yard's rows and places per row;
    # each entry's ``models`` is resolved to model codes, empty for every model.
    components: list[dict[str, Any]] = field(default_factory=list)
    pdi_items: list[dict[str, Any]] = field(default_factory=list)
    yard_rows: tuple[str, ...] = ()
    yard_places: int = 0
    # Automated stations' accounts: badge, name, station, secret (hashed at init).
    station_accounts: list[dict[str, Any]] = field(default_factory=list)
    idle_sign_out_minutes: int = 10
    # Where reports are written: a folder, relative to the database's folder unless absolute.
    reports_folder: str = ""
    # A second scan of a car at a station within this many seconds is ignored (a scanner's double fire).
    double_scan_seconds: float = 2.0
    # The language the plant's terminals speak unless told otherwise (en, fr); empty: English.
    language: str = ""

    @property
    def route(self) -> list[str]:
        """Station codes in route order (off-line stations excluded)."""
        return [s["code"] for s in self.stations if s["kind"] != StationKind.REPAIR]


def demo_plant_text() -> str:
    return resources.files("neofloor.data").joinpath(DEMO_PLANT_RESOURCE).read_text("utf-8")


def load_plant_config(path: str | os.PathLike[str] | None = None) -> PlantConfig:
    """Parse and check a plant config file (the demo plant's when no path is given)."""
    if path is None:
        text, where = demo_plant_text(), _("demo plant")
    else:
        try:
            text, where = Path(path).read_text("utf-8"), str(path)
        except OSError as exc:
            raise ConfigError(
                _("Cannot read plant config {path}: {strerror}.").format(
                    path=path, strerror=exc.strerror
                )
            ) from exc
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(_("{where} is not valid TOML: {exc}.").format(where=where, exc=exc)) from exc
    return _check_config(raw, where)


def _need(table: dict[str, Any], key: str, where: str, kind: type = str) -> Any:
    if key not in table:
        raise ConfigError(_("{where}: missing '{key}'.").format(where=where, key=key))
    value = table[key]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ConfigError(
            _("{where}: '{key}' should be a {kind}.").format(
                where=where, key=key, kind=kind.__name__
            )
        )
    return value


def _entries(raw: dict[str, Any], key: str, where: str, *, required: bool = True) -> list[dict[str, Any]]:
    entries = raw.get(key, [])
    if required and not entries:
        raise ConfigError(_("{where}: needs at least one [[{key}]] entry.").format(where=where, key=key))
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise ConfigError(
            _("{where}: '{key}' should be a list of tables ([[{key}]]).").format(
                where=where, key=key
            )
        )
    codes = [e.get("code", e.get("badge")) for e in entries]
    dupes = sorted({c for c in codes if c is not None and codes.count(c) > 1})
    if dupes:
        raise ConfigError(
            _("{where}: duplicate {key} {codes}.").format(
                where=where, key=key, codes=', '.join(map(str, dupes))
            )
        )
    return entries


def _check_shifts(shifts: list[dict[str, Any]], timezone: str, where: str) -> None:
    """The shifts as the shift calendar will read them: times, breaks, days, no two overlapping."""
    definitions: list[ShiftDefinition] = []
    for sh in shifts:
        here = _("{where} shift {code}").format(where=where, code=sh.get('code'))
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


def _certification(entry: Any, op: dict[str, Any], here: str, codes: set[str]) -> dict[str, Any]:
    """A certification as a table: a bare station code takes the operator's dates and programme."""
    cert = {"station": entry} if isinstance(entry, str) else dict(entry) if isinstance(entry, dict) else None
    if cert is None or not isinstance(cert.get("station"), str):
        raise ConfigError(_("{here}: a station is a code or a table with 'station'.").format(here=here))
    if cert["station"] not in codes:
        raise ConfigError(_("{here}: unknown station {cert}.").format(here=here, cert=cert['station']))
    for key in ("certified_on", "expires_on"):
        value = cert.get(key, op.get(key))
        if value is not None and not isinstance(value, date):
            raise ConfigError(_("{here}: {key} should be a date (YYYY-MM-DD).").format(here=here, key=key))
        cert[key] = value
    cert["programme"] = str(cert.get("programme", op.get("programme", "")))
    return cert


def _check_config(raw: dict[str, Any], where: str) -> PlantConfig:
    plant = raw.get("plant")
    if not isinstance(plant, dict):
        raise ConfigError(_("{where}: missing the [plant] table.").format(where=where))
    name = _need(plant, "name", _("{where} [plant]").format(where=where))
    timezone = plant.get("timezone", "UTC")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(
            _("{where} [plant]: unknown time zone '{timezone}'.").format(
                where=where, timezone=timezone
            )
        ) from exc
    wmi = str(plant.get("wmi", ""))

    stations = _entries(raw, "stations", where)
    kinds = {k.value for k in StationKind}
    for i, st in enumerate(stations, 1):
        here = _("{where} station {i}").format(where=where, i=i)
        _need(st, "code", here)
        _need(st, "name", here)
        if st.get("kind", "work") not in kinds:
            raise ConfigError(
                _("{here}: kind '{kind}' is not one of {kinds}.").format(
                    here=here, kind=st.get('kind'), kinds=', '.join(sorted(kinds))
                )
            )
        st.setdefault("kind", "work")
    codes = {s["code"] for s in stations}

    models = _entries(raw, "models", where)
    for m in models:
        _need(m, "code", _("{where} model").format(where=where))
        _need(m, "name", _("{where} model {code}").format(where=where, code=m['code']))
    colors = _entries(raw, "colors", where)
    shifts = _entries(raw, "shifts", where)
    _check_shifts(shifts, timezone, where)
    defects = _entries(raw, "defects", where)
    severities = {s.value for s in Severity}
    for d in defects:
        here = _("{where} defect {code}").format(where=where, code=d.get('code'))
        _need(d, "description", here)
        if d.get("category") not in DEFECT_CATEGORIES:
            raise ConfigError(
                _("{here}: category should be one of {DEFECT_CATEGORIES}.").format(
                    here=here, DEFECT_CATEGORIES=', '.join(DEFECT_CATEGORIES)
                )
            )
        if d.get("severity") not in severities:
            raise ConfigError(_("{here}: severity should be critical, major or minor.").format(here=here))
    reasons = _entries(raw, "downtime_reasons", where)
    partners = _entries(raw, "financing_partners", where, required=False)
    operators = _entries(raw, "operators", where)
    roles = {r.value for r in Role}
    for op in operators:
        here = _("{where} operator {badge}").format(where=where, badge=op.get('badge'))
        _need(op, "badge", here)
        _need(op, "name", here)
        if op.get("role") not in roles:
            raise ConfigError(
                _("{here}: role should be one of {roles}.").format(
                    here=here, roles=', '.join(sorted(roles))
                )
            )
        op["stations"] = [_certification(entry, op, here, codes) for entry in op.get("stations", [])]
    accounts = _entries(raw, "station_accounts", where, required=False)
    for account in accounts:
        here = _("{where} station account {badge}").format(where=where, badge=account.get('badge'))
        _need(account, "badge", here)
        _need(account, "name", here)
        if _need(account, "station", here) not in codes:
            raise ConfigError(
                _("{here}: unknown station {account}.").format(
                    here=here, account=account['station']
                )
            )
        if len(str(_need(account, "secret", here))) < STATION_SECRET_MIN:
            raise ConfigError(
                _("{here}: the secret needs at least {STATION_SECRET_MIN} characters.").format(
                    here=here, STATION_SECRET_MIN=STATION_SECRET_MIN
                )
            )
    idle = plant.get("idle_sign_out_minutes", IDLE_SIGN_OUT_DEFAULT)
    if not isinstance(idle, int) or isinstance(idle, bool) or idle < 1:
        raise ConfigError(_("{where} [plant]: idle_sign_out_minutes should be a whole number of "
"minutes.").format(where=where))
    instructions = raw.get("work_instructions", [])
    model_codes = {m["code"] for m in models}
    for wi in instructions:
        here = _("{where} work instruction").format(where=where)
        if _need(wi, "station", here) not in codes:
            raise ConfigError(_("{here}: unknown station {wi}.").format(here=here, wi=wi['station']))
        if wi.get("model") and wi["model"] not in model_codes:
            raise ConfigError(_("{here}: unknown model {wi}.").format(here=here, wi=wi['model']))
        _need(wi, "text", here)
    assert set(ZONES)  # zones are fixed by the domain, not the config
    components = _check_components(raw, where, codes, models)
    pdi_items = _check_pdi_items(raw, where, models)
    yard_rows, yard_places = _check_yard(raw, where)
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
        components=components,
        pdi_items=pdi_items,
        yard_rows=yard_rows,
        yard_places=yard_places,
        station_accounts=accounts,
        idle_sign_out_minutes=idle,
        reports_folder=str(plant.get("reports_folder", "")),
        double_scan_seconds=_double_scan_seconds(plant.get("double_scan_seconds", 2)),
        language=_plant_language(plant.get("language", "")),
    )


def _plant_language(value: object) -> str:
    """The plant's default language: one neofloor speaks, or none (English)."""
    if value == "":
        return ""
    try:
        return normalise_language(str(value))
    except UnknownLanguage:
        raise ConfigError(
            _("[plant] language must be one of {languages}, not {value!r}.").format(
                languages=", ".join(LANGUAGES), value=value
            )
        ) from None


def _double_scan_seconds(value: object) -> float:
    """The double-scan window: a number of seconds from 0 (none) to 60."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 60:
        raise ConfigError(
            _("[plant] double_scan_seconds must be a number of seconds from 0 to 60, "
"not {value!r}.").format(value=value)
        )
    return float(value)


# A part or checklist code: upper-case letters, digits, "_" and "-", as typed on the floor.
PART_CODE = re.compile(r"[A-Z0-9][A-Z0-9_-]{0,15}")
POWERTRAINS = ("petrol", "diesel", "hybrid", "ev")


def _applies_to(entry: dict[str, Any], here: str, models: list[dict[str, Any]]) -> str:
    """The model codes an entry names by ``models`` or ``powertrains``, comma-joined ("" = all)."""
    model_codes = [m["code"] for m in models]
    if "models" in entry and "powertrains" in entry:
        raise ConfigError(_("{here}: give 'models' or 'powertrains', not both.").format(here=here))
    if "models" in entry:
        named = entry["models"]
        if not isinstance(named, list) or not named:
            raise ConfigError(
                _("{here}: 'models' should be a non-empty list of model codes.").format(
                    here=here
                )
            )
        for code in named:
            if code not in model_codes:
                raise ConfigError(_("{here}: unknown model {code}.").format(here=here, code=code))
        return ",".join(c for c in model_codes if c in named)
    if "powertrains" in entry:
        named = entry["powertrains"]
        if not isinstance(named, list) or not named or any(p not in POWERTRAINS for p in named):
            raise ConfigError(
                _("{here}: 'powertrains' should list some of {POWERTRAINS}.").format(
                    here=here, POWERTRAINS=', '.join(POWERTRAINS)
                )
            )
        chosen = [m["code"] for m in models if m.get("powertrain", "petrol") in named]
        if not chosen:
            raise ConfigError(
                _("{here}: no model has powertrain {named}.").format(
                    here=here, named=', '.join(named)
                )
            )
        return ",".join(chosen)
    return ""


def _check_components(
    raw: dict[str, Any], where: str, station_codes: set[str], models: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """``[[components]]``: each part's station (a production one), models, serial format, required flag."""
    entries = _entries(raw, "components", where, required=False)
    kinds = {s["code"]: s["kind"] for s in raw.get("stations", [])}
    checked: list[dict[str, Any]] = []
    for entry in entries:
        here = _("{where} component {code}").format(where=where, code=entry.get('code'))
        code = _need(entry, "code", here)
        if not PART_CODE.fullmatch(code):
            raise ConfigError(
                _("{here}: a code is 1 to 16 upper-case letters, digits, '_' or '-'.").format(
                    here=here
                )
            )
        station = _need(entry, "station", here)
        if station not in station_codes:
            raise ConfigError(_("{here}: unknown station {station}.").format(here=here, station=station))
        if kinds.get(station) not in (StationKind.WORK, StationKind.TEST, StationKind.QUALITY_GATE):
            raise ConfigError(
                _("{here}: serials are captured at a production station, not {station}.").format(
                    here=here, station=station
                )
            )
        pattern = _need(entry, "format", here)
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ConfigError(
                _("{here}: 'format' is not a valid regular expression ({exc}).").format(
                    here=here, exc=exc
                )
            ) from exc
        required = entry.get("required", True)
        if not isinstance(required, bool):
            raise ConfigError(_("{here}: 'required' should be true or false.").format(here=here))
        checked.append(
            {
                "code": code,
                "name": _need(entry, "name", here),
                "station": station,
                "models": _applies_to(entry, here, models),
                "format": pattern,
                "required": required,
            }
        )
    return checked


def _check_pdi_items(raw: dict[str, Any], where: str, models: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``[[pdi_items]]``: the pre-delivery checklist, in file order."""
    checked: list[dict[str, Any]] = []
    for entry in _entries(raw, "pdi_items", where, required=False):
        here = _("{where} PDI item {code}").format(where=where, code=entry.get('code'))
        code = _need(entry, "code", here)
        if not PART_CODE.fullmatch(code):
            raise ConfigError(
                _("{here}: a code is 1 to 16 upper-case letters, digits, '_' or '-'.").format(
                    here=here
                )
            )
        zone = entry.get("zone", "interior")
        if zone not in ZONES:
            raise ConfigError(
                _("{here}: zone should be one of {ZONES}.").format(
                    here=here, ZONES=', '.join(ZONES)
                )
            )
        name = _need(entry, "name", here)
        checked.append({"code": code, "name": name, "models": _applies_to(entry, here, models), "zone": zone})
    return checked


def _check_yard(raw: dict[str, Any], where: str) -> tuple[tuple[str, ...], int]:
    """``[yard]``: row letters and places per row, so spots run ``A-01`` ... ``E-40``."""
    yard = raw.get("yard")
    if yard is None:
        return (), 0
    if not isinstance(yard, dict):
        raise ConfigError(_("{where}: 'yard' should be a table ([yard]).").format(where=where))
    rows = _need(yard, "rows", _("{where} [yard]").format(where=where), list)
    if not rows or any(not isinstance(r, str) or not re.fullmatch(r"[A-Z]{1,2}", r) for r in rows):
        raise ConfigError(
            _("{where} [yard]: 'rows' should list row letters such as \"A\", \"B\".").format(
                where=where
            )
        )
    if len(set(rows)) != len(rows):
        raise ConfigError(_("{where} [yard]: a row is named twice.").format(where=where))
    places = _need(yard, "places", _("{where} [yard]").format(where=where), int)
    if not 1 <= places <= 99:
        raise ConfigError(_("{where} [yard]: 'places' should be between 1 and 99.").format(where=where))
    return tuple(rows), places


def init_plant(session: Session, config: PlantConfig, *, demo_seed: int | None = None) -> None:
    """Write a plant config into an empty database.

    ``demo_seed`` derives the PIN hashes' salts from the seed (the demo plant, reproducible);
    a real plant's salts are random.
    """
    if session.exec(select(col(Station.id)).limit(1)).first() is not None:
        raise RuleViolation(_("This database already holds a plant; use a new database file."))
    _add_settings(session, config)
    stations = _add_stations(session, config)
    models = _add_models(session, config)
    _add_reference_lists(session, config)
    session.flush()
    station_ids = {code: station.id for code, station in stations.items() if station.id is not None}
    _add_operators(session, config, station_ids, demo_seed)
    _add_work_instructions(session, config, station_ids, models)
    _add_components_and_checklist(session, config, station_ids)
    session.flush()


def _add_settings(session: Session, config: PlantConfig) -> None:
    settings = {
        "idle_sign_out_minutes": str(config.idle_sign_out_minutes),
        "name": config.name,
        "timezone": config.timezone,
        "vin_check_digit": "true" if config.vin_check_digit else "false",
        "wmi": config.wmi,
        "yard_rows": ",".join(config.yard_rows),
        "yard_places": str(config.yard_places),
    }
    if config.reports_folder:
        settings["reports_folder"] = config.reports_folder
    settings["double_scan_seconds"] = f"{config.double_scan_seconds:g}"
    if config.language:
        settings["language"] = config.language
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


def _add_operators(
    session: Session, config: PlantConfig, station_ids: dict[str, int], demo_seed: int | None
) -> None:
    """The operators, each with the stations they are certified for."""
    for op in config.operators:
        pin = op.get("pin")
        operator = Operator(
            badge=str(op["badge"]),
            name=op["name"],
            role=op["role"],
            pin_hash=(
                hash_pin(str(pin), salt=None if demo_seed is None else demo_salt(demo_seed, str(op["badge"])))
                if pin is not None
                else None
            ),
        )
        session.add(operator)
        session.flush()
        operator_id = operator.id
        assert operator_id is not None  # given by the flush
        session.add_all(
            OperatorStation(
                operator_id=operator_id,
                station_id=station_ids[cert["station"]],
                certified_on=cert["certified_on"],
                expires_on=cert["expires_on"],
                programme=cert["programme"],
            )
            for cert in op.get("stations", [])
        )
    for account in config.station_accounts:
        badge = str(account["badge"])
        secret = str(account["secret"])
        station_account = Operator(
            badge=badge,
            name=account["name"],
            role=Role.STATION,
            pin_hash=hash_pin(secret, salt=None if demo_seed is None else demo_salt(demo_seed, badge)),
        )
        session.add(station_account)
        session.flush()
        assert station_account.id is not None
        session.add(
            OperatorStation(
                operator_id=station_account.id,
                station_id=station_ids[account["station"]],
                programme="station account",
            )
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


def _add_components_and_checklist(session: Session, config: PlantConfig, station_ids: dict[str, int]) -> None:
    """The parts whose serials are captured, and the pre-delivery checklist."""
    session.add_all(
        ComponentPart(
            code=c["code"],
            name=c["name"],
            station_id=station_ids[c["station"]],
            models=c["models"],
            serial_format=c["format"],
            required=c["required"],
        )
        for c in config.components
    )
    session.add_all(
        PdiItem(code=p["code"], name=p["name"], models=p["models"], zone=p["zone"], position=i)
        for i, p in enumerate(config.pdi_items, 1)
    )
