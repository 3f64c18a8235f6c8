"""`alerts()`: stock snapshot + sales history -> one row per SKU with its policy numbers and status."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ecomplan.core.errors import SchemaError
from ecomplan.core.periods import Campaign, parse_day
from ecomplan.inventory import policy
from ecomplan.inventory.classify import (
    ALERTS,
    EXCESS,
    PRIORITY,
    SHORTAGE,
    STATUSES,
    abc_classes,
    flag_lists,
    resolve_status,
    status_flags,
    xyz_classes,
)
from ecomplan.inventory.demand import DailySales, DemandStats, SalesSource, collect_sales, demand_statistics, sales_kind
from ecomplan.inventory.findings import Finding
from ecomplan.inventory.pricing import price_suggestions
from ecomplan.inventory.settings import InventoryPolicy
from ecomplan.inventory.stock import prepare_stock


@dataclass
class AlertsResult:
    """Everything `ecomplan inventory alerts` prints: per-SKU rows, counts, findings, parameters."""

    as_of: pd.Timestamp
    as_of_from: str  # "given" | "stock" | "sales"
    items: pd.DataFrame  # one row per SKU, most urgent first
    settings: InventoryPolicy
    demand: DemandStats
    sources: list[SalesSource]
    findings: list[Finding] = field(default_factory=list)
    campaign: Campaign | None = None
    abc_basis: str = "revenue"

    def counts(self) -> dict[str, int]:
        """SKUs per status, every status present (0 when none), in the status scale's order."""
        found = self.items["status"].value_counts()
        return {status: int(found.get(status, 0)) for status in STATUSES}

    def value_tied_up(self) -> dict[str, float]:
        """Stock value (unit cost × on hand) of SKUs whose status is overstock, slow_moving or dead."""
        values = self.items.groupby("status")["stock_value"].sum()
        out = {status: float(values.get(status, 0.0)) for status in EXCESS}
        out["total"] = float(sum(out.values()))
        return out

    @property
    def has_alerts(self) -> bool:
        """True when a SKU is out of stock or will run out before a new order could arrive."""
        return bool(self.items["status"].isin(ALERTS).any())

    def shortage(self) -> pd.DataFrame:
        return self.items[self.items["status"].isin(SHORTAGE)]

    def parameters(self) -> dict:
        s = self.settings
        return {
            "window_days": s.window_days,
            "window_days_used": self.demand.window_days,
            "lead_time_days": s.lead_time_days,
            "lead_time_std_days": s.lead_time_std_days,
            "service_level": s.service_level,
            "target_cover_days": s.target_cover_days,
            "overstock_days": s.overstock_days,
            "slow_moving_days": s.slow_moving_days,
            "slow_moving_units": s.slow_moving_units,
            "slow_moving_evaluated": self.demand.slow_evaluated,
            "dead_days": s.dead_days,
            "dead_evaluated": self.demand.dead_evaluated,
            "abc_cutoffs": list(s.abc_cutoffs),
            "abc_days": s.abc_days,
            "abc_days_used": self.demand.abc_days,
            "abc_basis": self.abc_basis,
            "xyz_cutoffs": list(s.xyz_cutoffs),
            "xyz_bucket": "week",
            "xyz_weeks": s.xyz_weeks,
            "xyz_weeks_used": self.demand.xyz_weeks,
            "sales_coverage_days": self.demand.coverage_days,
            "pricing": {
                "markdown_pct": dict(s.pricing.markdown_pct),
                "markdown_min_cover_days": s.pricing.markdown_min_cover_days,
                "stop_promotion_in_campaigns": s.pricing.stop_promotion_in_campaigns,
            },
            "campaign": None
            if self.campaign is None
            else {"name": self.campaign.name, "start": self.campaign.start, "end": self.campaign.end},
        }

    def summary(self) -> dict:
        missing_cost = self.items["status"].isin(EXCESS) & self.items["unit_cost"].isna()
        return {
            "skus": len(self.items),
            "by_status": self.counts(),
            "alerts": int(self.items["status"].isin(ALERTS).sum()),
            "to_order": int((self.items["suggested_order_qty"] > 0).sum()),
            "suggested_order_units": float(self.items["suggested_order_qty"].sum()),
            "suggested_order_value": float(self.items["order_value"].sum()),
            "value_tied_up": self.value_tied_up(),
            "excess_skus_without_cost": int(missing_cost.sum()),
        }


def alerts(
    stock: pd.DataFrame,
    sales: pd.DataFrame | list[pd.DataFrame] | None = None,
    as_of: dt.date | str | pd.Timestamp | None = None,
    *,
    lead_time_days: float | None = None,
    lead_time_std_days: float | None = None,
    service_level: float | None = None,
    window_days: int | None = None,
    settings: InventoryPolicy | None = None,
) -> AlertsResult:
    """Safety stock, reorder point, days of cover, order suggestion and status for every stock SKU.

    `stock` is a canonical inventory frame (`load(path, "inventory").frame`);
    `sales` one or more canonical orders / products frames (None: use the
    stock sheet's 近N日出库 columns). Lead time, its std. dev. and service level
    given here (or in `settings`) are defaults: values in the stock sheet win.
    `as_of` defaults to the stock snapshot's date, else the day after the
    latest sale; sales on or after it are ignored.
    """
    settings = (settings or InventoryPolicy()).with_overrides(
        lead_time_days=lead_time_days,
        lead_time_std_days=lead_time_std_days,
        service_level=service_level,
        window_days=window_days,
    )
    frames = [] if sales is None else [sales] if isinstance(sales, pd.DataFrame) else list(sales)
    for frame in frames:
        sales_kind(frame)
    as_of_ts, as_of_from = _resolve_as_of(as_of, stock, frames)
    table, findings = prepare_stock(stock, as_of_ts)
    daily = collect_sales(frames, table, as_of_ts, settings.window_days)
    stats = demand_statistics(daily, table.index, as_of_ts, settings)
    items, item_findings, basis = _evaluate(table, stats, settings, as_of_ts)
    findings = [*findings, *daily.findings, *stats.findings, *item_findings, *_reconcile(items, daily, stats)]
    return AlertsResult(
        as_of_ts,
        as_of_from,
        items,
        settings,
        stats,
        daily.sources,
        findings,
        settings.active_campaign(as_of_ts.date()),
        basis,
    )


def _resolve_as_of(as_of, stock: pd.DataFrame, frames: list[pd.DataFrame]) -> tuple[pd.Timestamp, str]:
    if as_of is not None:
        return pd.Timestamp(parse_day(as_of)), "given"
    if "date" in stock and stock["date"].notna().any():
        return pd.Timestamp(stock["date"].max()).normalize(), "stock"
    last = []
    for frame in frames:
        for column in ("date_end", "date", "paid_at", "created_at"):
            if column in frame and frame[column].notna().any():
                last.append(pd.Timestamp(frame[column].max()).normalize())
                break
    if not last:
        raise SchemaError(
            "cannot tell the as-of date: the stock sheet has no snapshot date and there are no "
            "dated sales; pass {as_of} YYYY-MM-DD",
            arguments=("as_of",),
        )
    return max(last) + pd.Timedelta(days=1), "sales"


def _evaluate(
    table: pd.DataFrame, stats: DemandStats, settings: InventoryPolicy, as_of: pd.Timestamp
) -> tuple[pd.DataFrame, list[Finding], str]:
    findings: list[Finding] = []
    demand = stats.frame
    items = pd.DataFrame(index=table.index)
    for column in ("name", "supplier"):
        items[column] = table.get(column, None)
    for column in ("on_hand", "available", "in_transit"):
        items[column] = table[column].astype("float64")
    items["inventory_position"] = items["available"] + items["in_transit"]
    d = demand["avg_daily_demand"].to_numpy()
    items["avg_daily_demand"] = d
    items["std_daily_demand"] = demand["std_daily_demand"].to_numpy()
    items["demand_estimated"] = demand["demand_estimated"].to_numpy()
    items["units_window"] = demand["units_window"].to_numpy()
    items["lead_time_days"] = _per_sku(table, "lead_time_days", settings.lead_time_days)
    items["lead_time_std_days"] = _per_sku(table, "lead_time_std_days", settings.lead_time_std_days)
    level = _per_sku(table, "service_level", settings.service_level)
    invalid = (level < 0.5) | (level >= 1)
    if invalid.any():
        findings.append(
            Finding(
                "invalid_service_level",
                count=int(invalid.sum()),
                skus=tuple(table.index[invalid]),
                detail={"default": settings.service_level},
            )
        )
        level = np.where(invalid, settings.service_level, level)
    items["service_level"] = level
    items["z"] = policy.z_score(level)
    items["safety_stock"] = policy.safety_stock(
        items["z"], d, items["std_daily_demand"], items["lead_time_days"], items["lead_time_std_days"]
    )
    items["reorder_point"] = policy.reorder_point(d, items["lead_time_days"], items["safety_stock"])
    items["order_up_to"] = policy.order_up_to_level(items["reorder_point"], d, settings.target_cover_days)
    items["days_of_cover"] = policy.days_of_cover(items["available"], d)
    items["days_of_cover_with_transit"] = policy.days_of_cover(items["inventory_position"], d)
    items["projected_stockout_date"] = policy.stockout_dates(as_of, items["days_of_cover"])
    with np.errstate(divide="ignore", invalid="ignore"):
        until_reorder = np.where(
            d > 0, (items["inventory_position"] - items["reorder_point"]) / np.where(d > 0, d, 1.0), np.inf
        )
    items["reorder_date"] = policy.stockout_dates(as_of, np.maximum(until_reorder, 0.0))
    for column in ("days_since_last_sale", "days_since_first_sale", "units_slow_window"):
        items[column] = demand[column].to_numpy()
    items["last_sale_date"] = as_of - pd.to_timedelta(items["days_since_last_sale"], unit="D")

    flags = status_flags(items, settings, stats.slow_evaluated, stats.dead_evaluated)
    items["status"] = resolve_status(flags)
    items["flags"] = flag_lists(flags)
    needs_order = items["status"].isin(SHORTAGE).to_numpy()
    items["moq"] = _per_sku(table, "moq", np.nan)
    items["case_pack"] = _per_sku(table, "case_pack", np.nan)
    items["suggested_order_qty"] = policy.suggested_order(
        items["inventory_position"],
        items["reorder_point"],
        d,
        settings.target_cover_days,
        items["moq"],
        items["case_pack"],
        needs_order=needs_order,
    )
    items["unit_cost"] = _per_sku(table, "unit_cost", np.nan)
    items["price"] = _per_sku(table, "price", np.nan)
    items["stock_value"] = items["unit_cost"] * items["on_hand"].clip(lower=0)
    items["order_value"] = items["suggested_order_qty"] * items["unit_cost"]

    value, basis = _abc_value(demand, items["price"].to_numpy())
    if basis == "units":
        findings.append(Finding("abc_units", "info"))
    items["abc_value"] = value
    items["abc"] = abc_classes(value, settings.abc_cutoffs)
    items["weekly_cv"] = demand["weekly_cv"].to_numpy()
    items["xyz"] = xyz_classes(items["weekly_cv"], settings.xyz_cutoffs)
    pricing = price_suggestions(items, settings, as_of.date())
    items["markdown_pct"] = pricing["markdown_pct"]
    items["stop_promotion"] = pricing["stop_promotion"]
    items = _sort(items)
    items.index.name = "sku"
    return items.reset_index(), findings, basis


def _per_sku(table: pd.DataFrame, column: str, default: float) -> np.ndarray:
    if column not in table:
        return np.full(len(table), default, dtype="float64")
    return table[column].astype("float64").fillna(default).to_numpy()


def _abc_value(demand: pd.DataFrame, price: np.ndarray) -> tuple[np.ndarray, str]:
    """Revenue over the ABC period; units without an amount are priced at the stock sheet's price.
    If some units have neither, revenue cannot be compared across SKUs and units are used for all."""
    unpriced = demand["abc_unpriced_units"].to_numpy()
    filled = np.where(unpriced > 0, unpriced * price, 0.0)
    if np.isnan(filled).any():
        return demand["abc_units"].to_numpy(), "units"
    return demand["abc_revenue"].to_numpy() + filled, "revenue"


def _sort(items: pd.DataFrame) -> pd.DataFrame:
    """Most urgent first: shortages by days of cover, excess by stock value tied up, then SKU."""
    rank = items["status"].map(PRIORITY).to_numpy()
    shortage = items["status"].isin(SHORTAGE).to_numpy()
    secondary = np.where(
        shortage, items["days_of_cover_with_transit"].to_numpy(), -items["stock_value"].fillna(0.0).to_numpy()
    )
    order = np.lexsort((items.index.to_numpy().astype(str), secondary, rank))
    return items.iloc[order]


def _reconcile(items: pd.DataFrame, daily: DailySales, stats: DemandStats) -> list[Finding]:
    """SKUs in the stock sheet without any sale, and sales of SKUs the stock sheet does not list."""
    findings = []
    never = items.loc[items["days_since_last_sale"].isna(), "sku"]
    if len(never) and daily.sources:
        findings.append(Finding("stock_without_sales", count=len(never), skus=tuple(sorted(never))))
    if len(stats.unknown):
        findings.append(
            Finding(
                "sales_without_stock",
                count=len(stats.unknown),
                skus=tuple(stats.unknown["sku"]),
                units=float(stats.unknown["units_total"].sum()),
            )
        )
    no_cost = items.loc[items["status"].isin(EXCESS) & items["unit_cost"].isna(), "sku"]
    if len(no_cost):
        findings.append(Finding("no_cost", count=len(no_cost), skus=tuple(sorted(no_cost))))
    return findings
