"""KPI arithmetic: non-additive metrics, period exports, hierarchy, funnel, targets, anomalies, significance."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from ecomplan.config import Settings
from ecomplan.core.errors import ConfigError
from ecomplan.core.periods import Period, parse_period
from ecomplan.kpi import compute as kpi
from ecomplan.kpi.report import analyse, to_json
from ecomplan.kpi.targets import AmountTarget, daily_targets, load_targets, track_gmv

D = dt.date


def traffic(rows, platform="sycm", report="shop_overview"):
    frame = pd.DataFrame(rows)
    frame["date"] = pd.to_datetime(frame["date"])
    if "date_end" in frame:
        frame["date_end"] = pd.to_datetime(frame["date_end"])
    frame["platform"], frame["report"], frame["source_file"] = platform, report, "test.csv"
    return frame


def week(label="2026-W47"):
    return parse_period(label, D(2030, 1, 1))


def test_weekly_conversion_is_sum_of_buyers_over_sum_of_visitors_not_mean_of_daily_rates():
    frame = traffic(
        [
            {"date": "2026-11-16", "visitors": 100, "paying_buyers": 10, "pay_amount": 1000.0},
            {"date": "2026-11-17", "visitors": 900, "paying_buyers": 9, "pay_amount": 900.0},
        ]
    )
    daily, period_rows, _ = kpi.shop_level(frame)
    totals = kpi.platform_totals(daily, period_rows, "sycm", week(), use_period_export=True)
    assert totals.get("conversion_rate") == pytest.approx(19 / 1000)  # not (10% + 1%) / 2 = 5.5%
    assert totals.get("aov") == pytest.approx(1900 / 19)  # not the mean of daily AOVs (100)
    assert totals.get("uv_value") == pytest.approx(1.9)
    assert totals.visitors_basis == "sum_of_daily" and totals.days_covered == 2


def test_period_export_supplies_deduplicated_visitors_and_buyers():
    frame = traffic(
        [
            {"date": "2026-11-16", "visitors": 600, "paying_buyers": 12, "pay_amount": 1200.0},
            {"date": "2026-11-17", "visitors": 500, "paying_buyers": 10, "pay_amount": 1000.0},
            {
                "date": "2026-11-16",
                "date_end": "2026-11-22",
                "visitors": 900,
                "paying_buyers": 20,
                "pay_amount": 2200.0,
            },
        ]
    )
    daily, period_rows, _ = kpi.shop_level(frame)
    totals = kpi.platform_totals(daily, period_rows, "sycm", week(), use_period_export=True)
    assert totals.get("visitors") == 900 and totals.get("paying_buyers") == 20  # de-duplicated over the week
    assert totals.get("gmv") == 2200.0  # additive: daily rows (2 days) do not cover the week, the export does
    assert totals.get("conversion_rate") == pytest.approx(20 / 900)
    assert totals.visitors_basis == "period_export"


def test_period_export_only_used_when_both_compared_periods_have_one():
    frame = traffic(
        [
            *(
                {"date": f"2026-11-{d:02d}", "visitors": 100, "paying_buyers": 5, "pay_amount": 500.0}
                for d in range(9, 23)
            ),
            {
                "date": "2026-11-16",
                "date_end": "2026-11-22",
                "visitors": 500,
                "paying_buyers": 30,
                "pay_amount": 3500.0,
            },
        ]
    )
    daily, period_rows, _ = kpi.shop_level(frame)
    now, (then,) = kpi.totals_for(daily, period_rows, ["sycm"], week(), [week("2026-W46")])
    assert now["sycm"].visitors_basis == then["sycm"].visitors_basis == "sum_of_daily"
    assert now["sycm"].get("visitors") == 700 and then["sycm"].get("visitors") == 700
    alone, _ = kpi.totals_for(daily, period_rows, ["sycm"], week())
    assert alone["sycm"].get("visitors") == 500


def test_bounce_rate_follows_sycm_plain_daily_mean():
    frame = traffic(
        [
            {"date": "2026-11-16", "visitors": 100, "bounce_rate": 0.6},
            {"date": "2026-11-17", "visitors": 900, "bounce_rate": 0.8},
        ]
    )
    daily, period_rows, _ = kpi.shop_level(frame)
    assert kpi.platform_totals(daily, period_rows, "sycm", week(), True).get("bounce_rate") == pytest.approx(0.7)


def test_combined_ratios_use_only_platforms_with_both_parts():
    shop = kpi.Totals({"gmv": 1000.0, "visitors": 100.0, "paying_buyers": 10.0}, "sum_of_daily", 7, 7, ["sycm"])
    site = kpi.Totals({"gmv": 500.0, "visitors": 400.0, "paying_buyers": None}, "sum_of_daily", 7, 7, ["ga4"])
    for part in (shop, site):
        kpi.finish_ratios(part.values)
    total = kpi.combine([shop, site])
    assert total.get("gmv") == 1500 and total.get("visitors") == 500
    assert total.get("conversion_rate") == pytest.approx(0.1)  # GA4 has no paying buyers: left out of both sides
    assert total.get("uv_value") == pytest.approx(3.0)


def test_same_day_in_two_reports_counts_once_preferring_the_shop_overview():
    frame = pd.concat(
        [
            traffic([{"date": "2026-11-16", "visitors": 100, "pay_amount": 1000.0}], report="shop_overview"),
            traffic([{"date": "2026-11-16", "visitors": 80, "pay_amount": 990.0}], report="product_macro"),
        ],
        ignore_index=True,
    )
    daily, _, _ = kpi.shop_level(frame)
    assert daily["visitors"].tolist() == [100]


def test_sycm_source_hierarchy_is_not_double_counted(fixtures):
    from ecomplan.ingest.load import load

    frame = load(fixtures / "sycm/无线店铺流量来源-2026-11-16_2026-11-22.csv", "traffic").frame
    table = kpi.channels(frame, week(), week("2026-W46"))
    assert table["pay_amount"].sum() == 30000.0  # the leaves; all rows would give 72,000
    assert table["conversion_rate"].iloc[0] == pytest.approx(80 / 2500)
    assert set(table["basis"]) == {"period_export"}


def test_funnel_step_conversion_and_drop_off():
    totals = kpi.Totals(
        {"visitors": 1000.0, "add_to_cart_buyers": 100.0, "ordering_buyers": 40.0, "paying_buyers": 30.0},
        "sum_of_daily",
        7,
        7,
        ["sycm"],
    )
    table = kpi.funnel({"sycm": totals}, None).set_index("step")
    assert table.loc["add_to_cart_buyers", "step_conversion"] == pytest.approx(0.1)
    assert table.loc["paying_buyers", "step_conversion"] == pytest.approx(0.75)
    assert table.loc["paying_buyers", "drop_off"] == pytest.approx(0.25)
    assert table.loc["paying_buyers", "overall_conversion"] == pytest.approx(0.03)


def test_anomaly_found_and_steady_noise_left_alone():
    rng = np.random.default_rng(1)
    days = pd.date_range("2026-09-01", "2026-11-22")
    gmv = pd.Series(10000 * rng.lognormal(0, 0.05, len(days)), index=days)
    gmv[pd.Timestamp("2026-11-19")] = 4000
    series = pd.DataFrame({"sycm": gmv})
    found = kpi.gmv_anomalies(series, week(), weeks=6, threshold=3.0)
    assert [(a.platform, a.day) for a in found] == [("sycm", D(2026, 11, 19))]
    assert found[0].change_pct == pytest.approx(-0.6, abs=0.05)


def test_campaign_days_are_left_out_of_the_baseline():
    days = pd.date_range("2026-09-01", "2026-11-22")
    gmv = pd.Series(10000.0, index=days)
    campaign = {d.date() for d in pd.date_range("2026-10-15", "2026-11-11")}
    gmv[[d for d in days if d.date() in campaign]] = 50000.0
    series = pd.DataFrame({"sycm": gmv})
    assert kpi.gmv_anomalies(series, week(), exclude=campaign) == []
    assert kpi.gmv_anomalies(series, week(), exclude=set())  # with campaign days in the baseline, every day looks low


def test_conversion_significance_matches_statsmodels():
    from statsmodels.stats.proportion import proportions_ztest

    from ecomplan.abtest.stats import two_proportion_ztest

    mine = two_proportion_ztest(812, 22203, 214, 10194)
    _z, p = proportions_ztest([214, 812], [10194, 22203])
    assert mine.p_value == pytest.approx(p, rel=1e-9)


def test_daily_targets_even_and_pinned():
    target = AmountTarget(monthly={"2026-11": 1_350_000}, days={"2026-11-11": 0.14})
    plan = daily_targets(target, parse_period("2026-11", D(2030, 1, 1)))
    assert plan.sum() == pytest.approx(1_350_000)
    assert plan[pd.Timestamp("2026-11-11")] == pytest.approx(189_000)
    assert plan[pd.Timestamp("2026-11-12")] == pytest.approx(1_350_000 * 0.86 / 29)


def test_target_pacing_counts_complete_days_only():
    """The worked example of docs/kpi_inventory.md §2.1: 120,000 for a 30-day month,
    35,000 by the 11th. Eleven complete days, so 35,000 / 44,000 = 79.5% of pace."""
    target = AmountTarget(monthly={"2026-09": 120_000})
    actual = pd.Series(35_000 / 11, index=pd.date_range("2026-09-01", "2026-09-11"))
    period = Period(D(2026, 9, 1), D(2026, 9, 11), "mtd")
    tracked = track_gmv(target, actual, period, as_of=D(2026, 9, 12))
    assert tracked["complete_days"] == 11
    assert tracked["attainment"] == pytest.approx(35_000 / 120_000)
    assert tracked["time_progress"] == pytest.approx(11 / 30)
    assert tracked["attainment"] / tracked["plan_progress"] == pytest.approx(35_000 / 44_000)
    assert tracked["daily_needed"] == pytest.approx(85_000 / 19)
    assert tracked["projection"] == pytest.approx(35_000 / (11 / 30))


def test_target_pacing_mid_week_report_ignores_the_unfinished_as_of_day():
    target = AmountTarget(monthly={"2026-11": 300_000})
    actual = pd.Series(10_000.0, index=pd.date_range("2026-11-01", "2026-11-25"))
    tracked = track_gmv(target, actual, parse_period("this-week", D(2026, 11, 25)), as_of=D(2026, 11, 25))
    assert tracked["complete_days"] == 24 and tracked["actual"] == 240_000


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[gmv.monthly]\n"2026-13" = 1\n', "month keys"),
        ('[gmv.monthly]\n"2026-11" = -5\n', "must be positive"),
        ("[gmv]\nannul = 5\n", "Extra inputs"),
        ('[gmv.days]\n"2026-11-11" = 1.5\n', "between 0 and 1"),
    ],
)
def test_bad_targets_file(tmp_path, text, message):
    path = tmp_path / "targets.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_targets(path)


def test_analyse_json_contract_on_examples(examples):
    from ecomplan.config import load_settings
    from ecomplan.ingest.load import load_by_kind

    settings = load_settings(examples / "ecomplan.toml")
    files = [*examples.glob("sycm/*交易概况*.csv"), *examples.glob("jd/*经营概况*.xlsx")]
    loaded = load_by_kind(files)
    result = analyse(loaded["traffic"].frame, week(), D(2026, 11, 23), settings)
    doc = to_json(result)
    assert doc["period"] == {
        "start": "2026-11-16",
        "end": "2026-11-22",
        "label": "2026-W47",
        "days": 7,
        "complete_days": 7,
    }
    for key in ("gmv", "visitors", "paying_buyers", "conversion_rate", "aov"):
        assert key in doc["kpis"]
        for comparison in ("previous_period", "year_over_year_weekday"):
            assert set(doc["comparisons"][comparison][key]) == {"value", "previous", "change", "change_pct"}
    kpis = doc["kpis"]
    assert kpis["conversion_rate"] == pytest.approx(kpis["paying_buyers"] / kpis["visitors"])
    assert kpis["aov"] == pytest.approx(kpis["gmv"] / kpis["paying_buyers"])
    assert doc["kpis_by_platform"]["sycm"]["visitors_basis"] == "period_export"
    assert doc["kpis_by_platform"]["jd"]["visitors_basis"] == "sum_of_daily"


def test_settings_reject_unknown_keys(tmp_path):
    from ecomplan.config import load_settings

    path = tmp_path / "ecomplan.toml"
    path.write_text('shop = "x"\ntimezon = "Asia/Shanghai"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="timezon: Extra inputs are not permitted"):
        load_settings(path)
    path.write_text('timezone = "Mars/Olympus"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown time zone"):
        load_settings(path)
    assert Settings().timezone == "Asia/Shanghai"


def test_every_comparison_shares_the_current_periods_basis():
    """Exports for this week and last week but not for last year: all three use daily sums,
    so the year-over-year change is not a de-duplicated UV against person-days."""
    rows = [
        {"date": str(d.date()), "visitors": 100, "paying_buyers": 5, "pay_amount": 500.0}
        for d in pd.date_range("2025-11-10", "2026-11-22")
    ]
    rows += [
        {"date": "2026-11-16", "date_end": "2026-11-22", "visitors": 500, "paying_buyers": 30, "pay_amount": 3500},
        {"date": "2026-11-09", "date_end": "2026-11-15", "visitors": 520, "paying_buyers": 31, "pay_amount": 3500},
    ]
    daily, period_rows, _ = kpi.shop_level(traffic(rows))
    now, (last_week, last_year) = kpi.totals_for(
        daily, period_rows, ["sycm"], week(), [week("2026-W46"), week("2025-W47")]
    )
    assert {now["sycm"].visitors_basis, last_week["sycm"].visitors_basis, last_year["sycm"].visitors_basis} == {
        "sum_of_daily"
    }
    assert now["sycm"].get("visitors") == last_year["sycm"].get("visitors") == 700
    both, (only_last_week,) = kpi.totals_for(daily, period_rows, ["sycm"], week(), [week("2026-W46")])
    assert both["sycm"].get("visitors") == 500 and only_last_week["sycm"].get("visitors") == 520


def test_a_period_export_alone_is_used_not_dropped():
    frame = traffic(
        [{"date": "2026-11-16", "date_end": "2026-11-22", "visitors": 700, "paying_buyers": 14, "pay_amount": 350.0}]
    )
    daily, period_rows, _ = kpi.shop_level(frame)
    now, (then,) = kpi.totals_for(daily, period_rows, ["sycm"], week(), [week("2026-W46")])
    assert now["sycm"].get("gmv") == 350 and now["sycm"].get("visitors") == 700
    assert then["sycm"].get("gmv") is None


def test_overlapping_downloads_are_counted_once_from_the_newest_file():
    first = traffic([{"date": "2026-11-16", "visitors": 100, "pay_amount": 1000.0}])
    second = traffic(
        [
            {"date": "2026-11-16", "visitors": 100, "pay_amount": 980.0},  # refunds settled since
            {"date": "2026-11-17", "visitors": 90, "pay_amount": 900.0},
        ]
    )
    second["source_file"] = "newer.csv"
    week_export = traffic([{"date": "2026-11-16", "date_end": "2026-11-22", "visitors": 600, "paying_buyers": 9}])
    copy = week_export.assign(source_file="week (1).csv")
    daily, period_rows, notes = kpi.shop_level(pd.concat([first, second, week_export, copy], ignore_index=True))
    assert daily["pay_amount"].tolist() == [980.0, 900.0] and len(period_rows) == 1
    assert len(notes) == 2 and "counted once" in notes[0]


def test_channel_comparison_uses_one_basis_for_both_weeks():
    rows = [{"date": "2026-11-16", "date_end": "2026-11-22", "channel": "搜索", "visitors": 450.0}]
    rows += [{"date": f"2026-11-{d}", "channel": "搜索", "visitors": 100.0} for d in range(9, 23)]
    table = kpi.channels(traffic(rows, report="traffic_sources"), week(), week("2026-W46"))
    assert table["basis"].tolist() == ["sum_of_daily"]
    assert table["visitors"].tolist() == [700.0] and table["previous_visitors"].tolist() == [700.0]


def test_product_period_exports_beside_daily_rows_are_not_added_twice():
    rows = [{"date": f"2026-11-{d}", "sku": "A", "amount": 200.0, "units": 1.0} for d in range(16, 23)]
    rows.append({"date": "2026-11-16", "date_end": "2026-11-22", "sku": "A", "amount": 1400.0, "units": 7.0})
    frame = traffic(rows, report="product_daily")
    table = kpi.products(frame, week(), week("2026-W46"))
    assert table["amount"].tolist() == [1400.0]


def test_campaign_spend_counts_the_plan_report_once_beside_item_and_keyword_reports():
    plan = {"date": "2026-11-16", "campaign": "拉新", "spend": 100.0, "clicks": 50.0}
    item = {**plan, "item_id": "658", "spend": 100.0}
    keyword = {**plan, "keyword": "龙井", "spend": 100.0}
    table = kpi.ads(traffic([plan, item, keyword], report="wxt_plan"), week(), "campaign")
    assert table["spend"].tolist() == [100.0]


def test_missing_gmv_is_missing_not_zero():
    rows = [{"date": str(d.date()), "pay_amount": 10000.0} for d in pd.date_range("2026-09-01", "2026-11-22")]
    rows[-5]["pay_amount"] = np.nan  # a "-" cell on 11-18
    daily, _, _ = kpi.shop_level(traffic(rows))
    series = kpi.daily_gmv(daily, dt.date(2026, 9, 1), dt.date(2026, 11, 22))
    assert np.isnan(series.at[pd.Timestamp("2026-11-18"), "total"])
    assert kpi.gmv_anomalies(series, week()) == []


def test_a_second_platform_starting_late_does_not_blank_earlier_totals():
    a = traffic([{"date": str(d.date()), "pay_amount": 100.0} for d in pd.date_range("2026-11-01", "2026-11-22")])
    b = traffic(
        [{"date": str(d.date()), "pay_amount": 50.0} for d in pd.date_range("2026-11-10", "2026-11-22")], platform="jd"
    )
    daily, _, _ = kpi.shop_level(pd.concat([a, b], ignore_index=True))
    series = kpi.daily_gmv(daily, dt.date(2026, 11, 1), dt.date(2026, 11, 22))
    assert (
        series.at[pd.Timestamp("2026-11-05"), "total"] == 100 and series.at[pd.Timestamp("2026-11-15"), "total"] == 150
    )


def test_targets_for_a_period_spanning_two_months():
    target = AmountTarget(monthly={"2026-10": 310_000, "2026-11": 300_000})
    actual = pd.Series(10_000.0, index=pd.date_range("2026-10-01", "2026-11-30"))
    tracked = track_gmv(target, actual, week("2026-W44"), as_of=D(2026, 11, 2))  # Mon 26 Oct - Sun 1 Nov
    assert tracked["period_target"] == pytest.approx(6 * 10_000 + 10_000)
    assert tracked["period_attainment"] == pytest.approx(1.0)
    assert tracked["month"] == "2026-11" and tracked["complete_days"] == 1


def test_year_to_date_against_the_annual_target():
    target = AmountTarget(monthly={"2026-11": 300_000}, annual=3_650_000)
    actual = pd.Series(10_000.0, index=pd.date_range("2025-12-01", "2026-11-30"))
    tracked = track_gmv(target, actual, week(), as_of=D(2026, 11, 23))
    assert tracked["ytd_actual"] == pytest.approx(10_000 * 326)  # 1 Jan - 22 Nov
    assert tracked["ytd_time_progress"] == pytest.approx(326 / 365)


def test_unknown_units_never_mean_no_sales():
    table = pd.DataFrame(
        {"platform": ["sycm"], "sku": ["A"], "visitors": [560.0], "units": [np.nan], "amount": [3500.0]}
    )
    assert kpi.traffic_without_sales(table).empty


def test_products_risers_and_fallers_apart_each_by_its_change():
    """#14 point 5: a table of 'largest changes' listed the smallest falls as if they were rises."""
    from types import SimpleNamespace

    from ecomplan.kpi.report import _products_section

    products = pd.DataFrame(
        {
            "platform": ["sycm"] * 5,
            "sku": ["A", "B", "C", "D", "E"],
            "name": ["a", "b", "c", "d", "e"],
            "amount": [100.0, 50.0, 10.0, 300.0, 0.0],
            "previous_amount": [40.0, 80.0, 10.0, 100.0, 90.0],
        }
    )
    products["amount_change"] = products["amount"] - products["previous_amount"]
    products["amount_change_pct"] = products["amount_change"] / products["previous_amount"]
    result = SimpleNamespace(
        products=products,
        current={"sycm": SimpleNamespace(values={"gmv": 500.0})},
        no_sales=pd.DataFrame(),
        top=10,
    )
    tables = {table.name: table for table in _products_section(result, "en").tables}
    assert tables["product_risers"].frame["sku"].tolist() == ["D", "A"]  # +200, +60
    assert tables["product_fallers"].frame["sku"].tolist() == ["E", "B"]  # -90, -30; C unchanged in neither
    assert tables["top_products"].frame.set_index("sku")["gmv_share"].to_dict()["D"] == pytest.approx(0.6)
