"""Shopify admin "Export orders" CSV (`docs/formats.md` §7, two real files).

One row per line item; order-level cells (Email, Financial Status, Paid at,
Total...) are filled only on an order's first line. Totals stay on that line
(so they are counted once); the other order-level cells are carried down to
every line of the order.
"""

from __future__ import annotations

import re

import pandas as pd

from ecomplan.core.errors import Issue
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
CUSTOMER_COLUMNS = ("Email", "Phone", "Billing Phone", "Billing Name")  # who bought, best first


# Values a shop (or whoever shared the file) puts where a buyer's e-mail, phone or name was removed.
PLACEHOLDER = re.compile(
    r"^\W*(redacted|removed|anonymi[sz]ed|anonymous|hidden|masked|private|unknown|none|null|n/?a|"
    r"匿名|匿名用户|未知|保密|已隐藏|已脱敏|[*]+|[x]+|[-]+|[#]+)\W*$",
    re.IGNORECASE,
)
MIN_ORDERS_ONE_VALUE = 10  # one value on every one of this many orders is a placeholder, not a loyal buyer


def placeholder_ids(values: pd.Series, order_ids: pd.Series) -> pd.Series:
    """Which cells of a customer-identifying column hold a placeholder rather than a buyer:
    a redaction token (REDACTED, 匿名, ***…), or one value shared by every order of a file
    of at least MIN_ORDERS_ONE_VALUE orders. Empty cells are not placeholders (they are missing)."""
    text = values.fillna("").astype("str").str.strip()
    present = text != ""
    token = present & text.str.fullmatch(PLACEHOLDER).fillna(False).astype(bool)
    orders = order_ids[present].nunique()
    distinct = text[present].unique()
    if len(distinct) == 1 and orders >= MIN_ORDERS_ONE_VALUE:
        return present
    return token


def _drop_placeholders(frame: pd.DataFrame, ctx: Context, columns: tuple[str, ...]) -> None:
    """Blank placeholder buyer values (so those orders have no customer ID) and say so in one Issue."""
    found: dict[str, pd.Series] = {}
    for column in columns:
        if column in frame:
            mask = placeholder_ids(frame[column], frame["Name"])
            if mask.any():
                found[column] = mask
    if not found:
        return
    first = next(iter(found))
    value = str(frame.loc[found[first], first].iloc[0])
    orders = max(int(frame.loc[mask, "Name"].nunique()) for mask in found.values())
    ctx.issues.append(
        Issue(
            ctx.file,
            f"{orders} orders carry the placeholder {value!r} instead of a buyer (the export was redacted or "
            "anonymised); they are treated as having no customer ID, not as one customer",
            code="placeholder_customer_id",
            column=", ".join(found),
            value=value,
            count=orders,
        )
    )
    for column, mask in found.items():
        frame.loc[mask, column] = ""


def _carry_order_fields(table: RawTable, ctx: Context) -> RawTable:
    frame = table.frame
    present = [c for c in ORDER_LEVEL if c in frame.columns]
    cells = frame[present].apply(lambda s: s.str.strip()).replace("", pd.NA)
    frame[present] = cells.groupby(frame["Name"], sort=False).ffill().fillna("")
    _drop_placeholders(frame, ctx, CUSTOMER_COLUMNS)
    # Orders paid cash-on-delivery have no e-mail: fall back to phone, then billing name.
    customer = frame["Email"].replace("", pd.NA) if "Email" in frame else pd.Series(pd.NA, index=frame.index)
    for fallback in CUSTOMER_COLUMNS[1:]:
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
        titles=("shopify", "orders_export"),
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
