"""KPI computations on canonical frames: totals, comparisons, funnel, channels,
products, ads. Pure functions: frames and periods in, plain results out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ecomplan.core.periods import Period
from ecomplan.kpi.metrics import METRICS

BREAKDOWNS = ("channel", "source", "keyword", "segment")
# When a platform sends the same day in two reports, the shop-level one wins.
REPORT_PREFERENCE = ("shop_overview", "daily", "product_macro")
_ADDITIVE = {s for m in METRICS.values() if m.rollup == "sum" for s in m.sources}
_DISTINCT = {s for m in METRICS.values() if m.rollup == "distinct" for s in m.sources}


@dataclass
class Totals:
    """KPI values of one platform (or all) over one period."""

    values: dict[str, float | None]
    visitors_basis: str  # "period_export": de-duplicated by the platform; "sum_of_daily": person-days;
    # "sum_of_ranges": the sum of weekly/monthly rows' de-duplicated counts (person-weeks, person-months);
    # "sum_of_channels": a channel table's counts added up (see from_channels); "orders": see orders_traffic
    days_covered: int
    days: int
    platforms: list[str] = field(default_factory=list)
    covered: tuple[dt.date, dt.date] | None = None  # first and last day of the period the counted rows cover
    grain: str = "day"  # of the counted rows: day, week, month, range, or several joined by "+"
    partial: list[tuple[dt.date, dt.date]] = field(default_factory=list)  # rows only partly in the period: uncounted
    coverage: dict[str, list[str]] = field(default_factory=dict)  # metric -> the platforms its value covers

    def get(self, key: str) -> float | None:
        return self.values.get(key)

    def covers(self, key: str) -> list[str]:
        """The platforms `key`'s value adds up (a ratio: those with both its numerator and denominator)."""
        if key in self.coverage:
            return self.coverage[key]
        return list(self.platforms) if self.get(key) is not None else []


def is_site_analytics(totals: Totals) -> bool:
    """A website measured by web analytics (GA4: sessions, users, purchases) rather than a shop's own
    export (访客数, 支付买家数): the two count different things, so they are never added into one cell."""
    return totals.get("sessions") is not None and totals.get("paying_buyers") is None


def by_kind(current: dict[str, Totals]) -> tuple[list[str], list[str]]:
    """(shop platforms, site-analytics platforms) of `current`; the KPI total is the shops' when there
    are any, the site's is reported beside it."""
    sites = [p for p, totals in current.items() if is_site_analytics(totals)]
    return [p for p in current if p not in sites], sites


def shop_level(traffic: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """(daily rows, period rows, notes) of whole-shop traffic: rows without a
    channel, source, keyword or segment.

    A day (or period) appears once per platform: the shop-level report wins
    over product totals, and of two downloads covering the same day the one
    whose data reaches furthest (the newer download, with late refunds
    settled) is kept; overlaps are noted, never summed.
    """
    mask = pd.Series(True, index=traffic.index)
    for column in BREAKDOWNS:
        if column in traffic:
            mask &= traffic[column].isna()
    notes: list[str] = []
    shop = pd.concat([traffic[mask], from_channels(traffic, mask, notes)], ignore_index=True)
    end = shop["date_end"] if "date_end" in shop else pd.Series(pd.NaT, index=shop.index)
    is_period = end.notna() & (end > shop["date"])
    daily = _one_per_key(shop[~is_period], ["platform", "date"], notes)
    period = _one_per_key(shop[is_period], ["platform", "date", "date_end"], notes)
    return daily, period, notes


def from_channels(traffic: pd.DataFrame, shop: pd.Series, notes: list[str]) -> pd.DataFrame:
    """Shop-level rows summed from a channel table, for the ranges of a platform that has no
    shop-level row on any of their days (a GA traffic-acquisition export is one row per channel
    for its whole range). Sums are exact for sessions, revenue and other additive measures; a
    visitor who came through two channels counts twice in the summed users, and a note says so."""
    if "channel" not in traffic or not (~shop).any():
        return traffic.iloc[0:0]
    level = ~shop & traffic["channel"].notna()
    for column in BREAKDOWNS[1:]:
        if column in traffic:
            level &= traffic[column].isna()
    rows = traffic[level]
    if rows.empty:
        return rows
    end = rows["date_end"] if "date_end" in rows else rows["date"]
    rows = rows.assign(date_end=end.fillna(rows["date"]))
    own = traffic[shop]
    own_end = own["date_end"].fillna(own["date"]) if "date_end" in own else own["date"]
    measures = [c for c in rows.columns if c in _ADDITIVE or c in _DISTINCT]
    out = []
    for (platform, start, stop), part in rows.groupby(["platform", "date", "date_end"], observed=True):
        mine = own[own["platform"] == platform]
        if ((mine["date"] <= stop) & (own_end[mine.index] >= start)).any():
            continue  # the platform's own shop-level rows cover (some of) these days
        summed = part[measures].sum(min_count=1)
        summed = summed.where(part[measures].notna().any())
        row = {"platform": platform, "date": start, "date_end": stop, **summed.to_dict()}
        row["report"] = "channel_sum"
        row["source_file"] = part["source_file"].iloc[0]
        out.append(row)
        summed_distinct = [c for c in measures if c in _DISTINCT and pd.notna(row.get(c))]
        if summed_distinct:
            notes.append(
                f"{platform}: {start.date()} – {stop.date()} has no shop total, only a channel table; "
                f"{', '.join(summed_distinct)} are the sum over its {len(part)} channels "
                "(someone who came through two channels counts twice)"
            )
    if not out:
        return traffic.iloc[0:0]
    frame = pd.DataFrame(out)
    for column in ("platform", "report", "source_file"):
        if column in traffic and isinstance(traffic[column].dtype, pd.CategoricalDtype):
            frame[column] = frame[column].astype("str")
    return frame


def _one_per_key(rows: pd.DataFrame, key: list[str], notes: list[str]) -> pd.DataFrame:
    if rows.empty:
        return rows.copy()
    newest = rows.groupby("source_file", observed=True)["date"].transform("max")
    rank = rows["report"].astype("str").map({r: i for i, r in enumerate(REPORT_PREFERENCE)}).fillna(99)
    ordered = rows.assign(_rank=rank.to_numpy(), _newest=newest.to_numpy()).sort_values(
        [*key, "_rank", "_newest", "source_file"], ascending=[True] * len(key) + [True, False, True], kind="stable"
    )
    duplicated = ordered.duplicated(key, keep="first")
    if duplicated.any():
        dropped = ordered[duplicated]
        for platform, part in dropped.groupby("platform", observed=True):
            files = sorted(set(ordered.loc[ordered["platform"] == platform, "source_file"].astype("str")))
            notes.append(
                f"{platform}: {part['date'].nunique()} day(s) appear in more than one file "
                f"({', '.join(files[:4])}); each counted once, from the newest download"
            )
    return ordered[~duplicated].drop(columns=["_rank", "_newest"])


def last_day(rows: pd.DataFrame) -> pd.Timestamp:
    """The newest day the rows cover (a period row covers up to its `date_end`)."""
    return rows["date_end"].fillna(rows["date"]).max() if "date_end" in rows else rows["date"].max()


def breakdown_level(traffic: pd.DataFrame, dimension: str) -> pd.DataFrame:
    """Rows broken down by `dimension` (channel/source or keyword)."""
    if dimension not in traffic:
        return traffic.iloc[0:0]
    return traffic[traffic[dimension].notna()]


def _within(frame: pd.DataFrame, period: Period) -> pd.DataFrame:
    start, end = pd.Timestamp(period.start), pd.Timestamp(period.end)
    return frame[(frame["date"] >= start) & (frame["date"] <= end)]


def _exact(frame: pd.DataFrame, period: Period) -> pd.DataFrame:
    return frame[(frame["date"] == pd.Timestamp(period.start)) & (frame["date_end"] == pd.Timestamp(period.end))]


def _days(start: pd.Timestamp, end: pd.Timestamp) -> set[pd.Timestamp]:
    return set(pd.date_range(start, end, freq="D"))


def tiles(
    ranges: pd.DataFrame, period: Period, taken: set[pd.Timestamp]
) -> tuple[pd.DataFrame, list[tuple[dt.date, dt.date]]]:
    """(rows to count, rows left out) of a platform's multi-day rows (weeks, months, a GA4 `Nth week`
    axis) for `period`, on the days not in `taken` (the days its daily rows already count).

    A row that lies inside the period counts whole (longest first, never two rows on one day); a
    row that only partly overlaps the period is left out and returned, so the report can say which
    part of the period the figures cover instead of passing a week off as the month. `taken`
    grows by the counted rows' days. The export for exactly the period is not a tile (see
    platform_totals)."""
    start, end = pd.Timestamp(period.start), pd.Timestamp(period.end)
    if ranges.empty:
        return ranges, []
    exact = (ranges["date"] == start) & (ranges["date_end"] == end)
    overlapping = ranges[~exact & (ranges["date"] <= end) & (ranges["date_end"] >= start)]
    inside = overlapping[(overlapping["date"] >= start) & (overlapping["date_end"] <= end)]
    order = (inside["date_end"] - inside["date"]).sort_values(ascending=False, kind="stable").index
    chosen = []
    for index in order:
        days = _days(inside.at[index, "date"], inside.at[index, "date_end"])
        if not days & taken:
            chosen.append(index)
            taken |= days
    partial = []
    for row in overlapping.drop(index=inside.index).drop_duplicates(["date", "date_end"]).itertuples():
        days = _days(max(row.date, start), min(row.date_end, end))
        if not days <= taken:
            partial.append((row.date.date(), row.date_end.date()))
    return inside.loc[chosen], sorted(partial)


def grain_of(rows: pd.DataFrame) -> str:
    """day, week, month or range (or several joined by "+") of the rows counted for a period."""
    if rows.empty:
        return "day"
    end = rows["date_end"].fillna(rows["date"]) if "date_end" in rows else rows["date"]
    length = (end - rows["date"]).dt.days + 1
    month = (rows["date"].dt.day == 1) & (end == rows["date"] + pd.offsets.MonthEnd(0))
    kinds = np.select([length == 1, length == 7, month], ["day", "week", "month"], "range")
    return "+".join(k for k in ("day", "week", "month", "range") if k in set(kinds))


def platform_totals(
    daily: pd.DataFrame, period_rows: pd.DataFrame, platform: str, period: Period, use_period_export: bool
) -> Totals:
    """One platform's KPIs over `period`.

    Additive metrics come from the daily rows, or from the platform's export
    for exactly this period when the daily rows don't cover it. Distinct
    counts come from that export when `use_period_export` (the caller decides
    so compared periods share a basis) or when there are no daily rows at all.
    """
    rows = _within(daily[daily["platform"] == platform], period)
    ranges = period_rows[period_rows["platform"] == platform] if len(period_rows) else period_rows
    export = _exact(ranges, period) if len(ranges) else ranges
    taken = set(rows["date"])
    # orders_traffic's period rows are made for exactly the periods asked: never tiles of another
    own = ranges[ranges["report"].astype("str") != "orders"] if len(ranges) else ranges
    counted, partial = tiles(own, period, taken)
    if len(counted):
        rows = pd.concat([rows, counted])
    covered = len(taken)
    has_export = len(export) > 0
    sums_from_export = has_export and covered < period.days
    distinct_from_export = has_export and (use_period_export or covered == 0)
    values: dict[str, float | None] = {}
    for metric in METRICS.values():
        if metric.rollup == "ratio":
            continue
        from_export = distinct_from_export if metric.rollup == "distinct" else sums_from_export
        values[metric.key] = _aggregate(export if from_export else rows, metric.sources, metric.rollup)
    finish_ratios(values)
    basis = "period_export" if distinct_from_export else "sum_of_ranges" if len(counted) else "sum_of_daily"
    if distinct_from_export and export["report"].astype("str").eq("channel_sum").all():
        basis = "sum_of_channels"  # from_channels: no shop total, the channels' counts added up
    elif has_export and export["report"].astype("str").eq("orders").all():
        basis = "orders"  # orders_traffic: buyers de-duplicated over the period, no visitors at all
    if sums_from_export and not export["report"].astype("str").eq("orders").all():  # orders_traffic: days are real
        return Totals(values, basis, period.days, period.days, [platform], (period.start, period.end), "period")
    span = (min(taken).date(), max(taken).date()) if taken else None
    return Totals(values, basis, covered, period.days, [platform], span, grain_of(rows), partial)


def _aggregate(rows: pd.DataFrame, sources: tuple[str, ...], rollup: str) -> float | None:
    for column in sources:
        if column in rows and rows[column].notna().any():
            series = rows[column]
            value = series.mean() if rollup == "mean_daily" else series.sum()
            return float(value)
    return None


def finish_ratios(values: dict[str, float | None]) -> None:
    """Ratio metrics from their numerators and denominators, never averaged."""
    gmv, refund = values.get("gmv"), values.get("refund_amount")
    values["net_gmv"] = None if gmv is None or refund is None else gmv - refund
    for metric in METRICS.values():
        if metric.rollup == "ratio" and metric.numerator:
            assert metric.denominator is not None  # every ratio metric with a numerator names its denominator
            values[metric.key] = ratio(values.get(metric.numerator), values.get(metric.denominator))


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or denominator is None or denominator == 0 or np.isnan(denominator):
        return None
    return numerator / denominator


def combine(parts: list[Totals]) -> Totals:
    """Platforms of one kind together (`by_kind`: shops, or analytics-measured sites): additive metrics
    add; visitors and buyers of different shops add as "sum across platforms"; a ratio is recomputed
    from the platforms that have both its parts; platform-defined daily means are kept only when a
    single platform reports them. `coverage` names the platforms behind every value."""
    values: dict[str, float | None] = {}
    coverage: dict[str, list[str]] = {}
    for metric in METRICS.values():
        if metric.rollup in {"sum", "distinct", "mean_daily"}:
            present = [p for p in parts if p.get(metric.key) is not None]
            if metric.rollup == "mean_daily" and len(present) > 1:
                present = []  # one platform's daily mean is kept as it is; means of several are not added
            values[metric.key] = float(sum(p.get(metric.key) or 0.0 for p in present)) if present else None
            coverage[metric.key] = [x for p in present for x in p.platforms]
    for metric in METRICS.values():
        if metric.rollup == "ratio" and metric.numerator:
            assert metric.denominator is not None  # every ratio metric with a numerator names its denominator
            both = [p for p in parts if p.get(metric.numerator) is not None and p.get(metric.denominator) is not None]
            values[metric.key] = ratio(
                sum(p.get(metric.numerator) or 0.0 for p in both) if both else None,
                sum(p.get(metric.denominator) or 0.0 for p in both) if both else None,
            )
            coverage[metric.key] = [x for p in both for x in p.platforms] if values[metric.key] is not None else []
    net = [v for p in parts if (v := p.get("net_gmv")) is not None]
    values["net_gmv"] = float(sum(net)) if parts and len(net) == len(parts) else None  # only when every part has it
    coverage["net_gmv"] = [x for p in parts for x in p.platforms] if values["net_gmv"] is not None else []
    bases = {p.visitors_basis for p in parts if p.get("visitors") is not None} or {p.visitors_basis for p in parts}
    basis = bases.pop() if len(bases) == 1 else "mixed"
    covered = min((p.days_covered for p in parts), default=0)
    platforms = [x for p in parts for x in p.platforms]
    return Totals(values, basis, covered, parts[0].days if parts else 0, platforms, coverage=coverage)


@dataclass
class Change:
    value: float | None
    previous: float | None

    @property
    def change(self) -> float | None:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous

    @property
    def change_pct(self) -> float | None:
        if self.change is None or not self.previous:
            return None
        return self.change / abs(self.previous)

    def to_dict(self) -> dict:
        return {"value": self.value, "previous": self.previous, "change": self.change, "change_pct": self.change_pct}


def compare(current: Totals, previous: Totals) -> dict[str, Change]:
    return {key: Change(current.get(key), previous.get(key)) for key in METRICS}


def period_export_use(period_rows: pd.DataFrame, platforms: list[str], periods: Sequence[Period]) -> dict[str, bool]:
    """Per platform: whether its de-duplicated period exports cover every one of `periods` (then the
    distinct counts of all of them come from those exports, else all are sums of daily rows)."""

    def has_export(platform: str, period: Period) -> bool:
        return len(period_rows) > 0 and len(_exact(period_rows[period_rows["platform"] == platform], period)) > 0

    return {p: all(has_export(p, x) for x in periods) for p in platforms}


def totals_for(
    daily: pd.DataFrame, period_rows: pd.DataFrame, platforms: list[str], current: Period, others: Sequence[Period] = ()
) -> tuple[dict[str, Totals], list[dict[str, Totals]]]:
    """Per-platform totals for `current` and each of `others`, all on one basis:
    a platform's period exports are used only when they cover every one of the
    periods, so a de-duplicated weekly UV is never compared with a sum of daily UVs."""

    use = period_export_use(period_rows, platforms, [current, *others])
    now = {p: platform_totals(daily, period_rows, p, current, use[p]) for p in platforms}
    then = [{p: platform_totals(daily, period_rows, p, other, use[p]) for p in platforms} for other in others]
    return now, then


# ---------------------------------------------------------------------------------------------
# Funnel
# ---------------------------------------------------------------------------------------------

FUNNELS = {
    "shop": ("visitors", "add_to_cart_buyers", "ordering_buyers", "paying_buyers"),
    "ga": ("sessions", "add_to_carts", "checkouts", "purchases"),
}


def funnel(current: dict[str, Totals], previous: dict[str, Totals] | None) -> pd.DataFrame:
    """Step counts, step conversion and drop-off per platform, this period and the comparison."""
    records = []
    for platform, totals in current.items():
        steps = FUNNELS["ga"] if is_site_analytics(totals) else FUNNELS["shop"]
        before = previous.get(platform) if previous else None
        first = totals.get(steps[0])
        prior_value = prior_before = None
        for index, step in enumerate(steps):
            value = totals.get(step)
            if value is None:
                continue
            old = before.get(step) if before else None
            step_rate = ratio(value, prior_value) if index else None
            old_rate = ratio(old, prior_before) if index and before else None
            records.append(
                {
                    "platform": platform,
                    "step": step,
                    "value": value,
                    "step_conversion": step_rate,
                    "drop_off": None if step_rate is None else 1 - step_rate,
                    "overall_conversion": ratio(value, first),
                    "previous": old,
                    "previous_step_conversion": old_rate,
                    "step_conversion_change": None if step_rate is None or old_rate is None else step_rate - old_rate,
                }
            )
            prior_value, prior_before = value, old
    return pd.DataFrame.from_records(
        records,
        columns=[
            "platform",
            "step",
            "value",
            "step_conversion",
            "drop_off",
            "overall_conversion",
            "previous",
            "previous_step_conversion",
            "step_conversion_change",
        ],
    )


# ---------------------------------------------------------------------------------------------
# Channels, keywords, products, ads
# ---------------------------------------------------------------------------------------------


def _paired_rows(frame: pd.DataFrame, current: Period, previous: Period) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """Rows of one platform for two compared periods, on one basis: the platform's
    exports for exactly those periods when both exist, else daily rows for both
    (visitors then add up to person-days); an export stands alone only when there
    are no daily rows."""
    if "date_end" not in frame:
        return _within(frame, current), _within(frame, previous), "sum_of_daily"
    is_period = frame["date_end"].notna() & (frame["date_end"] > frame["date"])
    exports, daily = frame[is_period], frame[~is_period]
    now_export, then_export = _exact(exports, current), _exact(exports, previous)
    now_daily = _within(daily, current)
    if len(now_export) and (len(then_export) or now_daily.empty):
        return now_export, then_export, "period_export"
    return now_daily, _within(daily, previous), "sum_of_daily"


def channels(traffic: pd.DataFrame, current: Period, previous: Period) -> pd.DataFrame:
    """One row per platform and source (leaf of the channel hierarchy), with
    conversion and UV value recomputed, and the change against `previous`."""
    rows = breakdown_level(traffic, "channel")
    if "keyword" in rows:
        rows = rows[rows["keyword"].isna()]
    if rows.empty:
        return pd.DataFrame()
    out = []
    for platform, frame in rows.groupby("platform", observed=True):
        now, then, basis = _paired_rows(frame, current, previous)
        keys = [k for k in ("channel", "source") if k in frame and frame[k].notna().any()]
        merged = _sum_by(now, keys).join(_sum_by(then, keys).add_prefix("previous_"), how="left").reset_index()
        merged.insert(0, "platform", platform)
        merged["basis"] = basis
        out.append(merged)
    frame = pd.concat(out, ignore_index=True)
    if "source" not in frame:
        frame["source"] = frame["channel"]
    frame["source"] = frame["source"].where(frame["source"].notna() & (frame["source"] != ""), frame["channel"])
    frame["conversion_rate"] = _div(frame["paying_buyers"], frame["visitors"])
    frame["uv_value"] = _div(frame["pay_amount"], frame["visitors"])
    frame["previous_conversion_rate"] = _div(frame["previous_paying_buyers"], frame["previous_visitors"])
    frame["visitors_change_pct"] = _div(frame["visitors"] - frame["previous_visitors"], frame["previous_visitors"])
    frame["pay_amount_change"] = frame["pay_amount"] - frame["previous_pay_amount"]
    total = frame.groupby("platform", observed=True)["visitors"].transform("sum")
    frame["visitor_share"] = _div(frame["visitors"], total)
    return frame.sort_values(["platform", "visitors"], ascending=[True, False]).reset_index(drop=True)


def channel_gmv_gaps(
    channels: pd.DataFrame, current: dict[str, Totals], tolerance: float = 0.005
) -> list[tuple[str, float, float]]:
    """(platform, sum of its leaf channels' GMV, its shop GMV) where the two differ by more than
    `tolerance`: platforms credit an order to every source that led to it, so the leaves need not add
    up to the shop, and a report showing both must say so."""
    if channels is None or channels.empty or "pay_amount" not in channels:
        return []
    gaps = []
    for code, amount in channels.groupby("platform", observed=True)["pay_amount"].sum(min_count=1).items():
        shop = current[str(code)].get("gmv") if str(code) in current else None
        if amount == amount and shop and abs(amount - shop) > tolerance * shop:
            gaps.append((str(code), float(amount), float(shop)))
    return gaps


def _sum_by(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    columns = ["visitors", "paying_buyers", "pay_amount"]
    frame = frame.assign(**{c: frame.get(c, np.nan) for c in columns})
    grouped = frame.fillna({k: "" for k in keys}).groupby(keys, observed=True)[columns]
    return grouped.sum(min_count=1)


def _div(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    denominator = denominator.astype("float64")
    return numerator.astype("float64") / denominator.where(denominator != 0)


def products(frame: pd.DataFrame, current: Period, previous: Period) -> pd.DataFrame:
    """GMV, units, visitors and buyers per platform and product for the period and the one before."""
    if frame is None or frame.empty:
        return pd.DataFrame()
    columns = [c for c in ("amount", "units", "visitors", "buyers") if c in frame]
    parts = []
    for platform, rows in frame.groupby("platform", observed=True):
        now, then, _ = _paired_rows(rows, current, previous)
        a = now.groupby("sku", observed=True)[columns].sum(min_count=1)
        b = then.groupby("sku", observed=True)[columns].sum(min_count=1).add_prefix("previous_")
        merged = a.join(b, how="outer").reset_index()
        merged.insert(0, "platform", platform)
        parts.append(merged)
    merged = pd.concat(parts, ignore_index=True)
    if "name" in frame:
        names = (
            frame.dropna(subset=["name"])
            .drop_duplicates(["platform", "sku"], keep="last")
            .set_index(["platform", "sku"])["name"]
        )
        merged = merged.join(names, on=["platform", "sku"])
    else:
        merged["name"] = None
    for column in ("amount", "units", "visitors", "buyers"):
        for name in (column, f"previous_{column}"):
            if name not in merged:
                merged[name] = np.nan
    merged["amount_change"] = merged["amount"].fillna(0) - merged["previous_amount"].fillna(0)
    merged["amount_change_pct"] = _div(merged["amount_change"], merged["previous_amount"])
    merged["conversion_rate"] = _div(merged["buyers"], merged["visitors"])
    return merged.sort_values("amount", ascending=False, na_position="last").reset_index(drop=True)


def traffic_without_sales(table: pd.DataFrame, min_visitors: float = 50) -> pd.DataFrame:
    """Products that drew visitors but sold nothing in the period (a missing
    units or amount figure is unknown, not zero, and never flags a product)."""
    if table.empty:
        return table
    sold = table["units"] if table["units"].notna().any() else table["amount"]
    mask = (table["visitors"].fillna(0) >= min_visitors) & sold.notna() & (sold == 0)
    return table[mask].sort_values("visitors", ascending=False)


def ads(frame: pd.DataFrame, period: Period, by: str) -> pd.DataFrame:
    """Spend, CTR, CPC, ROI by campaign or keyword; ratios from summed parts.

    Ad reports break the same spend down differently (plan, item, keyword):
    the campaign table uses plan-level rows (no keyword, no item) when a
    platform has them, so an item report loaded beside the plan report is not
    added twice; the keyword table uses keyword rows.
    """
    if frame is None or frame.empty or by not in frame:
        return pd.DataFrame()
    rows = frame[frame[by].notna()]
    if by == "campaign":
        level = pd.Series(0, index=rows.index)
        for column in ("keyword", "item_id"):
            if column in rows:
                level += rows[column].notna().astype(int)
        finest = level.groupby(rows["platform"], observed=True).transform("min")
        rows = rows[level == finest]
    parts = [_paired_rows(r, period, period)[0] for _, r in rows.groupby("platform", observed=True)]
    rows = pd.concat(parts) if parts else rows.iloc[0:0]
    columns = [c for c in ("impressions", "clicks", "spend", "gmv", "orders") if c in rows]
    table = rows.groupby(["platform", by], observed=True)[columns].sum(min_count=1).reset_index()
    for column in ("impressions", "clicks", "spend", "gmv", "orders"):
        if column not in table:
            table[column] = np.nan
    table["ctr"] = _div(table["clicks"], table["impressions"])
    table["cpc"] = _div(table["spend"], table["clicks"])
    table["roi"] = _div(table["gmv"], table["spend"])
    table["conversion_rate"] = _div(table["orders"], table["clicks"])
    return table.sort_values("spend", ascending=False).reset_index(drop=True)


def ad_totals(table: pd.DataFrame, current: dict[str, Totals]) -> pd.DataFrame:
    """Spend and ad sales per platform and for all platforms together (`platform` = "total"): ROI is the
    summed ad sales over the summed spend, and spend as a share of the platform's GMV (its own
    platforms' GMV for the total row), never averaged over campaigns. `table` is `ads(..., "campaign")`."""
    if table is None or table.empty:
        return pd.DataFrame()
    per = table.groupby("platform", observed=True)[["spend", "gmv", "orders"]].sum(min_count=1).reset_index()
    per["platform"] = per["platform"].astype("str")
    per["shop_gmv"] = [current[p].get("gmv") if p in current else None for p in per["platform"]]
    if len(per) > 1:
        total = {
            "platform": "total",
            "spend": per["spend"].sum(min_count=1),
            "gmv": per["gmv"].sum(min_count=1),
            "orders": per["orders"].sum(min_count=1),
            # the share's numerator and denominator over the same platforms
            "shop_gmv": per["shop_gmv"].sum() if per["shop_gmv"].notna().all() else None,
        }
        per = pd.concat([per, pd.DataFrame([total])], ignore_index=True)
    per["shop_gmv"] = pd.to_numeric(per["shop_gmv"], errors="coerce")
    per["roi"] = _div(per["gmv"], per["spend"])
    per["spend_share"] = _div(per["spend"], per["shop_gmv"])
    per["ad_gmv_share"] = _div(per["gmv"], per["shop_gmv"])
    return per


def wasted_spend(table: pd.DataFrame, min_spend: float = 100.0) -> pd.DataFrame:
    """Keywords (or campaigns) that spent at least `min_spend` without one order
    (or, when orders are not reported, without attributed GMV)."""
    if table.empty:
        return table
    result = table["orders"] if table["orders"].notna().any() else table["gmv"]
    return table[(table["spend"].fillna(0) >= min_spend) & result.notna() & (result == 0)]


# ---------------------------------------------------------------------------------------------
# Daily series and anomalies
# ---------------------------------------------------------------------------------------------


def daily_gmv(daily: pd.DataFrame, start: dt.date, end: dt.date) -> pd.DataFrame:
    """GMV per day per platform (columns) plus `total`, for trend charts, anomalies and targets.

    A missing figure stays missing: a platform without a number for a day
    leaves that day's total empty rather than pretending it sold nothing.
    """
    rows = daily[(daily["date"] >= pd.Timestamp(start)) & (daily["date"] <= pd.Timestamp(end))]
    gmv = rows["pay_amount"] if "pay_amount" in rows else pd.Series(np.nan, index=rows.index)
    if "revenue" in rows:
        gmv = gmv.fillna(rows["revenue"])
    table = (
        rows.assign(gmv=gmv, platform=rows["platform"].astype("str"))
        .groupby(["date", "platform"])["gmv"]
        .sum(min_count=1)
        .unstack("platform")
    )
    table = table.reindex(pd.date_range(start, end, freq="D"))
    table = table.loc[:, table.notna().any()] if len(table.columns) else table
    table.columns = [str(c) for c in table.columns]
    # A platform is expected from its first day with data on (a shop opening mid-year is not "missing" before).
    expected = pd.DataFrame({c: table.index >= table[c].first_valid_index() for c in table.columns}, index=table.index)
    incomplete = (table.isna() & expected).any(axis=1) if len(table.columns) else pd.Series(True, index=table.index)
    table["total"] = table.sum(axis=1, min_count=1).mask(incomplete)
    table.index.name = "date"
    return table


@dataclass(frozen=True)
class Anomaly:
    platform: str
    day: dt.date
    value: float
    baseline: float  # median of the same weekday in earlier weeks
    z: float
    weeks: int  # how many earlier weeks the baseline holds

    @property
    def change_pct(self) -> float:
        return self.value / self.baseline - 1 if self.baseline else float("nan")


def gmv_anomalies(
    series: pd.DataFrame,
    period: Period,
    weeks: int = 6,
    threshold: float = 3.0,
    exclude: AbstractSet[dt.date] = frozenset(),
) -> list[Anomaly]:
    """Days of the period whose GMV lies far outside the same weekday of the
    previous `weeks` weeks (robust z: median and MAD, so one odd day in the
    baseline doesn't hide the next anomaly). Campaign days in `exclude` are
    left out of the baselines, which then reach further back."""
    found = []
    for column in series.columns:
        for day in period.dates():
            stamp = pd.Timestamp(day)
            if stamp not in series.index or pd.isna(series.at[stamp, column]):
                continue
            # The same weekday of earlier weeks, skipping campaign days, up to `weeks` of them.
            history = [stamp - pd.Timedelta(days=7 * k) for k in range(1, 2 * weeks + 1)]
            history = [d for d in history if d.date() not in exclude][:weeks]
            base = series[column].reindex(history).dropna()
            if len(base) < 3:
                continue
            median = float(base.median())
            mad = float((base - median).abs().median()) * 1.4826
            # Floor the spread at 15% of the median: a quiet history must not turn every wobble into an alarm.
            scale = max(mad, 0.15 * abs(median), 1.0)
            z = (float(series.at[stamp, column]) - median) / scale
            if abs(z) >= threshold:
                found.append(Anomaly(column, day, float(series.at[stamp, column]), median, z, len(base)))
    return found


# ---------------------------------------------------------------------------------------------
# Orders as the only source: a traffic-like frame without traffic
# ---------------------------------------------------------------------------------------------


def orders_traffic(orders: pd.DataFrame, periods: Sequence[Period]) -> pd.DataFrame:
    """A canonical traffic frame derived from order lines, for platforms that have orders but no
    traffic export: per platform one row a day from its first to its last sale (GMV = amounts of
    the sold lines by `sold_lines`, the rule every analysis uses; paid orders; units; refunds; that
    day's buyers), and for each of `periods` one row for exactly that period carrying its
    de-duplicated buyers, new buyers (first purchase in the file falls in the period) and returning
    buyers. No visitors: an order export knows nothing about traffic, so conversion and UV value
    stay unknown (the registry recomputes every rate from these parts).

    Orders without a customer ID count as one buyer each; when no order has one, buyers are unknown."""
    from ecomplan.ingest.schemas import purchase_time_column, sold_lines

    column = purchase_time_column(orders)
    empty = pd.DataFrame(columns=["date", "date_end", "platform", "report", "source_file"])
    if column is None or orders.empty:
        return empty
    sold = orders[sold_lines(orders)]
    if sold.empty:  # no sale at all (every line unpaid, cancelled, or left empty by a bad cell)
        return empty
    when = sold[column]
    if isinstance(when.dtype, pd.DatetimeTZDtype):
        when = when.dt.tz_localize(None)
    ids = sold["customer_id"] if "customer_id" in sold else pd.Series(pd.NA, index=sold.index, dtype="object")
    lines = pd.DataFrame(
        {
            "platform": sold["platform"].astype("str") if "platform" in sold else "orders",
            "day": when.dt.normalize(),
            "order": sold["order_id"].astype("str"),
            "buyer": ids.astype("object").where(ids.notna(), "\0order:" + sold["order_id"].astype("str")),
            "known": ids.notna(),
            "amount": sold.get("amount", np.nan),
            "refund": sold.get("refund", np.nan),
            "units": sold.get("quantity", np.nan),
            "file": sold["source_file"].astype("str") if "source_file" in sold else "",
        }
    )
    first = lines.groupby(["platform", "buyer"])["day"].transform("min")
    rows = []
    for platform, part in lines.groupby("platform"):
        no_ids = not part["known"].any()
        file = ", ".join(sorted(set(part["file"])))
        by_day = part.groupby("day").agg(
            pay_amount=("amount", lambda s: s.sum(min_count=1)),
            refund_amount=("refund", lambda s: s.sum(min_count=1)),
            units=("units", lambda s: s.sum(min_count=1)),
            orders=("order", "nunique"),
            paying_buyers=("buyer", "nunique"),
        )
        days = pd.date_range(by_day.index.min(), by_day.index.max(), freq="D")
        by_day = by_day.reindex(days)
        by_day[["orders", "paying_buyers"]] = by_day[["orders", "paying_buyers"]].fillna(0)
        for measure in ("pay_amount", "refund_amount", "units"):
            if part[{"pay_amount": "amount", "refund_amount": "refund", "units": "units"}[measure]].notna().any():
                by_day[measure] = by_day[measure].fillna(0.0)
        if no_ids:
            by_day["paying_buyers"] = np.nan
        for day, values in by_day.iterrows():
            rows.append({"date": day, "date_end": pd.NaT, "platform": platform, **values.to_dict(), "source": file})
        for period in dict.fromkeys(periods):
            start, end = pd.Timestamp(period.start), pd.Timestamp(period.end)
            if end < days[0] or start > days[-1]:  # before or after the file: unknown, not zero
                rows.append({"date": start, "date_end": end, "platform": platform, "source": file})
                continue
            inside = part[(part["day"] >= start) & (part["day"] <= end)]
            buyers = inside.drop_duplicates("buyer")
            new = int((first[buyers.index] >= start).sum())
            rows.append(
                {
                    "date": start,
                    "date_end": end,
                    "platform": platform,
                    "pay_amount": inside["amount"].sum(min_count=1) if len(inside) else 0.0,
                    "refund_amount": inside["refund"].sum(min_count=1) if len(inside) else 0.0,
                    "units": inside["units"].sum(min_count=1) if len(inside) else 0.0,
                    "orders": inside["order"].nunique(),
                    "paying_buyers": np.nan if no_ids else len(buyers),
                    "new_buyers": np.nan if no_ids else new,
                    "returning_buyers": np.nan if no_ids else len(buyers) - new,
                    "source": file,
                }
            )
    frame = pd.DataFrame(rows)
    frame["source_file"] = frame.pop("source")
    frame["report"] = "orders"
    return frame
