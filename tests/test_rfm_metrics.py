"""Which orders count, refunds, windows and the as-of date, checked against a plain pandas reference."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecomplan.core.errors import InputError, SchemaError, UsageError
from ecomplan.ingest.schemas import PAID_STATUSES
from ecomplan.rfm import measure, parse_window, segment

D = dt.date


def lines(rows: list[tuple], columns=("order_id", "customer_id", "paid_at", "amount", "status")) -> pd.DataFrame:
    """Order lines shaped like `ecomplan.ingest.load(...).frame`."""
    frame = pd.DataFrame(rows, columns=list(columns))
    for column in frame.columns:
        if column in {"paid_at", "created_at"}:
            frame[column] = pd.to_datetime(frame[column]).astype("datetime64[ns]")
        elif column in {"amount", "refund"}:
            frame[column] = frame[column].astype("float64")
        else:
            frame[column] = frame[column].astype("str")
    return frame


def customers(frame, as_of, window=None, **options) -> dict[str, tuple]:
    snapshot = measure(frame, [as_of], window, **options).snapshots[0]
    return {row.customer_id: (row.recency, row.frequency, row.monetary) for row in snapshot.customers.itertuples()}


def test_lines_collapse_to_orders_and_unsold_statuses_are_excluded():
    frame = lines(
        [
            ("o1", "a", "2026-11-01 10:00", 30.0, "completed"),
            ("o1", "a", "2026-11-01 10:00", 20.0, "completed"),
            ("o2", "a", "2026-11-03 09:00", 15.0, "shipped"),
            ("o3", "a", "2026-11-04 09:00", 99.0, "cancelled"),
            ("o4", "a", None, 99.0, "pending"),
            ("o5", "a", "2026-11-05 09:00", 99.0, "unknown"),
            ("o6", "b", "2026-11-02 09:00", 10.0, "paid"),
        ]
    )
    measured = measure(frame, [D(2026, 11, 10)], None)
    got = {r.customer_id: (r.recency, r.frequency, r.monetary) for r in measured.snapshots[0].customers.itertuples()}
    assert got == {"a": (7, 2, 65.0), "b": (8, 1, 10.0)}
    assert measured.exclusions.unsold_lines == {"cancelled": 1, "pending": 1, "unknown": 1}
    assert measured.exclusions.lines == 7


def test_refunds_are_netted_and_fully_refunded_orders_are_not_purchases():
    frame = lines(
        [
            ("o1", "a", "2026-11-01", 100.0, "partially_refunded", 30.0),
            ("o2", "a", "2026-11-05", 80.0, "refunded", 0.0),  # full refund, refund amount not given
            ("o3", "b", "2026-11-02", 50.0, "completed", 50.0),  # refunded in full through the refund column
            ("o4", "b", "2026-11-03", 0.0, "completed", 0.0),  # free replacement
            ("o5", "b", "2026-11-04", 40.0, "paid", 0.0),
        ],
        columns=("order_id", "customer_id", "paid_at", "amount", "status", "refund"),
    )
    snapshot = measure(frame, [D(2026, 11, 10)], None).snapshots[0]
    got = {r.customer_id: (r.recency, r.frequency, r.monetary) for r in snapshot.customers.itertuples()}
    assert got == {"a": (9, 1, 70.0), "b": (6, 1, 40.0)}
    assert snapshot.orders_not_positive == 3


def test_refunds_export_nets_successful_refunds_only():
    frame = lines(
        [
            ("o1", "a", "2026-11-01", 100.0, "completed"),
            ("o2", "a", "2026-11-02", 60.0, "completed"),
            ("o3", "b", "2026-11-03", 40.0, "completed"),
        ]
    )
    refunds = pd.DataFrame(
        {
            "order_id": ["o1", "o2", "o3", "o9"],
            "refund_amount": [25.0, 60.0, 40.0, 5.0],
            "status": ["退款成功", "退款成功", "买家已经申请退款，等待卖家同意", "退款成功"],
        }
    )
    measured = measure(frame, [D(2026, 11, 10)], None, refunds=refunds)
    got = {r.customer_id: (r.frequency, r.monetary) for r in measured.snapshots[0].customers.itertuples()}
    assert got == {"a": (1, 75.0), "b": (1, 40.0)}  # o2 refunded in full: no longer a purchase
    ex = measured.exclusions
    assert (ex.refund_rows, ex.refund_rows_not_done, ex.refund_rows_without_order) == (4, 1, 1)
    assert ex.refund_amount_netted == 85.0


def test_refunds_without_status_column_all_count():
    frame = lines([("o1", "a", "2026-11-01", 100.0, "completed")])
    refunds = pd.DataFrame({"order_id": ["o1"], "refund_amount": [10.0]})
    assert customers(frame, D(2026, 11, 10), refunds=refunds) == {"a": (9, 1, 90.0)}


def test_rows_without_customer_are_counted_not_scored():
    frame = lines(
        [
            ("o1", "a", "2026-11-01", 10.0, "completed"),
            ("o2", None, "2026-11-02", 20.0, "completed"),
            ("o2", None, "2026-11-02", 5.0, "completed"),
            ("o3", "", "2026-11-03", 7.0, "paid"),
            ("o4", None, "2026-11-03", 7.0, "cancelled"),
        ]
    )
    measured = measure(frame, [D(2026, 11, 10)], None)
    ex = measured.exclusions
    assert (ex.lines_without_customer, ex.orders_without_customer, ex.amount_without_customer) == (3, 2, 32.0)
    assert list(measured.snapshots[0].customers["customer_id"]) == ["a"]


def test_no_customer_at_all_is_an_input_error():
    frame = lines([("o1", None, "2026-11-01", 10.0, "completed")])
    with pytest.raises(InputError, match="no sold order has a customer id"):
        measure(frame, [D(2026, 11, 10)], None)


def test_window_is_the_n_days_ending_on_the_as_of_date_inclusive():
    as_of = D(2026, 11, 30)
    frame = lines(
        [
            ("o1", "a", "2026-11-01 00:00", 1.0, "completed"),  # day 30 back: inside a 30-day window
            ("o2", "b", "2026-10-31 23:59", 2.0, "completed"),  # day 31 back: outside
            ("o3", "c", "2026-11-30 23:59", 4.0, "completed"),  # the as-of day itself: R = 0
            ("o4", "c", "2026-12-01 00:00", 8.0, "completed"),  # after the as-of date: not counted
        ]
    )
    snapshot = measure(frame, [as_of], 30).snapshots[0]
    got = {r.customer_id: (r.recency, r.frequency, r.monetary) for r in snapshot.customers.itertuples()}
    assert got == {"a": (29, 1, 1.0), "c": (0, 1, 4.0)}
    assert snapshot.window_start == D(2026, 11, 1)
    assert snapshot.lapsed == 1 and snapshot.purchases_after_as_of == 1
    assert (snapshot.previous_buyers, snapshot.returning_buyers) == (1, 0)


def test_default_as_of_is_the_day_after_the_last_sale():
    frame = lines(
        [
            ("o1", "a", "2026-11-01 10:00", 10.0, "completed"),
            ("o2", "a", "2026-11-20 10:00", 10.0, "cancelled"),
        ]
    )
    result = segment(frame, window_days=None)
    assert result.as_of == D(2026, 11, 2)
    assert result.customers.loc[0, "recency"] == 1


def test_frequency_by_days_counts_distinct_purchase_days():
    frame = lines(
        [
            ("o1", "a", "2026-11-01 09:00", 10.0, "completed"),
            ("o2", "a", "2026-11-01 18:00", 10.0, "completed"),
            ("o3", "a", "2026-11-02 09:00", 10.0, "completed"),
        ]
    )
    by_days = measure(frame, [D(2026, 11, 10)], None, "days").snapshots[0].customers
    assert by_days.loc[0, ["frequency", "orders", "purchase_days"]].tolist() == [2, 3, 2]
    by_orders = measure(frame, [D(2026, 11, 10)], None, "orders").snapshots[0].customers
    assert by_orders.loc[0, "frequency"] == 3


def test_customers_of_different_platforms_are_different_people():
    frame = lines(
        [
            ("o1", "alice", "2026-11-01", 10.0, "completed", "sycm"),
            ("o2", "alice", "2026-11-02", 20.0, "completed", "jd"),
        ],
        columns=("order_id", "customer_id", "paid_at", "amount", "status", "platform"),
    )
    frame["platform"] = frame["platform"].astype("category")
    snapshot = measure(frame, [D(2026, 11, 10)], None).snapshots[0]
    assert sorted(zip(snapshot.customers["platform"], snapshot.customers["monetary"], strict=False)) == [
        ("jd", 20.0),
        ("sycm", 10.0),
    ]


def test_orders_of_different_platforms_are_different_orders():
    frame = lines(
        [
            ("x9", "", "2026-11-01", 10.0, "completed", "sycm"),  # no customer on either platform
            ("x9", "", "2026-11-02", 20.0, "completed", "jd"),
            ("o1", "alice", "2026-11-02", 20.0, "completed", "jd"),
        ],
        columns=("order_id", "customer_id", "paid_at", "amount", "status", "platform"),
    )
    frame["platform"] = frame["platform"].astype("category")
    ex = measure(frame, [D(2026, 11, 10)], None).exclusions
    assert (ex.lines_without_customer, ex.orders_without_customer, ex.amount_without_customer) == (2, 2, 30.0)


def test_an_empty_status_in_a_hand_made_frame_is_a_status_not_a_missing_one():
    frame = lines(
        [
            ("o1", "a", "2026-11-01", 10.0, "completed"),
            ("o2", "a", "2026-11-02", 10.0, ""),
            ("o3", "a", "2026-11-03", 10.0, None),
        ]
    )
    frame.loc[2, "status"] = None  # no status: a sale when paid (`schemas.sold_lines`)
    measured = measure(frame, [D(2026, 11, 10)], None)
    assert measured.exclusions.unsold_lines == {"": 1}
    assert measured.exclusions.sold_lines_without_paid_at == 0
    assert measured.snapshots[0].customers.loc[0, "frequency"] == 2


def test_without_status_column_every_paid_line_is_sold_and_created_at_stands_in():
    frame = lines(
        [("o1", "a", "2026-11-01", 10.0), ("o2", "a", None, 10.0)],
        columns=("order_id", "customer_id", "created_at", "amount"),
    )
    measured = measure(frame, [D(2026, 11, 10)], None)
    assert measured.snapshots[0].customers.loc[0, "frequency"] == 1
    assert measured.exclusions.sold_lines_without_paid_at == 1
    assert "created_at" in measured.issues[0].message


def test_numeric_ids_from_a_hand_made_frame_are_text():
    frame = pd.DataFrame(
        {
            "order_id": [1, 2],
            "customer_id": [12346, 12346],
            "paid_at": pd.to_datetime(["2026-11-01", "2026-11-02"]),
            "amount": [1.0, 2.0],
            "status": ["completed", "completed"],
        }
    )
    got = customers(frame, D(2026, 11, 10))
    assert got == {"12346": (8, 2, 3.0)}


@pytest.mark.parametrize(
    "frame, message",
    [
        (pd.DataFrame({"order_id": ["o"], "paid_at": pd.to_datetime(["2026-11-01"])}), "amount"),
        (pd.DataFrame({"order_id": ["o"], "amount": [1.0]}), "payment time"),
        (pd.DataFrame({"order_id": ["o"], "amount": [1.0], "paid_at": ["2026-11-01"]}), "datetimes"),
    ],
)
def test_unusable_frames_are_schema_errors(frame, message):
    with pytest.raises(SchemaError, match=message):
        measure(frame, [D(2026, 11, 10)], None)


@pytest.mark.parametrize("text, days", [("365d", 365), ("90", 90), ("52w", 364), ("all", None), (None, None), (30, 30)])
def test_parse_window(text, days):
    assert parse_window(text) == days


@pytest.mark.parametrize("text", ["3m", "d", "0", "-5d", "1.5d"])
def test_bad_window_is_a_usage_error(text):
    with pytest.raises(UsageError):
        parse_window(text)


def reference(frame: pd.DataFrame, as_of: dt.date, window: int | None) -> dict[str, tuple]:
    """The documented rules in plain pandas, written independently of the SQL."""
    sold = frame[frame["status"].isin(PAID_STATUSES) & frame["paid_at"].notna() & frame["customer_id"].notna()]
    net = sold["amount"].where(sold["status"] != "refunded", 0.0)
    orders = (
        sold.assign(net=net).groupby(["customer_id", "order_id"]).agg(paid_at=("paid_at", "min"), net=("net", "sum"))
    )
    orders = orders[orders["net"].round(6) > 0].reset_index()
    day = orders["paid_at"].dt.normalize()
    end = pd.Timestamp(as_of)
    keep = day <= end
    if window:
        keep &= day > end - pd.Timedelta(days=window)
    chosen = orders[keep]
    out = {}
    for customer, group in chosen.groupby("customer_id"):
        recency = (end - group["paid_at"].max().normalize()).days
        out[customer] = (recency, len(group), round(group["net"].sum(), 6))
    return out


line = st.tuples(
    st.integers(0, 12),  # order number
    st.sampled_from(["a", "b", "c", "d", None]),
    st.integers(0, 60),  # day offset
    st.integers(-500, 5000).map(lambda cents: cents / 100),
    st.sampled_from(["completed", "paid", "shipped", "refunded", "partially_refunded", "cancelled", "pending"]),
)


@settings(max_examples=80, deadline=None)
@given(st.lists(line, min_size=1, max_size=40), st.sampled_from([None, 7, 30]), st.integers(0, 70))
def test_matches_a_plain_pandas_reference(rows, window, as_of_offset):
    start = dt.datetime(2026, 9, 1)
    # An order's customer, time and status are order-level: take them from the order's first line.
    first = {}
    for order, customer, offset, _amount, status in rows:
        first.setdefault(order, (customer, offset, status))
    frame = lines(
        [
            (
                f"o{order}",
                first[order][0],
                start + dt.timedelta(days=first[order][1], hours=order),
                amount,
                first[order][2],
            )
            for order, _, _, amount, _ in rows
        ]
    )
    frame["customer_id"] = frame["customer_id"].replace("None", np.nan)
    as_of = (start + dt.timedelta(days=as_of_offset)).date()
    expected = reference(frame, as_of, window)
    try:
        got = customers(frame, as_of, window)
    except InputError:
        got = {}
    assert got.keys() == expected.keys()
    for customer, (recency, frequency, monetary) in expected.items():
        assert got[customer][:2] == (recency, frequency)
        assert got[customer][2] == pytest.approx(monetary)


def test_result_does_not_depend_on_row_order():
    rng = np.random.default_rng(1)
    n = 400
    frame = lines(
        [
            (
                f"o{i // 2}",
                f"c{rng.integers(0, 40)}",
                dt.datetime(2026, 1, 1) + dt.timedelta(hours=int(h)),
                float(rng.integers(1, 9999)) / 100,
                str(rng.choice(["completed", "paid", "cancelled"])),
            )
            for i, h in enumerate(rng.integers(0, 24 * 300, n))
        ]
    )
    # keep order-level fields consistent across an order's two lines
    frame["customer_id"] = frame.groupby("order_id")["customer_id"].transform("first")
    frame["paid_at"] = frame.groupby("order_id")["paid_at"].transform("first")
    frame["status"] = frame.groupby("order_id")["status"].transform("first")
    shuffled = frame.sample(frac=1, random_state=3).reset_index(drop=True)
    for scheme in ("cn8", "rfm11"):
        a = segment(frame, scheme, as_of="2026-10-31", compare_as_of="2026-09-30").to_dict()
        b = segment(shuffled, scheme, as_of="2026-10-31", compare_as_of="2026-09-30").to_dict()
        assert a == b


def test_order_values_keep_the_platform_when_the_lines_hold_several():
    """The same order number on two platforms is two orders; 满减 tiers are designed per platform."""
    from ecomplan.rfm.metrics import order_values

    frame = lines(
        [
            ("A1", "c1", "2026-11-01 10:00", 100.0, "completed"),
            ("A1", "c2", "2026-11-02 10:00", 30.0, "completed"),
            ("A2", None, "2026-11-03 10:00", 50.0, "completed"),
        ]
    ).assign(platform=["sycm", "jd", "jd"])
    values, key, _ = order_values(frame)
    assert key == ["platform", "customer_id"]
    assert values[["platform", "order_id", "net"]].values.tolist() == [
        ["jd", "A1", 30.0],
        ["jd", "A2", 50.0],
        ["sycm", "A1", 100.0],
    ]


def test_the_results_frames_are_the_callers_to_change():
    """A library caller may edit what `segment` returns (clear a date, cap a sum): no column is a read-only
    view of Arrow's memory."""
    frame = lines(
        [
            ("A1", "c1", "2026-01-02 10:00", 10.0, "paid"),
            ("A2", "c2", "2026-01-05 10:00", 20.0, "paid"),
            ("A3", "c1", "2026-01-07 10:00", 5.0, "paid"),
        ]
    )
    result = segment(frame, as_of=dt.date(2026, 1, 10), compare_as_of=dt.date(2026, 1, 6))
    for table in (result.customers, result.summary):
        for column in table.columns:
            table.iloc[0, table.columns.get_loc(column)] = None
            assert table[column].isna().iloc[0], column
