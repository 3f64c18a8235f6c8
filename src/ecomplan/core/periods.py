"""Report periods and what to compare them with.

Weeks are ISO 8601 weeks (Monday first, = GB/T 7408.1-2023), so the first
days of January may belong to week 52/53 of the previous year. Platform data
is T+1: a period counts only days before the as-of date as complete.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from ecomplan.core.errors import ArgumentError, UsageError

DAY = dt.timedelta(days=1)
# The days an argument may name: far from date.min/date.max, so that windows, comparisons (a year
# back, the previous period) and week ends never leave the calendar Python can represent.
FIRST_DAY, LAST_DAY = dt.date(1900, 1, 1), dt.date(2999, 12, 31)
MAX_DAYS = 36_600  # a window or day count: a hundred years


def parse_day(text: str | dt.date, argument: str = "as_of") -> dt.date:
    """A calendar day from `2026-11-23` (or a date/datetime); the one date parser of arguments."""
    if isinstance(text, dt.datetime):
        day = text.date()
    elif isinstance(text, dt.date):
        day = text
    else:
        try:
            day = dt.date.fromisoformat(str(text).strip())
        except ValueError:
            raise ArgumentError(argument, f"{text!r}: expected a date like 2026-11-23") from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ArgumentError(argument, f"{text!r}: expected a date between {FIRST_DAY} and {LAST_DAY}")
    return day


def parse_days(
    text: str | int | None, argument: str = "window", minimum: int = 1, allow_all: bool = False
) -> int | None:
    """A number of days from `28d`, `28`, `4w` (or an int); `all` (with `allow_all`) and None give None."""
    if text is None:
        return None
    if isinstance(text, int) and not isinstance(text, bool):
        days = text
    else:
        value = str(text).strip().lower()
        if allow_all and value == "all":
            return None
        found = re.fullmatch(r"(\d+)\s*([dw]?)", value)
        if not found:
            also = ", or 'all'" if allow_all else ""
            raise ArgumentError(argument, f"{text!r}: expected days or weeks like 28d, 90d, 52w{also}")
        days = int(found.group(1)) * (7 if found.group(2) == "w" else 1)
    if days < minimum:
        also = " (or 'all')" if allow_all else ""
        raise ArgumentError(argument, f"{text!r}: must be at least {minimum} day{'s' if minimum > 1 else ''}{also}")
    if days > MAX_DAYS:
        also = " (or 'all')" if allow_all else ""
        raise ArgumentError(argument, f"{text!r}: must be at most {MAX_DAYS:,} days{also}")
    return days


def today_in(timezone: str) -> dt.date:
    """Today in the shop's time zone: the only place that reads the clock."""
    from zoneinfo import ZoneInfo

    return dt.datetime.now(ZoneInfo(timezone)).date()


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date  # inclusive
    label: str

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def dates(self) -> list[dt.date]:
        return [self.start + dt.timedelta(days=i) for i in range(self.days)]

    def shift(self, days: int, label: str) -> Period:
        delta = dt.timedelta(days=days)
        return Period(self.start + delta, self.end + delta, label)

    def complete_days(self, as_of: dt.date) -> int:
        """Days of the period before `as_of` (the as-of day itself is not complete yet)."""
        last = min(self.end, as_of - DAY)
        return max((last - self.start).days + 1, 0)

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start.isoformat(), "end": self.end.isoformat(), "label": self.label, "days": self.days}


def iso_week(year: int, week: int) -> Period:
    try:
        monday = dt.date.fromisocalendar(year, week, 1)
    except ValueError:
        raise UsageError(f"{year}-W{week:02d} does not exist (ISO years have 52 or 53 weeks)") from None
    return Period(monday, monday + 6 * DAY, f"{year}-W{week:02d}")


def month(year: int, number: int) -> Period:
    last = calendar.monthrange(year, number)[1]
    return Period(dt.date(year, number, 1), dt.date(year, number, last), f"{year}-{number:02d}")


def quarter(year: int, number: int) -> Period:
    first = month(year, 3 * number - 2)
    return Period(first.start, month(year, 3 * number).end, f"{year}-Q{number}")


def parse_period(spec: str, as_of: dt.date, argument: str = "period") -> Period:
    """`last-week` | `this-week` | `last-month` | `this-month` | `2026-W47` | `2026-11` | `2026-Q4` |
    `2026-11-01..2026-11-22` | `2026-11-20` (one day). Errors name `argument`. The period lies between
    FIRST_DAY and LAST_DAY, so its comparisons stay inside the calendar."""
    try:
        period = _parse_period(spec, as_of, argument)
    except (ValueError, OverflowError):  # year 0, or a relative period next to date.min/date.max
        period = None
    if period is None or not (period.start >= FIRST_DAY and period.end <= LAST_DAY):
        raise ArgumentError(argument, f"{spec!r}: the period must lie between {FIRST_DAY} and {LAST_DAY}")
    return period


def _parse_period(spec: str, as_of: dt.date, argument: str) -> Period:
    text = spec.strip()
    lowered = text.lower()
    year, week, _ = as_of.isocalendar()
    if lowered in {"last-week", "last"}:
        monday = as_of - dt.timedelta(days=as_of.weekday() + 7)
        y, w, _ = monday.isocalendar()
        return iso_week(y, w)
    if lowered in {"this-week", "this"}:
        return iso_week(year, week)
    if lowered == "last-month":
        first = as_of.replace(day=1) - DAY
        return month(first.year, first.month)
    if lowered == "this-month":
        return month(as_of.year, as_of.month)
    if lowered == "yesterday":
        day = as_of - DAY
        return Period(day, day, day.isoformat())
    if match := re.fullmatch(r"(\d{4})-?W(\d{1,2})", text, re.IGNORECASE):
        return iso_week(int(match.group(1)), int(match.group(2)))
    if match := re.fullmatch(r"(\d{4})-Q([1-4])", text, re.IGNORECASE):
        return quarter(int(match.group(1)), int(match.group(2)))
    if match := re.fullmatch(r"(\d{4})-(\d{1,2})", text):
        if not 1 <= int(match.group(2)) <= 12:
            raise ArgumentError(argument, f"{spec}: month must be 01-12")
        return month(int(match.group(1)), int(match.group(2)))
    if match := re.fullmatch(r"(\d{4}-\d{2}-\d{2})\s*\.\.\s*(\d{4}-\d{2}-\d{2})", text):
        start, end = _date(match.group(1), spec, argument), _date(match.group(2), spec, argument)
        if end < start:
            raise ArgumentError(argument, f"{spec}: the end is before the start")
        return Period(start, end, f"{start}..{end}")
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        day = _date(text, spec, argument)
        return Period(day, day, text)
    raise ArgumentError(
        argument,
        f"{spec!r} not understood; use last-week, this-week, last-month, 2026-W47, 2026-11, "
        "2026-Q4 or 2026-11-01..2026-11-22",
    )


def _date(text: str, spec: str, argument: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ArgumentError(argument, f"{spec}: {text} is not a date") from None


def previous(period: Period) -> Period:
    """环比: the period just before, of the same kind (week, month, quarter) or length."""
    if re.fullmatch(r"\d{4}-W\d{2}", period.label):
        return period.shift(-7, _week_label(period.start - 7 * DAY))
    if re.fullmatch(r"\d{4}-\d{2}", period.label):
        last = period.start - DAY
        return month(last.year, last.month)
    if re.fullmatch(r"\d{4}-Q\d", period.label):
        last = period.start - DAY
        return quarter(last.year, (last.month - 1) // 3 + 1)
    shifted = period.shift(-period.days, "")
    return Period(
        shifted.start, shifted.end, f"{shifted.start}..{shifted.end}" if shifted.days > 1 else shifted.start.isoformat()
    )


def year_over_year(period: Period) -> Period:
    """同比 by calendar date: the same dates one year earlier (29 Feb -> 28 Feb)."""
    start, end = _minus_year(period.start), _minus_year(period.end)
    if re.fullmatch(r"\d{4}-\d{2}", period.label):
        return month(start.year, start.month)
    if re.fullmatch(r"\d{4}-Q\d", period.label):
        return quarter(start.year, (start.month - 1) // 3 + 1)
    return Period(start, end, f"{start}..{end}")


def year_over_year_weekday(period: Period) -> Period:
    """同比 by weekday: 364 days (52 weeks) earlier, so Mondays compare with Mondays."""
    return period.shift(
        -364,
        _week_label(period.start - 364 * DAY)
        if re.fullmatch(r"\d{4}-W\d{2}", period.label)
        else f"{period.start - 364 * DAY}..{period.end - 364 * DAY}",
    )


def _week_label(monday: dt.date) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def _minus_year(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


@dataclass(frozen=True)
class Campaign:
    """A sales campaign (双11, 618 ...) from the config's `[[campaigns]]`; both ends inclusive."""

    name: str
    start: dt.date
    end: dt.date
    # read by pydantic when the config validates [[campaigns]]: a misspelt key is an error
    __pydantic_config__ = {"extra": "forbid"}  # noqa: RUF012

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"campaign {self.name!r}: end {self.end} is before start {self.start}")

    def covers(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


def campaign_aligned(period: Period, campaigns: list[Campaign]) -> tuple[Period, Campaign, Campaign] | None:
    """The same days of the same campaign in its previous edition.

    618 and 双11 start on different dates every year; comparing day N of this
    year's campaign with day N of last year's is the fair comparison. Returns
    (aligned period, this edition, previous edition) or None when the period
    does not overlap a campaign that has an earlier edition.
    """
    for current in sorted(campaigns, key=lambda c: c.start, reverse=True):
        if current.start <= period.end and period.start <= current.end:
            earlier = [c for c in campaigns if c.name == current.name and c.start < current.start]
            if not earlier:
                continue
            before = max(earlier, key=lambda c: c.start)
            offset = (period.start - current.start).days
            start = before.start + dt.timedelta(days=offset)
            where = f"day {offset + 1}" if offset >= 0 else f"{-offset} days before day 1"
            aligned = Period(
                start, start + dt.timedelta(days=period.days - 1), f"{before.name} {before.start.year} ({where})"
            )
            return aligned, current, before
    return None
