"""Invoice-line exports in the style of the UCI Online Retail data set.

One row per invoice line; an invoice number starting with `C` is a
cancellation (its quantities are negative). The line amount is
Quantity × UnitPrice.
"""

from __future__ import annotations

import pandas as pd

from ecomplan.ingest.reading import RawTable
from ecomplan.ingest.sources.base import Adapter, Context


def _amounts(table: RawTable, ctx: Context) -> RawTable:
    frame = table.frame
    quantity = pd.to_numeric(frame["Quantity"].str.replace(",", ""), errors="coerce")
    price = pd.to_numeric(frame["UnitPrice"].str.replace(",", ""), errors="coerce")
    frame["__amount"] = (quantity * price).round(6)
    cancelled = frame["InvoiceNo"].str.strip().str.upper().str.startswith("C")
    frame["__status"] = cancelled.map({True: "cancelled", False: "completed"})
    table.frame = frame
    return table


ADAPTERS = [
    Adapter(
        "online_retail",
        "invoice_lines",
        "orders",
        title_zh="发票明细 (Online Retail 格式)",
        title_en="Invoice lines (Online Retail style)",
        signature=("InvoiceNo", "StockCode", "Quantity", "UnitPrice", "InvoiceDate"),
        columns={
            "order_id": "InvoiceNo",
            "sku": "StockCode",
            "product_name": "Description",
            "quantity": "Quantity",
            "paid_at": "InvoiceDate",
            "customer_id": "CustomerID",
            "channel": "Country",
            "amount": "__amount",
            "status": "__status",
        },
        prepare=_amounts,
    ),
]
