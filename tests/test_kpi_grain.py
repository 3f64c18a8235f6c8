"""Issue #12: periods from rows of any grain (days, GA4 `Nth week`, months, one row per range),
channel-only tables, orders-only KPI reports, and placeholder buyer IDs."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from ecomplan.cli.app import app
from ecomplan.config import Settings
from ecomplan.core.periods import Period, parse_period
from ecomplan.ingest.load import load
from ecomplan.ingest.sources.shopify import placeholder_ids
from ecomplan.kpi import compute as kpi
from ecomplan.kpi.report import analyse, to_json

D = dt.date
runner = CliRunner()


def traffic(rows, platform="ga4", report="daily"):
    frame = pd.DataFrame(rows)
    frame["date"] = pd.to_datetime(frame["date"])
    frame["date_end"] = pd.to_datetime(frame["date_end"]) if "date_end" in frame else pd.NaT
    frame["platform"], frame["report"], frame["source_file"] = platform, report, "test.csv"
    return frame


def weeks(start="2025-11-26", count=6, users=(10, 20, 30, 40, 50, 60)):
    first = pd.Timestamp(start)
    return traffic(
        [
            {
                "date": first + pd.Timedelta(days=7 * n),
                "date_end": first + pd.Timedelta(days=7 * n + 6),
                "users": users[n],
                "sessions": users[n] * 2,
            }
            for n in range(count)
        ]
    )


def totals(frame, label, use_period_export=False):
    daily, period_rows, _ = kpi.shop_level(frame)
    return kpi.platform_totals(daily, period_rows, "ga4", parse_period(label, D(2030, 1, 1)), use_period_export)


# ------------------------------------------------------------------------------------------------
# Grain-aware periods (pure functions)
# ------------------------------------------------------------------------------------------------


def test_weeks_inside_the_month_count_whole_and_a_week_that_straddles_it_is_left_out_and_named():
    # 11-26..12-02 straddles; 12-03..12-09, 12-10..12-16, 12-17..12-23, 12-24..12-30 inside; 12-31..01-06 straddles
    result = totals(weeks(), "2025-12")
    assert result.get("visitors") == 20 + 30 + 40 + 50
    assert result.get("sessions") == 2 * (20 + 30 + 40 + 50)
    assert result.visitors_basis == "sum_of_ranges"
    assert result.days_covered == 28 and result.covered == (D(2025, 12, 3), D(2025, 12, 30))
    assert result.grain == "week"
    assert result.partial == [(D(2025, 11, 26), D(2025, 12, 2)), (D(2025, 12, 31), D(2026, 1, 6))]


def test_daily_rows_come_first_and_weeks_fill_only_days_they_do_not_cover():
    frame = pd.concat(
        [
            weeks(),
            traffic([{"date": f"2025-12-{d:02d}", "users": 1, "sessions": 1} for d in range(3, 10)]),
        ],
        ignore_index=True,
    )
    result = totals(frame, "2025-12")
    # days 12-03..12-09 from the daily rows (7 x 1); the week 12-03..12-09 is not counted twice
    assert result.get("visitors") == 7 + 30 + 40 + 50
    assert result.grain == "day+week" and result.days_covered == 28


def test_a_week_that_only_partly_overlaps_is_never_passed_off_as_the_period():
    result = totals(weeks(), "2025-W49")  # 12-01..12-07: only straddling weeks
    assert result.get("visitors") is None and result.days_covered == 0
    assert result.partial == [(D(2025, 11, 26), D(2025, 12, 2)), (D(2025, 12, 3), D(2025, 12, 9))]


def test_the_export_for_exactly_the_period_still_wins_for_distinct_counts():
    frame = pd.concat(
        [weeks(), traffic([{"date": "2025-12-01", "date_end": "2025-12-31", "users": 111, "sessions": 999}])],
        ignore_index=True,
    )
    result = totals(frame, "2025-12", use_period_export=True)
    assert result.get("visitors") == 111 and result.visitors_basis == "period_export"
    assert result.get("sessions") == 999  # the weeks cover 28 of 31 days: the sums come from the export too


def test_iso_week_exports_add_up_into_a_month_and_the_straddling_weeks_are_named():
    frame = traffic(
        [
            {"date": f"{a}", "date_end": f"{b}", "visitors": v, "pay_amount": 10.0 * v}
            for a, b, v in [
                ("2026-10-26", "2026-11-01", 1),  # W44: Oct 26 - Nov 1
                ("2026-11-02", "2026-11-08", 2),
                ("2026-11-09", "2026-11-15", 3),
                ("2026-11-16", "2026-11-22", 4),
                ("2026-11-23", "2026-11-29", 5),
                ("2026-11-30", "2026-12-06", 6),  # W49: Nov 30 - Dec 6
            ]
        ],
        platform="sycm",
        report="shop_overview",
    )
    daily, period_rows, _ = kpi.shop_level(frame)
    month = parse_period("2026-11", D(2030, 1, 1))
    result = kpi.platform_totals(daily, period_rows, "sycm", month, False)
    assert result.get("visitors") == 14 and result.get("gmv") == 140.0 and result.days_covered == 28
    assert result.partial == [(D(2026, 10, 26), D(2026, 11, 1)), (D(2026, 11, 30), D(2026, 12, 6))]
    week = kpi.platform_totals(daily, period_rows, "sycm", parse_period("2026-W47", D(2030, 1, 1)), True)
    assert week.get("visitors") == 4 and week.visitors_basis == "period_export"  # the export of exactly that week


def test_month_rows_aggregate_into_a_quarter_and_grain_says_month():
    frame = traffic(
        [
            {"date": "2026-01-01", "date_end": "2026-01-31", "users": 100},
            {"date": "2026-02-01", "date_end": "2026-02-28", "users": 200},
            {"date": "2026-03-01", "date_end": "2026-03-31", "users": 300},
        ]
    )
    result = totals(frame, "2026-01-01..2026-03-31")
    assert result.get("visitors") == 600 and result.days_covered == 90 and result.grain == "month"
    assert kpi.grain_of(frame.iloc[:1]) == "month"


def test_tiles_prefer_the_longest_row_and_never_count_a_day_twice():
    frame = traffic(
        [
            {"date": "2026-01-05", "date_end": "2026-01-11", "users": 7},
            {"date": "2026-01-01", "date_end": "2026-01-31", "users": 31},
        ]
    )
    taken: set[pd.Timestamp] = set()
    chosen, partial = kpi.tiles(frame, Period(D(2025, 12, 1), D(2026, 2, 28), "q"), taken)
    assert list(chosen["users"]) == [31] and partial == [] and len(taken) == 31


def test_report_coverage_and_findings_speak_of_partial_weeks_not_missing_days():
    result = analyse(weeks(), parse_period("2025-12", D(2026, 1, 15)), D(2026, 1, 15), Settings())
    info = result.coverage["ga4"]
    assert info["days_covered"] == 28 and info["grain"] == "week"
    assert info["covered_start"] == "2025-12-03" and info["covered_end"] == "2025-12-30"
    assert [row["days_in_period"] for row in info["partial"]] == [2, 1]
    kinds = [f["kind"] for f in result.findings]
    assert "partial" in kinds and "stale" not in kinds
    doc = to_json(result)
    assert doc["coverage"]["ga4"]["partial"][0] == {"start": "2025-11-26", "end": "2025-12-02", "days_in_period": 2}
    assert doc["kpis"]["visitors"] == 140


def test_channel_rows_without_a_shop_total_are_summed_for_their_range_and_noted():
    frame = traffic(
        [
            {"date": "2023-06-25", "date_end": "2023-07-02", "channel": "Direct", "users": 10, "sessions": 15},
            {"date": "2023-06-25", "date_end": "2023-07-02", "channel": "Email", "users": 2, "sessions": 3},
        ],
        report="channels",
    )
    daily, period_rows, notes = kpi.shop_level(frame)
    assert daily.empty and len(period_rows) == 1
    assert period_rows.iloc[0]["users"] == 12 and period_rows.iloc[0]["sessions"] == 18
    assert "sum over its 2 channels" in notes[0]
    result = kpi.platform_totals(daily, period_rows, "ga4", Period(D(2023, 6, 25), D(2023, 7, 2), "r"), False)
    assert result.get("visitors") == 12 and result.visitors_basis == "sum_of_channels"


def test_channel_rows_are_not_summed_when_the_platform_has_its_own_shop_rows_on_those_days():
    frame = pd.concat(
        [
            traffic([{"date": "2023-06-25", "users": 5}]),
            traffic(
                [{"date": "2023-06-25", "date_end": "2023-07-02", "channel": "Direct", "users": 10}], report="channels"
            ),
        ],
        ignore_index=True,
    )
    _, period_rows, notes = kpi.shop_level(frame)
    assert period_rows.empty and notes == []


# ------------------------------------------------------------------------------------------------
# Orders only
# ------------------------------------------------------------------------------------------------


def order_lines(rows):
    frame = pd.DataFrame(rows, columns=["order_id", "customer_id", "paid_at", "amount", "status", "quantity"])
    frame["paid_at"] = pd.to_datetime(frame["paid_at"])
    frame["refund"] = 0.0
    frame["platform"], frame["report"], frame["source_file"] = "shopify", "orders", "o.csv"
    return frame


ORDERS = [
    ("#1", "a", "2026-11-10 10:00", 100.0, "paid", 1),  # a's first purchase, the week before
    ("#2", "a", "2026-11-16 10:00", 200.0, "paid", 2),  # a returns in W47
    ("#3", "b", "2026-11-17 11:00", 50.0, "completed", 1),  # b new in W47
    ("#4", "b", "2026-11-18 12:00", 70.0, "paid", 1),  # b again: one buyer, two orders
    ("#5", "c", "2026-11-19 12:00", 999.0, "pending", 1),  # not sold
    ("#6", None, "2026-11-22 09:00", 30.0, "paid", 1),  # no customer ID: counts as its own buyer
]


def test_orders_traffic_has_daily_sales_and_period_buyers_and_no_visitors():
    period = parse_period("2026-W47", D(2030, 1, 1))
    frame = kpi.orders_traffic(order_lines(ORDERS), [period])
    daily = frame[frame["date_end"].isna()]
    assert daily["date"].min() == pd.Timestamp("2026-11-10") and daily["date"].max() == pd.Timestamp("2026-11-22")
    assert len(daily) == 13  # every day from the first to the last sale; days without sales are 0, not missing
    assert daily.set_index("date").loc["2026-11-19", "pay_amount"] == 0.0
    whole = frame[frame["date_end"].notna()].iloc[0]
    assert whole["pay_amount"] == 350.0 and whole["orders"] == 4
    assert whole["paying_buyers"] == 3 and whole["new_buyers"] == 2 and whole["returning_buyers"] == 1
    assert "visitors" not in frame


def test_orders_only_analysis_recomputes_aov_from_parts_and_never_reports_a_conversion_rate():
    period = parse_period("2026-W47", D(2030, 1, 1))
    result = analyse(pd.DataFrame(), period, D(2026, 11, 23), Settings(), orders=order_lines(ORDERS))
    total = result.total
    assert total.get("gmv") == 350.0 and total.get("orders") == 4 and total.get("paying_buyers") == 3
    assert total.get("aov") == pytest.approx(350.0 / 3)
    assert total.get("visitors") is None and total.get("conversion_rate") is None and total.get("uv_value") is None
    assert total.get("returning_share") == pytest.approx(1 / 3)
    assert result.basis == {"shopify": "orders"}
    before = result.comparisons["previous_period"].total
    assert before.get("gmv") == 100.0 and before.get("paying_buyers") == 1  # W46: a's first order only
    assert result.daily["total"].loc["2026-11-16"] == 200.0


def test_orders_only_periods_outside_the_file_are_unknown_not_zero():
    period = parse_period("2025-W47", D(2030, 1, 1))
    frame = kpi.orders_traffic(order_lines(ORDERS), [period])
    row = frame[frame["date_end"].notna()].iloc[0]
    assert pd.isna(row.get("pay_amount")) and pd.isna(row.get("paying_buyers"))


def shopify_csv(path: Path, rows: list[tuple[str, str, str, str]]) -> Path:
    """Name, Email, Paid at, Total: one line per order, all paid."""
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Name", "Email", "Financial Status", "Paid at", "Currency", "Total", "Lineitem name"])
        for name, email, paid, total in rows:
            writer.writerow([name, email, "paid", paid, "USD", total, "Thing"])
    return path


def test_cli_orders_only_report_labels_its_basis_and_shows_no_visitors(tmp_path):
    path = shopify_csv(
        tmp_path / "orders_export.csv",
        [
            ("#1", "a@x.com", "2026-11-03 10:00:00 +0800", "100.00"),
            ("#2", "a@x.com", "2026-11-16 10:00:00 +0800", "200.00"),
            ("#3", "b@x.com", "2026-11-17 11:00:00 +0800", "50.00"),
        ],
    )
    args = ["kpi", "report", str(path), "--period", "2026-W47", "--as-of", "2026-11-23"]
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["kpis"]["gmv"] == 250.0 and doc["kpis"]["orders"] == 2 and doc["kpis"]["paying_buyers"] == 2
    assert doc["kpis"]["aov"] == 125.0 and doc["kpis"]["new_buyers"] == 1 and doc["kpis"]["returning_buyers"] == 1
    assert doc["kpis"]["visitors"] is None and doc["kpis"]["conversion_rate"] is None
    assert doc["kpis_by_platform"]["shopify"]["basis"] == "orders" and doc["visitors_basis"] == "orders"
    out = tmp_path / "kpi.md"
    assert runner.invoke(app, [*args, "-o", str(out), "--lang", "en"]).exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert "has no traffic data" in text and "visitors —" in text
    zh = tmp_path / "kpi.zh.md"
    assert runner.invoke(app, [*args, "-o", str(zh)]).exit_code == 0
    assert "没有流量数据" in zh.read_text(encoding="utf-8")


def test_cli_orders_only_for_the_qianniu_example(examples):
    (path,) = examples.glob("orders/*.csv")
    raw = pd.read_csv(path, dtype=str, encoding="gb18030")
    paid = pd.to_datetime(raw["订单付款时间"])
    sold = paid.notna() & (raw["订单状态"] != "交易关闭")  # closed before payment; refunds after payment are sales
    week = sold & (paid >= "2026-11-16") & (paid < "2026-11-23")
    first = paid[sold].groupby(raw.loc[sold, "买家会员名"]).min()
    buyers = raw.loc[week, "买家会员名"].unique()
    new = int((first[buyers] >= "2026-11-16").sum())
    doc = report_json([path], "2026-W47", as_of="2026-11-23")  # was "none of the files holds traffic/sales by day"
    kpis = doc["kpis"]
    assert kpis["gmv"] == pytest.approx(raw.loc[week, "买家实际支付金额"].astype(float).sum())  # 52,848.86
    assert kpis["orders"] == raw.loc[week, "订单编号"].nunique() == 276
    assert kpis["paying_buyers"] == len(buyers) == 207
    assert kpis["new_buyers"] == new and kpis["returning_buyers"] == len(buyers) - new
    assert kpis["aov"] == pytest.approx(kpis["gmv"] / len(buyers))
    assert kpis["visitors"] is None and kpis["conversion_rate"] is None
    assert all(p["basis"] == "orders" for p in doc["kpis_by_platform"].values())


def test_cli_orders_only_for_china_exports(fixtures):
    for path in (*fixtures.glob("douyin/*.csv"), *fixtures.glob("pdd/*.csv")):
        result = runner.invoke(
            app, ["kpi", "report", str(path), "--period", "2000-01-01..2030-12-31", "--as-of", "2031-01-01", "--json"]
        )
        assert result.exit_code == 0, result.output
        doc = json.loads(result.stdout)
        assert doc["kpis"]["gmv"] > 0 and doc["kpis"]["visitors"] is None


def test_a_file_without_traffic_or_orders_still_says_what_kpis_need(tmp_path):
    path = tmp_path / "stock.csv"
    path.write_text("sku,on_hand\nA,1\n", encoding="utf-8")
    result = runner.invoke(app, ["kpi", "report", str(path), "--period", "2026-W47"])
    assert result.exit_code != 0 and "traffic/sales by day" in result.output


# ------------------------------------------------------------------------------------------------
# Placeholder customer IDs
# ------------------------------------------------------------------------------------------------


def test_placeholder_ids_are_tokens_or_one_value_on_every_order():
    orders = pd.Series([f"#{n}" for n in range(12)])
    assert placeholder_ids(pd.Series(["REDACTED"] * 12), orders).all()
    assert (
        placeholder_ids(pd.Series(["匿名", "***", "a@x.com", ""] * 3), orders).tolist()
        == [True, True, False, False] * 3
    )
    assert placeholder_ids(pd.Series(["same@x.com"] * 12), orders).all()
    assert not placeholder_ids(pd.Series(["same@x.com"] * 3), orders[:3]).any()  # three orders: a real buyer
    assert not placeholder_ids(pd.Series(["a@x.com", "b@x.com"] * 6), orders).any()


def test_redacted_shopify_emails_become_no_customer_with_an_issue(tmp_path):
    path = shopify_csv(
        tmp_path / "orders_export.csv",
        [(f"#{n}", "REDACTED", f"2026-11-{n + 1:02d} 10:00:00 +0800", "10.00") for n in range(12)],
    )
    loaded = load([path], "orders")
    assert loaded.frame["customer_id"].isna().all()
    codes = [i.code for i in loaded.issues]
    assert "placeholder_customer_id" in codes
    issue = next(i for i in loaded.issues if i.code == "placeholder_customer_id")
    assert issue.count == 12 and issue.value == "REDACTED"


def test_real_buyers_are_kept(tmp_path):
    path = shopify_csv(
        tmp_path / "orders_export.csv",
        [(f"#{n}", f"b{n % 3}@x.com", f"2026-11-{n + 1:02d} 10:00:00 +0800", "10.00") for n in range(12)],
    )
    loaded = load([path], "orders")
    assert loaded.frame["customer_id"].nunique() == 3
    assert "placeholder_customer_id" not in [i.code for i in loaded.issues]


# ------------------------------------------------------------------------------------------------
# Real files (issue #12)
# ------------------------------------------------------------------------------------------------


def ga4_week_table(path: Path, metric: str) -> tuple[dt.date, dt.date, list[tuple[dt.date, dt.date, float]]]:
    """The `Nth week,<metric>` table of a GA4 snapshot, read with plain csv: rows as (first, last day, value)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = end = None
    rows: list[tuple[dt.date, dt.date, float]] = []
    inside = False
    for line in lines:
        if line.startswith("# Start date:"):
            start = dt.datetime.strptime(line.split(":")[1].strip(), "%Y%m%d").date()
        elif line.startswith("# End date:"):
            end = dt.datetime.strptime(line.split(":")[1].strip(), "%Y%m%d").date()
        elif line == f"Nth week,{metric}":
            inside = True
        elif inside and line[:1].isdigit():
            n, value = line.split(",")
            assert start is not None and end is not None
            first = start + dt.timedelta(days=7 * int(n))
            rows.append((first, min(first + dt.timedelta(days=6), end), float(value)))
        elif inside:
            break
    assert start is not None and end is not None
    return start, end, rows


def report_json(files, period, as_of="2026-01-15"):
    result = runner.invoke(app, ["kpi", "report", *map(str, files), "--period", period, "--as-of", as_of, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.realdata
def test_ga4_weekly_snapshot_gives_december_from_its_weeks(shared_data):
    path = shared_data / "ga4/Reports_snapshot__joel-hanson_2025.csv"
    _, _, rows = ga4_week_table(path, "Active users")
    december = [(a, b, v) for a, b, v in rows if a >= D(2025, 12, 1) and b <= D(2025, 12, 31)]
    straddling = [(a, b) for a, b, _ in rows if a < D(2025, 12, 1) <= b]
    expected = sum(v for *_, v in december)
    assert expected == 176 + 169 + 122 + 83 + 54  # the issue's December weeks
    doc = report_json([path], "2025-12")
    assert doc["kpis"]["visitors"] == expected  # was 54, the last week only
    info = doc["coverage"]["ga4"]
    covered = sum((b - a).days + 1 for a, b, _ in december)
    assert info["days_covered"] == covered == 29
    assert [(row["start"], row["end"]) for row in info["partial"]] == [
        (a.isoformat(), b.isoformat()) for a, b in straddling
    ]
    kinds = [f["kind"] for f in doc["findings"]]
    assert "stale" not in kinds and "partial" in kinds  # was "本期 31 天中缺 30 天"
    assert doc["kpis_by_platform"]["ga4"]["visitors_basis"] == "sum_of_ranges"


@pytest.mark.realdata
def test_ga4_weekly_snapshot_gives_the_year_without_missing_days(shared_data):
    path = shared_data / "ga4/Reports_snapshot__joel-hanson_2025.csv"
    start, end, rows = ga4_week_table(path, "Active users")
    doc = report_json([path], f"{start}..{end}")
    assert doc["kpis"]["visitors"] == sum(v for *_, v in rows)  # was 54
    assert doc["coverage"]["ga4"]["days_covered"] == (end - start).days + 1 == 365
    assert "stale" not in [f["kind"] for f in doc["findings"]]  # was "365 天中缺 364 天"


@pytest.mark.realdata
def test_ga4_weekly_snapshot_refuses_a_week_its_rows_straddle_and_says_why(shared_data):
    path = shared_data / "ga4/Reports_snapshot__joel-hanson_2025.csv"
    _, _, rows = ga4_week_table(path, "Active users")
    straddling = [(a, b) for a, b, _ in rows if a <= D(2025, 12, 7) and b >= D(2025, 12, 1)]
    result = runner.invoke(app, ["kpi", "report", str(path), "--period", "2025-W49", "--as-of", "2026-01-15"])
    assert result.exit_code == 1
    message = " ".join(result.output.split())
    for a, b in straddling:
        assert f"{a} – {b}" in message
    assert f"{straddling[0][0]}..{straddling[-1][1]}" in message and "the files cover" not in message


@pytest.mark.realdata
def test_ga4_traffic_acquisition_table_gives_its_range(shared_data):
    path = shared_data / "ga4/data-export__traffic_acq__riav13_2023__EXCEL_RESAVED.csv"
    with open(path, encoding="utf-8-sig", newline="") as handle:
        table = [row for row in csv.reader(handle) if row and not row[0].startswith("#") and any(row)]
    header = table[0]
    body = []
    for row in table[1:]:  # the channel rows, up to the user's notes below the table
        if not row[header.index("Users")]:
            break
        body.append(row)
    users = sum(float(row[header.index("Users")]) for row in body)
    sessions = sum(float(row[header.index("Sessions")]) for row in body)
    doc = report_json([path], "2023-06-25..2023-07-02", as_of="2023-07-10")  # was refused: "cover 06-25 – 06-25"
    assert doc["kpis"]["visitors"] == users == 596
    assert doc["kpis"]["sessions"] == sessions == 907
    assert doc["coverage"]["ga4"]["days_covered"] == 8 and doc["coverage"]["ga4"]["last_date"] == "2023-07-02"
    assert doc["kpis_by_platform"]["ga4"]["visitors_basis"] == "sum_of_channels"


@pytest.mark.realdata
def test_redacted_shopify_export_reports_orders_without_one_customer(shared_data):
    path = shared_data / "shopify/orders_export__kidsliving_2021__REDACTED.csv"
    raw = pd.read_csv(path, dtype=str)
    first = raw.groupby("Name", sort=False).first()  # order-level cells are on an order's first line
    status = first["Financial Status"].map({"paid": "paid", "partially_paid": "paid"}).fillna(first["Financial Status"])
    sold = (
        first["Paid at"].notna()
        & status.isin(["paid", "refunded", "partially_refunded"])
        & first["Cancelled at"].isna()
    )
    gmv = first.loc[sold, "Total"].astype(float).sum()
    doc = report_json([path], "2021-05", as_of="2021-06-01")  # was "none of the files holds traffic/sales by day"
    assert doc["kpis"]["gmv"] == pytest.approx(gmv) and doc["kpis"]["orders"] == int(sold.sum()) == 35
    assert doc["kpis"]["paying_buyers"] is None  # every e-mail is REDACTED: buyers are unknown, not 1
    assert doc["kpis"]["visitors"] is None and doc["kpis"]["conversion_rate"] is None
    assert doc["kpis_by_platform"]["shopify"]["basis"] == "orders"
    loaded = load([path], "orders")
    assert loaded.frame["customer_id"].isna().all()
    assert "placeholder_customer_id" in [i.code for i in loaded.issues]
