"""Status filtering and refunds per platform, from real-shaped exports in tests/fixtures/rfm/.

Each fixture mixes sold, unpaid, closed, cancelled and refunded orders in the
platform's own status words; the expected R/F/M per customer (as of
2026-11-30, all history) follow from docs/rfm.md's rules by hand.
"""

from __future__ import annotations

import pytest

from ecomplan.ingest.load import load
from ecomplan.rfm import segment

CASES = {
    # 交易关闭 and 等待买家付款 excluded; 付款以后用户退款成功 is a full refund; the 千牛 售后 refund of 50 on
    # tb_alice's 3rd order is netted; the nickname `t**1` is an opaque key; one order has no 买家会员名.
    "sycm_orders.csv": {
        "小明123": (182, 1, 300.0),
        "tb_alice": (20, 3, 348.0),
        "t**1": (10, 1, 56.0),
        "bob_2026": (9, 1, 45.0),
    },
    # 已取消 / 等待付款 excluded, 配送退货 refunded; 应付金额 repeated on both lines of order …890 counts once.
    "jd_orders.csv": {"jd_user01": (15, 2, 648.0), "jd_user03": (11, 1, 40.0)},
    # pending and voided excluded, `Cancelled at` cancels a paid order, Refunded Amount netted, a refunded order
    # is no purchase; a COD order without e-mail is keyed by its phone number.
    "shopify_orders.csv": {
        "ann@example.com": (29, 2, 270.0),
        "ben@example.com": (10, 1, 35.0),
        "+8613912345678": (7, 1, 45.0),
    },
    # 售后状态 退款成功 refunds a completed order; 已关闭 and 待支付 excluded; an encrypted phone has no customer.
    "douyin_orders.csv": {"13812345678": (19, 2, 267.0)},
    # 已取消 excluded; 退款成功 (status or 售后) refunds; an empty 订单成交时间 takes the order number's date.
    "pdd_orders.csv": {"8812345": (25, 2, 89.7), "8867890": (24, 1, 19.9), "8800001": (20, 1, 29.9)},
    # generic canonical headers: closed = cancelled, 部分退款 nets its refund, refunded is no purchase.
    "generic_orders.csv": {"M001": (28, 2, 170.0), "M002": (26, 1, 70.0)},
}


def metrics(result) -> dict[str, tuple]:
    return {row.customer_id: (row.recency, row.frequency, row.monetary) for row in result.customers.itertuples()}


@pytest.mark.parametrize("name", sorted(CASES))
def test_status_filtering_per_platform(fixtures, name):
    refunds = load(fixtures / "rfm" / "sycm_refunds.csv", "refunds").frame if name.startswith("sycm") else None
    orders = load(fixtures / "rfm" / name, "orders").frame
    result = segment(orders, as_of="2026-11-30", window_days=None, refunds=refunds)
    got = metrics(result)
    assert got.keys() == CASES[name].keys()
    for customer, (recency, frequency, monetary) in CASES[name].items():
        assert got[customer][:2] == (recency, frequency), customer
        assert got[customer][2] == pytest.approx(monetary), customer


def test_sycm_exclusions_and_refund_rows(fixtures):
    orders = load(fixtures / "rfm" / "sycm_orders.csv", "orders").frame
    refunds = load(fixtures / "rfm" / "sycm_refunds.csv", "refunds").frame
    ex = segment(orders, as_of="2026-11-30", window_days=None, refunds=refunds).exclusions
    assert ex.unsold_lines == {"cancelled": 1, "pending": 1}
    assert (ex.lines_without_customer, ex.orders_without_customer, ex.amount_without_customer) == (1, 1, 66.0)
    assert (ex.refund_rows, ex.refund_rows_not_done, ex.refund_rows_without_order) == (3, 1, 1)
    assert ex.refund_amount_netted == 50.0
    without = metrics(segment(orders, as_of="2026-11-30", window_days=None))
    assert without["tb_alice"][2] == pytest.approx(398.0)


def test_online_retail_cancellations_and_zero_price_invoices(fixtures):
    orders = load(fixtures / "rfm" / "online_retail_sample.csv", "orders").frame
    result = segment(orders, as_of="2010-12-10", window_days=None)
    got = metrics(result)
    assert got.keys() == {"17850", "14527", "12346"}
    assert got["17850"] == (9, 2, pytest.approx(46.74))
    assert got["14527"] == (9, 1, pytest.approx(34.80))  # C invoice cancelled, 0-price invoice no purchase
    assert result.orders_not_positive == 1
    assert result.exclusions.unsold_lines == {"cancelled": 1}
    assert result.exclusions.amount_without_customer == pytest.approx(97.75)


def test_douyin_encrypted_buyers_are_counted(fixtures):
    result = segment(load(fixtures / "rfm" / "douyin_orders.csv", "orders").frame, as_of="2026-11-30", window_days=None)
    assert (result.exclusions.orders_without_customer, result.exclusions.amount_without_customer) == (1, 129.0)
