"""Segment migration between two as-of dates."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from ecomplan.core.errors import UsageError
from ecomplan.rfm import migrate, segment
from ecomplan.rfm.migration import NOT_SCORED
from test_rfm_metrics import lines

D = dt.date
ORDER = ["X", "Y", "Z"]


def test_matrix_cells_and_changes():
    before = pd.DataFrame({"customer_id": ["a", "b", "c", "d"], "segment": ["X", "X", "Y", "Z"]})
    after = pd.DataFrame({"customer_id": ["a", "b", "c", "e"], "segment": ["X", "Y", "Y", "Y"]})
    migration = migrate(before, after, ["customer_id"], ORDER, D(2026, 1, 1), D(2026, 2, 1))
    grid = migration.matrix()
    assert list(grid.index) == ["X", "Y", "Z", NOT_SCORED]
    assert grid.loc["X", "X"] == 1 and grid.loc["X", "Y"] == 1 and grid.loc["Y", "Y"] == 1
    assert grid.loc["Z", NOT_SCORED] == 1 and grid.loc[NOT_SCORED, "Y"] == 1
    assert int(grid.to_numpy().sum()) == 5
    assert migration.cells() == [
        {"from": "X", "to": "X", "customers": 1},
        {"from": "X", "to": "Y", "customers": 1},
        {"from": "Y", "to": "Y", "customers": 1},
        {"from": "Z", "to": None, "customers": 1},
        {"from": None, "to": "Y", "customers": 1},
    ]
    changes = migration.changes().set_index("segment")
    assert changes.loc["Y"].to_dict() == {
        "before": 1,
        "after": 3,
        "change": 2,
        "stayed": 1,
        "moved_in": 1,
        "entered": 1,
        "moved_out": 0,
        "left": 0,
    }
    assert changes.loc["Z", ["before", "after", "left"]].tolist() == [1, 0, 1]


def test_segment_with_compare_date_lists_the_customers_behind_each_cell():
    orders = lines(
        [
            ("o1", "a", "2026-01-05", 500.0, "completed"),
            ("o2", "a", "2026-03-20", 500.0, "completed"),
            ("o3", "b", "2026-01-06", 20.0, "completed"),
            ("o4", "c", "2026-03-25", 30.0, "completed"),
            ("o5", "d", "2026-01-07", 25.0, "completed"),
        ]
    )
    result = segment(orders, "cn8", as_of="2026-03-31", window_days=60, compare_as_of="2026-01-31")
    table = result.customer_table(mask=False).set_index("customer_id")
    # Jan 31 (window Dec 3..Jan 31): a R26 M500, b R25 M20, d R24 M25; means R 25, F 1, M 181.67.
    # Mar 31 (window Jan 31..Mar 31): a R11 M500, c R6 M30; means R 8.5, F 1, M 265.
    expected = {
        "a": ("重要挽留客户", "重要挽留客户"),
        "b": ("一般挽留客户", None),
        "c": (None, "一般发展客户"),
        "d": ("一般发展客户", None),
    }
    got = {
        c: tuple(None if pd.isna(v) else v for v in table.loc[c, ["segment_before", "segment"]]) for c in table.index
    }
    assert got == expected
    assert pd.isna(table.loc["b", "recency"])  # not scored at the as-of date: no metrics
    counts = (
        table.fillna({"segment": NOT_SCORED, "segment_before": NOT_SCORED})
        .groupby(["segment_before", "segment"])
        .size()
    )
    grid = result.migration.matrix()
    for (source, target), n in counts.items():
        assert grid.loc[source, target] == n
    assert int(grid.to_numpy().sum()) == 4
    document = result.to_dict()["migration"]
    assert document["before"] == D(2026, 1, 31) and document["after"] == D(2026, 3, 31)
    assert sum(cell["customers"] for cell in document["cells"]) == 4


def test_compare_date_must_be_earlier():
    orders = lines([("o1", "a", "2026-01-05", 5.0, "completed")])
    with pytest.raises(UsageError, match="before"):
        segment(orders, as_of="2026-02-01", compare_as_of="2026-02-01")
