"""Daily demand per SKU from whatever sales evidence the shop has.

Three kinds of canonical sales data are accepted, and several may be
combined (units are added up per SKU and day):

- order lines (`orders`): paid lines only (`PAID_STATUSES`), quantity on the
  payment day (creation day when the export has no payment time);
- product days (`products`, Sycm 商品_全部 / JD 商品明细): `units` by `date`;
  rows that cover several days (`date`..`date_end`) are spread evenly over
  them, and their SKUs' standard deviation is then at least Poisson, √mean,
  because a spread series hides the day-to-day swings;
- the stock sheet's outbound columns (JD 库存 近7/14/28/30日出库), used only
  when no sales file is given, as one multi-day total.

Statistics run on integer SKU codes and day offsets with `np.bincount`, never
a Python loop per SKU: 100,000 SKUs × 90 days take well under a second.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import SchemaError
from ..schemas import PAID_STATUSES
from .findings import Finding
from .settings import Settings
from .stock import STOCK_SALES

DAY = np.timedelta64(1, "D")
DENSE_CELLS = 10_000_000  # SKU × bucket cells held as a dense matrix (80 MB); more go through a sparse group-by


@dataclass(frozen=True)
class SalesSource:
    """One sales file (or the stock sheet's outbound columns) and the days it covers."""

    file: str
    kind: str  # orders | products | stock_columns
    platform: str | None
    report: str | None
    rows: int
    first: pd.Timestamp | None
    last: pd.Timestamp | None

    def to_dict(self) -> dict:
        return {"file": self.file, "kind": self.kind, "platform": self.platform, "report": self.report,
                "rows": self.rows, "first_date": self.first, "last_date": self.last}


@dataclass
class DailySales:
    """Units (and revenue) per SKU and day, from every source, before any window is applied.

    `frame` has columns sku, day, units, revenue (NaN where the source has
    no amount) and spread (True where the units come from a multi-day
    total); a SKU may have several rows per day (order lines, several files).
    """

    frame: pd.DataFrame
    sources: list[SalesSource]
    findings: list[Finding] = field(default_factory=list)

    @property
    def coverage_start(self) -> pd.Timestamp | None:
        """The first day every source covers: before it, some channel's sales are unknown, not zero."""
        firsts = [s.first for s in self.sources if s.first is not None]
        return max(firsts) if firsts else None


def sales_kind(frame: pd.DataFrame) -> str:
    """Which canonical kind a sales frame is, from its columns."""
    columns = set(frame.columns)
    if {"order_id", "sku"} <= columns:
        return "orders"
    if {"date", "sku", "units"} <= columns:
        return "products"
    if "sku" in columns and columns & set(STOCK_SALES):
        return "stock_columns"
    raise SchemaError("sales data must be order lines (order_id, sku, quantity, paid_at), product days "
                      "(date, sku, units) or a stock sheet with outbound columns (sales_7d ... sales_30d); "
                      f"got columns: {', '.join(map(str, frame.columns[:20]))}")


def collect_sales(frames: list[pd.DataFrame], stock: pd.DataFrame, as_of: pd.Timestamp,
                  window_days: int) -> DailySales:
    """Daily units per SKU from sales frames, or from the stock sheet's outbound columns when there are none.

    `stock` is the per-SKU stock table (index sku); its `price` (else
    `unit_cost`) weighs the split of order totals over lines and prices
    units that come without an amount.
    """
    parts: list[pd.DataFrame] = []
    sources: list[SalesSource] = []
    findings: list[Finding] = []
    prices = _prices(stock)
    if not frames:
        part, source, finding = _stock_columns_daily(stock, as_of, window_days, prices)
        parts.append(part)
        sources.append(source)
        findings.append(finding)
    orders = [f for f in frames if sales_kind(f) == "orders"]
    products = [f for f in frames if sales_kind(f) == "products"]
    stock_like = [f for f in frames if sales_kind(f) == "stock_columns"]
    for frame in stock_like:
        per_sku = frame.groupby(frame["sku"].astype("str").str.strip())[
            [c for c in STOCK_SALES if c in frame]].sum(min_count=1)
        part, source, finding = _stock_columns_daily(per_sku, as_of, window_days, prices,
                                                     _file_name(frame, "stock"))
        parts.append(part)
        sources.append(source)
        findings.append(finding)
    if orders:
        part, found_sources, found = _orders_daily(_concat(orders), prices)
        parts.append(part)
        sources.extend(found_sources)
        findings.extend(found)
    if products:
        part, found_sources, found = _products_daily(_concat(products), stock.index, prices)
        parts.append(part)
        sources.extend(found_sources)
        findings.extend(found)
    daily = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    findings.extend(_overlaps(sources))
    return DailySales(daily.reset_index(drop=True), sources, findings)


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]


def _prices(stock: pd.DataFrame) -> pd.Series:
    price = stock["price"] if "price" in stock else pd.Series(np.nan, index=stock.index)
    if "unit_cost" in stock:
        price = price.fillna(stock["unit_cost"])
    return price.astype("float64")


def _file_name(frame: pd.DataFrame, default: str) -> str:
    if "source_file" in frame and len(frame):
        return str(frame["source_file"].iloc[0])
    return default


def _files(frame: pd.DataFrame, default: str) -> pd.Series:
    if "source_file" in frame:
        return frame["source_file"].astype("category")
    return pd.Series(pd.Categorical([default] * len(frame)) if len(frame) else pd.Categorical([]),
                     index=frame.index)


def _source_rows(frame: pd.DataFrame, kind: str, first: pd.Series, last: pd.Series,
                 default: str) -> list[SalesSource]:
    """One `SalesSource` per file in `frame`, with the first and last day it has rows for."""
    summary = pd.DataFrame({"file": _files(frame, default), "first": first, "last": last})
    for column in ("platform", "report"):
        summary[column] = frame[column].astype("str") if column in frame else None
    table = summary.groupby("file", sort=True, observed=True).agg(
        rows=("first", "size"), first=("first", "min"), last=("last", "max"),
        platform=("platform", "first"), report=("report", "first"))
    return [SalesSource(str(name), kind, _text(row.platform), _text(row.report), int(row.rows),
                        None if pd.isna(row.first) else row.first, None if pd.isna(row.last) else row.last)
            for name, row in zip(table.index, table.itertuples(index=False))]


def _text(value) -> str | None:
    return None if value is None or (isinstance(value, float) and np.isnan(value)) or value == "nan" else str(value)


def _orders_daily(frame: pd.DataFrame, prices: pd.Series) -> tuple[pd.DataFrame, list[SalesSource], list[Finding]]:
    findings: list[Finding] = []
    paid_at = frame["paid_at"] if "paid_at" in frame else pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
    created = frame["created_at"] if "created_at" in frame else pd.Series(pd.NaT, index=frame.index,
                                                                           dtype="datetime64[ns]")
    day = paid_at.fillna(created).dt.normalize()
    dated = created.fillna(paid_at).dt.normalize()
    sources = _source_rows(frame, "orders", dated, dated, "orders")
    if "status" in frame:
        status = frame["status"]
        sold = status.isin(PAID_STATUSES) | (status.isna() & paid_at.notna())
    else:
        sold = paid_at.notna()
    lines = frame.loc[sold.to_numpy()]
    day = day[sold.to_numpy()]
    if "quantity" in lines:
        quantity = lines["quantity"].astype("float64")
    else:
        quantity = pd.Series(1.0, index=lines.index)
        for source in sources:
            findings.append(Finding("no_quantity_column", "info", detail={"file": source.file}))
    missing_quantity = quantity.isna()
    if missing_quantity.any():
        findings.append(Finding("missing_quantity", count=int(missing_quantity.sum())))
    negative = quantity < 0
    if negative.any():
        findings.append(Finding("negative_quantity", "info", count=int(negative.sum()),
                                units=float(-quantity[negative].sum())))
    undated = day.isna() & ~missing_quantity & ~negative
    if undated.any():
        findings.append(Finding("unpaid_without_date", count=int(undated.sum()),
                                units=float(quantity[undated].sum())))
    keep = (~missing_quantity & ~negative & ~undated).to_numpy()
    lines, day, quantity = lines.loc[keep], day[keep], quantity[keep]
    sku = lines["sku"].astype("str").str.strip()
    no_sku = (sku.isna() | sku.eq("")).to_numpy()
    if no_sku.any():
        findings.append(Finding("sales_without_sku", count=int(no_sku.sum()), units=float(quantity[no_sku].sum())))
    revenue = _line_revenue(lines, quantity, sku, prices) if "amount" in lines else pd.Series(np.nan,
                                                                                               index=lines.index)
    part = pd.DataFrame({"sku": sku, "day": day, "units": quantity, "revenue": revenue, "spread": False,
                         "order_id": lines["order_id"].astype("str"), "file": _files(lines, "orders")})
    part = part.loc[~no_sku]
    if part["file"].nunique() > 1:
        first_file = part.groupby(["order_id", "sku"], sort=False, observed=True)["file"].transform("first")
        repeated = part["file"] != first_file
        if repeated.any():
            findings.append(Finding("duplicate_sales", "info", count=int(repeated.sum())))
            part = part.loc[~repeated]
    return part[["sku", "day", "units", "revenue", "spread"]], sources, findings


def _line_revenue(lines: pd.DataFrame, quantity: pd.Series, sku: pd.Series, prices: pd.Series) -> pd.Series:
    """Each line's share of its order's amount.

    Several exports (JD, Shopify) put the order total on the first line and 0
    on the others; in such orders the total is split over the lines by
    quantity × price (by quantity when a line's price is unknown), so ABC by
    revenue does not credit the whole order to whichever SKU came first.
    """
    amount = lines["amount"].astype("float64")
    order = lines["order_id"]
    multi = order.duplicated(keep=False)
    if not multi.any():
        return amount
    sub_amount = amount[multi].fillna(0.0)
    sub_order = order[multi]
    positive = (sub_amount > 0).groupby(sub_order).transform("any")
    empty = (sub_amount <= 0).groupby(sub_order).transform("any")
    first_line_only = positive & empty
    if not first_line_only.any():
        return amount
    idx = first_line_only[first_line_only].index
    o, q, a = order[idx], quantity[idx], sub_amount[idx]
    price = sku[idx].map(prices).astype("float64")
    unpriced = price.isna().groupby(o).transform("any")
    weight = q.where(unpriced, q * price)
    weight_sum = weight.groupby(o).transform("sum")
    lines_in_order = o.groupby(o).transform("size")
    share = (weight / weight_sum).where(weight_sum > 0, 1.0 / lines_in_order)
    result = amount.copy()
    result[idx] = a.groupby(o).transform("sum") * share
    return result


def _products_daily(frame: pd.DataFrame, stock_skus: pd.Index,
                    prices: pd.Series) -> tuple[pd.DataFrame, list[SalesSource], list[Finding]]:
    findings: list[Finding] = []
    start = frame["date"].dt.normalize()
    end = frame["date_end"].dt.normalize().fillna(start) if "date_end" in frame else start
    sources = _source_rows(frame, "products", start, end, "products")
    sku = frame["sku"].astype("str").str.strip()
    files = _files(frame, "products")
    if "product_code" in frame:
        code = frame["product_code"].astype("str").str.strip()
        use_code = ~sku.isin(stock_skus) & code.isin(stock_skus)
        if use_code.any():
            for name, count in use_code.groupby(files, observed=True).sum().items():
                if count:
                    findings.append(Finding("matched_by_product_code", "info", count=int(count),
                                            detail={"file": name}))
            sku = sku.where(~use_code, code)
    units = frame["units"].astype("float64")
    missing = units.isna()
    if missing.any():
        for name, count in missing.groupby(files, observed=True).sum().items():
            if count:
                findings.append(Finding("missing_units", count=int(count), detail={"file": name}))
    revenue = frame["amount"].astype("float64") if "amount" in frame else units * sku.map(prices)
    part = pd.DataFrame({"sku": sku, "start": start, "end": end, "units": units, "revenue": revenue,
                         "file": files, "platform": frame["platform"].astype("str") if "platform" in frame else "",
                         "report": frame["report"].astype("str") if "report" in frame else ""})
    part = part.loc[~missing.to_numpy() & sku.notna().to_numpy() & sku.ne("").to_numpy()]
    if part["file"].nunique() > 1:
        keys = ["platform", "report", "sku", "start", "end"]
        first_file = part.groupby(keys, sort=False, observed=True)["file"].transform("first")
        repeated = part["file"] != first_file
        if repeated.any():
            findings.append(Finding("duplicate_sales", "info", count=int(repeated.sum())))
            part = part.loc[~repeated]
    return _spread(part), sources, findings


def _spread(part: pd.DataFrame) -> pd.DataFrame:
    """Rows covering several days become one row per day with an equal share of units and revenue."""
    days = ((part["end"] - part["start"]) // pd.Timedelta(days=1)).to_numpy().astype("int64") + 1
    days = np.maximum(days, 1)
    single = days == 1
    out = pd.DataFrame({"sku": part["sku"].to_numpy()[single], "day": part["start"].to_numpy()[single],
                        "units": part["units"].to_numpy()[single], "revenue": part["revenue"].to_numpy()[single],
                        "spread": False})
    if single.all():
        return out
    multi = ~single
    n = days[multi]
    repeat = np.repeat(np.arange(multi.sum()), n)
    offset = np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n)
    starts = part["start"].to_numpy()[multi]
    spread = pd.DataFrame({
        "sku": part["sku"].to_numpy()[multi][repeat],
        "day": starts[repeat] + offset * DAY,
        "units": (part["units"].to_numpy()[multi] / n)[repeat],
        "revenue": (part["revenue"].to_numpy()[multi] / n)[repeat],
        "spread": True,
    })
    return pd.concat([out, spread], ignore_index=True)


def _stock_columns_daily(per_sku: pd.DataFrame, as_of: pd.Timestamp, window_days: int, prices: pd.Series,
                         file: str = "stock") -> tuple[pd.DataFrame, SalesSource, Finding]:
    """The stock sheet's 近N日出库 as one N-day total per SKU, the N closest to the demand window."""
    available = [c for c in STOCK_SALES if c in per_sku and per_sku[c].notna().any()]
    if not available:
        raise SchemaError("no sales data: pass --sales with order exports or product daily exports (or a stock "
                          "sheet with 近7/14/28/30日出库 columns)")
    column = min(available, key=lambda c: (abs(STOCK_SALES[c] - window_days), -STOCK_SALES[c]))
    days = STOCK_SALES[column]
    units = per_sku[column].dropna()
    part = pd.DataFrame({"sku": units.index.astype("str"), "start": as_of - pd.Timedelta(days=days),
                         "end": as_of - pd.Timedelta(days=1), "units": units.to_numpy(),
                         "revenue": units.to_numpy() * units.index.map(prices).to_numpy(dtype="float64")})
    source = SalesSource(file, "stock_columns", None, None, len(units), as_of - pd.Timedelta(days=days),
                         as_of - pd.Timedelta(days=1))
    finding = Finding("stock_sales_columns", "info", detail={"days": days, "column": column})
    return _spread(part), source, finding


def _overlaps(sources: list[SalesSource]) -> list[Finding]:
    """Same-platform sources of different reports over the same days add up the same sales twice."""
    findings = []
    known = [s for s in sources if s.platform and s.platform not in {"generic", "None"} and s.first is not None]
    for i, a in enumerate(known):
        for b in known[i + 1:]:  # a handful of files
            if a.platform != b.platform or (a.kind, a.report) == (b.kind, b.report):
                continue
            start, end = max(a.first, b.first), min(a.last, b.last)
            if start <= end:
                findings.append(Finding("overlapping_sources", detail={
                    "files": f"{a.file} + {b.file}", "platform": a.platform,
                    "start": start.date().isoformat(), "end": end.date().isoformat()}))
    return findings


@dataclass
class DemandStats:
    """Per-SKU demand statistics (index = the stock SKUs) and what the data allowed to evaluate."""

    frame: pd.DataFrame
    window_days: int  # days actually averaged over (the window, trimmed to the sales coverage)
    abc_days: int
    xyz_weeks: int  # 0: not enough data for XYZ
    coverage_days: int  # days before as-of that every source covers
    slow_evaluated: bool
    dead_evaluated: bool
    unknown: pd.DataFrame  # sales of SKUs missing from the stock sheet: sku, units_window, units_total, last_sale
    findings: list[Finding] = field(default_factory=list)


def demand_statistics(sales: DailySales, skus: pd.Index, as_of: pd.Timestamp, settings: Settings) -> DemandStats:
    """Mean and standard deviation of daily units over the window (days without sales count as zero),
    plus the figures the status rules and ABC/XYZ need, for every SKU in `skus`."""
    findings: list[Finding] = []
    daily = sales.frame
    as_of_day = _day_number(as_of)
    day = _day_number(daily["day"])
    future = day >= as_of_day
    if future.any():
        findings.append(Finding("future_sales", "info", count=int(future.sum()),
                                units=float(daily["units"].to_numpy()[future].sum()),
                                detail={"as_of": as_of.date().isoformat()}))
    start = sales.coverage_start
    coverage = int(as_of_day - _day_number(start)) if start is not None else 0
    coverage = max(coverage, 0)
    for source in sales.sources:
        if source.last is not None and _day_number(source.last) < as_of_day - 1:
            gap = int(as_of_day - 1 - _day_number(source.last))
            findings.append(Finding("stale_sales", detail={"file": source.file, "last": source.last.date().isoformat(),
                                                           "days": gap, "as_of": as_of.date().isoformat()}))
    ago = as_of_day - day  # 1 = the day before as-of
    in_history = (~future) & (ago <= coverage)
    codes_all, uniques = pd.factorize(daily["sku"], sort=False)
    position = skus.get_indexer(uniques)
    sku_index = np.where(codes_all >= 0, position[np.maximum(codes_all, 0)], -1)
    units = daily["units"].to_numpy(dtype="float64")
    revenue = daily["revenue"].to_numpy(dtype="float64")
    spread = daily["spread"].to_numpy(dtype=bool)
    known = in_history & (sku_index >= 0)
    idx, k, u, r, s = sku_index[known], ago[known], units[known], revenue[known], spread[known]
    n = len(skus)

    window = min(settings.window_days, coverage)
    if window < settings.window_days:
        findings.append(Finding("short_window", detail={"available": window, "wanted": settings.window_days,
                                                        "start": start.date().isoformat() if start is not None
                                                        else "—"}))
    w = k <= window
    total, std = _bucket_stats(idx[w], k[w] - 1, u[w], n, max(window, 1))
    mean = total / window if window else np.zeros(n)
    estimated = np.bincount(idx[w & s], minlength=n) > 0
    std = np.where(estimated, np.maximum(std, np.sqrt(mean)), std)

    abc_days = min(settings.abc_days, coverage)
    a = k <= abc_days
    abc_units = np.bincount(idx[a], u[a], minlength=n)
    priced = ~np.isnan(r)
    abc_revenue = np.bincount(idx[a & priced], r[a & priced], minlength=n)
    unpriced_units = np.bincount(idx[a & ~priced], u[a & ~priced], minlength=n)

    slow_evaluated = coverage >= settings.slow_moving_days
    sl = k <= settings.slow_moving_days
    slow_units = np.bincount(idx[sl], u[sl], minlength=n)
    dead_evaluated = coverage >= settings.dead_days
    for rule, wanted, ok in (("slow_moving", settings.slow_moving_days, slow_evaluated),
                             ("dead", settings.dead_days, dead_evaluated)):
        if not ok:
            findings.append(Finding("rule_not_evaluated", "info", detail={"rule": rule, "wanted": wanted,
                                                                          "available": coverage}))

    xyz_weeks = min(settings.xyz_weeks, coverage // 7)
    cv = np.full(n, np.nan)
    if xyz_weeks >= 4:
        inw = k <= 7 * xyz_weeks
        w_total, w_std = _bucket_stats(idx[inw], (k[inw] - 1) // 7, u[inw], n, xyz_weeks)
        w_mean = w_total / xyz_weeks
        with np.errstate(divide="ignore", invalid="ignore"):
            cv = np.where(w_mean > 0, w_std / w_mean, np.nan)
    else:
        xyz_weeks = 0
        findings.append(Finding("xyz_short", "info"))

    sold = ~future & (sku_index >= 0) & (units > 0)  # all history: "last sale" is the last one in the files
    last_ago = _group_extreme(sku_index[sold], ago[sold], n, np.minimum)
    first_ago = _group_extreme(sku_index[sold], ago[sold], n, np.maximum)
    frame = pd.DataFrame({
        "avg_daily_demand": mean, "std_daily_demand": std, "demand_estimated": estimated,
        "units_window": total, "abc_revenue": abc_revenue, "abc_units": abc_units,
        "abc_unpriced_units": unpriced_units, "units_slow_window": slow_units, "weekly_cv": cv,
        "days_since_last_sale": last_ago, "days_since_first_sale": first_ago,
    }, index=skus)
    spread_skus = tuple(skus[estimated])
    if spread_skus and any(src.kind == "products" for src in sales.sources):
        findings.append(Finding("period_rows", "info", count=len(spread_skus), skus=spread_skus))
    unknown = _unknown_skus(daily, sku_index, ago, units, in_history, window)
    return DemandStats(frame, window, abc_days, xyz_weeks, coverage, slow_evaluated, dead_evaluated, unknown,
                       findings)


def _bucket_stats(idx: np.ndarray, bucket: np.ndarray, values: np.ndarray, n: int,
                  buckets: int) -> tuple[np.ndarray, np.ndarray]:
    """Per SKU: the total over `buckets` buckets (days or weeks) and the sample standard deviation
    (ddof=1) of the bucket totals, buckets without rows counting as zero.

    Several rows of one SKU in a bucket (order lines, several files) add up
    first. Deviations are taken from the mean (two-pass), never as
    Σx² − n·mean², which loses all precision for large, steady sellers.
    """
    key = idx.astype(np.int64) * buckets + bucket
    if n * buckets <= DENSE_CELLS:
        dense = np.bincount(key, values, minlength=n * buckets).reshape(n, buckets)
        total = dense.sum(axis=1)
        std = dense.std(axis=1, ddof=1) if buckets >= 2 else np.zeros(n)
        return total, std
    sums = pd.Series(values).groupby(key).sum()
    owner, totals = sums.index.to_numpy() // buckets, sums.to_numpy()
    total = np.bincount(owner, totals, minlength=n)
    if buckets < 2:
        return total, np.zeros(n)
    mean = total / buckets
    deviations = np.bincount(owner, (totals - mean[owner]) ** 2, minlength=n)
    empty = buckets - np.bincount(owner, minlength=n)
    return total, np.sqrt((deviations + empty * mean ** 2) / (buckets - 1))


def _day_number(value) -> np.ndarray | int:
    """Days since 1970-01-01 for a timestamp or a datetime column (integer arithmetic on days)."""
    if isinstance(value, pd.Series):
        return value.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]").astype("int64")
    return int(np.datetime64(pd.Timestamp(value).normalize().to_datetime64(), "D").astype("int64"))


def _group_extreme(group: np.ndarray, values: np.ndarray, n: int, ufunc) -> np.ndarray:
    """Per-group min or max of integer values (NaN for empty groups), without a loop over groups."""
    out = np.full(n, np.nan)
    if len(group) == 0:
        return out
    fill = np.iinfo(np.int64).max if ufunc is np.minimum else np.iinfo(np.int64).min
    acc = np.full(n, fill, dtype=np.int64)
    ufunc.at(acc, group, values.astype(np.int64))
    present = acc != fill
    out[present] = acc[present]
    return out


def _unknown_skus(daily: pd.DataFrame, sku_index: np.ndarray, ago: np.ndarray, units: np.ndarray,
                  in_history: np.ndarray, window: int) -> pd.DataFrame:
    """Units sold of SKUs that the stock sheet does not list, so they can be reported by name."""
    unknown = (sku_index < 0) & in_history
    if not unknown.any():
        return pd.DataFrame(columns=["sku", "units_window", "units_total", "days_since_last_sale"])
    part = pd.DataFrame({"sku": daily["sku"].to_numpy()[unknown], "units": units[unknown], "ago": ago[unknown]})
    part["in_window"] = np.where(part["ago"] <= window, part["units"], 0.0)
    grouped = part.groupby("sku", sort=True)
    out = pd.DataFrame({"units_window": grouped["in_window"].sum(), "units_total": grouped["units"].sum(),
                        "days_since_last_sale": grouped["ago"].min()})
    out = out[out["units_total"] > 0]
    return out.sort_values(["units_total", "units_window"], ascending=False).reset_index()
