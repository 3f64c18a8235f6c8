"""cn8 cells and tie rule, rfm11 quintile scores, tie rule and the 125-code table."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecomplan.core.errors import UsageError
from ecomplan.rfm.scoring import (
    CN8,
    RFM11,
    cn8_flags,
    cn8_thresholds,
    quintile_scores,
    quintile_thresholds,
    rfm11_codes,
    score,
)

# docs/rfm.md §2.1, transcribed independently of the package table.
EXPECTED_A = {
    "Champions": "555 554 544 545 454 455 445",
    "Loyal Customers": "543 444 435 355 354 345 344 335",
    "Potential Loyalist": "553 551 552 541 542 533 532 531 452 451 442 441 431 453 433 432 423 353 352 351 342 341 "
    "333 323",
    "New Customers": "512 511 422 421 412 411 311",
    "Promising": "525 524 523 522 521 515 514 513 425 424 413 414 415 315 314 313",
    "Need Attention": "535 534 443 434 343 334 325 324",
    "About To Sleep": "331 321 312 221 213 231 241 251",
    "At Risk": "255 254 245 244 253 252 243 242 235 234 225 224 153 152 145 143 142 135 134 133 125 124",
    "Can't Lose Them": "155 154 144 214 215 115 114 113",
    "Hibernating": "332 322 233 232 223 222 132 123 122 212 211",
    "Lost": "111 112 121 131 141 151",
}
EXPECTED_CODE_A = {code: name for name, codes in EXPECTED_A.items() for code in codes.split()}
ALL_CODES = [f"{r}{f}{m}" for r in range(1, 6) for f in range(1, 6) for m in range(1, 6)]


def metrics(recency, frequency, monetary) -> pd.DataFrame:
    return pd.DataFrame({"recency": recency, "frequency": frequency, "monetary": monetary})


def test_expected_table_is_a_partition_of_the_125_codes():
    listed = [code for codes in EXPECTED_A.values() for code in codes.split()]
    assert sorted(listed) == sorted(ALL_CODES)
    assert [len(c.split()) for c in EXPECTED_A.values()] == [7, 8, 24, 7, 16, 8, 8, 22, 8, 11, 6]


@pytest.mark.parametrize("code", ALL_CODES)
def test_every_code_maps_to_its_variant_a_segment(code):
    assert rfm11_codes("A")[code] == EXPECTED_CODE_A[code]


@pytest.mark.parametrize("code", ALL_CODES)
def test_variant_b_differs_only_in_231_241_251(code):
    expected = "Hibernating" if code in {"231", "241", "251"} else EXPECTED_CODE_A[code]
    assert rfm11_codes("B")[code] == expected


def test_unknown_variant_is_a_usage_error():
    with pytest.raises(UsageError, match="variant"):
        rfm11_codes("C")


def test_segments_are_listed_in_the_documented_order():
    assert list(RFM11) == list(EXPECTED_A)
    assert list(CN8) == ["111", "101", "011", "001", "110", "100", "010", "000"]


@pytest.mark.parametrize(
    "code, name",
    [
        ("111", "重要价值客户"),
        ("101", "重要发展客户"),
        ("011", "重要保持客户"),
        ("001", "重要挽留客户"),
        ("110", "一般价值客户"),
        ("100", "一般发展客户"),
        ("010", "一般保持客户"),
        ("000", "一般挽留客户"),
    ],
)
def test_each_cn8_cell(code, name):
    # Thresholds are the means of a population built so each flag is set by its digit.
    r_high, f_high, m_high = (digit == "1" for digit in code)
    frame = metrics([5 if r_high else 50, 30, 30], [9 if f_high else 1, 5, 5], [900 if m_high else 10, 450, 450])
    flags, thresholds = score(frame, "cn8", "mean")
    assert thresholds.recency == pytest.approx(np.mean(frame["recency"]))
    assert flags.loc[0, "code"] == code
    assert flags.loc[0, "segment"] == name


def test_cn8_value_equal_to_the_threshold_is_low():
    frame = metrics([10, 20, 30], [1, 2, 3], [100, 200, 300])
    thresholds = cn8_thresholds(frame, "mean")  # 20, 2, 200: the middle customer sits on every threshold
    flags = cn8_flags(frame, thresholds)
    assert list(flags["code"]) == ["100", "000", "011"]


def test_cn8_median_and_fixed_thresholds():
    frame = metrics([1, 2, 100], [1, 1, 10], [10, 20, 1000])
    median = cn8_thresholds(frame, "median")
    assert (median.recency, median.frequency, median.monetary) == (2, 1, 20)
    fixed = cn8_thresholds(frame, "fixed", {"recency_days": 30, "frequency": 2, "monetary": 500})
    assert list(cn8_flags(frame, fixed)["code"]) == ["100", "100", "011"]
    with pytest.raises(UsageError):
        cn8_thresholds(frame, "fixed", None)


def test_mean_threshold_does_not_depend_on_row_order():
    values = np.array([0.1] * 10 + [1e16, -1e16] + [0.3] * 7)
    forward = cn8_thresholds(metrics(values, values, values), "mean")
    backward = cn8_thresholds(metrics(values[::-1], values[::-1], values[::-1]), "mean")
    assert forward == backward
    assert forward.monetary == pytest.approx((0.1 * 10 + 0.3 * 7) / 19)


def test_quintile_thresholds_are_linear_percentiles():
    values = np.array([3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5])
    expected = pd.Series(values).quantile([0.2, 0.4, 0.6, 0.8]).tolist()  # pandas' linear interpolation
    assert quintile_thresholds(values) == pytest.approx(expected)


def test_tie_rule_equal_to_a_cut_point_takes_the_lower_score():
    cuts = [1.0, 2.0, 3.0, 6.0]  # Online Retail F cut points (docs/rfm.md §2.5)
    f = np.array([1, 2, 3, 4, 6, 7])
    assert list(quintile_scores(f, cuts)) == [1, 2, 3, 4, 4, 5]
    r = np.array([11, 12, 32, 33, 178.8, 179])
    assert list(quintile_scores(r, [11, 32, 71, 178.8], higher_is_better=False)) == [5, 4, 4, 3, 2, 1]


def test_heavily_tied_frequency_never_fails_and_ties_share_a_score():
    frame = metrics(range(10), [1] * 7 + [2, 2, 9], range(10))
    scored, thresholds = score(frame, "rfm11")
    assert thresholds.frequency == [1.0, 1.0, 1.0, pytest.approx(2.0)]
    assert set(scored.loc[:6, "f"]) == {1}
    assert set(scored.loc[7:8, "f"]) == {4}
    assert scored.loc[9, "f"] == 5


def test_unknown_scheme_or_threshold_is_a_usage_error():
    frame = metrics([1], [1], [1])
    with pytest.raises(UsageError):
        score(frame, "rfm6")
    with pytest.raises(UsageError):
        score(frame, "cn8", "p75")


values = st.lists(st.integers(min_value=0, max_value=60), min_size=1, max_size=60)


@settings(max_examples=60, deadline=None)
@given(values, values, values, st.randoms())
def test_rfm11_scores_are_in_range_and_independent_of_row_order(r, f, m, rnd):
    n = min(len(r), len(f), len(m))
    frame = metrics(r[:n], f[:n], [x * 1.5 for x in m[:n]])
    scored, thresholds = score(frame, "rfm11")
    assert scored[["r", "f", "m"]].isin(range(1, 6)).all().all()
    order = list(range(n))
    rnd.shuffle(order)
    shuffled, shuffled_thresholds = score(frame.iloc[order].reset_index(drop=True), "rfm11")
    assert shuffled_thresholds == thresholds
    assert list(shuffled["code"]) == [scored["code"].iloc[i] for i in order]


@settings(max_examples=60, deadline=None)
@given(values)
def test_scores_are_monotone_and_equal_values_share_a_score(xs):
    array = np.array(xs, dtype=float)
    cuts = quintile_thresholds(array)
    up = quintile_scores(array, cuts)
    down = quintile_scores(array, cuts, higher_is_better=False)
    order = np.argsort(array, kind="stable")
    assert np.all(np.diff(up[order]) >= 0)
    assert np.all(np.diff(down[order]) <= 0)
    for value in set(xs):
        assert len(set(up[array == value])) == 1


@pytest.mark.realdata
def test_package_table_matches_docs_rfm_md(shared_dir):
    text = (shared_dir / "docs" / "rfm.md").read_text(encoding="utf-8")
    section = text[text.index("### 2.1") : text.index("**Variant B**")]
    documented = {}
    for name, codes in re.findall(r"^\| ([A-Z][^|]+?) \| ([\d ]+) \|$", section, flags=re.M):
        for code in codes.split():
            documented[code] = name
    assert len(documented) == 125
    aliases = {
        "Loyal (Customers)": "Loyal Customers",
        "New Customers (a.k.a. Recent Customers)": "New Customers",
        "Need Attention (Customers Needing Attention)": "Need Attention",
        "Can't Lose Them (Cannot Lose Them)": "Can't Lose Them",
    }
    assert {code: aliases.get(name, name) for code, name in documented.items()} == rfm11_codes("A")
