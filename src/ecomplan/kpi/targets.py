"""Target tracking: 目标达成率 against 时间进度, run-rate and the pace still needed.

A targets file (TOML)::

    [gmv]
    annual = 9_600_000
    [gmv.monthly]
    "2026-11" = 1_350_000
    [gmv.days]            # optional: a day's share of its month (campaign days)
    "2026-11-11" = 0.14
    [gmv.weekdays]        # optional: relative weights of Monday..Sunday for the other days
    mon = 1.0
    sat = 1.2
    [conversion_rate.monthly]
    "2026-11" = 0.032
    [platforms.sycm.gmv.monthly]   # optional: a platform's own target, tracked on its GMV
    "2026-11" = 800_000

Monthly targets are split into daily targets (evenly, or by pinned day shares
and weekday weights), so 时间进度 can follow the plan instead of the
calendar. Only complete days count: with T+1 data, the as-of day is not over.
"""

from __future__ import annotations

import calendar
import datetime as dt
from pathlib import Path

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ecomplan.core.errors import ConfigError
from ecomplan.core.periods import Period, month

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class AmountTarget(BaseModel):
    model_config = ConfigDict(extra="forbid")
    year: int | None = None
    annual: float | None = Field(default=None, gt=0)
    monthly: dict[str, float] = {}
    days: dict[str, float] = {}
    weekdays: dict[str, float] = {}

    @field_validator("monthly")
    @classmethod
    def _months(cls, value: dict[str, float]) -> dict[str, float]:
        for key, amount in value.items():
            _month(key)
            if amount <= 0:
                raise ValueError(f"monthly target for {key} must be positive")
        return value

    @field_validator("days")
    @classmethod
    def _days(cls, value: dict[str, float]) -> dict[str, float]:
        for key, share in value.items():
            dt.date.fromisoformat(key)
            if not 0 < share < 1:
                raise ValueError(f"day share for {key} must be between 0 and 1 (a fraction of the month)")
        return value

    @field_validator("weekdays")
    @classmethod
    def _weekdays(cls, value: dict[str, float]) -> dict[str, float]:
        unknown = set(value) - set(WEEKDAYS)
        if unknown:
            raise ValueError(f"weekday keys must be {', '.join(WEEKDAYS)}; got {', '.join(sorted(unknown))}")
        return value


class RateTarget(BaseModel):
    model_config = ConfigDict(extra="forbid")
    monthly: dict[str, float] = {}


class PlatformTargets(BaseModel):
    model_config = ConfigDict(extra="forbid")
    gmv: AmountTarget | None = None


class Targets(BaseModel):
    """`gmv` is the whole business's (all channels); `platforms.<code>.gmv` a platform's own, tracked
    against that platform's GMV (`[platforms.sycm.gmv.monthly]`, codes as in the JSON: sycm, jd, ga4…)."""

    model_config = ConfigDict(extra="forbid")
    gmv: AmountTarget | None = None
    conversion_rate: RateTarget | None = None
    platforms: dict[str, PlatformTargets] = {}


def _month(key: str) -> Period:
    try:
        year, number = key.split("-")
        return month(int(year), int(number))
    except (ValueError, TypeError):
        raise ValueError(f'month keys look like "2026-11", got {key!r}') from None


def load_targets(path: str | Path) -> Targets:
    from ecomplan.config import read_toml

    path = Path(path)
    data = read_toml(path, "targets file")
    try:
        return Targets.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ConfigError(f"{path}: {where}: {first['msg']}") from None


def daily_targets(target: AmountTarget, period: Period) -> pd.Series:
    """Daily GMV targets of the month `period`: pinned day shares first, the rest by weekday weight."""
    total = target.monthly.get(f"{period.start:%Y-%m}")
    if total is None:
        return pd.Series(dtype="float64")
    days = period.dates()
    pinned = {d: target.days[d.isoformat()] for d in days if d.isoformat() in target.days}
    if sum(pinned.values()) >= 1:
        raise ConfigError(
            f"gmv.days shares for {period.label} add up to {sum(pinned.values()):.0%}; they must leave "
            "room for the other days"
        )
    weights = {d: target.weekdays.get(WEEKDAYS[d.weekday()], 1.0) for d in days if d not in pinned}
    rest = 1 - sum(pinned.values())
    weight_sum = sum(weights.values())
    shares = {d: pinned.get(d, rest * weights.get(d, 0) / weight_sum if weight_sum else 0) for d in days}
    return pd.Series({pd.Timestamp(d): total * s for d, s in shares.items()}, dtype="float64")


def plan_for(target: AmountTarget, start: dt.date, end: dt.date) -> pd.Series:
    """Daily targets for every month overlapping start..end (months without a target are absent)."""
    parts, cursor = [], dt.date(start.year, start.month, 1)
    while cursor <= end:
        parts.append(daily_targets(target, month(cursor.year, cursor.month)))
        cursor = (cursor + dt.timedelta(days=32)).replace(day=1)
    parts = [p for p in parts if len(p)]
    return pd.concat(parts) if parts else pd.Series(dtype="float64")


def track_gmv(target: AmountTarget, actual: pd.Series, period: Period, as_of: dt.date) -> dict | None:
    """Month-to-date attainment for the month the period ends in, the period's own
    attainment (its days may span months) and, with an annual target, year to date.

    `actual` is GMV by day (DatetimeIndex) reaching back to 1 January for the
    year-to-date figure. Returns None when no monthly target covers that month.
    """
    the_month = month(period.end.year, period.end.month)
    plan = daily_targets(target, the_month)
    if plan.empty:
        return None
    last_complete = min(as_of - dt.timedelta(days=1), the_month.end, period.end)
    complete = max((last_complete - the_month.start).days + 1, 0)
    done = plan.index <= pd.Timestamp(last_complete)
    month_target = float(plan.sum())
    plan_to_date = float(plan[done].sum())
    actual_to_date = _sum(actual, the_month.start, last_complete)
    remaining_days = the_month.days - complete
    plan_progress = plan_to_date / month_target
    period_plan = plan_for(target, period.start, period.end)
    period_complete = min(period.end, as_of - dt.timedelta(days=1))
    covered = period_plan[
        (period_plan.index >= pd.Timestamp(period.start)) & (period_plan.index <= pd.Timestamp(period_complete))
    ]
    months_with_target = {d.strftime("%Y-%m") for d in period_plan.index}
    months_in_period = {d.strftime("%Y-%m") for d in pd.date_range(period.start, period.end)}
    period_target = float(covered.sum()) if months_in_period <= months_with_target and len(covered) else None
    period_actual = _sum(actual, period.start, period_complete)
    result = {
        "month": the_month.label,
        "target": month_target,
        "actual": actual_to_date,
        "attainment": actual_to_date / month_target,
        "time_progress": complete / the_month.days,
        "plan_progress": plan_progress,
        "gap": actual_to_date / month_target - plan_progress,
        "complete_days": complete,
        "days_in_month": the_month.days,
        "projection": actual_to_date / plan_progress if plan_progress else None,
        "daily_needed": (month_target - actual_to_date) / remaining_days if remaining_days else None,
        "period_target": period_target,
        "period_actual": period_actual if period_target is not None else None,
        "period_attainment": period_actual / period_target if period_target else None,
        "pacing": _pacing(plan, actual, last_complete),
    }
    if target.annual:
        year = target.year or period.end.year
        first = pd.Timestamp(dt.date(year, 1, 1))
        known = actual.dropna()
        if len(known) and known.index.min() <= first:
            ytd = _sum(actual, first.date(), last_complete)
            days_in_year = 366 if calendar.isleap(year) else 365
            result.update(
                {
                    "annual_target": target.annual,
                    "ytd_actual": ytd,
                    "ytd_attainment": ytd / target.annual,
                    "ytd_time_progress": ((last_complete - first.date()).days + 1) / days_in_year,
                }
            )
    return result


def _pacing(plan: pd.Series, actual: pd.Series, last_complete: dt.date) -> list[dict]:
    """Day by day through the month: the plan's running total, and the actual running total up to the
    last complete day (None after it), so a chart shows how far ahead or behind the month is."""
    done = plan.index <= pd.Timestamp(last_complete)
    sold = actual.reindex(plan.index).fillna(0.0)[done].cumsum()
    return [
        {"date": day.date(), "plan": float(planned), "actual": float(sold[day]) if day in sold.index else None}
        for day, planned in plan.cumsum().items()
    ]


def _sum(actual: pd.Series, start: dt.date, end: dt.date) -> float:
    return float(actual[(actual.index >= pd.Timestamp(start)) & (actual.index <= pd.Timestamp(end))].sum())


def rate_target(target: RateTarget | None, period: Period) -> float | None:
    if target is None:
        return None
    return target.monthly.get(f"{period.end:%Y-%m}")
