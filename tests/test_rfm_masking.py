"""Masking of customer ids, names and phone numbers."""

from __future__ import annotations

import pandas as pd
import pytest

from ecomplan.rfm import mask_value, mask_values, segment
from test_rfm_metrics import lines


@pytest.mark.parametrize(
    "raw, masked",
    [
        ("13812341234", "138****1234"),
        ("+8613812341234", "+86138****1234"),
        ("tb1", "t**1"),
        ("tb_alice", "t**e"),
        ("t**1", "t**1"),  # platforms mask nicknames themselves: kept as they are
        ("ann@example.com", "a**@example.com"),
        ("张三丰", "张**丰"),
        ("张三", "张*"),
        ("a", "*"),
        ("12346", "1**6"),
        ("12012345678", "1**8"),  # 11 digits but not a mobile number (second digit 2)
        (None, None),
    ],
)
def test_mask_value(raw, masked):
    assert mask_value(raw) == masked


def test_mask_values_keeps_missing_values():
    masked = mask_values(pd.Series(["13812341234", None, ""], dtype="str"))
    assert masked.iloc[0] == "138****1234"
    assert pd.isna(masked.iloc[1])


def test_customer_table_is_masked_unless_asked_not_to():
    orders = lines(
        [
            ("o1", "13812341234", "2026-11-01", 10.0, "completed", "张三", "13812341234"),
            ("o2", "tb_bob", "2026-11-02", 20.0, "completed", "李四", None),
        ],
        columns=("order_id", "customer_id", "paid_at", "amount", "status", "customer_name", "phone"),
    )
    orders["phone"] = orders["phone"].replace("None", pd.NA)
    result = segment(orders, as_of="2026-11-10")
    masked = result.customer_table().set_index("customer_id")
    assert set(masked.index) == {"138****1234", "t**b"}
    assert masked.loc["138****1234", ["customer_name", "phone"]].tolist() == ["张*", "138****1234"]
    plain = result.customer_table(mask=False).set_index("customer_id")
    assert set(plain.index) == {"13812341234", "tb_bob"}
    assert plain.loc["13812341234", "customer_name"] == "张三"
    assert "13812341234" not in str(result.to_dict())
