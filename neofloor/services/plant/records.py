"""The plain records the floor's views hold: stations and models, a car, a person, a stop.

The services hand these out (they never hand out ORM objects). They live apart from
the services' queries, with the few rules that turn rows into them (a car, the catalog,
a stop, the instructions a car gets), so that the terminal's first view, read with the
standard library's sqlite3 before the store is imported (``first_look``), builds the
same records by the same rules without loading SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cached_property
from typing import Any

from neofloor.i18n import N_, _
from neofloor.services.plant.errors import NotFound
from neofloor.store.kinds import Role, StationKind, VehicleState


@dataclass(frozen=True)
class StationInfo:
    id: int
    code: str
    name: str
    kind: str
    position: int | None
    ideal_cycle_seconds: int | None
    description: str

    @property
    def is_production(self) -> bool:
        """Stations where cars are scanned in and out (not the bay, yard or delivery)."""
        return self.kind in (StationKind.WORK, StationKind.TEST, StationKind.QUALITY_GATE)


@dataclass(frozen=True)
class ModelInfo:
    id: int
    code: str
    name: str
    powertrain: str
    vin_prefix: str


@dataclass(frozen=True)
class PlantCatalog:
    name: str
    timezone: str
    vin_check_digit: bool
    wmi: str
    stations: tuple[StationInfo, ...]
    models: tuple[ModelInfo, ...]
    colors: dict[int, tuple[str, str]]  # id -> (code, name)
    # A second scan of a car at a station within this many seconds is a double scan (ignored).
    double_scan_seconds: float = 2.0

    @property
    def double_scan_window(self) -> timedelta:
        return timedelta(seconds=self.double_scan_seconds)

    def station(self, code: str) -> StationInfo:
        """The station with this code, or :class:`NotFound`."""
        wanted = code.strip().upper()
        for station in self.stations:
            if station.code == wanted:
                return station
        known = ", ".join(s.code for s in self.stations)
        raise NotFound(_("Unknown station {code!r}; stations are {known}.").format(code=code, known=known))

    @cached_property
    def _stations_by_id(self) -> dict[int | None, StationInfo]:
        # The floor's lists turn a station id into a code for every car they show.
        return {s.id: s for s in self.stations}

    @cached_property
    def _models_by_id(self) -> dict[int, ModelInfo]:
        return {m.id: m for m in self.models}

    def station_by_id(self, station_id: int | None) -> StationInfo | None:
        return self._stations_by_id.get(station_id)

    def station_code(self, station_id: int | None) -> str | None:
        """The code of the station with this id; None for no station (or one no longer known)."""
        station = self.station_by_id(station_id)
        return station.code if station else None

    @cached_property
    def route(self) -> tuple[StationInfo, ...]:
        """Stations in route order, off-line ones left out."""
        return tuple(sorted((s for s in self.stations if s.position is not None), key=_position))

    @cached_property
    def production_route(self) -> tuple[StationInfo, ...]:
        return tuple(s for s in self.route if s.is_production)

    @property
    def terminal_stations(self) -> tuple[StationInfo, ...]:
        """Stations a terminal can be bound to: the production route, then the repair bay and the yard."""
        return self.production_route + tuple(s for s in (self.repair_bay, self.yard) if s is not None)

    @property
    def repair_bay(self) -> StationInfo | None:
        return next((s for s in self.stations if s.kind == StationKind.REPAIR), None)

    @property
    def yard(self) -> StationInfo | None:
        return next((s for s in self.stations if s.kind == StationKind.YARD), None)

    @property
    def last_production_station(self) -> StationInfo:
        return self.production_route[-1]

    def next_station(self, station: StationInfo) -> StationInfo | None:
        route = self.route
        index = route.index(station)
        return route[index + 1] if index + 1 < len(route) else None

    def model(self, model_id: int) -> ModelInfo:
        return self._models_by_id[model_id]

    def model_by_code(self, code: str) -> ModelInfo:
        for model in self.models:
            if model.code == code.strip().upper():
                return model
        known = ", ".join(m.code for m in self.models)
        raise NotFound(_("Unknown model {code!r}; models are {known}.").format(code=code, known=known))

    def color_by_code(self, code: str) -> int:
        for color_id, (color_code, _name) in self.colors.items():
            if color_code == code.strip().upper():
                return color_id
        known = ", ".join(c for c, _unused in self.colors.values())
        raise NotFound(_("Unknown color {code!r}; colors are {known}.").format(code=code, known=known))


def _position(station: StationInfo) -> int:
    return station.position or 0


# Roles that may act anywhere on the line, certified or not.
LINE_LEADERS = frozenset({Role.SUPERVISOR, Role.SHIFT_LEAD, Role.ADMIN})
ROLE_LABELS = {
    Role.OPERATOR: N_("operator"),
    Role.INSPECTOR: N_("inspector"),
    Role.SUPERVISOR: N_("supervisor"),
    Role.SHIFT_LEAD: N_("shift lead"),
    Role.ADMIN: N_("admin"),
    Role.STATION: N_("station account"),
}


def role_label(role: str) -> str:
    """A role as people read it ("shift lead"), in the language spoken now."""
    try:
        return _(ROLE_LABELS[Role(role)])
    except ValueError:
        return role


@dataclass(frozen=True)
class OperatorInfo:
    id: int
    badge: str
    name: str
    role: str
    # The stations this person holds a valid certification for, now.
    station_ids: frozenset[int]
    # Certifications that have run out: (station id, the day they expired).
    expired: tuple[tuple[int, date], ...] = ()
    # The language this person reads (en, fr); None: the terminal's.
    language: str | None = None

    @property
    def is_line_leader(self) -> bool:
        return self.role in LINE_LEADERS

    @property
    def label(self) -> str:
        return _("{name} ({role})").format(name=self.name, role=role_label(self.role))


@dataclass(frozen=True)
class CarSummary:
    """One car as a queue, a station or the board shows it."""

    vin: str
    build_seq: int
    model: str
    model_name: str
    color: str
    state: str
    station: str | None
    # When the car reached its place: joined the station's queue, or entered the station. A hold
    # does not move it (the hold's own moment is ``HeldCar.held_since``); screens say "waiting
    # since" / "in station since" for it, and "held since" only for the hold.
    since: datetime
    options: str
    option_notes: str
    hold_reason: str | None
    order_ref: str

    @property
    def held(self) -> bool:
        return self.state == VehicleState.HELD

    @property
    def at_station_since(self) -> datetime:
        """``since`` by its full name: when the car joined the queue or entered the station."""
        return self.since


@dataclass(frozen=True)
class Stop:
    """An andon stop at a station; ``seconds`` runs until ``now`` while it is open."""

    id: int
    station: str
    station_name: str
    reason_code: str
    reason: str
    started_at: datetime
    ended_at: datetime | None
    raised_by: str | None
    ended_by: str | None
    note: str
    seconds: float

    @property
    def is_open(self) -> bool:
        return self.ended_at is None


def car_from_row(catalog: PlantCatalog, row: Sequence[Any]) -> CarSummary:
    """A car as the floor's lists show it, from a row of ``CAR_COLUMNS`` (extra columns after them)."""
    vin, build_seq, model_id, color_id, state, station_id, since, options, notes, hold, order_ref = row[:11]
    model = catalog.model(model_id)
    return CarSummary(
        vin,
        build_seq,
        model.code,
        model.name,
        catalog.colors[color_id][1],
        state,
        catalog.station_code(station_id),
        since,
        options,
        notes,
        hold,
        order_ref,
    )


def plant_catalog_of(
    settings: Mapping[str, str],
    stations: tuple[StationInfo, ...],
    models: tuple[ModelInfo, ...],
    colors: dict[int, tuple[str, str]],
) -> PlantCatalog:
    """The catalog from the plant's settings (key to value) and its stations, models and colors."""
    return PlantCatalog(
        name=settings.get("name", "neofloor"),
        timezone=settings.get("timezone", "UTC"),
        vin_check_digit=settings.get("vin_check_digit", "false") == "true",
        wmi=settings.get("wmi", ""),
        stations=stations,
        models=models,
        colors=colors,
        double_scan_seconds=float(settings.get("double_scan_seconds", "2")),
    )


def stop_from_row(station: StationInfo | None, row: Sequence[Any], now: datetime) -> Stop:
    """A stop from (id, reason code, reason, started, ended, raised by, ended by, note)."""
    stop_id, code, reason, started, ended, raised_by, ended_by, note = row
    return Stop(
        id=stop_id,
        station=station.code if station else "?",
        station_name=station.name if station else "?",
        reason_code="?" if code is None else code,
        reason=_("unknown reason") if code is None else reason,
        started_at=started,
        ended_at=ended,
        raised_by=raised_by,
        ended_by=ended_by,
        note=note,
        seconds=max(0.0, ((ended or now) - started).total_seconds()),
    )


def instructions_for(rows: Sequence[Sequence[Any]], model_id: int, options: str) -> list[str]:
    """Of a station's instructions (model id or None, option or None, text), those for this car:
    station-wide, its model's, its options'."""
    car_options = {o for o in options.split(",") if o}
    return [
        text
        for row_model, option, text in rows
        if (row_model is None or row_model == model_id) and (option is None or option in car_options)
    ]


def wip_counts(rows: Iterable[Sequence[Any]]) -> dict[int, tuple[int, int, int]]:
    """(in station, waiting, held) per station id from (station id, state, resume state, count)
    rows; a car held keeps its place by its resume state."""
    counts: dict[int, list[int]] = {}
    for station_id, state, resume_state, count in rows:
        held = state == VehicleState.HELD
        effective = resume_state if held else state
        slot = counts.get(station_id)
        if slot is None:
            slot = counts[station_id] = [0, 0, 0]
        slot[0 if effective == VehicleState.IN_STATION else 1] += count
        if held:
            slot[2] += count
    return {station_id: (c[0], c[1], c[2]) for station_id, c in counts.items()}
