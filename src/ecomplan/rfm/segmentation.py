"""`segment()` and `repurchase_report()`: order lines in, scored customers and summaries out."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, cast

import pandas as pd

from ecomplan.core.errors import ArgumentError, InputError, Issue
from ecomplan.core.masking import mask_frame
from ecomplan.core.periods import parse_day
from ecomplan.rfm.metrics import Exclusions, Snapshot, last_sale_date, measure, parse_window
from ecomplan.rfm.migration import Migration, migrate
from ecomplan.rfm.repurchase import Repurchase, repurchase
from ecomplan.rfm.scoring import SCHEMES, Thresholds, score, segments

if TYPE_CHECKING:
    from ecomplan.rfm.metrics import Lines


@dataclass
class SegmentResult:
    scheme: str
    variant: str | None  # rfm11 code table variant (A/B); None for cn8
    threshold: str  # mean | median | fixed | quintiles
    frequency: str
    as_of: dt.date
    window_days: int | None
    window_start: dt.date | None
    thresholds: Thresholds
    key: list[str]
    customers: pd.DataFrame  # scored customers: key, recency, frequency, monetary, ..., r, f, m, code, segment
    summary: pd.DataFrame  # one row per segment of the scheme, in display order
    exclusions: Exclusions
    lapsed: int
    orders_not_positive: int
    purchases_after_as_of: int
    repurchase: Repurchase
    migration: Migration | None = None
    compare_thresholds: Thresholds | None = None
    issues: list[Issue] = field(default_factory=list)
    purchase_days: pd.DataFrame | None = None  # keep_purchase_days: `metrics.purchase_days` of the same pass

    @property
    def revenue(self) -> float:
        return math.fsum(self.customers["monetary"].tolist())

    def rules(self) -> dict[str, str]:
        """The comparisons behind the scores, with the thresholds used."""
        th = self.thresholds
        if self.scheme == "cn8":  # one threshold per metric
            return {
                "recency": f"R < {_num(cast(float, th.recency))}",
                "frequency": f"F > {_num(cast(float, th.frequency))}",
                "monetary": f"M > {_num(cast(float, th.monetary))}",
            }
        # rfm11: four quintile cut points per metric
        r_cuts, f_cuts, m_cuts = (cast(list[float], cuts) for cuts in (th.recency, th.frequency, th.monetary))
        return {
            "recency": "; ".join(f"{5 - i} if R <= {_num(c)}" for i, c in enumerate(r_cuts)) + "; else 1",
            "frequency": "; ".join(f"{i + 1} if F <= {_num(c)}" for i, c in enumerate(f_cuts)) + "; else 5",
            "monetary": "; ".join(f"{i + 1} if M <= {_num(c)}" for i, c in enumerate(m_cuts)) + "; else 5",
        }

    def customer_table(self, mask: bool = True) -> pd.DataFrame:
        """The per-customer file: metrics, scores and segment, sorted by customer.

        With a comparison date, customers scored only at that earlier date are
        listed too (empty metrics, `segment` empty), so every cell of the
        migration matrix has its customers here.
        """
        table = self.customers
        if self.migration is not None:
            before = self.migration.pairs[[*self.key, "segment_before"]]
            table = table.merge(before, on=self.key, how="outer")
            for column in ("recency", "frequency", "orders", "purchase_days", "r", "f", "m"):
                if column in table:  # customers who left have no metrics at the as-of date
                    table[column] = table[column].astype("Int64")
            columns = [c for c in table.columns if c != "segment_before"]
            at = columns.index("segment") + 1
            table = table[[*columns[:at], "segment_before", *columns[at:]]]
        table = table.sort_values(self.key, kind="stable").reset_index(drop=True)
        for column in ("code", "segment", "segment_before"):
            if column in table:
                table[column] = table[column].astype("object").where(table[column].notna(), None)
        return mask_frame(table) if mask else table

    def to_dict(self, lang: str = "zh") -> dict:
        out = {
            "scheme": self.scheme,
            "variant": self.variant,
            "threshold": self.threshold,
            "frequency": self.frequency,
            "as_of": self.as_of,
            "window_days": self.window_days,
            "window_start": self.window_start,
            "customers": len(self.customers),
            "revenue": round(self.revenue, 2),
            "thresholds": self.thresholds.to_dict(),
            "rules": self.rules(),
            "segments": [
                {
                    "segment": row.segment,
                    "code": row.key if self.scheme == "cn8" else None,
                    "name_zh": row.name_zh,
                    "name_en": row.name_en,
                    "customers": int(row.customers),
                    "share": _number(row.share),
                    "revenue": round(row.revenue, 2),
                    "revenue_share": _number(row.revenue_share),
                    "mean_recency": _number(row.mean_recency),
                    "mean_frequency": _number(row.mean_frequency),
                    "mean_monetary": _number(row.mean_monetary),
                    "action": row.action_zh if lang == "zh" else row.action_en,
                }
                for row in self.summary.itertuples()
            ],
            "excluded": {
                **self.exclusions.to_dict(),
                "lapsed_customers": self.lapsed,
                "orders_not_positive": self.orders_not_positive,
                "purchases_after_as_of": self.purchases_after_as_of,
            },
            "repurchase": self.repurchase.to_dict(),
            "migration": None,
            "issues": [issue.to_dict() for issue in self.issues],
        }
        if self.migration is not None:
            # None when nobody had bought by the comparison date: there was nothing to score then
            before = self.compare_thresholds.to_dict() if self.compare_thresholds is not None else None
            out["migration"] = {**self.migration.to_dict(), "thresholds_before": before}
        return out


def _number(value) -> float | None:
    """A float for JSON, None for a missing value (an empty segment has no mean)."""
    return None if value is None or pd.isna(value) else float(value)


def _num(value: float) -> str:
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return text if text not in {"", "-0"} else "0"


def default_as_of(orders: Lines, file: str = "orders") -> dt.date:
    """The day after the last payment of a sold line."""
    last = last_sale_date(orders)
    if last is None:
        raise InputError(f"{file}: no paid orders (status paid/shipped/completed/refunded with a payment time)")
    return last + dt.timedelta(days=1)


def summarize(customers: pd.DataFrame, scheme: str) -> pd.DataFrame:
    """Customers, share, revenue, revenue share and mean R/F/M per segment, every segment
    of the scheme listed (sums are exactly rounded, so they don't depend on row order)."""
    order = segments(scheme)
    total_customers = len(customers)
    monetary = customers["monetary"].to_numpy(dtype="float64")
    total_revenue = math.fsum(monetary.tolist())
    # One column at a time by segment code: grouping the whole frame would copy every column.
    codes = customers["segment"].astype(pd.CategoricalDtype([seg.name for seg in order])).cat.codes.to_numpy()
    recency, frequency = customers["recency"].to_numpy(), customers["frequency"].to_numpy()
    rows = []
    for position, seg in enumerate(order):
        members = codes == position
        n = int(members.sum())
        revenue = math.fsum(monetary[members].tolist()) if n else 0.0
        rows.append(
            {
                "key": seg.key,
                "segment": seg.name,
                "name_zh": seg.name_zh,
                "name_en": seg.name_en,
                "customers": n,
                "share": n / total_customers if total_customers else None,
                "revenue": revenue,
                "revenue_share": revenue / total_revenue if total_revenue else None,
                "mean_recency": int(recency[members].sum()) / n if n else None,
                "mean_frequency": int(frequency[members].sum()) / n if n else None,
                "mean_monetary": revenue / n if n else None,
                "action_zh": seg.action_zh,
                "action_en": seg.action_en,
            }
        )
    return pd.DataFrame(rows)


def _scored(
    snapshot: Snapshot, scheme: str, threshold: str, variant: str, fixed: dict[str, float] | None
) -> tuple[pd.DataFrame, Thresholds]:
    scores, thresholds = score(snapshot.customers, scheme, threshold, variant, fixed)
    return pd.concat([snapshot.customers, scores], axis=1), thresholds


def segment(
    orders: Lines,
    scheme: str = "cn8",
    threshold: str = "mean",
    as_of: dt.date | str | None = None,
    window_days: int | str | None = 365,
    frequency: str = "orders",
    *,
    variant: str = "A",
    fixed: dict[str, float] | None = None,
    compare_as_of: dt.date | str | None = None,
    refunds: pd.DataFrame | None = None,
    file: str = "orders",
    keep_purchase_days: bool = False,
) -> SegmentResult:
    """Segment the customers of canonical order lines (`rfm.read_orders(files)`, or
    `ecomplan.ingest.load(..., "orders").frame`; or `ecomplan.engines.spark.read_lines(...)`, run in Spark).

    `scheme` cn8 (Chinese 8 classes; `threshold` mean, median, or fixed with
    `fixed` = {recency_days, frequency, monetary}) or rfm11 (quintile scores,
    `variant` A or B of the 125-code table). `as_of` defaults to the day after
    the last sale; `window_days` None means all history. `compare_as_of`, an
    earlier date, adds the segment migration between the two dates.
    """
    if scheme not in SCHEMES:
        raise ArgumentError("scheme", f"{scheme!r}: use cn8 or rfm11")
    window = parse_window(window_days)
    as_of = parse_day(as_of) if as_of is not None else default_as_of(orders, file)
    compare = parse_day(compare_as_of, "compare_as_of") if compare_as_of is not None else None
    if compare is not None and compare >= as_of:
        raise ArgumentError("compare_as_of", f"{compare} must be before the as-of date {as_of}")
    dates = [as_of] if compare is None else [as_of, compare]
    measured = measure(orders, dates, window, frequency, refunds, file, with_purchase_days=keep_purchase_days)
    snapshot = measured.snapshots[0]
    if snapshot.customers.empty:
        raise InputError(
            f"{file}: no customer bought in the window ending {as_of}"
            + (f" ({window} days)" if window else "")
            + "; check {as_of} and {window_days}",
            arguments=("as_of", "window_days"),
        )
    customers, thresholds = _scored(snapshot, scheme, threshold, variant, fixed)
    result = SegmentResult(
        scheme=scheme,
        variant=variant if scheme == "rfm11" else None,
        threshold=thresholds.method,
        frequency=frequency,
        as_of=as_of,
        window_days=window,
        window_start=snapshot.window_start,
        thresholds=thresholds,
        key=measured.key,
        customers=customers,
        summary=summarize(customers, scheme),
        exclusions=measured.exclusions,
        lapsed=snapshot.lapsed,
        orders_not_positive=snapshot.orders_not_positive,
        purchases_after_as_of=snapshot.purchases_after_as_of,
        repurchase=repurchase(snapshot, measured.activity),
        issues=measured.issues,
        purchase_days=measured.purchase_days,
    )
    if compare is not None:
        earlier = measured.snapshots[1]
        if earlier.customers.empty:
            before, result.compare_thresholds = earlier.customers.assign(segment=pd.Series(dtype="object")), None
        else:
            before, result.compare_thresholds = _scored(earlier, scheme, threshold, variant, fixed)
        order = [s.name for s in segments(scheme)]
        result.migration = migrate(before, customers, measured.key, order, compare, as_of)
    return result


def repurchase_report(
    orders: Lines,
    as_of: dt.date | str | None = None,
    window_days: int | str | None = 365,
    frequency: str = "orders",
    refunds: pd.DataFrame | None = None,
    file: str = "orders",
) -> tuple[Repurchase, Exclusions]:
    """复购率, 回购率 and cohorts of canonical order lines, and what was excluded."""
    window = parse_window(window_days)
    as_of = parse_day(as_of) if as_of is not None else default_as_of(orders, file)
    measured = measure(orders, [as_of], window, frequency, refunds, file)
    return repurchase(measured.snapshots[0], measured.activity), measured.exclusions


def weekly_changes(
    orders: pd.DataFrame,
    as_of: dt.date,
    scheme: str = "cn8",
    threshold: str = "mean",
    variant: str = "A",
    fixed: dict[str, float] | None = None,
) -> Migration:
    """Segments at `as_of` against `as_of` - 7 days (365-day window, each date its own thresholds)."""
    week_ago = as_of - dt.timedelta(days=7)
    measured = measure(orders, [as_of, week_ago], 365, "orders")
    scored = []
    for snapshot in measured.snapshots:
        if snapshot.customers.empty:
            scored.append(snapshot.customers.assign(segment=pd.Series(dtype="object")))
        else:
            scored.append(_scored(snapshot, scheme, threshold, variant, fixed)[0])
    now, before = scored
    return migrate(before, now, measured.key, [s.name for s in segments(scheme)], week_ago, as_of)
