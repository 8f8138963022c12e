"""Plant local time: wall-clock times and dates as aware UTC, the way every query speaks.

Each conversion goes through ``zoneinfo`` for that very date, so days are 23 or 25 hours
long when the clock moves.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from neofloor.i18n import _
from neofloor.services.plant.clock import plant_zone, to_local
from neofloor.services.plant.errors import InvalidInput
from neofloor.store.types import utcnow


def local_to_utc(local: datetime, zone: str) -> datetime:
    """A naive plant-local wall-clock time as aware UTC.

    When the clock goes back and a time happens twice, the first occurrence is
    meant. When the clock jumps forward over a time, it never shows on the wall:
    it is read as the moment of the jump (a shift due to start then starts when
    the clock jumps).
    """
    tz = plant_zone(zone)
    first = local.replace(tzinfo=tz, fold=0).astimezone(UTC)
    if first.astimezone(tz).replace(tzinfo=None) == local:
        return first
    other = local.replace(tzinfo=tz, fold=1).astimezone(UTC)
    lo, hi = int(min(first, other).timestamp()), int(max(first, other).timestamp())
    before = datetime.fromtimestamp(lo, UTC).astimezone(tz).utcoffset()
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if datetime.fromtimestamp(mid, UTC).astimezone(tz).utcoffset() == before:
            lo = mid
        else:
            hi = mid
    return datetime.fromtimestamp(hi, UTC)


def local_date_of(moment: datetime, zone: str) -> date:
    """The plant-local calendar date of an aware moment."""
    return to_local(moment, zone).date()


def local_days(first: date, last: date, zone: str) -> tuple[datetime, datetime]:
    """Plant-local days ``first`` to ``last`` (both included) as UTC ``[start, end)``.

    From local midnight to local midnight: a day is 23 or 25 hours long when the
    clock moves.
    """
    if last < first:
        raise InvalidInput(
            _("The period ends ({last}) before it starts ({first}).").format(last=last, first=first)
        )
    start = local_to_utc(datetime.combine(first, time(0)), zone)
    return start, local_to_utc(datetime.combine(last + timedelta(days=1), time(0)), zone)


def parse_plant_date(text: str, timezone: str, *, now: datetime | None = None) -> date:
    """A date as typed on the floor: "today", "yesterday" (plant local) or YYYY-MM-DD."""
    value = text.strip().lower()
    today = local_date_of(now or utcnow(), timezone)
    if value == "today":
        return today
    if value == "yesterday":
        return today - timedelta(days=1)
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(
            _("Date {text!r} should be YYYY-MM-DD, today or yesterday.").format(text=text)
        ) from None
