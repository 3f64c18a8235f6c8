"""`ecomplan.inventory.alerts()` on canonical frames and on the fixture files.

The fixture shop (tests/fixtures/inventory/, as of 2026-03-01, 28-day window
= 1-28 Feb, z(95%) = 1.644854) is built so each SKU's numbers can be worked
by hand; see tests/fixtures/inventory/README.md.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from ecomplan.config import load_settings, parse_settings
from ecomplan.core.errors import ConfigError, SchemaError
from ecomplan.core.periods import Campaign
from ecomplan.ingest.load import load
from ecomplan.inventory import (
    InventoryPolicy,
    PricingRules,
    alerts,
    from_settings,
    to_json,
    weekly_section,
)
from ecomplan.inventory import demand as demand_module

Z95 = 1.6448536269514722
AS_OF = pd.Timestamp("2026-03-01")


@pytest.fixture(scope="module")
def fixture_result():
    folder = __import__("pathlib").Path(__file__).parent / "fixtures" / "inventory"
    stock = load(folder / "stock_erp.csv", "inventory").frame
    orders = load(folder / "orders.csv", "orders").frame
    return alerts(stock, orders, "2026-03-01", lead_time_days=10)


def _row(result, sku: str) -> pd.Series:
    return result.items.set_index("sku").loc[sku]


def _stock(**rows) -> pd.DataFrame:
    """Stock frame from sku -> dict of columns (available defaults to on_hand)."""
    records = []
    for sku, values in rows.items():
        record = {"sku": sku, "on_hand": 100.0, "lead_time_days": 10.0, "unit_cost": 10.0, **values}
        record.setdefault("available", record["on_hand"])
        records.append(record)
    return pd.DataFrame(records)


def _orders(lines: list[tuple], start_order: int = 0) -> pd.DataFrame:
    """Order lines (sku, day, quantity[, status[, amount[, order_id]]])."""
    records = []
    for i, line in enumerate(lines):
        sku, day, quantity = line[:3]
        status = line[3] if len(line) > 3 else "completed"
        amount = line[4] if len(line) > 4 else quantity * 10.0
        order = line[5] if len(line) > 5 else f"O{start_order + i}"
        records.append(
            {
                "order_id": order,
                "sku": sku,
                "quantity": float(quantity),
                "status": status,
                "amount": amount,
                "paid_at": pd.Timestamp(day) + pd.Timedelta(hours=10),
            }
        )
    return pd.DataFrame(records)


def _finding(result, code: str):
    found = [f for f in result.findings if f.code == code]
    assert found, f"no {code} finding in {[f.code for f in result.findings]}"
    return found[0]


# --- the fixture shop: every status, worked by hand ------------------------------------------------------


def test_fixture_statuses(fixture_result):
    statuses = dict(zip(fixture_result.items["sku"], fixture_result.items["status"], strict=False))
    assert statuses == {
        "A100": "ok",
        "B200": "urgent",
        "C300": "reorder",
        "D400": "stockout",
        "E500": "overstock",
        "F600": "slow_moving",
        "G700": "dead",
        "H800": "dead",
        "I900": "stockout",
        "J000": "inactive",
    }
    assert fixture_result.has_alerts
    assert list(fixture_result.items["sku"][:4]) == ["D400", "I900", "B200", "C300"]  # most urgent first


def test_fixture_steady_seller(fixture_result):
    # 2 units every day of February; the cancelled 50, the pending 30 and the 10 sold on the as-of day don't count.
    a = _row(fixture_result, "A100")
    assert a["avg_daily_demand"] == 2.0 and a["std_daily_demand"] == 0.0
    assert a["safety_stock"] == 0.0 and a["reorder_point"] == 20.0
    assert a["days_of_cover"] == 50.0
    assert a["projected_stockout_date"] == pd.Timestamp("2026-04-20")
    assert a["reorder_date"] == pd.Timestamp("2026-04-10")  # (100 - 20) / 2 = 40 days
    assert a["suggested_order_qty"] == 0


def test_fixture_every_other_day(fixture_result):
    # 4 units on the 14 odd days, 0 on the even ones: mean 2, Σ(x - 2)² = 28 × 4 = 112, σ = √(112/27).
    b = _row(fixture_result, "B200")
    sigma = math.sqrt(112 / 27)
    assert b["std_daily_demand"] == pytest.approx(sigma)
    assert b["safety_stock"] == pytest.approx(Z95 * sigma * math.sqrt(10))
    assert b["reorder_point"] == pytest.approx(20 + Z95 * sigma * math.sqrt(10))
    assert b["days_of_cover"] == 7.5  # 15 / 2 < 10-day lead time: urgent
    # Order up to ROP + 2 × 30 = 90.59 from 15 -> 75.59 -> 76 units.
    assert b["suggested_order_qty"] == 76


def test_fixture_lead_time_variability_moq_and_case_pack(fixture_result):
    c = _row(fixture_result, "C300")  # σd = 0, σL = 2: SS = z × 2 × 2
    assert c["safety_stock"] == pytest.approx(Z95 * 4)
    assert c["reorder_point"] == pytest.approx(20 + Z95 * 4)
    # Up to 26.58 + 60 = 86.58 from 25: 61.58 -> 62 units, MOQ 50 -> 62, case pack 12 -> 72.
    assert c["suggested_order_qty"] == 72


def test_fixture_stockouts(fixture_result):
    d = _row(fixture_result, "D400")
    assert d["avg_daily_demand"] == 1.0  # the refunded order on 1 Feb was paid: it is demand
    assert d["days_of_cover"] == 0 and d["projected_stockout_date"] == AS_OF
    assert d["suggested_order_qty"] == 40  # up to ROP 10 + 30 days
    negative = _row(fixture_result, "I900")  # oversold: 3 units owed to customers
    assert negative["available"] == -3 and negative["days_of_cover"] == 0
    assert negative["suggested_order_qty"] == 43


def test_fixture_excess(fixture_result):
    f = _row(fixture_result, "F600")  # one unit in the window and one 181 days ago
    assert f["avg_daily_demand"] == pytest.approx(1 / 28)
    assert f["units_slow_window"] == 1 and f["flags"] == ["slow_moving", "overstock"]
    assert f["markdown_pct"] == pytest.approx(0.2)
    g = _row(fixture_result, "G700")
    assert g["days_since_last_sale"] == 137 and g["last_sale_date"] == pd.Timestamp("2025-10-15")
    assert math.isinf(g["days_of_cover"]) and pd.isna(g["projected_stockout_date"])
    assert _row(fixture_result, "H800")["days_since_last_sale"] != _row(fixture_result, "H800")["days_since_last_sale"]
    assert fixture_result.value_tied_up() == {
        "overstock": 500 * 20.0,
        "slow_moving": 50 * 30.0,
        "dead": 30 * 40.0 + 10 * 50.0,
        "total": 13_200.0,
    }


def test_fixture_reconciliation(fixture_result):
    assert _finding(fixture_result, "stock_without_sales").skus == ("H800",)
    missing = _finding(fixture_result, "sales_without_stock")
    assert missing.skus == ("Z999",) and missing.units == 3
    no_sku = _finding(fixture_result, "sales_without_sku")
    assert no_sku.count == 1 and no_sku.units == 2
    future = _finding(fixture_result, "future_sales")
    assert future.count == 1 and future.units == 10
    assert fixture_result.demand.coverage_days == 212  # 2025-08-01 .. 2026-02-28
    assert "Z999" in _finding(fixture_result, "sales_without_stock").message("zh")


# --- demand statistics ------------------------------------------------------------------------------------


def _independent_daily_stats(orders: pd.DataFrame, sku: str, as_of: pd.Timestamp, window: int) -> tuple:
    """Mean and std (ddof=1) of daily units with pandas resampling: an implementation independent of ecomplan's."""
    paid = orders[(orders["sku"] == sku) & orders["status"].isin(["paid", "shipped", "completed", "refunded"])]
    days = pd.date_range(as_of - pd.Timedelta(days=window), as_of - pd.Timedelta(days=1), freq="D")
    series = paid.groupby(paid["paid_at"].dt.normalize())["quantity"].sum().reindex(days, fill_value=0.0)
    return series.mean(), series.std(ddof=1)


def test_demand_matches_a_resampled_series():
    rng = np.random.default_rng(3)
    n = 3000
    days = AS_OF - pd.to_timedelta(rng.integers(1, 60, n), unit="D")
    orders = pd.DataFrame(
        {
            "order_id": [f"O{i}" for i in range(n)],
            "sku": rng.choice(["a", "b", "c", "d"], n),
            "quantity": rng.integers(1, 4, n).astype(float),
            "status": rng.choice(["completed", "cancelled", "refunded", "pending"], n, p=[0.7, 0.1, 0.1, 0.1]),
            "amount": 10.0,
            "paid_at": days + pd.to_timedelta(rng.integers(0, 86_399, n), unit="s"),
        }
    )
    result = alerts(_stock(a={}, b={}, c={}, d={}), orders, AS_OF, window_days=28)
    for sku in "abcd":
        mean, std = _independent_daily_stats(orders, sku, AS_OF, 28)
        row = _row(result, sku)
        assert row["avg_daily_demand"] == pytest.approx(mean, rel=1e-12)
        assert row["std_daily_demand"] == pytest.approx(std, rel=1e-12)


def test_demand_of_the_example_shop(examples):
    stock = load(examples / "inventory" / "库存快照_2026-11-23.xlsx", "inventory").frame
    orders = load(examples / "orders" / "淘宝订单导出_2025-10-01_2026-11-22.csv", "orders").frame
    result = alerts(stock, orders, "2026-11-23", lead_time_days=10)
    for sku in ("T002", "T006", "T019"):
        mean, std = _independent_daily_stats(orders, sku, pd.Timestamp("2026-11-23"), 28)
        assert _row(result, sku)["avg_daily_demand"] == pytest.approx(mean)
        assert _row(result, sku)["std_daily_demand"] == pytest.approx(std)


def test_sparse_and_dense_statistics_agree(monkeypatch):
    rng = np.random.default_rng(11)
    n = 2000
    orders = _orders(
        [
            (f"s{rng.integers(0, 40)}", AS_OF - pd.Timedelta(days=int(rng.integers(1, 120))), int(rng.integers(1, 5)))
            for _ in range(n)
        ]
    )
    stock = _stock(**{f"s{i}": {} for i in range(40)})
    dense = alerts(stock, orders, AS_OF)
    monkeypatch.setattr(demand_module, "DENSE_CELLS", 0)
    sparse = alerts(stock, orders, AS_OF)
    for column in ("avg_daily_demand", "std_daily_demand", "weekly_cv", "safety_stock"):
        np.testing.assert_allclose(sparse.items[column], dense.items[column], rtol=1e-10)


def test_std_of_a_large_steady_seller_keeps_its_precision():
    # 1,000,000 units a day ± 1: Σx² − n·mean² would cancel to noise; the two-pass deviation does not.
    lines = [("big", AS_OF - pd.Timedelta(days=k), 1_000_000 + (1 if k % 2 else -1)) for k in range(1, 29)]
    result = alerts(_stock(big={"on_hand": 1e8}), _orders(lines), AS_OF)
    assert _row(result, "big")["std_daily_demand"] == pytest.approx(math.sqrt(28 / 27), rel=1e-9)


def test_zero_demand_sku():
    result = alerts(_stock(idle={"on_hand": 10}, busy={}), _orders([("busy", "2026-02-20", 5)]), AS_OF)
    idle = _row(result, "idle")
    assert idle["avg_daily_demand"] == 0 and idle["safety_stock"] == 0 and idle["reorder_point"] == 0
    assert math.isinf(idle["days_of_cover"]) and idle["suggested_order_qty"] == 0
    assert idle["status"] == "overstock"  # history of 10 days: slow/dead cannot be judged yet
    assert _finding(result, "stock_without_sales").skus == ("idle",)


def test_short_history_trims_the_window_and_skips_long_rules():
    lines = [("a", AS_OF - pd.Timedelta(days=k), 3) for k in range(1, 11)]  # 10 days of data
    result = alerts(_stock(a={}), _orders(lines), AS_OF, window_days=28)
    assert result.demand.window_days == 10
    assert _row(result, "a")["avg_daily_demand"] == 3.0  # not 30 / 28: days before the data are unknown
    assert _finding(result, "short_window").detail["available"] == 10
    rules = {f.detail["rule"] for f in result.findings if f.code == "rule_not_evaluated"}
    assert rules == {"slow_moving", "dead"}
    assert not result.demand.slow_evaluated and result.parameters()["slow_moving_evaluated"] is False


def test_a_stale_sales_file_is_reported():
    result = alerts(_stock(a={}), _orders([("a", "2025-12-01", 1), ("a", "2026-02-20", 1)]), AS_OF)
    stale = _finding(result, "stale_sales")
    assert stale.detail["days"] == 8 and stale.detail["last"] == "2026-02-20"


def test_order_statuses_and_missing_values():
    orders = _orders(
        [
            ("a", "2026-02-10", 2, "paid"),
            ("a", "2026-02-10", 3, "shipped"),
            ("a", "2026-02-11", 7, "cancelled"),
            ("a", "2026-02-11", 9, "pending"),
            ("a", "2026-02-12", 4, "partially_refunded"),
            ("a", "2026-02-12", -2, "completed"),
            ("a", "2026-02-13", 1, "completed"),
            ("a", "2026-01-01", 1, "completed"),
        ]
    )
    orders.loc[6, "quantity"] = np.nan
    result = alerts(_stock(a={}), orders, AS_OF)
    assert _row(result, "a")["units_window"] == 9  # 2 + 3 + 4
    assert _finding(result, "negative_quantity").units == 2
    assert _finding(result, "missing_quantity").count == 1


# --- several sources and SKU keys ---------------------------------------------------------------------


def _products(rows: list[tuple], **columns) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["date", "sku", "units", "amount"])
    frame["date"] = pd.to_datetime(frame["date"])
    for key, value in columns.items():
        frame[key] = value
    return frame


def test_product_ids_match_stock_through_the_item_code():
    history = _orders([("T001", "2025-12-01", 1)])
    products = _products(
        [("2026-02-27", "6580001", 4, 400.0), ("2026-02-28", "6580001", 2, 200.0), ("2026-02-28", "6580009", 1, 50.0)]
    )
    products["product_code"] = ["T001", "T001", "T009"]
    result = alerts(_stock(T001={}), [history, products], AS_OF)
    assert _row(result, "T001")["units_window"] == 6
    assert _finding(result, "matched_by_product_code").count == 2
    assert _finding(result, "sales_without_stock").skus == ("6580009",)


def test_units_from_several_files_add_up_and_duplicates_count_once():
    tmall = _orders([("a", "2026-02-10", 2), ("a", "2026-02-11", 1)]).assign(source_file="tmall.csv")
    again = _orders([("a", "2026-02-11", 1), ("a", "2025-10-01", 5)], start_order=1).assign(source_file="again.csv")
    jd = _products([("2026-02-10", "a", 3, 30.0)]).assign(source_file="jd.xlsx")
    result = alerts(_stock(a={}), [tmall, again, jd], AS_OF)
    assert _row(result, "a")["units_window"] == 2 + 1 + 3  # O1 appears in both order files: once
    assert _finding(result, "duplicate_sales").count == 1


def test_same_platform_reports_overlapping_are_flagged():
    orders = _orders([("a", "2026-02-10", 2)]).assign(platform="sycm", report="orders", source_file="orders.csv")
    daily = _products([("2026-02-10", "a", 2, 20.0)]).assign(
        platform="sycm", report="product_daily", source_file="商品_全部.xlsx"
    )
    result = alerts(_stock(a={}), [orders, daily], AS_OF)
    overlap = _finding(result, "overlapping_sources")
    assert overlap.detail["platform"] == "sycm" and overlap.severity == "warning"


def test_period_rows_are_spread_with_a_poisson_floor():
    # One 28-day total of 56 units: 2 a day; a spread series has no swings, so σ = √2 (Poisson), not 0.
    rows = _products([("2026-02-01", "a", 56, 560.0)])
    rows["date_end"] = pd.Timestamp("2026-02-28")
    result = alerts(_stock(a={}), rows, AS_OF)
    a = _row(result, "a")
    assert a["avg_daily_demand"] == pytest.approx(2.0)
    assert a["std_daily_demand"] == pytest.approx(math.sqrt(2.0))
    assert a["demand_estimated"]
    assert _finding(result, "period_rows").skus == ("a",)


def test_stock_outbound_columns_when_there_is_no_sales_file():
    stock = _stock(a={"on_hand": 30, "sales_7d": 14, "sales_28d": 84, "sales_30d": 90, "price": 5.0})
    stock["date"] = AS_OF
    result = alerts(stock, None)
    assert result.as_of == AS_OF and result.as_of_from == "stock"
    a = _row(result, "a")
    assert a["avg_daily_demand"] == 3.0 and a["std_daily_demand"] == pytest.approx(math.sqrt(3.0))
    assert _finding(result, "stock_sales_columns").detail == {"days": 28, "column": "sales_28d"}
    assert result.abc_basis == "revenue"


def test_no_sales_at_all_is_an_error():
    with pytest.raises(SchemaError, match="no sales data"):
        alerts(_stock(a={}), None, AS_OF)
    with pytest.raises(SchemaError, match="sales data must be"):
        alerts(_stock(a={}), pd.DataFrame({"x": [1]}), AS_OF)


def test_as_of_defaults_to_the_day_after_the_last_sale():
    result = alerts(_stock(a={}), _orders([("a", "2026-02-27", 1)]))
    assert result.as_of == pd.Timestamp("2026-02-28") and result.as_of_from == "sales"
    with pytest.raises(SchemaError, match="pass as_of YYYY-MM-DD") as error:  # the library names its argument
        alerts(_stock(a={"sales_7d": 1}), None)
    assert error.value.render(lambda name: "--as-of").endswith("pass --as-of YYYY-MM-DD")


# --- stock sheet ----------------------------------------------------------------------------------------


def test_warehouse_rows_are_summed_and_the_latest_snapshot_used():
    stock = pd.DataFrame(
        {
            "sku": ["a", "a", "a", "b"],
            "on_hand": [10.0, 5.0, 99.0, 1.0],
            "available": [9.0, 5.0, 99.0, 1.0],
            "lead_time_days": [10.0, 15.0, 10.0, np.nan],
            "date": pd.to_datetime(["2026-03-01", "2026-03-01", "2026-02-20", "2026-03-01"]),
        }
    )
    result = alerts(stock, _orders([("a", "2026-02-10", 1)]), AS_OF, lead_time_days=7)
    a = _row(result, "a")
    assert (a["on_hand"], a["available"], a["lead_time_days"]) == (15, 14, 15)  # slowest warehouse's lead time
    assert _row(result, "b")["lead_time_days"] == 7  # no lead time in the sheet: the default
    assert _finding(result, "duplicate_stock_rows").skus == ("a",)
    assert _finding(result, "stale_stock_rows").count == 1


def test_per_sku_service_levels_win_and_bad_ones_fall_back():
    lines = [(sku, AS_OF - pd.Timedelta(days=k), 4 if k % 2 else 0) for sku in ("a", "b", "c") for k in range(1, 29)]
    stock = _stock(a={"service_level": 0.99}, b={}, c={"service_level": 95.0})
    result = alerts(stock, _orders(lines), AS_OF, service_level=0.9)
    assert _row(result, "a")["z"] == pytest.approx(2.326347874)
    assert _row(result, "b")["z"] == pytest.approx(1.281551566)
    assert _row(result, "c")["service_level"] == 0.9
    assert _finding(result, "invalid_service_level").skus == ("c",)
    ratio = _row(result, "a")["safety_stock"] / _row(result, "b")["safety_stock"]
    assert ratio == pytest.approx(2.326347874 / 1.281551566)


def test_missing_stock_quantities_are_reported():
    stock = pd.DataFrame({"sku": ["a", "b"], "on_hand": [5.0, np.nan], "available": [np.nan, np.nan]})
    result = alerts(stock, _orders([("a", "2026-02-10", 1)]), AS_OF)
    assert list(result.items["sku"]) == ["a"]
    assert _row(result, "a")["available"] == 5
    assert _finding(result, "stock_without_quantity").skus == ("b",)


# --- revenue, ABC/XYZ, pricing ------------------------------------------------------------------------


def test_order_totals_on_the_first_line_are_split_by_price():
    # JD/Shopify style: the order's 300 sits on the first line; prices 100 and 50 split it 200 / 100.
    lines = _orders(
        [
            ("x", "2026-02-10", 2, "completed", 300.0, "O1"),
            ("y", "2026-02-10", 2, "completed", 0.0, "O1"),
            ("x", "2026-02-11", 1, "completed", 100.0, "O2"),
        ]
    )
    stock = _stock(x={"price": 100.0}, y={"price": 50.0})
    result = alerts(stock, lines, AS_OF)
    assert _row(result, "x")["abc_value"] == pytest.approx(300.0)
    assert _row(result, "y")["abc_value"] == pytest.approx(100.0)


def test_abc_and_xyz_on_alerts():
    lines = [("steady", AS_OF - pd.Timedelta(days=k), 10) for k in range(1, 92)]
    lines += [("lumpy", AS_OF - pd.Timedelta(days=k), 30) for k in range(1, 92, 14)]
    lines += [("rare", AS_OF - pd.Timedelta(days=50), 1)]
    result = alerts(_stock(steady={}, lumpy={}, rare={}), _orders(lines), AS_OF)
    assert _row(result, "steady")[["abc", "xyz"]].tolist() == ["A", "X"]
    assert _row(result, "steady")["weekly_cv"] == pytest.approx(0.0)
    # 30 units every other week over 13 weeks: 7 weeks of 30, 6 of 0.
    lumpy = np.array([30.0] * 7 + [0.0] * 6)
    assert _row(result, "lumpy")["weekly_cv"] == pytest.approx(lumpy.std(ddof=1) / lumpy.mean())
    assert _row(result, "lumpy")["xyz"] == "Y"  # CV 0.96
    assert _row(result, "rare")["xyz"] == "Z"


def test_markdowns_and_campaign_promotion_stops():
    lines = [("fast", AS_OF - pd.Timedelta(days=k), 5) for k in range(1, 200)]
    lines += [("slow", AS_OF - pd.Timedelta(days=k), 1) for k in range(1, 200, 10)]
    lines += [("small", AS_OF - pd.Timedelta(days=k), 1) for k in range(1, 200, 3)]
    stock = _stock(fast={"on_hand": 20}, slow={"on_hand": 500}, small={"on_hand": 12})
    campaign = Campaign("38节", pd.Timestamp("2026-02-25").date(), pd.Timestamp("2026-03-08").date())
    settings = InventoryPolicy(campaigns=(campaign,), pricing=PricingRules({"slow_moving": 0.3}, 60.0, True))
    result = alerts(stock, _orders(lines), AS_OF, settings=settings)
    assert result.campaign == campaign
    assert _row(result, "fast")["stop_promotion"]  # 4 days of cover < 10-day lead time during 38节
    assert _row(result, "slow")["markdown_pct"] == pytest.approx(0.3)
    small = _row(result, "small")
    assert small["status"] == "slow_moving" and pd.isna(small["markdown_pct"])  # 36 days of cover: no markdown
    records = {r["sku"]: r for r in to_json(result, "en")["items"]}
    assert "38节" in records["fast"]["suggestion"]
    assert records["small"]["suggestion"] == "Do not reorder"
    quiet = alerts(stock, _orders(lines), "2026-03-10", settings=settings)
    assert quiet.campaign is None and not quiet.items["stop_promotion"].any()


# --- JSON, weekly section, settings --------------------------------------------------------------------


def test_json_document_shape(fixture_result):
    doc = to_json(fixture_result, "zh")
    assert {"as_of", "parameters", "summary", "sources", "items", "findings"} <= set(doc)
    required = {
        "sku",
        "on_hand",
        "avg_daily_demand",
        "safety_stock",
        "reorder_point",
        "days_of_cover",
        "suggested_order_qty",
        "status",
    }
    assert all(required <= set(item) for item in doc["items"])
    assert doc["summary"]["by_status"]["dead"] == 2 and doc["summary"]["alerts"] == 3
    assert doc["summary"]["value_tied_up"]["total"] == 13_200.0
    first = doc["items"][0]
    assert first["sku"] == "D400" and first["reason"].startswith("已断货")
    assert first["projected_stockout_date"] == "2026-03-01"


def test_weekly_section(fixture_result):
    section = weekly_section(fixture_result, "en", limit=2)
    assert section.title == "Inventory"
    counts, urgent = section.tables
    assert dict(zip(counts.frame["status_label"], counts.frame["count"], strict=False))["stockout"] == 2
    assert list(urgent.frame["sku"]) == ["D400", "I900"] and urgent.note == "2 more in the full report"
    assert any("¥13,200" in bullet for bullet in section.bullets)


def test_settings_from_the_example_config(examples):
    config = from_settings(load_settings(examples / "ecomplan.toml"))
    assert config.settings.lead_time_days == 10 and config.settings.window_days == 28
    assert config.stock == examples / "inventory" / "库存快照_2026-11-23.xlsx"
    assert [p.name for p in config.sales] == [
        "淘宝订单导出_2025-10-01_2026-11-22.csv",
        "京东商智_商品明细_2026-09-21_2026-11-22.xlsx",
    ]
    assert [c.name for c in config.settings.campaigns][:2] == ["双11", "双12"]


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"inventory": {"servce_level": 0.9}}, r"shop\.toml: inventory\.servce_level: Extra inputs"),
        ({"inventory": {"service_level": 95}}, "service_level must be"),
        ({"inventory": {"window_days": "28d"}}, r"inventory\.window_days: Input should be a valid integer"),
        ({"inventory": {"lead_time_days": True}}, r"inventory\.lead_time_days"),
        ({"inventory": {"abc_cutoffs": [0.95, 0.8]}}, "abc_cutoffs"),
        ({"inventory": {"pricing": {"markdown_pct": {"ok": 0.2}}}}, "markdown_pct"),
        ({"inventory": {"pricing": {"markdown_pct": 20}}}, "markdown_pct"),
        ({"inventory": {"sales": ["nothing/*.csv"]}}, "matches no file"),
        ({"campaigns": [{"name": "618", "start": "2026-06-18", "end": "2026-05-20"}]}, "before start"),
        ({"campaigns": [{"name": "618"}]}, r"campaigns\.0\.start: Field required"),
        ({"campaigns": [{"name": "618", "start": "2026-06-01", "end": "2026-06-18", "owner": "x"}]}, "campaigns"),
    ],
)
def test_config_errors_name_the_key(table, message, tmp_path):
    with pytest.raises(ConfigError, match=message):
        from_settings(parse_settings(table, tmp_path, "shop.toml"))


def test_alerts_from_config_for_the_weekly_report(fixtures):
    from ecomplan.inventory import alerts_from_config

    config = from_settings(load_settings(fixtures / "inventory" / "config.toml"))
    result, issues = alerts_from_config(config, "2026-03-01")
    assert result.settings.overstock_days == 120 and result.campaign.name == "38节"
    assert result.counts()["urgent"] == 1 and issues == []


def test_a_snapshot_dated_after_as_of_is_an_error():
    stock = _stock(a={})
    stock["date"] = pd.Timestamp("2026-03-05")
    with pytest.raises(SchemaError, match="after the as-of date 2026-03-01"):
        alerts(stock, _orders([("a", "2026-02-10", 1)]), AS_OF)
