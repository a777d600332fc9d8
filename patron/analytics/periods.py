"""Time in a summary: purchase occasions (the grain) and the unit x, t_x and T are counted in.

Purchases are grouped into occasions: all purchases by one customer in the same grain unit
(a calendar day, a Monday-to-Sunday week, a calendar month, or the exact time) are one
purchase occasion, as in the BG/NBD papers. Times between occasions are counted in periods.
When the grain and the period are the same calendar unit, times are whole periods (as
`lifetimes` counts them); a finer grain gives fractions of a period (CDNOW: days in weeks).
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import polars as pl

from patron.analytics.frames import BadInput

PERIODS = ("day", "week", "month")
GRAINS = ("exact", "day", "week", "month")
DAYS = {"day": 1.0, "week": 7.0, "month": 365.25 / 12}
MICROSECONDS_A_DAY = 86_400_000_000
EPOCH = datetime(1970, 1, 1)


@dataclass(frozen=True)
class Clock:
    """How occasions are numbered and how many periods one occasion step is."""

    period: str
    grain: str

    @classmethod
    def of(cls, period: str, grain: str | None) -> "Clock":
        grain = grain or period
        if period not in PERIODS:
            raise BadInput(f"Period {period!r}: use one of {', '.join(PERIODS)}.")
        if grain not in GRAINS:
            raise BadInput(f"Grain {grain!r}: use one of {', '.join(GRAINS)}.")
        if (
            grain != "exact"
            and grain != period
            and (grain, period) not in (("day", "week"), ("day", "month"))
        ):
            raise BadInput(f"A {grain} grain does not divide a {period}: use a finer grain.")
        return cls(period, grain)

    @property
    def calendar(self) -> bool:
        return self.grain != "exact"

    @property
    def scale(self) -> float:
        """Periods per occasion step."""
        if self.grain == self.period:
            return 1.0
        if self.grain == "exact":
            return 1.0 / (DAYS[self.period] * MICROSECONDS_A_DAY)
        return 1.0 / DAYS[self.period]

    def occasion(self, column: pl.Expr) -> pl.Expr:
        """The occasion number of a naive Datetime expression."""
        if self.grain == "exact":
            return column.dt.epoch("us")
        days = column.dt.epoch("d")
        if self.grain == "day":
            return days.cast(pl.Int64)
        if self.grain == "week":
            return ((days + 3) // 7).cast(pl.Int64)  # 1970-01-01 was a Thursday; weeks start on Monday
        return column.dt.year().cast(pl.Int64) * 12 + column.dt.month().cast(pl.Int64) - 1

    def occasion_of(self, moment: datetime) -> int:
        if self.grain == "exact":
            return (moment - EPOCH) // timedelta(microseconds=1)
        days = (moment.date() - EPOCH.date()).days
        if self.grain == "day":
            return days
        if self.grain == "week":
            return (days + 3) // 7
        return moment.year * 12 + moment.month - 1


@dataclass(frozen=True)
class Cutoff:
    """The end of a window: rows up to `last` (inclusive) belong to it; `position` is its occasion."""

    last: datetime
    position: int


def cutoff(clock: Clock, value, *, what: str, tz: str | None = None) -> Cutoff:
    """A window end from a date (the whole day belongs to it), a datetime or an ISO string."""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value) if len(value) <= 10 else datetime.fromisoformat(value)
        except ValueError:
            raise BadInput(f"{what} {value!r} is not an ISO date or time (2024-12-31).") from None
    if isinstance(value, datetime):
        moment = (
            value
            if value.tzinfo is None
            else value.astimezone(ZoneInfo(tz) if tz else UTC).replace(tzinfo=None)
        )
        return Cutoff(moment, clock.occasion_of(moment))
    if isinstance(value, date):
        last = datetime.combine(value, time.max)
        day_end = datetime.combine(value + timedelta(days=1), time.min)
        return Cutoff(last, clock.occasion_of(day_end if not clock.calendar else last))
    raise BadInput(f"{what} must be a date, a datetime or an ISO string, not {type(value).__name__}.")
