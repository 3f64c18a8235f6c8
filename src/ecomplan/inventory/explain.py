"""One-line reasons and suggestions per SKU, in Chinese or English.

Text is made only when a result is printed or written (the numbers come
from `alerts()`), so evaluating 100,000 SKUs never formats a string.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import pandas as pd

from ecomplan.core.text import t

if TYPE_CHECKING:
    from ecomplan.inventory.engine import AlertsResult

# JSON item keys, in order; `reason` and `suggestion` follow `flags`.
HEAD = ("sku", "name", "supplier", "status", "flags")
BODY = (
    "on_hand",
    "available",
    "in_transit",
    "inventory_position",
    "avg_daily_demand",
    "std_daily_demand",
    "demand_estimated",
    "units_window",
    "lead_time_days",
    "lead_time_std_days",
    "service_level",
    "z",
    "safety_stock",
    "reorder_point",
    "order_up_to",
    "days_of_cover",
    "days_of_cover_with_transit",
    "projected_stockout_date",
    "reorder_date",
    "suggested_order_qty",
    "moq",
    "case_pack",
    "unit_cost",
    "price",
    "stock_value",
    "order_value",
    "abc",
    "abc_value",
    "xyz",
    "weekly_cv",
    "units_slow_window",
    "last_sale_date",
    "days_since_last_sale",
    "markdown_pct",
    "stop_promotion",
)
DATES = ("projected_stockout_date", "reorder_date", "last_sale_date")


def number(value) -> str:
    """Quantities as people write them: 1,234 or 12.5; '—' when missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if math.isinf(value):
        return "∞"
    if abs(value - round(value)) < 0.05:
        return f"{value:,.0f}"
    return f"{value:,.1f}"


def rate(value) -> str:
    """Daily demand keeps two decimals so slow sellers do not show as 0."""
    return "—" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:,.2f}"


def day_text(value) -> str:
    return "—" if value is None or value != value or value is pd.NaT else str(value)[:10]


def status_label(status: str, lang: str) -> str:
    return t(f"inventory.status.{status}", lang)


def reason(row: dict, result: AlertsResult, lang: str) -> str:
    """Why the SKU has its status, with the numbers that decided it."""
    s = result.settings
    status = row["status"]
    idle = not row["avg_daily_demand"] > 0
    if status == "stockout":
        if idle:
            return t(
                "inventory.reason.stockout_idle",
                lang,
                available=number(row["available"]),
                window=result.demand.window_days,
            )
        return t("inventory.reason.stockout", lang, available=number(row["available"]), d=rate(row["avg_daily_demand"]))
    if status == "urgent":
        return t(
            "inventory.reason.urgent",
            lang,
            cover=number(row["days_of_cover"]),
            cover_transit=number(row["days_of_cover_with_transit"]),
            lead=number(row["lead_time_days"]),
            date=day_text(row["projected_stockout_date"]),
        )
    if status == "reorder":
        return t(
            "inventory.reason.reorder",
            lang,
            position=number(row["inventory_position"]),
            rop=number(row["reorder_point"]),
            ss=number(row["safety_stock"]),
            cover=number(row["days_of_cover"]),
        )
    if status == "ok":
        return t(
            "inventory.reason.ok",
            lang,
            cover=number(row["days_of_cover"]),
            rop=number(row["reorder_point"]),
            reorder_date=day_text(row["reorder_date"]),
        )
    if status == "overstock":
        if idle:
            return t(
                "inventory.reason.overstock_idle",
                lang,
                window=result.demand.window_days,
                on_hand=number(row["on_hand"]),
            )
        return t(
            "inventory.reason.overstock",
            lang,
            cover=number(row["days_of_cover"]),
            limit=number(s.overstock_days),
            on_hand=number(row["on_hand"]),
            d=rate(row["avg_daily_demand"]),
        )
    if status == "slow_moving":
        return t(
            "inventory.reason.slow_moving",
            lang,
            units=number(row["units_slow_window"]),
            days=s.slow_moving_days,
            threshold=number(s.slow_moving_units),
            on_hand=number(row["on_hand"]),
        )
    if status == "dead":
        if row["days_since_last_sale"] != row["days_since_last_sale"]:
            return t(
                "inventory.reason.dead_never",
                lang,
                coverage=result.demand.coverage_days,
                on_hand=number(row["on_hand"]),
            )
        return t(
            "inventory.reason.dead",
            lang,
            since=number(row["days_since_last_sale"]),
            days=s.dead_days,
            on_hand=number(row["on_hand"]),
        )
    return t("inventory.reason.inactive", lang, days=s.dead_days)


def suggestion(row: dict, result: AlertsResult, lang: str) -> str:
    """What to consider doing: order quantity, markdown, pausing a promotion (empty when nothing)."""
    parts = []
    if row["suggested_order_qty"] > 0:
        parts.append(t("inventory.suggest.order", lang, qty=number(row["suggested_order_qty"])))
    if row["markdown_pct"] == row["markdown_pct"]:
        parts.append(t("inventory.suggest.markdown", lang, pct=f"{row['markdown_pct']:.0%}"))
    elif row["status"] in {"slow_moving", "dead"}:
        parts.append(t("inventory.suggest.no_reorder", lang))
    if row["stop_promotion"] and result.campaign is not None:
        parts.append(t("inventory.suggest.stop_promotion", lang, campaign=result.campaign.name))
    return ("；" if lang == "zh" else "; ").join(parts)


def to_json(result: AlertsResult, lang: str = "zh") -> dict[str, Any]:
    """The JSON document of `ecomplan inventory alerts --json` (keys documented in the README)."""
    return {
        "as_of": result.as_of.date(),
        "as_of_from": result.as_of_from,
        "parameters": result.parameters(),
        "summary": result.summary(),
        "sources": [s.to_dict() for s in result.sources],
        "items": item_records(result, lang),
        "findings": [f.to_dict(lang) for f in result.findings],
    }


def item_records(result: AlertsResult, lang: str) -> list[dict]:
    """The JSON `items`: every key of `HEAD` and `BODY`, plus the reason and suggestion text."""
    frame = result.items[list(HEAD + BODY)].copy()
    for column in DATES:
        frame[column] = frame[column].dt.strftime("%Y-%m-%d").astype(object).where(frame[column].notna(), None)
    keys = list(frame.columns)
    columns = [frame[key].tolist() for key in keys]  # plain Python values, column by column (fast)
    out = []
    for values in zip(*columns, strict=False):
        row = dict(zip(keys, values, strict=False))
        head = {key: row[key] for key in HEAD}
        head["reason"] = reason(row, result, lang)
        head["suggestion"] = suggestion(row, result, lang)
        out.append({**head, **{key: row[key] for key in BODY}})
    return out


def with_text(result: AlertsResult, items, lang: str):
    """A copy of some `items` rows with `status_label`, `reason` and `suggestion` columns for reports."""
    frame = items.copy()
    rows = frame.to_dict("records")
    frame["status_label"] = [status_label(r["status"], lang) for r in rows]
    frame["reason"] = [reason(r, result, lang) for r in rows]
    frame["suggestion"] = [suggestion(r, result, lang) for r in rows]
    return frame
