"""Time helpers: everything is stored in UTC; people see Europe/Brussels, in Dutch."""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

BRUSSELS = ZoneInfo("Europe/Brussels")

WEEKDAYS_NL = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
WEEKDAYS_SHORT_NL = ("ma", "di", "wo", "do", "vr", "za", "zo")
MONTHS_NL = (
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
)


def utcnow() -> datetime:
    return datetime.now(UTC)


def ensure_aware(value: datetime, name: str = "datetime") -> datetime:
    """Reject naive datetimes: a naive value is ambiguous (UTC? Brussels?), so it is a bug."""
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {value!r}")
    return value


def to_utc(value: datetime) -> datetime:
    return ensure_aware(value).astimezone(UTC)


def to_local(value: datetime) -> datetime:
    return ensure_aware(value).astimezone(BRUSSELS)


def local_day_bounds(day: date) -> tuple[datetime, datetime]:
    """Start and end (exclusive) of a calendar day in Brussels, as UTC datetimes."""
    start = datetime.combine(day, time(0, 0), tzinfo=BRUSSELS)
    end = datetime.combine(day + timedelta(days=1), time(0, 0), tzinfo=BRUSSELS)
    return start.astimezone(UTC), end.astimezone(UTC)


def local_wall_time(day: date, at: time) -> datetime | None:
    """`day` at wall-clock time `at` in Brussels, as UTC; None if that time does not exist (DST gap).

    For an ambiguous time (the hour repeated when DST ends) the first occurrence is used.
    """
    local = datetime.combine(day, at, tzinfo=BRUSSELS).replace(fold=0)
    as_utc = local.astimezone(UTC)
    if as_utc.astimezone(BRUSSELS).replace(tzinfo=None) != local.replace(tzinfo=None):
        return None  # e.g. 02:30 on the last Sunday of March does not exist
    return as_utc


def format_when(value: datetime, *, with_year: bool = False) -> str:
    """'dinsdag 24 november om 10:00' (Brussels time)."""
    local = to_local(value)
    text = f"{WEEKDAYS_NL[local.weekday()]} {local.day} {MONTHS_NL[local.month - 1]}"
    if with_year:
        text += f" {local.year}"
    return f"{text} om {local:%H:%M}"


def format_when_short(value: datetime) -> str:
    """'di 24/11 10:00' (Brussels time), short enough for a button."""
    local = to_local(value)
    return f"{WEEKDAYS_SHORT_NL[local.weekday()]} {local.day}/{local.month} {local:%H:%M}"
