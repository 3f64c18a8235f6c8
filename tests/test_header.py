"""Header-row detection: platform preambles and property tests."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ecomplan.ingest.reading.header import detect_header_row, unique_headers
from ecomplan.ingest.sources import vocabulary


def test_sycm_product_export_header_on_row_five():
    rows = [
        [""] * 5,
        [""] * 5,
        [""] * 5,
        [""] * 5,
        ["统计日期", "商品ID", "商品名称", "商品访客数", "支付金额"],
        ["2026-06-18", "658000000000001", "明前龙井", "1,024", "9,238.00"],
    ]
    assert detect_header_row(rows, vocabulary()) == 4


def test_description_rows_with_a_date_range_are_not_the_header():
    rows = [
        ["【生意参谋平台】交易概况"],
        ["统计时间：2026-11-16 ~ 2026-11-22"],
        ["终端：所有终端"],
        [],
        ["统计日期", "访客数", "支付金额"],
        ["2026-11-16", "1,279", "10,290.73"],
    ]
    assert detect_header_row(rows) == 4


def test_two_cell_preamble_row_loses_to_the_real_header():
    rows = [
        ["店铺名称", "山野茶舍旗舰店"],
        ["下载时间", "2026-11-23 09:00"],
        ["SKU", "商品名称", "库存件数", "可用库存"],
        ["T001", "龙井", "12", "10"],
    ]
    assert detect_header_row(rows, vocabulary()) == 2


def test_unique_headers_name_jd_comparison_columns_after_their_metric():
    assert unique_headers(["日期", "访客数(UV)", "同比", "成交金额", "同比", "", "成交金额"]) == [
        "日期",
        "访客数(UV)",
        "访客数(UV) 同比",
        "成交金额",
        "成交金额 同比",
        "column_6",
        "成交金额 (2)",
    ]


header_words = st.text(alphabet=st.characters(whitelist_categories=("Lu", "Ll", "Lo")), min_size=2, max_size=8)


@given(
    preamble=st.lists(st.lists(st.text(max_size=30), max_size=1), max_size=5),
    header=st.lists(header_words, min_size=2, max_size=12, unique=True),
    data=st.data(),
)
@settings(max_examples=300, deadline=None)
def test_header_found_below_any_preamble(preamble, header, data):
    """Preambles are 0-5 rows of at most one cell (titles, date ranges, blanks) and the
    data rows below the header are numbers, as in every platform export."""
    width = len(header)
    body = data.draw(
        st.lists(
            st.lists(
                st.one_of(
                    st.integers(0, 10**7).map(lambda n: f"{n:,}"),
                    st.floats(0, 1, allow_nan=False).map(lambda f: f"{f:.2%}"),
                    st.dates().map(str),
                ),
                min_size=width,
                max_size=width,
            ),
            min_size=1,
            max_size=5,
        )
    )
    rows = [*preamble, header, *body]
    assert detect_header_row(rows) == len(preamble)
