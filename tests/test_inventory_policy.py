"""Replenishment formulas against hand-worked and published examples, plus their invariants."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from ecomplan.inventory import policy


def test_supplychainanalytics_worked_example():
    # supplychainanalytics.in/?p=4314: μD = 120/day, σD = 60, μL = 5 days, σL = 2, z = 1.65.
    # σDL = √(5 × 60² + 120² × 2²) = √(18,000 + 57,600) = √75,600 = 274.95; SS = 1.65 × 274.95 = 453.67.
    ss = policy.safety_stock(1.65, 120, 60, 5, 2)
    assert float(ss) == pytest.approx(1.65 * math.sqrt(75_600), rel=1e-12)
    assert float(ss) == pytest.approx(453.67, abs=0.01)
    assert float(policy.reorder_point(120, 5, ss)) == pytest.approx(600 + 453.67, abs=0.01)


def test_fixed_lead_time_is_the_textbook_formula():
    # SCperf ROP.R: ss <- z*sd*sqrt(L); rst <- L*md + ss
    z = float(policy.z_score(0.95))
    ss = policy.safety_stock(z, 50, 12, 9, 0)
    assert float(ss) == pytest.approx(z * 12 * 3)
    assert float(policy.reorder_point(50, 9, ss)) == pytest.approx(450 + z * 36)


def test_only_lead_time_varies():
    # Constant demand: SS = z · d · σL.
    assert float(policy.safety_stock(2.0, 30, 0, 7, 1.5)) == pytest.approx(2.0 * 30 * 1.5)


def test_z_scores_match_scipy_and_the_common_table():
    levels = np.array([0.5, 0.9, 0.95, 0.975, 0.99])
    assert policy.z_score(levels) == pytest.approx(stats.norm.ppf(levels), rel=1e-12)
    # The table values the practice guides quote (rounded to 2 decimals).
    assert np.round(policy.z_score([0.90, 0.95, 0.975, 0.99]), 2).tolist() == [1.28, 1.64, 1.96, 2.33]
    with pytest.raises(ValueError):
        policy.z_score(1.0)


def test_law_of_total_variance_by_simulation():
    """The formula's variance is that of demand summed over a random number of days (independent check)."""
    rng = np.random.default_rng(7)
    d, sd, lead, lead_sd = 20.0, 6.0, 8.0, 2.0
    lead_times = np.clip(np.round(rng.normal(lead, lead_sd, 200_000)), 1, None).astype(int)
    # Sum of L normal daily demands is normal with mean L·d and variance L·σ².
    totals = rng.normal(lead_times * d, np.sqrt(lead_times) * sd)
    expected_sd = float(policy.safety_stock(1.0, d, sd, lead_times.mean(), lead_times.std()))
    assert totals.std() == pytest.approx(expected_sd, rel=0.01)


def test_zero_demand_needs_no_safety_stock():
    assert float(policy.safety_stock(1.645, 0, 0, 10, 3)) == 0.0
    assert float(policy.reorder_point(0, 10, 0)) == 0.0


def test_days_of_cover_edge_cases():
    # Bigblue: negative available stock gives 0; no sales gives N/A (here: infinite, shown as blank).
    cover = policy.days_of_cover([30, 0, -5, 10, 0], [3, 3, 3, 0, 0])
    assert cover[0] == 10 and cover[1] == 0 and cover[2] == 0
    assert np.isinf(cover[3])
    assert cover[4] == 0


def test_stockout_dates():
    as_of = pd.Timestamp("2026-11-23")
    dates = policy.stockout_dates(as_of, [0.0, 2.5, 3.0, np.inf, 5000.0])
    assert pd.Timestamp(dates[0]) == as_of
    assert pd.Timestamp(dates[1]) == pd.Timestamp("2026-11-25")  # lasts through the 23rd and 24th
    assert pd.Timestamp(dates[2]) == pd.Timestamp("2026-11-26")
    assert pd.isna(dates[3]) and pd.isna(dates[4])


@pytest.mark.parametrize(
    ("needed", "moq", "pack", "expected"),
    [
        (0, 50, 12, 0),  # nothing needed: no order, whatever the MOQ
        (-7, 50, 12, 0),
        (0.2, 0, 1, 1),  # whole units
        (61.58, 50, 12, 72),  # 62 -> 6 cases of 12
        (10, 50, 12, 60),  # MOQ 50 is not a multiple of 12: 5 cases
        (10, 48, 12, 48),
        (120, 50, 12, 120),
        (10.000000001, 0, 5, 10),  # float noise does not add a case
        (7, np.nan, np.nan, 7),  # unknown MOQ / case pack: none
        (7, 0, 0, 7),
    ],
)
def test_order_quantity_rounding(needed, moq, pack, expected):
    assert float(policy.order_quantity(needed, moq, pack)) == expected


def test_suggested_order_up_to_level():
    # d = 2/day, L = 10, SS = 6.58: ROP 26.58, S = ROP + 2 × 30 = 86.58; position 25 -> 61.58 -> 62 -> 72.
    qty = policy.suggested_order(25, 26.58, 2, 30, 50, 12)
    assert float(qty) == 72
    assert float(policy.suggested_order(27, 26.58, 2, 30, 50, 12)) == 0  # above the reorder point
    # Backorders: negative stock is made up on top of the target.
    assert float(policy.suggested_order(-3, 10, 1, 30)) == 43


@settings(max_examples=300, deadline=None)
@given(
    needed=st.floats(-100, 10_000, allow_nan=False),
    moq=st.sampled_from([0, 1, 20, 48, 50, 100]),
    pack=st.sampled_from([1, 2, 5, 6, 10, 12, 24]),
)
def test_order_quantity_is_whole_cases_and_at_least_the_moq(needed, moq, pack):
    qty = float(policy.order_quantity(needed, moq, pack))
    if needed <= 1e-9:  # below the float tolerance: nothing to order
        assert qty == 0
        return
    assert qty >= needed - 1e-6
    assert qty >= moq
    assert qty % pack == 0
    assert qty - max(math.ceil(needed - 1e-9), moq) < pack  # never a whole case more than needed


@settings(max_examples=300, deadline=None)
@given(
    d=st.floats(0, 1_000, allow_nan=False),
    sd=st.floats(0, 500, allow_nan=False),
    lead=st.floats(0, 120, allow_nan=False),
    lead_sd=st.floats(0, 30, allow_nan=False),
    level=st.floats(0.5, 0.999),
)
def test_reorder_point_covers_lead_time_demand(d, sd, lead, lead_sd, level):
    ss = policy.safety_stock(policy.z_score(level), d, sd, lead, lead_sd)
    assert float(ss) >= 0
    assert float(policy.reorder_point(d, lead, ss)) >= d * lead - 1e-9


@settings(max_examples=200, deadline=None)
@given(
    stock=st.lists(st.floats(-1_000, 1e6, allow_nan=False), min_size=2, max_size=30),
    d=st.floats(0, 500, allow_nan=False),
)
def test_days_of_cover_is_monotonic_in_stock(stock, d):
    ordered = np.sort(np.array(stock))
    cover = policy.days_of_cover(ordered, d)
    assert np.all(np.diff(cover[np.isfinite(cover)]) >= 0)
    assert np.all(cover >= 0)


@settings(max_examples=200, deadline=None)
@given(
    position=st.floats(-500, 5_000, allow_nan=False),
    d=st.floats(0.01, 200, allow_nan=False),
    lead=st.floats(0, 60, allow_nan=False),
    target=st.floats(0, 90, allow_nan=False),
    moq=st.sampled_from([0, 20, 50]),
    pack=st.sampled_from([1, 5, 12]),
)
def test_an_order_lifts_the_position_to_the_order_up_to_level(position, d, lead, target, moq, pack):
    rop = float(policy.reorder_point(d, lead, 0.0))
    qty = float(policy.suggested_order(position, rop, d, target, moq, pack))
    if position <= rop:
        assert position + qty >= rop + d * target - 1e-6
    else:
        assert qty == 0
