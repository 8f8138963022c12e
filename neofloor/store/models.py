"""The plant's tables: configuration, cars, the station-event ledger and what hangs off it.

Current state lives on the car (``Vehicle.state``, ``Vehicle.station_id``) and is
updated in the same transaction as the ledger event that changes it, so the floor's
hot queries never replay history. The ledger (``StationEvent``) is append-only.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

# The rest of the app reads the kinds from here.
from neofloor.store.kinds import IN_PLANT_SQL as IN_PLANT_SQL
from neofloor.store.kinds import DefectStatus as DefectStatus
from neofloor.store.kinds import EventKind as EventKind
from neofloor.store.kinds import Role as Role
from neofloor.store.kinds import Severity as Severity
from neofloor.store.kinds import StationKind as StationKind
from neofloor.store.kinds import VehicleState as VehicleState
from neofloor.store.types import UTCDateTime

ZONES: tuple[str, ...] = (
    "front",
    "rear",
    "left",
    "right",
    "roof",
    "interior",
    "underbody",
    "powertrain",
    "electrical",
    "hv_battery",
)


# --- plant configuration ---------------------------------------------------------


class PlantSetting(SQLModel, table=True):
    """One key of the plant config (name, time zone, VIN check digit...)."""

    __tablename__ = "plant_setting"

    key: str = Field(primary_key=True, max_length=64)
    value: str = Field(max_length=2000)


class Station(SQLModel, table=True):
    __tablename__ = "station"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=16)
    name: str = Field(max_length=120)
    kind: str = Field(max_length=16)
    # Position in the route; off-line stations (the repair bay) have none.
    position: int | None = Field(default=None, index=True)
    ideal_cycle_seconds: int | None = None
    description: str = Field(default="", max_length=500)


class VehicleModel(SQLModel, table=True):
    __tablename__ = "vehicle_model"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=16)
    name: str = Field(max_length=120)
    powertrain: str = Field(max_length=16)  # petrol, diesel, hybrid, ev
    vin_prefix: str = Field(default="", max_length=8)


class Color(SQLModel, table=True):
    __tablename__ = "color"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=16)
    name: str = Field(max_length=60)


class Shift(SQLModel, table=True):
    """A shift in plant local time; ``end`` before ``start`` crosses midnight."""

    __tablename__ = "shift"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=16)
    name: str = Field(max_length=60)
    start: str = Field(max_length=5)  # "06:00", plant local time
    end: str = Field(max_length=5)
    breaks: str = Field(default="", max_length=200)  # "10:00-10:15,12:00-12:30"
    days: str = Field(default="mon,tue,wed,thu,fri", max_length=40)
    target_cars: int = 0


class DefectCatalogEntry(SQLModel, table=True):
    __tablename__ = "defect_catalog"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=16)
    description: str = Field(max_length=200)
    category: str = Field(max_length=32)
    default_severity: str = Field(max_length=16)


class DowntimeReason(SQLModel, table=True):
    __tablename__ = "downtime_reason"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=16)
    description: str = Field(max_length=120)


class FinancingPartner(SQLModel, table=True):
    __tablename__ = "financing_partner"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=16)
    name: str = Field(max_length=120)
    kind: str = Field(default="bank", max_length=16)  # bank, leasing


class WorkInstruction(SQLModel, table=True):
    """Short instructions shown at a station, for every car or one model/option."""

    __tablename__ = "work_instruction"

    id: int | None = Field(default=None, primary_key=True)
    station_id: int = Field(foreign_key="station.id", index=True)
    model_id: int | None = Field(default=None, foreign_key="vehicle_model.id")
    option: str | None = Field(default=None, max_length=32)
    text: str = Field(max_length=500)


# --- people ---------------------------------------------------------------------------


class Operator(SQLModel, table=True):
    __tablename__ = "operator"

    id: int | None = Field(default=None, primary_key=True)
    badge: str = Field(unique=True, max_length=32)
    name: str = Field(max_length=120)
    role: str = Field(max_length=16)
    pin_hash: str | None = Field(default=None, max_length=200)
    active: bool = True
    # Wrong PINs in a row, and until when the badge is locked (stored: a restart does not unlock).
    failed_pins: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    locked_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # The language this person reads (en, fr); none: the terminal's.
    language: str | None = Field(default=None, max_length=8)


class OperatorStation(SQLModel, table=True):
    """A station an operator is certified for: since when, until when, and from which training."""

    __tablename__ = "operator_station"

    operator_id: int = Field(foreign_key="operator.id", primary_key=True)
    station_id: int = Field(foreign_key="station.id", primary_key=True)
    certified_on: date | None = None
    # The first day the certification no longer holds; none for a station account's own station.
    expires_on: date | None = None
    programme: str = Field(default="", max_length=120, sa_column_kwargs={"server_default": ""})


# --- cars and the ledger -------------------------------------------------------------


# Cars still in the plant: the predicate of the partial index ix_vehicle_wip. A query
# must repeat it literally (``VEHICLE_IN_PLANT``), not with bound parameters, for
# SQLite to use that index.
#
# The partial indexes name their SQLite predicate only: a ``postgresql_where`` here
# would load SQLAlchemy's PostgreSQL dialect (asyncpg included) at every start of a
# terminal. The schema is made by the migrations (0001 creates both predicates).
VEHICLE_IN_PLANT = text(f"vehicle.{IN_PLANT_SQL}")


class Vehicle(SQLModel, table=True):
    """A car, with its current state kept beside the ledger for fast floor queries."""

    __tablename__ = "vehicle"
    __table_args__ = (
        # The floor's hot path: cars at or waiting for a station, in build order.
        # Partial: only cars still in the plant, so it stays small after 10 years.
        Index(
            "ix_vehicle_wip",
            "station_id",
            "build_seq",
            sqlite_where=text(IN_PLANT_SQL),
        ),
        Index("ix_vehicle_state_station", "state", "station_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    vin: str = Field(unique=True, max_length=17)
    model_id: int = Field(foreign_key="vehicle_model.id")
    color_id: int = Field(foreign_key="color.id")
    build_seq: int = Field(unique=True)
    order_ref: str = Field(default="", max_length=40, index=True)
    options: str = Field(default="", max_length=200)  # comma-separated option codes
    option_notes: str = Field(default="", max_length=500)
    planned_at: datetime = Field(sa_type=UTCDateTime)
    state: str = Field(default=VehicleState.PLANNED, max_length=16)
    # Where the car is: the station it is in, or the one whose queue it waits in.
    station_id: int | None = Field(default=None, foreign_key="station.id")
    state_since: datetime = Field(sa_type=UTCDateTime)
    # The state to go back to when a hold is released.
    resume_state: str | None = Field(default=None, max_length=16)
    # Where a car in the repair bay goes back to.
    return_station_id: int | None = Field(default=None, foreign_key="station.id")
    hold_reason: str | None = Field(default=None, max_length=200)
    # Debounce: the last accepted scan, so a double scan is ignored.
    last_scan_station_id: int | None = Field(default=None, foreign_key="station.id")
    last_scan_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    first_start_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    delivered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    out_of_sequence: bool = False
    repair_visits: int = 0
    last_event_id: int | None = None
    # The VIN backwards: floor staff name a car by its last digits, and a suffix of the
    # VIN is a prefix here, so finding a car by them is an index range, not a scan of
    # every car the plant ever built.
    vin_reversed: str = Field(default="", max_length=17, index=True, sa_column_kwargs={"server_default": ""})


class StationEvent(SQLModel, table=True):
    """The append-only ledger: one row per thing that happened to a car.

    Never updated or deleted; a correction is a new event. Its ``id`` is the
    change marker terminals poll.
    """

    __tablename__ = "station_event"
    __table_args__ = (
        Index("ix_station_event_vehicle", "vehicle_id", "id"),
        Index("ix_station_event_station_at", "station_id", "at"),
        Index("ix_station_event_kind_at", "kind", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    vehicle_id: int = Field(foreign_key="vehicle.id")
    station_id: int | None = Field(default=None, foreign_key="station.id")
    kind: str = Field(max_length=16)
    at: datetime = Field(sa_type=UTCDateTime)
    operator_id: int | None = Field(default=None, foreign_key="operator.id")
    terminal: str = Field(default="", max_length=64)
    note: str = Field(default="", max_length=500)
    # SHA-256 over this row's content and the previous row's hash (services/people/chain.py).
    chain_hash: str | None = Field(default=None, max_length=64)


class StationVisit(SQLModel, table=True):
    """One car's pass through one station: start, complete, cycle time.

    A projection of the ledger kept in the same transaction, so cycle time,
    lead time and output are index range scans rather than ledger replays.
    """

    __tablename__ = "station_visit"
    __table_args__ = (
        Index("ix_station_visit_station_completed", "station_id", "completed_at"),
        Index("ix_station_visit_vehicle", "vehicle_id", "started_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    vehicle_id: int = Field(foreign_key="vehicle.id")
    station_id: int = Field(foreign_key="station.id")
    started_at: datetime = Field(sa_type=UTCDateTime)
    completed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    cycle_seconds: float | None = None
    operator_id: int | None = Field(default=None, foreign_key="operator.id")
    # Started while a car earlier in the build sequence was still waiting here.
    out_of_sequence: bool = False


# --- quality, downtime, delivery -----------------------------------------------------


class Defect(SQLModel, table=True):
    __tablename__ = "defect"
    __table_args__ = (
        Index("ix_defect_vehicle", "vehicle_id"),
        Index("ix_defect_status_severity", "status", "severity"),
        Index("ix_defect_found_at", "found_at"),
        Index("ix_defect_catalog_found", "catalog_id", "found_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    vehicle_id: int = Field(foreign_key="vehicle.id")
    station_id: int = Field(foreign_key="station.id")
    catalog_id: int = Field(foreign_key="defect_catalog.id")
    zone: str = Field(max_length=16)
    severity: str = Field(max_length=16)
    note: str = Field(default="", max_length=500)
    status: str = Field(default=DefectStatus.OPEN, max_length=16)
    found_at: datetime = Field(sa_type=UTCDateTime)
    found_by_id: int | None = Field(default=None, foreign_key="operator.id")
    repaired_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    repaired_by_id: int | None = Field(default=None, foreign_key="operator.id")
    repair_station_id: int | None = Field(default=None, foreign_key="station.id")
    repair_note: str = Field(default="", max_length=500)
    verified_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    verified_by_id: int | None = Field(default=None, foreign_key="operator.id")
    cancel_reason: str = Field(default="", max_length=500)


class DefectEvent(SQLModel, table=True):
    """The append-only story of one defect: found, repaired, verified, rejected, cancelled."""

    __tablename__ = "defect_event"
    __table_args__ = (Index("ix_defect_event_defect", "defect_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    defect_id: int = Field(foreign_key="defect.id")
    kind: str = Field(max_length=16)  # found, repaired, verified, rejected, cancelled
    at: datetime = Field(sa_type=UTCDateTime)
    operator_id: int | None = Field(default=None, foreign_key="operator.id")
    station_id: int | None = Field(default=None, foreign_key="station.id")
    note: str = Field(default="", max_length=500)


class Downtime(SQLModel, table=True):
    """An andon stop at a station; open while ``ended_at`` is empty."""

    __tablename__ = "downtime"
    __table_args__ = (
        Index("ix_downtime_station_started", "station_id", "started_at"),
        Index("ix_downtime_started", "started_at"),
        # At most one open stop per station, enforced by the database too.
        Index(
            "ux_downtime_open_station",
            "station_id",
            unique=True,
            sqlite_where=text("ended_at IS NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    station_id: int = Field(foreign_key="station.id")
    reason_id: int = Field(foreign_key="downtime_reason.id")
    started_at: datetime = Field(sa_type=UTCDateTime)
    ended_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    raised_by_id: int | None = Field(default=None, foreign_key="operator.id")
    ended_by_id: int | None = Field(default=None, foreign_key="operator.id")
    note: str = Field(default="", max_length=500)


class Delivery(SQLModel, table=True):
    __tablename__ = "delivery"
    __table_args__ = (UniqueConstraint("vehicle_id"),)

    id: int | None = Field(default=None, primary_key=True)
    vehicle_id: int = Field(foreign_key="vehicle.id")
    customer_name: str = Field(max_length=120)
    financing_partner_id: int | None = Field(default=None, foreign_key="financing_partner.id")
    pdi_checklist: str = Field(default="", max_length=2000)  # JSON: item -> ok
    pdi_passed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    pdi_by_id: int | None = Field(default=None, foreign_key="operator.id")
    delivered_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    handed_over_by_id: int | None = Field(default=None, foreign_key="operator.id")
    note: str = Field(default="", max_length=500)
    # Added by 0003: the customer's own reference (order, contract) and the dealer who sold
    # the car ("" when sold directly by the plant).
    customer_reference: str = Field(default="", max_length=120, sa_column_kwargs={"server_default": ""})
    dealer: str = Field(default="", max_length=120, sa_column_kwargs={"server_default": ""})


class ShiftNote(SQLModel, table=True):
    """Notes a shift lead types for the handover report."""

    __tablename__ = "shift_note"

    id: int | None = Field(default=None, primary_key=True)
    shift_date: str = Field(max_length=10, index=True)  # plant local date, ISO
    shift_code: str = Field(max_length=16)
    text: str = Field(max_length=2000)
    written_at: datetime = Field(sa_type=UTCDateTime)
    author_id: int | None = Field(default=None, foreign_key="operator.id")


# --- components, yard and pre-delivery inspection (0003) ------------------------------


class ComponentPart(SQLModel, table=True):
    """A part whose serial is captured at a station, from the plant config.

    ``models`` lists the model codes the part is fitted to (comma-separated, resolved from
    the config's models or powertrains); empty means every model.
    """

    __tablename__ = "component_part"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=16)
    name: str = Field(max_length=120)
    station_id: int = Field(foreign_key="station.id")
    models: str = Field(default="", max_length=200)
    serial_format: str = Field(max_length=200)
    required: bool = True


class FittedComponent(SQLModel, table=True):
    """A serial fitted to a car. A replacement is a new row; the old one is marked removed.

    Rows are never deleted: removal fills ``removed_at``/``removed_by_id``/``removal_reason``.
    A serial is on at most one car at a time, and a car holds one fitted part of each kind.
    """

    __tablename__ = "fitted_component"
    __table_args__ = (
        Index("ix_fitted_component_serial", "serial"),
        Index("ix_fitted_component_vehicle", "vehicle_id", "part_id"),
        # Half the parts carry no lot: the index holds only those that do.
        Index("ix_fitted_component_lot", "lot", sqlite_where=text("lot IS NOT NULL")),
        Index(
            "ux_fitted_component_serial_fitted",
            "serial",
            unique=True,
            sqlite_where=text("removed_at IS NULL"),
        ),
        Index(
            "ux_fitted_component_vehicle_part_fitted",
            "vehicle_id",
            "part_id",
            unique=True,
            sqlite_where=text("removed_at IS NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    vehicle_id: int = Field(foreign_key="vehicle.id")
    part_id: int = Field(foreign_key="component_part.id")
    serial: str = Field(max_length=64)
    lot: str | None = Field(default=None, max_length=64)
    station_id: int = Field(foreign_key="station.id")
    fitted_at: datetime = Field(sa_type=UTCDateTime)
    fitted_by_id: int | None = Field(default=None, foreign_key="operator.id")
    removed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    removed_by_id: int | None = Field(default=None, foreign_key="operator.id")
    removal_reason: str = Field(default="", max_length=500)


class PdiItem(SQLModel, table=True):
    """One item of the pre-delivery inspection checklist, from the plant config."""

    __tablename__ = "pdi_item"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=16)
    name: str = Field(max_length=120)
    models: str = Field(default="", max_length=200)  # model codes, comma-separated; empty: all
    # Where a defect found on this item is logged (one of ZONES).
    zone: str = Field(default="interior", max_length=16)
    position: int = 0


class PdiCheck(SQLModel, table=True):
    """An append-only PDI result: an item passed, or failed with the defect it logged.

    The latest check of each item counts; earlier ones stay as the inspection's history.
    """

    __tablename__ = "pdi_check"
    __table_args__ = (Index("ix_pdi_check_vehicle", "vehicle_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    vehicle_id: int = Field(foreign_key="vehicle.id")
    item_id: int = Field(foreign_key="pdi_item.id")
    passed: bool
    defect_id: int | None = Field(default=None, foreign_key="defect.id")
    operator_id: int | None = Field(default=None, foreign_key="operator.id")
    at: datetime = Field(sa_type=UTCDateTime)


class YardPlace(SQLModel, table=True):
    """Where a car in the yard is parked: one car per spot, one spot per car.

    Current state beside the ledger (each park or move appends a ``park`` event); the row
    goes when the car is handed over.
    """

    __tablename__ = "yard_place"

    vehicle_id: int = Field(foreign_key="vehicle.id", primary_key=True)
    spot: str = Field(unique=True, max_length=8)
    parked_at: datetime = Field(sa_type=UTCDateTime)
    parked_by_id: int | None = Field(default=None, foreign_key="operator.id")
# --- people: the audit trail and the ledger's checks ------------------------------------


class AuditEntry(SQLModel, table=True):
    """Who did what, where and when: every write, sign-in, failed sign-in, lockout and sign-out.

    Append-only and chained like the station-event ledger (``chain_hash``).
    """

    __tablename__ = "audit"
    __table_args__ = (
        Index("ix_audit_at", "at"),
        Index("ix_audit_badge_at", "badge", "at"),
        Index("ix_audit_subject_at", "subject", "at"),
        Index("ix_audit_action_at", "action", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_type=UTCDateTime)
    operator_id: int | None = Field(default=None, foreign_key="operator.id")
    # Kept as written: the badge and role at the time, even if the operator changes later.
    badge: str = Field(default="", max_length=32)
    role: str = Field(default="", max_length=16)
    terminal: str = Field(default="", max_length=64)
    action: str = Field(max_length=32)
    subject: str = Field(default="", max_length=64)  # a VIN, a badge, a station, a shift
    before: str = Field(default="", max_length=2000)  # JSON, where a value changed
    after: str = Field(default="", max_length=2000)
    chain_hash: str | None = Field(default=None, max_length=64)


class VerifyRun(SQLModel, table=True):
    """One walk of the chains by ``neofloor verify``: when, what it found, and the heads it saw."""

    __tablename__ = "verify_run"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_type=UTCDateTime)
    ok: bool
    broken_table: str | None = Field(default=None, max_length=32)
    broken_row: int | None = None
    detail: str = Field(default="", max_length=500)
    events_checked: int = 0
    audit_checked: int = 0
    event_head_id: int | None = None
    event_head_hash: str | None = Field(default=None, max_length=64)
    audit_head_id: int | None = None
    audit_head_hash: str | None = Field(default=None, max_length=64)
