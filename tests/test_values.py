"""Parsers of decorated export values: unit cases and hypothesis properties."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecomplan.ingest.reading.values import clean_id, clean_text, parse_datetime, parse_duration, parse_number


def numbers(cells, dtype="str"):
    return parse_number(pd.Series(cells, dtype=dtype))


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("10,095.00", 10095.0),
        ("2,133", 2133.0),
        ("0.45%", 0.0045),
        ("100.00%", 1.0),
        ("2.5万", 25000.0),
        ("1.2亿", 120000000.0),
        ("¥1,299", 1299.0),
        ("￥12.50", 12.5),
        ("$0.00", 0.0),
        ("US$ 12", 12.0),
        ("£3.5", 3.5),
        ("(1,234.50)", -1234.5),
        ("-3.5", -3.5),
        ("+7", 7.0),
        ("12元", 12.0),
        ("5‰", 0.005),
        (" 42 ", 42.0),
    ],
)
def test_decorated_numbers(cell, expected):
    parsed = numbers([cell])
    assert parsed.values.iloc[0] == pytest.approx(expected)
    assert not parsed.invalid.iloc[0]


@pytest.mark.parametrize("cell", ["-", "--", "—", "", "N/A", None, "#DIV/0!"])
def test_missing_tokens_are_missing_never_zero(cell):
    parsed = numbers([cell, "1"])
    assert math.isnan(parsed.values.iloc[0])
    assert not parsed.invalid.iloc[0]


@pytest.mark.parametrize("cell", ["0,45", "1,2345", "abc", "12.3.4", "inf", "1,23.00"])
def test_ambiguous_or_garbage_numbers_are_invalid_not_guessed(cell):
    # "0,45" could be 0.45 in a Dutch export: never read it as 45.
    parsed = numbers([cell])
    assert math.isnan(parsed.values.iloc[0])
    assert parsed.invalid.iloc[0]


def test_excel_cells_mixing_numbers_and_text():
    parsed = parse_number(pd.Series([1, 2.5, "3,000", None, "-", "x"], dtype=object))
    assert parsed.values.tolist()[:3] == [1.0, 2.5, 3000.0]
    assert parsed.invalid.tolist() == [False, False, False, False, False, True]


def test_categorical_columns_parse_per_category():
    values = pd.Series(["1,000", "2%", "-", "1,000"], dtype="category")
    parsed = parse_number(values)
    assert parsed.values.tolist()[:2] == [1000.0, 0.02]
    assert math.isnan(parsed.values.iloc[2]) and parsed.values.iloc[3] == 1000.0


@given(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False), st.sampled_from(["plain", "comma", "yuan", "pct"]))
@settings(max_examples=300)
def test_formatted_numbers_round_trip(value, style):
    if style == "plain":
        text, expected = f"{value:.2f}", round(value, 2)
    elif style == "comma":
        text, expected = f"{value:,.2f}", round(value, 2)
    elif style == "yuan":
        text, expected = f"¥{value:,.2f}" if value >= 0 else f"-¥{abs(value):,.2f}", round(value, 2)
    else:
        text, expected = f"{value:.2f}%", round(value, 2) / 100
    parsed = numbers([text])
    assert not parsed.invalid.iloc[0], text
    assert parsed.values.iloc[0] == pytest.approx(expected, rel=1e-12, abs=1e-9)


@given(st.lists(st.text(max_size=12), min_size=1, max_size=20))
@settings(max_examples=200)
def test_parser_never_raises_and_flags_every_unparsed_cell(cells):
    parsed = numbers(cells)
    assert len(parsed.values) == len(cells)
    for cell, value, invalid in zip(cells, parsed.values, parsed.invalid, strict=False):
        if invalid:
            assert math.isnan(value)
        # a cell is either a number, missing, or flagged: never silently NaN with text in it
        assert not (
            math.isnan(value)
            and not invalid
            and cell.strip()
            not in {
                "",
                "-",
                "--",
                "---",
                "—",
                "——",
                "–",
                "/",
                "N/A",
                "n/a",
                "NA",
                "na",
                "null",
                "NULL",
                "None",
                "none",
                "nan",
                "NaN",
                "#N/A",
                "#DIV/0!",
                "#VALUE!",
                "不适用",
                "无",
            }
        )


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2026-06-04", "2026-06-04 00:00:00"),
        ("2026/6/4", "2026-06-04 00:00:00"),
        ("20231010", "2023-10-10 00:00:00"),
        ("2026-06-04 10:00", "2026-06-04 10:00:00"),
        ("2026年6月4日", "2026-06-04 00:00:00"),
        ("2021-05-13 11:01:13 +0200", "2021-05-13 17:01:13"),  # converted to Asia/Shanghai
        ("2026-01-01T10:00:00Z", "2026-01-01 18:00:00"),
    ],
)
def test_dates(cell, expected):
    parsed = parse_datetime(pd.Series([cell], dtype="str"))
    assert str(parsed.values.iloc[0]) == expected
    assert not parsed.invalid.iloc[0]


def test_placeholder_and_words_are_not_dates():
    parsed = parse_datetime(pd.Series(["0000-00-00", "0000-00-00 00:00:00", "today", "now", "yesterday"], dtype="str"))
    assert parsed.values.isna().all()
    assert parsed.invalid.tolist() == [False, False, True, True, True]


def test_excel_dates_serials_and_yyyymmdd_numbers():
    import datetime as dt

    parsed = parse_datetime(pd.Series([dt.date(2026, 1, 2), 46024.0, 20260103, "2026-01-04"], dtype=object))
    assert [str(v)[:10] for v in parsed.values] == ["2026-01-02", "2026-01-02", "2026-01-03", "2026-01-04"]


def test_day_index_us_locale():
    parsed = parse_datetime(pd.Series(["6/1/20", "6/30/20"], dtype="str"))
    assert [str(v)[:10] for v in parsed.values] == ["2020-06-01", "2020-06-30"]


def test_ids_stay_text_and_lose_export_prefixes():
    parsed = clean_id(pd.Series(["\t6917926768823643751", "'4001", '="00123"', " 10216519586736 ", "-"], dtype="str"))
    assert parsed.values.tolist()[:4] == ["6917926768823643751", "4001", "00123", "10216519586736"]
    assert pd.isna(parsed.values.iloc[4])


def test_ids_rounded_by_excel_are_flagged():
    parsed = clean_id(pd.Series([10216519586736.0, 1.2345678901234567e18], dtype=object))
    assert parsed.values.iloc[0] == "10216519586736"
    assert parsed.invalid.tolist() == [False, True]


def test_text_trims_full_width_spaces():
    assert clean_text(pd.Series(["\u3000龙井 ", "-"], dtype="str")).tolist()[0] == "龙井"


def test_durations():
    parsed = parse_duration(pd.Series(["00:02:26", "1:05", "12.55", "<00:00:01", "3秒", "92.96%"], dtype="str"))
    assert parsed.values.tolist()[:5] == [146.0, 65.0, 12.55, 1.0, 3.0]
    assert parsed.invalid.tolist()[5]  # a rate in a duration column: Sycm's shifted-column symptom


def test_fast_and_slow_paths_agree():
    cells = ["1.5", "2", "-", "", "1e3", "0.001"] * 50
    fast = parse_number(pd.Series(cells, dtype="str")).values
    slow = parse_number(pd.Series(cells, dtype=object)).values
    np.testing.assert_array_equal(fast.to_numpy(), slow.to_numpy())


def test_online_retail_us_timestamps():
    parsed = parse_datetime(pd.Series(["12/1/2010 8:26", "12/13/2010 18:05"], dtype="str"))
    assert [str(v) for v in parsed.values] == ["2010-12-01 08:26:00", "2010-12-13 18:05:00"]


def test_a_categorical_column_that_is_entirely_missing():
    cleaned = clean_text(pd.Series(["-", " ", "-"], dtype="category"))
    assert cleaned.isna().all() and len(cleaned) == 3


def test_numbers_beyond_the_largest_are_invalid_on_both_sides():
    """A number no export holds (beyond ±1e12, or infinite) is a bad cell, whatever its sign; a missing
    cell is not bad, and a number at the limit is kept."""
    from ecomplan.ingest.validate import LARGEST, coerce

    cells = ["5", "1e13", "-1e13", "inf", "-inf", "", str(LARGEST), str(-LARGEST)]
    frame = pd.DataFrame({"order_id": [f"A{i}" for i in range(len(cells))], "amount": pd.Series(cells, dtype="str")})
    typed, _, issues = coerce(frame, "orders", np.arange(2, 2 + len(cells)), "o.csv", raw_names={})
    assert typed["amount"].isna().tolist() == [False, True, True, True, True, True, False, False]
    flagged = [i for i in issues if i.column == "amount" and i.row is not None]  # the first three bad cells
    assert [i.row for i in flagged] == [3, 4, 5] and all("within ±1e+12" in i.message for i in flagged)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet="abc 交易", max_size=4), min_size=1, max_size=300, unique=True), st.data())
def test_recategorize_is_the_per_row_map(categories, data):
    """Categories replaced (merged, dropped to NA, kept as they are, or more than an int8 code holds) give
    what a per-row dictionary lookup gives."""
    from ecomplan.ingest.reading.values import recategorize

    same = data.draw(st.booleans())
    pick = st.sampled_from(["x", "y", *categories, None])
    replacement = categories if same else data.draw(st.lists(pick, min_size=len(categories), max_size=len(categories)))
    codes = data.draw(st.lists(st.integers(-1, len(categories) - 1), max_size=50))
    values = pd.Series(pd.Categorical.from_codes(codes, categories=pd.Index(categories, dtype="str")))
    result = recategorize(values, pd.Series(replacement, dtype="str"))
    assert [None if pd.isna(v) else v for v in result] == [None if c < 0 else replacement[c] for c in codes]
    assert result.cat.codes.dtype.itemsize == (1 if len(result.cat.categories) < 127 else 2)


@pytest.mark.parametrize("count", [126, 127, 300, 40_000])
def test_recategorize_codes_at_the_width_limits(count):
    """Around an int8 and an int16 code's limit every row keeps its own (renamed) category."""
    from ecomplan.ingest.reading.values import recategorize

    categories = pd.Index([f"s{i}" for i in range(count)], dtype="str")
    codes = np.array([-1, 0, count - 1, count // 2], dtype=np.int32)
    values = pd.Series(pd.Categorical.from_codes(codes, categories=categories))
    result = recategorize(values, pd.Series([f"t{i}" for i in range(count)], dtype="str"))
    assert list(result.iloc[1:]) == ["t0", f"t{count - 1}", f"t{count // 2}"] and pd.isna(result.iloc[0])


def test_clean_categories_come_back_as_a_new_series():
    """Already clean categories skip the pass over the rows, yet the caller's column is not the one returned."""
    values = pd.Series(["a", "b", "a"], dtype="category")
    result = clean_text(values)
    result.iloc[0] = "b"
    assert values.tolist() == ["a", "b", "a"] and result.tolist() == ["b", "b", "a"]
