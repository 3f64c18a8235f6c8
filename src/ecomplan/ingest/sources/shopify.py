"""Shopify admin "Export orders" CSV (`docs/formats.md` §7, two real files).

One row per line item; order-level cells (Email, Financial Status, Paid at,
Total...) are filled only on an order's first line. Totals stay on that line
(so they are counted once); the other order-level cells are carried down to
every line of the order.
"""

from __future__ import annotations

import pandas as pd

from ecomplan.ingest.reading import RawTable
from ecomplan.ingest.sources.base import Adapter, Context, report_unknown_statuses, status_mapper

FINANCIAL_STATUS = {
    "paid": "paid",
    "partially_paid": "paid",
    "pending": "pending",
    "authorized": "pending",
    "refunded": "refunded",
    "partially_refunded": "partially_refunded",
    "voided": "cancelled",
    "expired": "cancelled",
}
_status = status_mapper(FINANCIAL_STATUS)
ORDER_LEVEL = (
    "Email",
    "Financial Status",
    "Paid at",
    "Currency",
    "Source",
    "Cancelled at",
    "Phone",
    "Billing Name",
    "Billing Phone",
    "Created at",
)


def _carry_order_fields(table: RawTable, ctx: Context) -> RawTable:
    frame = table.frame
    present = [c for c in ORDER_LEVEL if c in frame.columns]
    cells = frame[present].apply(lambda s: s.str.strip()).replace("", pd.NA)
    frame[present] = cells.groupby(frame["Name"], sort=False).ffill().fillna("")
    # Orders paid cash-on-delivery have no e-mail: fall back to phone, then billing name.
    customer = frame["Email"].replace("", pd.NA) if "Email" in frame else pd.Series(pd.NA, index=frame.index)
    for fallback in ("Phone", "Billing Phone", "Billing Name"):
        if fallback in frame:
            customer = customer.fillna(frame[fallback].replace("", pd.NA))
    frame["__customer"] = customer.fillna("")
    if "Cancelled at" in frame:
        frame["__cancelled"] = frame["Cancelled at"]
    table.frame = frame
    return table


def _finish(frame: pd.DataFrame, ctx: Context) -> pd.DataFrame:
    frame["status_raw"] = frame["status"]
    frame["status"] = _status(frame["status"])
    if "__cancelled" in frame:
        cancelled = frame.pop("__cancelled").astype("str").str.strip().replace("", pd.NA).notna()
        frame.loc[cancelled, "status"] = "cancelled"
    for column in ("amount", "refund"):
        if column in frame:
            frame[column] = frame[column].fillna(0.0)
    report_unknown_statuses(frame, ctx)
    return frame


ADAPTERS = [
    Adapter(
        "shopify",
        "orders",
        "orders",
        title_zh="Shopify 订单导出",
        title_en="Shopify orders export",
        signature=("Name", "Financial Status", "Lineitem name"),
        columns={
            "order_id": "Name",
            "customer_id": "__customer",
            "paid_at": "Paid at",
            "created_at": "Created at",
            "amount": "Total",
            "refund": "Refunded Amount",
            "status": "Financial Status",
            "sku": "Lineitem sku",
            "product_name": "Lineitem name",
            "quantity": "Lineitem quantity",
            "channel": "Source",
            "customer_name": "Billing Name",
            "phone": "Phone",
            "currency": "Currency",
            "__cancelled": "__cancelled",
        },
        prepare=_carry_order_fields,
        finish=_finish,
    ),
]
