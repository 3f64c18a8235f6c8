"""UCI Online Retail (541,909 invoice lines): docs/rfm.md §6 reproduced through `ecomplan.ingest.load`.

The loader maps InvoiceNo -> order_id, `C` invoices -> cancelled, Quantity ×
UnitPrice -> amount and an empty CustomerID -> no customer; the RFM rules then
amount to the documented standard cleaning (CustomerID present, no `C`
invoice, Quantity > 0, UnitPrice > 0). Independent references are computed
here with plain pandas from the raw CSV.
"""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

from conftest import SHARED, check_golden
from ecomplan.ingest.load import load
from ecomplan.rfm import repurchase_report, rfm11_codes, segment
from ecomplan.rfm.scoring import rfm11_scores, rfm11_thresholds

pytestmark = pytest.mark.realdata
FILE = SHARED / "data" / "online_retail" / "online_retail.csv.gz"
AS_OF = dt.date(2011, 12, 10)  # the day after the last invoice


@pytest.fixture(scope="module")
def orders() -> pd.DataFrame:
    return load(FILE, "orders").frame


@pytest.fixture(scope="module")
def raw() -> pd.DataFrame:
    frame = pd.read_csv(
        FILE, dtype={"InvoiceNo": str, "CustomerID": str, "StockCode": str}, parse_dates=["InvoiceDate"]
    )
    frame["amount"] = frame["Quantity"] * frame["UnitPrice"]
    return frame[frame["CustomerID"].notna()]


def test_loader_reads_the_whole_file(orders):
    assert len(orders) == 541_909
    assert int(orders["customer_id"].isna().sum()) == 135_080
    assert int((orders["status"] == "cancelled").sum()) == 9_288
    assert orders["amount"].sum() == pytest.approx(9_747_747.93, abs=0.01)


def test_rfm_per_customer_equals_the_standard_cleaning(orders, raw):
    result = segment(orders, window_days=None)
    assert result.as_of == AS_OF
    clean = raw[~raw["InvoiceNo"].str.startswith("C") & (raw["Quantity"] > 0) & (raw["UnitPrice"] > 0)]
    assert (len(clean), clean["CustomerID"].nunique(), clean["InvoiceNo"].nunique()) == (397_884, 4_338, 18_532)
    per_customer = clean.groupby("CustomerID").agg(
        last=("InvoiceDate", "max"), frequency=("InvoiceNo", "nunique"), monetary=("amount", "sum")
    )
    per_customer["recency"] = (pd.Timestamp(AS_OF) - per_customer["last"].dt.normalize()).dt.days
    got = result.customers.set_index("customer_id").sort_index()
    expected = per_customer.sort_index()
    assert list(got.index) == list(expected.index)
    assert (got["recency"] == expected["recency"]).all()
    assert (got["frequency"] == expected["frequency"]).all()
    assert got["monetary"].to_numpy() == pytest.approx(expected["monetary"].to_numpy(), abs=1e-6)
    assert result.revenue == pytest.approx(8_911_407.90, abs=0.01)
    assert len(result.customers) == 4_338 and int(result.customers["frequency"].sum()) == 18_532


def test_guillaume_martin_customers_in_a_365_day_window(orders):
    """F and M of the published head rows (F, M over the last 365 days) are reproduced exactly; his R is a
    timestamp difference to 2011-12-10 12:50, ours a date difference, so ours is one more day exactly when
    the last purchase was later in the day than 12:50."""
    got = segment(orders).customers.set_index("customer_id")
    published = {
        "12347": (2, 6, 3598.21),
        "12348": (75, 4, 1797.24),
        "12349": (19, 1, 1757.55),
        "12350": (310, 1, 334.40),
    }
    for customer, (recency, frequency, monetary) in published.items():
        row = got.loc[customer]
        assert (row["frequency"], row["monetary"]) == (frequency, pytest.approx(monetary))
        later_in_the_day = (
            row["last_purchase"] + pd.Timedelta(hours=12, minutes=50)
            < orders.loc[orders["customer_id"] == customer, "paid_at"].max()
        )
        assert row["recency"] == recency + (1 if later_in_the_day else 0)


def test_guillaume_martin_published_quintiles_and_scores(raw):
    """His method (cancellations kept, NOW = last invoice + 1 day, R over all history, F and M over the last
    365 days) fed to our scoring gives his published cut points and scores."""
    now = raw["InvoiceDate"].max() + pd.Timedelta(days=1)
    recent = raw[raw["InvoiceDate"] >= now - pd.Timedelta(days=365)]
    recency = (now - raw.groupby("CustomerID")["InvoiceDate"].max()).dt.days
    frame = pd.DataFrame(
        {
            "recency": recency,
            "frequency": recent.groupby("CustomerID")["InvoiceNo"].nunique().reindex(recency.index, fill_value=0),
            "monetary": recent.groupby("CustomerID")["amount"].sum().reindex(recency.index, fill_value=0.0),
        }
    )
    assert len(frame) == 4_372
    thresholds = rfm11_thresholds(frame)
    assert thresholds.recency == pytest.approx([11, 32, 71, 178.8])
    assert thresholds.frequency == pytest.approx([1, 2, 3, 6])
    assert thresholds.monetary == pytest.approx([215.898, 440.432, 876.368, 1909.658])
    codes = rfm11_scores(frame, thresholds)["code"]
    assert codes.loc[["12346", "12347", "12348", "12349", "12350"]].tolist() == ["121", "545", "244", "414", "112"]
    assert rfm11_codes()["545"] == "Champions"


def test_repurchase_rates_and_2010_12_cohort(orders):
    result, _ = repurchase_report(orders, window_days=None)
    assert (result.repeat_buyers, result.buyers) == (2_845, 4_338)
    assert round(result.repurchase_rate * 100, 2) == 65.58
    by_days, _ = repurchase_report(orders, window_days=None, frequency="days")
    assert round(by_days.repurchase_rate * 100, 2) == 64.32
    cohorts = result.cohorts.set_index("cohort")
    assert cohorts["size"].tolist() == [885, 417, 380, 452, 300, 284, 242, 188, 169, 299, 358, 323, 41]
    retention = result.retention().set_index("cohort")
    row = [round(float(retention.loc["2010-12", k]) * 100, 2) for k in range(13)]
    assert row == [100, 36.61, 32.32, 38.42, 36.27, 39.77, 36.27, 34.92, 35.37, 39.55, 37.40, 50.28, 26.55]
    assert round(float(retention.loc["2011-01", 1]) * 100, 2) == 22.06
    assert round(float(retention.loc["2011-02", 1]) * 100, 2) == 18.68


def test_cn8_key_value_customers_mean_and_median(orders):
    """docs/rfm.md §1.2: 重要价值客户 689 customers with mean thresholds, 1,289 with median (whole period)."""
    counts = {}
    for threshold in ("mean", "median"):
        summary = segment(orders, "cn8", threshold, window_days=None).summary.set_index("segment")
        counts[threshold] = int(summary.loc["重要价值客户", "customers"])
    assert counts == {"mean": 689, "median": 1_289}


def test_segment_counts_golden(orders, update_golden):
    """Regression golden of every scheme's counts (docs/rfm.md §6.3 asks to pin them)."""
    out = {}
    for name, scheme, threshold, variant, window in [
        ("cn8_mean_365d", "cn8", "mean", "A", 365),
        ("cn8_median_365d", "cn8", "median", "A", 365),
        ("cn8_mean_all", "cn8", "mean", "A", None),
        ("cn8_median_all", "cn8", "median", "A", None),
        ("rfm11_A_365d", "rfm11", "mean", "A", 365),
        ("rfm11_B_365d", "rfm11", "mean", "B", 365),
        ("cn8_mean_365d_days", "cn8", "mean", "A", 365),
    ]:
        frequency = "days" if name.endswith("_days") else "orders"
        result = segment(orders, scheme, threshold, window_days=window, variant=variant, frequency=frequency)
        out[name] = {
            "thresholds": {
                k: (round(v, 6) if isinstance(v, float) else [round(x, 6) for x in v])
                for k, v in result.thresholds.to_dict().items()
            },
            "segments": {
                s: int(n) for s, n in zip(result.summary["segment"], result.summary["customers"], strict=False)
            },
        }
    check_golden("rfm_online_retail_segments.json", json.dumps(out, ensure_ascii=False, indent=2) + "\n", update_golden)


def test_migration_between_two_dates_adds_up(orders):
    result = segment(orders, "rfm11", compare_as_of="2011-09-01")
    grid = result.migration.matrix()
    changes = result.migration.changes()
    assert int(changes["after"].sum()) == len(result.customers)
    table = result.customer_table(mask=False)
    assert len(table) == int(grid.to_numpy().sum())
