"""The stock snapshot as one row per SKU.

Stock sheets list a SKU once per warehouse (JD RDCs, ERP 仓库), sometimes
with several snapshot dates; alerts work on the shop's total per SKU at the
latest snapshot on or before the as-of date.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ecomplan.core.errors import SchemaError
from ecomplan.inventory.findings import Finding

QUANTITIES = ("on_hand", "available", "in_transit")
STOCK_SALES = {"sales_7d": 7, "sales_14d": 14, "sales_28d": 28, "sales_30d": 30}
_FIRST = ("name", "supplier", "unit_cost", "price", "moq", "case_pack")
_MAX = ("lead_time_days", "lead_time_std_days", "service_level")


def prepare_stock(frame: pd.DataFrame, as_of: pd.Timestamp) -> tuple[pd.DataFrame, list[Finding]]:
    """One row per SKU (index `sku`, sorted): quantities and sales columns summed over warehouses,
    the slowest lead time, the first non-empty name, cost, price, MOQ and case pack."""
    if "sku" not in frame:
        raise SchemaError(
            "stock data has no sku column; expected an inventory export (canonical columns: "
            "sku, on_hand or available, ...)"
        )
    if not any(c in frame for c in ("on_hand", "available")):
        raise SchemaError(
            "stock data has neither on_hand nor available; expected an inventory export with a "
            "stock quantity column (实际库存 / 可用库存 / 库存件数)"
        )
    findings: list[Finding] = []
    data = frame.copy()
    data["sku"] = data["sku"].astype("str").str.strip()
    data = data[data["sku"].ne("") & frame["sku"].notna().to_numpy()]
    if "date" in data and data["date"].notna().any():
        dates = data["date"]
        on_or_before = dates.isna() | (dates <= as_of)
        latest = dates.where(on_or_before).groupby(data["sku"]).transform("max")
        keep = on_or_before & (dates.isna() | (dates == latest))
        if not keep.all():
            findings.append(
                Finding(
                    "stale_stock_rows", "info", count=int((~keep).sum()), detail={"as_of": as_of.date().isoformat()}
                )
            )
        data = data[keep]
        if data.empty:
            raise SchemaError(
                f"every stock row is dated after the as-of date {as_of.date()}; pass the snapshot "
                "taken on or before it, or a later {as_of}",
                arguments=("as_of",),
            )
    for column in QUANTITIES:
        if column not in data:
            data[column] = np.nan
    no_quantity = data["on_hand"].isna() & data["available"].isna()
    if no_quantity.any():
        skipped = sorted(set(data.loc[no_quantity, "sku"]) - set(data.loc[~no_quantity, "sku"]))
        if skipped:
            findings.append(Finding("stock_without_quantity", count=len(skipped), skus=tuple(skipped)))
        data = data[~no_quantity]
    if data.empty:
        raise SchemaError("the stock data has no row with a SKU and a stock quantity")
    grouped = data.groupby("sku", sort=True)
    sizes = grouped.size()
    out = pd.DataFrame(index=sizes.index)
    for column in QUANTITIES + tuple(c for c in STOCK_SALES if c in data):
        out[column] = grouped[column].sum(min_count=1)
    for column in _FIRST:
        if column in data:
            out[column] = grouped[column].first()
    for column in _MAX:
        if column in data:
            out[column] = grouped[column].max()
    if "date" in data:
        out["snapshot_date"] = grouped["date"].max()
    duplicated = sizes[sizes > 1]
    if len(duplicated):
        findings.append(Finding("duplicate_stock_rows", "info", count=len(duplicated), skus=tuple(duplicated.index)))
    no_available = out["available"].isna()
    if no_available.any():
        if data["available"].notna().any():
            findings.append(
                Finding(
                    "available_from_on_hand", "info", count=int(no_available.sum()), skus=tuple(out.index[no_available])
                )
            )
        out["available"] = out["available"].fillna(out["on_hand"])
    out["on_hand"] = out["on_hand"].fillna(out["available"])
    out["in_transit"] = out["in_transit"].fillna(0.0)
    out.index.name = "sku"
    return out, findings
