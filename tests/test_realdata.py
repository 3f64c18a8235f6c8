"""Every real export in ../shared/data is read with the right platform and row count.

Row counts were taken independently of ecomplan (awk over the files: data
lines between a header and the next blank line, UA totals rows excluded).
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from ecomplan.cli.app import app

pytestmark = pytest.mark.realdata

EXPECTED = {
    "ga4/Reports_snapshot__joel-hanson_2025.csv": ("ga4", [53, 53, 53, 53, 5, 5, 103, 7, 365, 6, 137, 8, 0, 0, 0, 0]),
    "ga4/Reports_snapshot__ryanpate_2026.csv": ("ga4", [28, 28, 28, 28, 3, 3, 18, 7, 28, 6, 40, 7, 0, 0, 0, 0]),
    "ga4/data-export__city_multi_table__rustom_2021.csv": ("ga4", [104, 104, 105]),
    "ga4/data-export__date_dimension__marko7bub_2023-24.csv": ("ga4", [241]),
    "ga4/data-export__events__podmeister81_2023.csv": ("ga4", [39]),
    "ga4/data-export__snapshot__LilyHeAsamiko_2023.csv": ("ga4", [28, 28, 28, 0, 2, 3, 1, 1, 28, 6, 1, 5, 0, 0, 0]),
    "ga4/data-export__traffic_acq__riav13_2023__EXCEL_RESAVED.csv": ("ga4", [6, 7]),
    "ga_ua/Analytics All Web Site Data Browser & OS 20200601-20200814.csv": ("ga_ua", [309, 75]),
    "ga_ua/Analytics All Web Site Data Engagement 20200601-20200814.csv": ("ga_ua", [7]),
    "ga_ua/Analytics All Web Site Data Top Events 20200601-20200818.csv": ("ga_ua", [102, 79]),
    "shopify/orders_export__kidsliving_2021__REDACTED.csv": ("shopify", [101]),
    "shopify/orders_export__shopify_parsing_2026__REDACTED.csv": ("shopify", [6]),
    "online_retail/online_retail.csv.gz": ("online_retail", [541909]),
}


@pytest.mark.parametrize("relative", sorted(EXPECTED))
def test_inspect_real_export(shared_data, relative):
    platform, rows = EXPECTED[relative]
    result = CliRunner().invoke(app, ["inspect", str(shared_data / relative), "--json"])
    assert result.exit_code == 0, result.output
    tables = json.loads(result.stdout)
    assert [t["platform"] for t in tables] == [platform] * len(rows)
    assert [t["rows"] for t in tables] == rows


def test_ga4_daily_tables_resolve_nth_day_to_dates(shared_data):
    from ecomplan.ingest.load import load

    frame = load(shared_data / "ga4/Reports_snapshot__ryanpate_2026.csv", "traffic").frame
    daily = frame[frame["report"] == "daily"].sort_values("date")
    assert str(daily["date"].iloc[0].date()) == "2026-01-09" and str(daily["date"].iloc[-1].date()) == "2026-02-05"
    assert daily["users"].iloc[0] == 13 and daily["new_users"].iloc[0] == 12


def test_ga4_weekly_snapshot_rows_cover_seven_days(shared_data):
    from ecomplan.ingest.load import load

    frame = load(shared_data / "ga4/Reports_snapshot__joel-hanson_2025.csv", "traffic").frame
    weekly = frame[frame["report"] == "daily"].sort_values("date")
    assert len(weekly) == 53
    assert ((weekly["date_end"] - weekly["date"]).dt.days.iloc[:-1] == 6).all()
    assert str(weekly["date_end"].iloc[-1].date()) == "2025-12-31"  # clipped to the report's end date


def test_excel_resaved_ga4_file_loads_its_table_and_says_so(shared_data):
    from ecomplan.ingest.load import load

    loaded = load(shared_data / "ga4/data-export__traffic_acq__riav13_2023__EXCEL_RESAVED.csv", "traffic")
    frame = loaded.frame
    assert frame["channel"].tolist() == [
        "Organic Search",
        "Direct",
        "Referral",
        "Organic Social",
        "Unassigned",
        "Email",
    ]
    assert frame["sessions"].sum() == 907
    assert any("re-saved by Excel" in i.message for i in loaded.issues)


def test_online_retail_counts(shared_data):
    from ecomplan.ingest.load import load

    frame = load(shared_data / "online_retail/online_retail.csv.gz", "orders").frame
    assert len(frame) == 541909
    assert int(frame["customer_id"].isna().sum()) == 135080  # as the data set's documentation says
    assert int((frame["status"] == "cancelled").sum()) == int(frame["order_id"].str.startswith("C").sum())


def test_shopify_real_export_orders(shared_data):
    from ecomplan.ingest.load import load

    frame = load(shared_data / "shopify/orders_export__kidsliving_2021__REDACTED.csv", "orders").frame
    totals = frame.groupby("order_id")["amount"].sum()
    assert totals["#13519"] == 784.0
    assert frame["order_id"].nunique() == len(totals)
