"""复购率, 回购率 and cohort retention on small worked examples."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from ecomplan.rfm import repurchase_report
from test_rfm_metrics import lines

D = dt.date

# a: first bought in Jan, again in Feb and Apr; b: Jan only (two orders on one day);
# c: Feb, Mar; d: Mar twice (two days); e: Apr; f: cancelled only.
ORDERS = lines(
    [
        ("o1", "a", "2026-01-05 10:00", 10.0, "completed"),
        ("o2", "a", "2026-02-10 10:00", 10.0, "completed"),
        ("o3", "a", "2026-04-01 10:00", 10.0, "completed"),
        ("o4", "b", "2026-01-20 09:00", 10.0, "completed"),
        ("o5", "b", "2026-01-20 18:00", 10.0, "completed"),
        ("o6", "c", "2026-02-03 10:00", 10.0, "completed"),
        ("o7", "c", "2026-03-03 10:00", 10.0, "completed"),
        ("o8", "d", "2026-03-01 10:00", 10.0, "completed"),
        ("o9", "d", "2026-03-02 10:00", 10.0, "completed"),
        ("o10", "e", "2026-04-15 10:00", 10.0, "completed"),
        ("o11", "f", "2026-04-16 10:00", 10.0, "cancelled"),
    ]
)


def test_repurchase_rate_by_orders_and_by_days():
    by_orders, _ = repurchase_report(ORDERS, as_of="2026-04-30", window_days=None)
    assert (by_orders.buyers, by_orders.repeat_buyers) == (5, 4)  # a, b, c, d
    assert by_orders.repurchase_rate == pytest.approx(4 / 5)
    assert by_orders.repeat_purchase_share == pytest.approx((10 - 5) / 10)
    by_days, _ = repurchase_report(ORDERS, as_of="2026-04-30", window_days=None, frequency="days")
    assert by_days.repeat_buyers == 3  # b bought twice on one day
    assert by_days.repurchase_rate == pytest.approx(3 / 5)


def test_cohort_matrix_counts_and_retention():
    result, _ = repurchase_report(ORDERS, as_of="2026-04-30", window_days=None)
    cohorts = result.cohorts.set_index("cohort")
    assert list(cohorts.index) == ["2026-01", "2026-02", "2026-03", "2026-04"]
    assert list(cohorts["size"]) == [2, 1, 1, 1]
    assert cohorts.loc["2026-01", [0, 1, 2, 3]].tolist() == [2, 1, 0, 1]
    assert cohorts.loc["2026-02", [0, 1, 2]].tolist() == [1, 1, 0]
    assert pd.isna(cohorts.loc["2026-02", 3])  # May 2026 has not happened by the as-of date
    retention = result.retention().set_index("cohort")
    assert retention.loc["2026-01", [0, 1, 2, 3]].tolist() == [1.0, 0.5, 0.0, 0.5]
    document = result.to_dict()["cohorts"]
    assert document[1] == {"cohort": "2026-02", "size": 1, "customers": [1, 1, 0], "retention": [1.0, 1.0, 0.0]}


def test_monthly_buyback():
    result, _ = repurchase_report(ORDERS, as_of="2026-04-30", window_days=None)
    monthly = result.monthly.set_index("month")
    # Feb: Jan buyers a, b -> a returns; Mar: Feb buyers a, c -> c; Apr: Mar buyers c, d -> none.
    assert monthly.loc["2026-02", ["previous_buyers", "returning_buyers"]].tolist() == [2, 1]
    assert monthly.loc["2026-03", ["previous_buyers", "returning_buyers"]].tolist() == [2, 1]
    assert monthly.loc["2026-04", ["previous_buyers", "returning_buyers"]].tolist() == [2, 0]
    assert monthly.loc["2026-04", "buyback_rate"] == 0.0
    assert bool(monthly.loc["2026-04", "complete"])  # 2026-04-30 is the month's last day
    partial, _ = repurchase_report(ORDERS, as_of="2026-04-20", window_days=None)
    assert not partial.monthly.set_index("month").loc["2026-04", "complete"]


def test_window_buyback_rate_compares_consecutive_windows():
    # 30-day windows ending 2026-04-30: previous = 2026-03-02..03-31 (c, d buyers), current = 04-01..04-30 (a, e).
    result, _ = repurchase_report(ORDERS, as_of="2026-04-30", window_days=30)
    assert result.previous_window == (D(2026, 3, 2), D(2026, 3, 31))
    assert (result.previous_buyers, result.returning_buyers) == (2, 0)
    assert result.buyback_rate == 0.0
    assert result.previous_window_complete is True
    # cohorts shown are those starting in the window's first month or later
    assert list(result.cohorts["cohort"]) == ["2026-04"]


def test_previous_window_before_the_data_is_flagged():
    result, _ = repurchase_report(ORDERS, as_of="2026-04-30", window_days=100)
    assert result.previous_window_complete is False
    assert result.to_dict()["buyback"]["previous_window_complete"] is False
