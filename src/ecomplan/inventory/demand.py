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

SKU strings are factorized once; everything after that is integer SKU codes
and day numbers with `np.bincount`, never a Python loop per SKU.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ecomplan.core.errors import SchemaError
from ecomplan.ingest.schemas import sold_lines
from ecomplan.inventory.findings import Finding
from ecomplan.inventory.settings import InventoryPolicy
from ecomplan.inventory.stock import STOCK_SALES

DENSE_CELLS = 10_000_000  # SKU × bucket cells held as a dense matrix (80 MB); more go through a sparse group-by
NO_DAY = np.iinfo(np.int64).min


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
        return {
            "file": self.file,
            "kind": self.kind,
            "platform": self.platform,
            "report": self.report,
            "rows": self.rows,
            "first_date": self.first,
            "last_date": self.last,
        }


@dataclass
class SalesRows:
    """Sales as parallel arrays: `code` indexes `names` (the SKUs), `day` counts days since 1970-01-01.

    A SKU may have several rows per day (order lines, several files);
    `revenue` is NaN where the source has no amount, `spread` marks units
    that come from a multi-day total.
    """

    names: pd.Index
    code: np.ndarray
    day: np.ndarray
    units: np.ndarray
    revenue: np.ndarray
    spread: np.ndarray

    @classmethod
    def of(cls, names: pd.Index, code, day, units, revenue, spread) -> SalesRows:
        """From row-aligned arrays; scalars (revenue NaN, spread False) apply to every row."""
        n = len(code)

        def column(values, dtype):
            return np.broadcast_to(np.asarray(values, dtype=dtype), (n,)).copy()

        return cls(
            names,
            column(code, np.int64),
            column(day, np.int64),
            column(units, "float64"),
            column(revenue, "float64"),
            column(spread, bool),
        )

    @classmethod
    def concat(cls, parts: list[SalesRows]) -> SalesRows:
        if len(parts) == 1:
            return parts[0]
        names: list[pd.Index] = []
        offsets: list[int] = []
        for part in parts:
            offsets.append(sum(len(n) for n in names))
            names.append(part.names)
        remap, uniques = pd.factorize(pd.Index(np.concatenate([n.to_numpy(dtype=object) for n in names])))
        code = np.concatenate([remap[part.code + offset] for part, offset in zip(parts, offsets, strict=False)])
        return cls(
            pd.Index(uniques, dtype="str"),
            code.astype(np.int64),
            *(np.concatenate([getattr(p, a) for p in parts]) for a in ("day", "units", "revenue", "spread")),
        )


@dataclass
class DailySales:
    """Every sales row from every source, before any window is applied."""

    rows: SalesRows
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
    raise SchemaError(
        "sales data must be order lines (order_id, sku, quantity, paid_at), product days "
        "(date, sku, units) or a stock sheet with outbound columns (sales_7d ... sales_30d); "
        f"got columns: {', '.join(map(str, frame.columns[:20]))}"
    )


def collect_sales(frames: list[pd.DataFrame], stock: pd.DataFrame, as_of: pd.Timestamp, window_days: int) -> DailySales:
    """Sales rows per SKU and day from sales frames, or from the stock sheet's outbound columns when
    there are none.

    `stock` is the per-SKU stock table (index sku); its `price` (else
    `unit_cost`) weighs the split of order totals over lines and prices
    units that come without an amount.
    """
    parts: list[SalesRows] = []
    sources: list[SalesSource] = []
    findings: list[Finding] = []
    prices = _prices(stock)
    by_kind: dict[str, list[pd.DataFrame]] = {"orders": [], "products": [], "stock_columns": []}
    for frame in frames:
        by_kind[sales_kind(frame)].append(frame)
    stock_like = [(stock, "stock")] if not frames else []
    for frame in by_kind["stock_columns"]:
        per_sku = frame.groupby(frame["sku"].astype("str").str.strip())[[c for c in STOCK_SALES if c in frame]].sum(
            min_count=1
        )
        stock_like.append((per_sku, _file_name(frame, "stock")))
    for per_sku, name in stock_like:
        part, source, finding = _stock_columns_rows(per_sku, as_of, window_days, prices, name)
        parts.append(part)
        sources.append(source)
        findings.append(finding)
    for kind, convert in (("orders", _orders_rows), ("products", _products_rows)):
        if by_kind[kind]:
            part, found_sources, found = convert(_concat(by_kind[kind]), stock.index, prices)
            parts.append(part)
            sources.extend(found_sources)
            findings.extend(found)
    findings.extend(_overlaps(sources))
    return DailySales(SalesRows.concat(parts), sources, findings)


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


def _day_numbers(values: pd.Series) -> np.ndarray:
    """Days since 1970-01-01 of a datetime column; `NO_DAY` where missing."""
    days = values.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]")
    return np.where(np.isnat(days), NO_DAY, days.astype(np.int64))


def _file_codes(frame: pd.DataFrame, default: str) -> tuple[np.ndarray, list[str]]:
    """Each row's file as a small integer, and the file names."""
    if "source_file" not in frame:
        return np.zeros(len(frame), dtype=np.int64), [default]
    codes, names = pd.factorize(frame["source_file"])
    return codes.astype(np.int64), [str(n) for n in names]


def _text(value) -> str | None:
    return (
        None
        if value is None or (isinstance(value, float) and np.isnan(value)) or value in {"nan", "None"}
        else str(value)
    )


def _source_rows(
    frame: pd.DataFrame, kind: str, first: np.ndarray, last: np.ndarray, default: str
) -> list[SalesSource]:
    """One `SalesSource` per file in `frame`, with the first and last day it has rows for."""
    codes, names = _file_codes(frame, default)
    out = []
    for code, name in enumerate(names):  # one iteration per file
        mine = codes == code
        dated_first, dated_last = first[mine & (first != NO_DAY)], last[mine & (last != NO_DAY)]
        position = int(np.argmax(mine))
        out.append(
            SalesSource(
                name,
                kind,
                _text(frame["platform"].iloc[position]) if "platform" in frame else None,
                _text(frame["report"].iloc[position]) if "report" in frame else None,
                int(mine.sum()),
                _timestamp(dated_first.min()) if len(dated_first) else None,
                _timestamp(dated_last.max()) if len(dated_last) else None,
            )
        )
    return out


def _timestamp(day: int) -> pd.Timestamp:
    return pd.Timestamp(np.datetime64(int(day), "D"))


def _sku_codes(values: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Each row's SKU as an integer code into the distinct, trimmed SKU names; -1 where empty.

    Trimming and comparing happen on the distinct values only, so a file of
    ten million lines costs one factorization, not ten million string operations.
    """
    codes, uniques = pd.factorize(values)
    clean = pd.Index(uniques, dtype="str").str.strip()
    final, names = pd.factorize(clean.where(clean != "", None))
    final = np.append(final, -1).astype(np.int64)  # position -1 (a missing value) maps to -1
    return final[codes], pd.Index(names, dtype="str")


def _orders_rows(
    frame: pd.DataFrame, stock_skus: pd.Index, prices: pd.Series
) -> tuple[SalesRows, list[SalesSource], list[Finding]]:
    findings: list[Finding] = []
    missing = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
    paid_at = frame.get("paid_at", missing)
    created = frame.get("created_at", missing)
    day = _day_numbers(paid_at.fillna(created))
    dated = _day_numbers(created.fillna(paid_at))
    sources = _source_rows(frame, "orders", dated, dated, "orders")
    sold = sold_lines(frame)
    if "quantity" in frame:
        quantity = frame["quantity"].to_numpy(dtype="float64")
    else:
        quantity = np.ones(len(frame))
        for source in sources:
            findings.append(Finding("no_quantity_column", "info", detail={"file": source.file}))
    missing_quantity = sold & np.isnan(quantity)
    if missing_quantity.any():
        findings.append(Finding("missing_quantity", count=int(missing_quantity.sum())))
    negative = sold & (quantity < 0)
    if negative.any():
        findings.append(
            Finding("negative_quantity", "info", count=int(negative.sum()), units=float(-quantity[negative].sum()))
        )
    undated = sold & (day == NO_DAY) & ~missing_quantity & ~negative
    if undated.any():
        findings.append(Finding("unpaid_without_date", count=int(undated.sum()), units=float(quantity[undated].sum())))
    keep = sold & ~missing_quantity & ~negative & ~undated
    sku, names = _sku_codes(frame["sku"])
    no_sku = keep & (sku < 0)
    if no_sku.any():
        findings.append(Finding("sales_without_sku", count=int(no_sku.sum()), units=float(quantity[no_sku].sum())))
    keep &= ~no_sku
    files, file_names = _file_codes(frame, "orders")
    if len(file_names) > 1:
        pairs = pd.DataFrame({"order": frame["order_id"].to_numpy()[keep], "sku": sku[keep], "file": files[keep]})
        first_file = pairs.groupby(["order", "sku"], sort=False)["file"].transform("first").to_numpy()
        repeated = first_file != pairs["file"].to_numpy()
        if repeated.any():
            findings.append(Finding("duplicate_sales", "info", count=int(repeated.sum())))
            keep[np.flatnonzero(keep)[repeated]] = False
    revenue: float | np.ndarray = np.nan
    if "amount" in frame:
        multi = frame["order_id"].duplicated(keep=False).to_numpy()[keep]  # hashes the IDs once, in Arrow
        price = names.map(prices).to_numpy(dtype="float64")[sku[keep]]
        revenue = _line_revenue(
            frame["order_id"][keep], multi, frame["amount"].to_numpy(dtype="float64")[keep], quantity[keep], price
        )
    return SalesRows.of(names, sku[keep], day[keep], quantity[keep], revenue, False), sources, findings


def _line_revenue(
    order: pd.Series, multi: np.ndarray, amount: np.ndarray, quantity: np.ndarray, price: np.ndarray
) -> np.ndarray:
    """Each line's share of its order's amount (`multi` marks lines of orders with several lines).

    Several exports (JD, Shopify) put the order total on the first line and 0
    on the others; in such orders the total is split over the lines by
    quantity × price (by quantity when a line's price is unknown), so ABC by
    revenue does not credit the whole order to whichever SKU came first.
    """
    if not multi.any():
        return amount
    sub = pd.DataFrame(
        {
            "order": order[multi].to_numpy(),
            "amount": np.nan_to_num(amount[multi]),
            "quantity": quantity[multi],
            "price": price[multi],
        }
    )
    by_order = sub.groupby("order", sort=False)
    split = (by_order["amount"].transform("max").to_numpy() > 0) & (by_order["amount"].transform("min").to_numpy() <= 0)
    if not split.any():
        return amount
    sub = sub[split]
    by_order = sub.groupby("order", sort=False)
    unpriced = sub["price"].isna().groupby(sub["order"], sort=False).transform("any").to_numpy()
    weight = np.where(unpriced, sub["quantity"], sub["quantity"] * sub["price"])
    weight_sum = pd.Series(weight, index=sub.index).groupby(sub["order"], sort=False).transform("sum").to_numpy()
    share = np.where(
        weight_sum > 0,
        weight / np.where(weight_sum > 0, weight_sum, 1.0),
        1.0 / by_order["amount"].transform("size").to_numpy(),
    )
    result = amount.copy()
    result[np.flatnonzero(multi)[split]] = by_order["amount"].transform("sum").to_numpy() * share
    return result


def _products_rows(
    frame: pd.DataFrame, stock_skus: pd.Index, prices: pd.Series
) -> tuple[SalesRows, list[SalesSource], list[Finding]]:
    findings: list[Finding] = []
    start = _day_numbers(frame["date"])
    end = _day_numbers(frame["date_end"]) if "date_end" in frame else start
    end = np.where(end == NO_DAY, start, end)
    sources = _source_rows(frame, "products", start, end, "products")
    files, file_names = _file_codes(frame, "products")
    sku, names = _sku_codes(frame["sku"])
    if "product_code" in frame:
        sku, names = _by_product_code(frame, sku, names, stock_skus, files, file_names, findings)
    units = frame["units"].to_numpy(dtype="float64")
    missing = np.isnan(units)
    for code in np.unique(files[missing]):
        findings.append(
            Finding("missing_units", count=int((missing & (files == code)).sum()), detail={"file": file_names[code]})
        )
    revenue = (
        frame["amount"].to_numpy(dtype="float64")
        if "amount" in frame
        else units * names.map(prices).to_numpy(dtype="float64")[sku]
    )
    keep = ~missing & (sku >= 0) & (start != NO_DAY)
    if len(file_names) > 1:
        keys = pd.DataFrame({"sku": sku[keep], "start": start[keep], "end": end[keep], "file": files[keep]})
        for column in ("platform", "report"):
            keys[column] = frame[column].to_numpy()[keep] if column in frame else ""
        first_file = (
            keys.groupby(["platform", "report", "sku", "start", "end"], sort=False)["file"]
            .transform("first")
            .to_numpy()
        )
        repeated = first_file != keys["file"].to_numpy()
        if repeated.any():
            findings.append(Finding("duplicate_sales", "info", count=int(repeated.sum())))
            keep[np.flatnonzero(keep)[repeated]] = False
    rows = SalesRows.of(names, sku[keep], start[keep], units[keep], revenue[keep], False)
    return _spread(rows, end[keep]), sources, findings


def _by_product_code(
    frame: pd.DataFrame,
    sku: np.ndarray,
    names: pd.Index,
    stock_skus: pd.Index,
    files: np.ndarray,
    file_names: list[str],
    findings: list[Finding],
) -> tuple[np.ndarray, pd.Index]:
    """Platform product IDs rarely match the seller's SKU codes; rows whose ID is not a stock SKU but
    whose item code (货号 / 商家编码) is use the item code."""
    unknown = np.append(~names.isin(stock_skus), True)[sku]  # a row without ID (-1) is unknown too
    if not unknown.any():
        return sku, names
    code, code_names = _sku_codes(frame["product_code"])
    known_code = np.append(code_names.isin(stock_skus), False)[code]
    use_code = unknown & known_code
    if not use_code.any():
        return sku, names
    for file_code in np.unique(files[use_code]):
        findings.append(
            Finding(
                "matched_by_product_code",
                "info",
                count=int((use_code & (files == file_code)).sum()),
                detail={"file": file_names[file_code]},
            )
        )
    merged, merged_names = pd.factorize(
        pd.Index(np.concatenate([names.to_numpy(dtype=object), code_names.to_numpy(dtype=object)]))
    )
    combined = np.where(use_code, len(names) + code, sku)
    return np.where(combined >= 0, merged[combined], -1), pd.Index(merged_names, dtype="str")


def _spread(rows: SalesRows, end: np.ndarray) -> SalesRows:
    """Rows covering several days (`day`..`end`) become one row per day with an equal share."""
    days = np.maximum(end - rows.day, 0) + 1
    if (days == 1).all():
        return rows
    repeat = np.repeat(np.arange(len(days)), days)
    offset = np.arange(days.sum()) - np.repeat(np.cumsum(days) - days, days)
    return SalesRows(
        rows.names,
        rows.code[repeat],
        rows.day[repeat] + offset,
        (rows.units / days)[repeat],
        (rows.revenue / days)[repeat],
        rows.spread[repeat] | (days > 1)[repeat],
    )


def _stock_columns_rows(
    per_sku: pd.DataFrame, as_of: pd.Timestamp, window_days: int, prices: pd.Series, file: str
) -> tuple[SalesRows, SalesSource, Finding]:
    """The stock sheet's 近N日出库 as one N-day total per SKU, the N closest to the demand window."""
    available = [c for c in STOCK_SALES if c in per_sku and per_sku[c].notna().any()]
    if not available:
        raise SchemaError(
            "no sales data: pass {sales} with order exports or product daily exports (or a stock "
            "sheet with 近7/14/28/30日出库 columns)",
            arguments=("sales",),
        )
    column = min(available, key=lambda c: (abs(STOCK_SALES[c] - window_days), -STOCK_SALES[c]))
    days = STOCK_SALES[column]
    units = per_sku[column].dropna()
    first = pd.Timestamp(as_of) - pd.Timedelta(days=days)
    last = pd.Timestamp(as_of) - pd.Timedelta(days=1)
    start = np.full(len(units), _day_numbers(pd.Series([first]))[0])
    rows = SalesRows.of(
        pd.Index(units.index, dtype="str"),
        np.arange(len(units)),
        start,
        units.to_numpy(),
        units.to_numpy() * units.index.map(prices).to_numpy(dtype="float64"),
        False,
    )
    source = SalesSource(file, "stock_columns", None, None, len(units), first, last)
    finding = Finding("stock_sales_columns", "info", detail={"days": days, "column": column})
    return _spread(rows, start + days - 1), source, finding


def _overlaps(sources: list[SalesSource]) -> list[Finding]:
    """Same-platform sources of different reports over the same days add up the same sales twice."""
    findings = []
    known = [s for s in sources if s.platform and s.platform not in {"generic", "None"} and s.first is not None]
    for i, a in enumerate(known):
        for b in known[i + 1 :]:  # a handful of files
            if a.platform != b.platform or (a.kind, a.report) == (b.kind, b.report):
                continue
            # `known` holds dated sources, and a source with a first day has a last one (_source_rows)
            assert a.first is not None and a.last is not None and b.first is not None and b.last is not None
            start, end = max(a.first, b.first), min(a.last, b.last)
            if start <= end:
                findings.append(
                    Finding(
                        "overlapping_sources",
                        detail={
                            "files": f"{a.file} + {b.file}",
                            "platform": a.platform,
                            "start": start.date().isoformat(),
                            "end": end.date().isoformat(),
                        },
                    )
                )
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


def demand_statistics(sales: DailySales, skus: pd.Index, as_of: pd.Timestamp, settings: InventoryPolicy) -> DemandStats:
    """Mean and standard deviation of daily units over the window (days without sales count as zero),
    plus the figures the status rules and ABC/XYZ need, for every SKU in `skus`."""
    findings: list[Finding] = []
    rows = sales.rows
    as_of_day = _day_number(as_of)
    future = rows.day >= as_of_day
    if future.any():
        findings.append(
            Finding(
                "future_sales",
                "info",
                count=int(future.sum()),
                units=float(rows.units[future].sum()),
                detail={"as_of": as_of.date().isoformat()},
            )
        )
    start = sales.coverage_start
    coverage = max(int(as_of_day - _day_number(start)), 0) if start is not None else 0
    for source in sales.sources:
        if source.last is not None and _day_number(source.last) < as_of_day - 1:
            gap = int(as_of_day - 1 - _day_number(source.last))
            findings.append(
                Finding(
                    "stale_sales",
                    detail={
                        "file": source.file,
                        "last": source.last.date().isoformat(),
                        "days": gap,
                        "as_of": as_of.date().isoformat(),
                    },
                )
            )
    ago = as_of_day - rows.day  # 1 = the day before as-of
    in_history = ~future & (ago <= coverage)
    position = skus.get_indexer(rows.names)
    sku_index = position[rows.code] if len(rows.code) else np.zeros(0, dtype=np.int64)
    units, revenue, spread = rows.units, rows.revenue, rows.spread
    known = in_history & (sku_index >= 0)
    idx, k, u, r, s = sku_index[known], ago[known], units[known], revenue[known], spread[known]
    n = len(skus)

    window = min(settings.window_days, coverage)
    if window < settings.window_days:
        findings.append(
            Finding(
                "short_window",
                detail={
                    "available": window,
                    "wanted": settings.window_days,
                    "start": start.date().isoformat() if start is not None else "—",
                },
            )
        )
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
    for rule, wanted, ok in (
        ("slow_moving", settings.slow_moving_days, slow_evaluated),
        ("dead", settings.dead_days, dead_evaluated),
    ):
        if not ok:
            findings.append(
                Finding("rule_not_evaluated", "info", detail={"rule": rule, "wanted": wanted, "available": coverage})
            )

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
    frame = pd.DataFrame(
        {
            "avg_daily_demand": mean,
            "std_daily_demand": std,
            "demand_estimated": estimated,
            "units_window": total,
            "abc_revenue": abc_revenue,
            "abc_units": abc_units,
            "abc_unpriced_units": unpriced_units,
            "units_slow_window": slow_units,
            "weekly_cv": cv,
            "days_since_last_sale": last_ago,
            "days_since_first_sale": first_ago,
        },
        index=skus,
    )
    spread_skus = tuple(skus[estimated])
    if spread_skus and any(src.kind == "products" for src in sales.sources):
        findings.append(Finding("period_rows", "info", count=len(spread_skus), skus=spread_skus))
    unknown = _unknown_skus(rows, sku_index, ago, in_history, window)
    return DemandStats(frame, window, abc_days, xyz_weeks, coverage, slow_evaluated, dead_evaluated, unknown, findings)


def _bucket_stats(
    idx: np.ndarray, bucket: np.ndarray, values: np.ndarray, n: int, buckets: int
) -> tuple[np.ndarray, np.ndarray]:
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
    return total, np.sqrt((deviations + empty * mean**2) / (buckets - 1))


def _day_number(value) -> int:
    """Days since 1970-01-01 of a date."""
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


def _unknown_skus(
    rows: SalesRows, sku_index: np.ndarray, ago: np.ndarray, in_history: np.ndarray, window: int
) -> pd.DataFrame:
    """Units sold of SKUs that the stock sheet does not list, so they can be reported by name."""
    unknown = (sku_index < 0) & in_history
    columns = ["sku", "units_window", "units_total", "days_since_last_sale"]
    if not unknown.any():
        return pd.DataFrame(columns=columns)
    part = pd.DataFrame({"code": rows.code[unknown], "units": rows.units[unknown], "ago": ago[unknown]})
    part["in_window"] = np.where(part["ago"] <= window, part["units"], 0.0)
    grouped = part.groupby("code", sort=False)
    out = pd.DataFrame(
        {
            "units_window": grouped["in_window"].sum(),
            "units_total": grouped["units"].sum(),
            "days_since_last_sale": grouped["ago"].min(),
        }
    )
    out.insert(0, "sku", rows.names[out.index.to_numpy()])
    out = out[out["units_total"] > 0]
    return out.sort_values(["units_total", "units_window", "sku"], ascending=[False, False, True])[columns].reset_index(
        drop=True
    )
