"""ABC / XYZ boundaries and how one status is chosen when several rules hold."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecomplan.inventory import InventoryPolicy
from ecomplan.inventory.classify import PRECEDENCE, abc_classes, resolve_status, status_flags, xyz_classes


def test_abc_share_before_each_sku_decides():
    # Shares 50, 30, 12, 5, 3 (%) ranked: the shares before them are 0, 50, 80, 92, 97.
    classes = abc_classes([30, 50, 5, 12, 3])
    assert classes.tolist() == ["A", "A", "B", "B", "C"]


def test_abc_boundary_is_exclusive():
    # The SKU whose preceding share is exactly 80% is B; exactly 95% is C.
    values = [40, 40, 15, 5]
    assert abc_classes(values).tolist() == ["A", "A", "B", "C"]
    assert abc_classes([79, 15, 5, 1]).tolist() == ["A", "A", "B", "C"]  # 79% before the 2nd: still A


def test_abc_dominant_sku_and_zeros():
    assert abc_classes([90, 10, 0]).tolist() == ["A", "B", "C"]  # 90% alone is A, not B
    assert abc_classes([0, 0]).tolist() == ["C", "C"]
    assert abc_classes([np.nan, 5]).tolist() == ["C", "A"]


def test_abc_ties_follow_input_order_and_custom_cutoffs():
    assert abc_classes([25, 25, 25, 25]).tolist() == ["A", "A", "A", "A"]  # before-shares 0, .25, .5, .75
    assert abc_classes([25, 25, 25, 25], (0.5, 0.75)).tolist() == ["A", "A", "B", "C"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(0, 1e6, allow_nan=False), min_size=1, max_size=50))
def test_abc_is_monotonic_in_value(values):
    classes = abc_classes(values)
    rank = {"A": 0, "B": 1, "C": 2}
    order = np.argsort(-np.array(values), kind="stable")
    ranks = [rank[classes[i]] for i in order]
    assert ranks == sorted(ranks)  # a higher value never gets a worse class


def test_xyz_boundaries():
    cv = [0.0, 0.4999, 0.5, 1.0, 1.0001, np.nan]
    assert xyz_classes(cv).tolist() == ["X", "X", "Y", "Y", "Z", None]
    assert xyz_classes([0.1, 0.25, 0.3], (0.1, 0.25)).tolist() == ["Y", "Y", "Z"]


def _items(**columns) -> pd.DataFrame:
    """One-SKU policy rows with sensible defaults (d = 2/day, L = 10, ROP 30, 50 in stock)."""
    base = {
        "avg_daily_demand": 2.0,
        "available": 50.0,
        "in_transit": 0.0,
        "inventory_position": None,
        "lead_time_days": 10.0,
        "reorder_point": 30.0,
        "days_of_cover": None,
        "days_since_last_sale": 1.0,
        "days_since_first_sale": 400.0,
        "units_slow_window": 500.0,
    }
    base.update(columns)
    if base["inventory_position"] is None:
        base["inventory_position"] = base["available"] + base["in_transit"]
    if base["days_of_cover"] is None:
        d = base["avg_daily_demand"]
        base["days_of_cover"] = 0.0 if base["available"] <= 0 else (base["available"] / d if d > 0 else np.inf)
    return pd.DataFrame([base])


def _status(items: pd.DataFrame, slow: bool = True, dead: bool = True, **overrides) -> tuple[str, list[str]]:
    flags = status_flags(items, InventoryPolicy(**overrides), slow, dead)
    true = [name for name in (*PRECEDENCE, "inactive") if flags[name].iloc[0]]
    return resolve_status(flags)[0], true


@pytest.mark.parametrize(
    ("columns", "status", "flags"),
    [
        ({}, "ok", []),
        ({"available": 0.0}, "stockout", ["stockout", "urgent", "reorder"]),
        ({"available": -3.0}, "stockout", ["stockout", "urgent", "reorder"]),
        ({"available": 15.0}, "urgent", ["urgent", "reorder"]),  # 7.5 days < 10-day lead time
        ({"available": 15.0, "in_transit": 10.0}, "reorder", ["reorder"]),  # 12.5 days counting transit
        ({"available": 30.0}, "reorder", ["reorder"]),  # at the reorder point
        ({"available": 400.0}, "overstock", ["overstock"]),  # 200 days > 90
        # Both overstock and slow moving: the stronger excess diagnosis wins.
        ({"available": 400.0, "units_slow_window": 99.0}, "slow_moving", ["slow_moving", "overstock"]),
        ({"available": 50.0, "units_slow_window": 99.0}, "slow_moving", ["slow_moving"]),
        ({"available": 400.0, "units_slow_window": 100.0}, "overstock", ["overstock"]),  # 100 is not fewer than 100
        (
            {"avg_daily_demand": 0.0, "days_since_last_sale": 91.0, "units_slow_window": 3.0},
            "dead",
            ["dead", "slow_moving", "overstock"],
        ),
        (
            {"avg_daily_demand": 0.0, "days_since_last_sale": 90.0, "units_slow_window": 3.0},
            "slow_moving",
            ["slow_moving", "overstock"],
        ),  # sold 90 days ago: within "no sale in 90 days"
        (
            {
                "avg_daily_demand": 0.0,
                "days_since_last_sale": np.nan,
                "days_since_first_sale": np.nan,
                "units_slow_window": 0.0,
            },
            "dead",
            ["dead", "slow_moving", "overstock"],
        ),  # never sold
        # Shortage beats excess: a slow mover at its reorder point is reordered.
        ({"available": 20.0, "units_slow_window": 40.0}, "reorder", ["reorder", "slow_moving"]),
        # A new SKU (first sale 30 days ago) is not judged slow on 180 days.
        ({"available": 400.0, "units_slow_window": 20.0, "days_since_first_sale": 30.0}, "overstock", ["overstock"]),
        ({"available": 0.0, "avg_daily_demand": 0.0, "days_since_last_sale": 200.0}, "inactive", ["inactive"]),
        (
            {"available": 0.0, "avg_daily_demand": 0.0, "days_since_last_sale": 200.0, "in_transit": 5.0},
            "stockout",
            ["stockout"],
        ),  # restocking after a long stock-out is not "discontinued"
        ({"available": 0.0, "avg_daily_demand": 0.0, "days_since_last_sale": 40.0}, "stockout", ["stockout"]),
    ],
)
def test_status_precedence(columns, status, flags):
    assert _status(_items(**columns)) == (status, flags)


def test_rules_the_history_cannot_judge_stay_off():
    items = _items(
        avg_daily_demand=0.0, days_since_last_sale=np.nan, days_since_first_sale=np.nan, units_slow_window=0.0
    )
    assert _status(items, slow=False, dead=False) == ("overstock", ["overstock"])
    zero = _items(available=0.0, avg_daily_demand=0.0, days_since_last_sale=np.nan)
    assert _status(zero, dead=False) == ("stockout", ["stockout"])  # cannot tell it is discontinued


def test_thresholds_come_from_settings():
    items = _items(available=200.0)  # 100 days of cover
    assert _status(items)[0] == "overstock"
    assert _status(items, overstock_days=120.0)[0] == "ok"
    assert _status(_items(units_slow_window=150.0), slow_moving_units=200.0)[0] == "slow_moving"
