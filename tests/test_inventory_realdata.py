"""Inventory alerts on real exports from ../shared/data (skipped where that folder is absent)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ecomplan.ingest.load import load
from ecomplan.ingest.schemas import PAID_STATUSES
from ecomplan.inventory import InventoryPolicy, alerts, to_json

pytestmark = pytest.mark.realdata


def test_online_retail_demand_and_reconciliation(shared_data):
    """UCI Online Retail: daily demand of its 30 best sellers against an independent pandas resampling."""
    orders = load(shared_data / "online_retail" / "online_retail.csv.gz", "orders").frame
    as_of = pd.Timestamp("2011-12-10")
    sold = orders[orders["status"].isin(PAID_STATUSES) & (orders["quantity"] > 0)]
    top = sold.groupby("sku")["quantity"].sum().nlargest(30).index
    stock = pd.DataFrame({"sku": top, "on_hand": 500.0, "lead_time_days": 14.0, "unit_cost": 1.0})
    result = alerts(stock, orders, as_of, window_days=28)

    days = pd.date_range(as_of - pd.Timedelta(days=28), as_of - pd.Timedelta(days=1), freq="D")
    items = result.items.set_index("sku")
    for sku in top:
        mine = sold[sold["sku"] == sku]
        series = mine.groupby(mine["paid_at"].dt.normalize())["quantity"].sum().reindex(days, fill_value=0.0)
        assert items.loc[sku, "avg_daily_demand"] == pytest.approx(series.mean(), rel=1e-12)
        assert items.loc[sku, "std_daily_demand"] == pytest.approx(series.std(ddof=1), rel=1e-12)

    others = sold.loc[~sold["sku"].isin(top), "sku"].dropna()
    others = others[others.astype(str).str.strip() != ""]
    missing = next(f for f in result.findings if f.code == "sales_without_stock")
    assert missing.count == others.nunique()
    assert missing.units == pytest.approx(sold.loc[sold["sku"].isin(set(others)), "quantity"].sum())
    negative = next(f for f in result.findings if f.code == "negative_quantity")
    paid = orders["status"].isin(PAID_STATUSES)
    assert negative.count == int((paid & (orders["quantity"] < 0)).sum())
    assert result.demand.slow_evaluated and result.demand.dead_evaluated  # a year of history
    assert len(to_json(result, "en")["items"]) == 30


def test_shopify_order_totals_are_split_over_their_lines(shared_data):
    """Shopify puts the order total on the first line only; ABC revenue must still add up per order."""
    orders = load(shared_data / "shopify" / "orders_export__kidsliving_2021__REDACTED.csv", "orders").frame
    paid = orders[orders["status"].isin(PAID_STATUSES)]
    stock = pd.DataFrame({"sku": paid["sku"].dropna().unique(), "on_hand": 5.0})
    result = alerts(stock, orders, "2021-05-18", settings=InventoryPolicy(abc_days=30))
    items = result.items.set_index("sku")
    assert items["abc_value"].sum() == pytest.approx(paid["amount"].sum())
    multi = paid[paid["order_id"].duplicated(keep=False)]
    assert (multi["amount"] == 0).any()  # the export really does leave later lines at 0
    assert (items.loc[multi["sku"].unique(), "abc_value"] > 0).all()
    assert set(np.unique(items["abc"])) <= {"A", "B", "C"}
