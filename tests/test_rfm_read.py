"""RFM reads every order file through the one read path: `rfm.read_orders` (= `ecomplan.ingest.load`).

The fixtures of the retired scan-vs-loader parity tests, now tests of that path. Expected numbers are
worked out by hand from the rows (TRICKY, see `BASE_CUSTOMERS`) or by an independent pandas computation
of the rules documented in `rfm/metrics.py` (`reference_rfm`), never by running ecomplan twice.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import NamedTuple
from unittest.mock import ANY

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from ecomplan import rfm
from ecomplan.cli.app import app
from ecomplan.core.errors import InputError
from ecomplan.ingest.options import ReadOptions
from ecomplan.render.output import dumps

runner = CliRunner()

HEADER = "order_id,customer_id,paid_at,amount,refund,status,customer_name,phone,currency\n"
# Lines that exercise the reading of cells: missing-value tokens, unknown statuses (counts 3, 2, 1),
# rows without customer, refunded lines, a refund on a line, padded IDs, IDs with leading zeros, status
# words in other cases, lines of one order with different statuses, identical lines, full-width spaces
# around names, an order paid after the as-of date.
TRICKY = (
    HEADER
    + """\
A001, 00123 ,2026-11-01 10:00:00,100.00,0,交易成功,张三,13812341234,CNY
A001, 00123 ,2026-11-01 10:00:00,20.50,,交易成功,张三,13812341234,CNY
A001, 00123 ,2026-11-01 10:00:00,20.50,,交易成功,张三,13812341234,CNY
A002,00123,2026-11-05 09:30:00,80.00,30,部分退款,　张三　,13812341234,CNY
A003,\t00456,2026-10-02 12:00:00,35.00,0,Paid,李四,-,CNY
A003,00456,2026-10-02 12:00:00,15.00,15,已付款,李四,-,CNY
A004,00456,2026-10-20 08:00:00,60.00,0,退款成功,李四,,CNY
A005,00789,,45.00,0,待付款,王五,13700001234,CNY
A006,00789,2026-09-15 18:00:00,45.00,0,已发货,王五,13700001234,CNY
A006,00789,2026-09-15 18:00:00,10.00,10,退款成功,王五,13700001234,CNY
A007,-,2026-11-02 11:00:00,30.00,0,交易成功,,,CNY
A008\t,,2026-11-03 11:00:00,25.00,0,completed,,,CNY
A008,N/A,2026-11-03 11:00:00,5.00,0,completed,,,CNY
A009,00999,2026-08-01 10:00:00,-,0,交易成功,赵六,13900000000,CNY
A010,00999,2026-08-02 10:00:00,70.00,0,等待卖家发货,赵六,13900000000,CNY
A011,00999,2026-08-03 10:00:00,70.00,0,等待卖家发货,赵六,13900000000,CNY
A012,00999,2026-08-04 10:00:00,70.00,0,等待卖家发货,赵六,13900000000,CNY
A013,01000,2026-07-04 10:00:00,12.00,0,weird,孙七,13911111111,CNY
A014,01000,2026-07-05 10:00:00,12.00,0,weird,孙七,13911111111,CNY
A015,01000,2026-07-06 10:00:00,12.00,0,odd,孙七,13911111111,CNY
A016,01000,2026-06-06 10:00:00,88.00,0, COMPLETED ,孙七,13911111111,CNY
A017,01000,2026-05-06 10:00:00,66.00,0,NULL,孙七,13911111111,CNY
A018,01000,-,66.00,0,,孙七,13911111111,CNY
A019,01000,2026-12-06 10:00:00,66.00,0,交易成功,孙七,13911111111,CNY
A020,01001,2025-01-06 10:00:00,99.00,0,交易关闭,周八,13922222222,CNY
A021,01001,2025-03-06 10:00:00,99.00,0,shipped,周八,13922222222,CNY
A022,01001,2026-03-06 10:00:00,0,0,shipped,周八,13922222222,CNY
"""
)
AS_OF = dt.date(2026, 11, 30)  # the 365-day window starts on 2025-12-01

# TRICKY by hand, as of AS_OF: customer -> (recency, frequency, monetary).
# 00123: A001 = 100 + 20.50 + 20.50 (empty refund = 0) = 141 on 11-01; A002 = 80 - 30 = 50 on 11-05.
# 00456: A003 = 35 + (15 - 15) = 35 on 10-02; A004 is refunded (net 0): not a purchase.
# 00789: A005 is pending and unpaid; A006 = 45 + a refunded line (net 0) = 45 on 09-15.
# 01000: A013-A015 unknown statuses; A016 COMPLETED 88 on 06-06; A017 (NULL = no status, paid) 66 on
#        05-06; A018 has no status and no payment time; A019 is paid after AS_OF.
# 00999: A009 has no amount ("-": net 0), A010-A012 unknown statuses: no purchase.
# 01001: A020 cancelled, A021 before the window (lapsed), A022 free (net 0).
# A007 and A008 (3 lines, 30 + 25 + 5 = 60) have no customer ("-", "", "N/A").
BASE_CUSTOMERS = {
    "00123": (25, 2, 191.0),
    "00456": (59, 1, 35.0),
    "00789": (76, 1, 45.0),
    "01000": (177, 2, 154.0),
}
BASE_EXCLUDED = {
    "lines": 27,
    "unsold_lines": {"cancelled": 1, "pending": 1, "unknown": 6},  # A020; A005; A010-A015
    "sold_lines_without_paid_at": 1,  # A018
    "lines_without_customer": 3,
    "orders_without_customer": 2,
    "amount_without_customer": 60.0,
}
BASE_NOT_POSITIVE = 3  # A004 (refunded), A009 (no amount), A022 (free)
BASE_UNKNOWN = [("等待卖家发货", 3), ("weird", 2), ("odd", 1)]


def write(tmp_path, text: str, name: str = "orders.csv", encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def write_bytes(path, data: bytes):
    path.write_bytes(data)
    return path


def by_customer(result) -> dict[str, tuple[int, int, float]]:
    table = result.customers
    return {
        row.customer_id: (int(row.recency), int(row.frequency), round(float(row.monetary), 6))
        for row in table.itertuples()
    }


def issue_rows(issues) -> list[tuple]:
    """The findings as the user sees them, without the file name (which differs between copies)."""
    return [(i.code, i.row, i.column, i.value, i.count, i.message) for i in issues]


def test_tricky_file_lines_issues_and_exclusions(tmp_path):
    frame, issues = rfm.read_orders([write(tmp_path, TRICKY)])
    assert len(frame) == 27
    assert [(i.code, i.column, i.value, i.count) for i in issues] == [
        ("unknown_status", "status", word, count) for word, count in BASE_UNKNOWN
    ]
    assert frame["currency"].astype(str).unique().tolist() == ["CNY"]
    # " 00123 " and "\t00456" trimmed, leading zeros kept; "-", "" and "N/A" are no customer
    assert frame["customer_id"].head(5).tolist() == ["00123"] * 4 + ["00456"]
    assert frame["customer_id"].iloc[10:13].isna().all()
    assert frame["order_id"].iloc[11] == "A008"  # "A008\t"
    assert frame["customer_name"].iloc[3] == "张三"  # full-width spaces trimmed
    assert frame["status"].iloc[20] == "completed"  # " COMPLETED "
    assert pd.isna(frame["status"].iloc[21]) and pd.isna(frame["status"].iloc[22])  # "NULL" and ""
    assert pd.isna(frame["amount"].iloc[13]) and pd.isna(frame["refund"].iloc[1])
    result = rfm.segment(frame, as_of=AS_OF)
    assert {k: v for k, v in result.exclusions.to_dict().items() if k in BASE_EXCLUDED} == BASE_EXCLUDED
    assert (result.lapsed, result.orders_not_positive, result.purchases_after_as_of) == (1, BASE_NOT_POSITIVE, 1)


def test_tricky_customers_by_hand(tmp_path):
    frame, _ = rfm.read_orders([write(tmp_path, TRICKY)])
    result = rfm.segment(frame, as_of=AS_OF)
    assert by_customer(result) == BASE_CUSTOMERS
    assert result.revenue == pytest.approx(191 + 35 + 45 + 154)
    table = result.customer_table(mask=False).set_index("customer_id")
    assert table.loc["00123", "customer_name"] == "张三"
    assert table.loc["01000", "phone"] == "13911111111"
    repurchase, _ = rfm.repurchase_report(frame, AS_OF)
    assert (repurchase.buyers, repurchase.repeat_buyers, repurchase.purchases) == (4, 2, 6)  # 00123 and 01000 repeat


def test_tricky_all_history_and_default_as_of(tmp_path):
    frame, _ = rfm.read_orders([write(tmp_path, TRICKY)])
    everything = rfm.segment(frame, as_of=AS_OF, window_days=None)
    assert by_customer(everything) == {**BASE_CUSTOMERS, "01001": ((AS_OF - dt.date(2025, 3, 6)).days, 1, 99.0)}
    assert everything.lapsed == 0
    # the default as-of date is the day after the last sale (A019, 2026-12-06): A019 then counts
    later = rfm.segment(frame)
    assert later.as_of == dt.date(2026, 12, 7)
    shift = (later.as_of - AS_OF).days
    assert by_customer(later) == {
        **{c: (r + shift, f, m) for c, (r, f, m) in BASE_CUSTOMERS.items()},
        "01000": (1, 3, 154.0 + 66.0),
    }


def test_created_at_stands_in_without_paid_at(tmp_path):
    frame, _ = rfm.read_orders([write(tmp_path, TRICKY.replace("paid_at", "created_at", 1))])
    result = rfm.segment(frame, as_of=AS_OF)
    assert by_customer(result) == BASE_CUSTOMERS
    assert [i.code for i in result.issues] == ["order_time_as_paid"]


def test_paid_at_wins_over_created_at(tmp_path):
    rows = TRICKY.splitlines()
    text = "\n".join([rows[0] + ",created_at"] + [row + ",2026-01-01 00:00:00" for row in rows[1:]]) + "\n"
    frame, _ = rfm.read_orders([write(tmp_path, text)])
    result = rfm.segment(frame, as_of=AS_OF)
    assert by_customer(result) == BASE_CUSTOMERS
    assert result.exclusions.sold_lines_without_paid_at == 1  # A018: its created_at does not stand in


def test_date_only_times_bom_crlf_and_quotes(tmp_path):
    text = TRICKY
    for time in (" 10:00:00", " 09:30:00", " 12:00:00", " 18:00:00", " 11:00:00", " 08:00:00"):
        text = text.replace(time, "")
    text = "\ufeff" + text.replace("A001", '"A001"').replace(",张三,", ',"张,三",').replace("\n", "\r\n")
    frame, _ = rfm.read_orders([write(tmp_path, text)])
    assert frame.columns[0] == "order_id"  # the BOM is not part of the first header
    assert frame["order_id"].iloc[0] == "A001" and frame["customer_name"].iloc[0] == "张,三"
    assert by_customer(rfm.segment(frame, as_of=AS_OF)) == BASE_CUSTOMERS  # R counts days


GENERATED_WORDS = np.array(
    ["交易成功", "已发货", "已付款", "退款成功", "交易关闭", "待付款", "completed", "Paid", "退货中", "等待卖家发货"],
    dtype=object,
)


def generated_orders(lines: int, customers: int, seed: int) -> str:
    """A canonical export: orders of 1-4 lines over two years, 2% without customer, a few missing
    amounts and times, statuses in Chinese and English including unknown words."""
    rng = np.random.default_rng(seed)
    sizes = rng.integers(1, 5, size=lines)
    order = np.repeat(np.arange(lines), sizes)[:lines]
    n_orders = order.max() + 1
    customer = rng.integers(0, customers, size=n_orders).astype(object)
    customer = np.array([f"{c:07d}" for c in customer], dtype=object)
    customer[rng.random(n_orders) < 0.02] = ""
    paid = pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 730 * 86400, n_orders), unit="s")
    paid = paid.strftime("%Y-%m-%d %H:%M:%S").to_numpy(dtype=object)
    status = GENERATED_WORDS[
        rng.choice(len(GENERATED_WORDS), size=n_orders, p=[0.5, 0.1, 0.08, 0.05, 0.05, 0.05, 0.1, 0.04, 0.02, 0.01])
    ]
    paid[status == "待付款"] = ""
    amount = np.round(np.exp(rng.normal(3.5, 1.0, size=lines)), 2).astype(str).astype(object)
    amount[rng.random(lines) < 0.001] = "-"
    line_status = status[order].copy()
    line_status[rng.random(lines) < 0.01] = "退款成功"  # a refunded line in a completed order
    frame = pd.DataFrame(
        {
            "order_id": [f"T{o:09d}" for o in order],
            "customer_id": customer[order],
            "paid_at": paid[order],
            "amount": amount,
            "status": line_status,
            "sku": rng.integers(1000, 2000, size=lines),
            "channel": "天猫",
        }
    )
    return frame.to_csv(index=False)


# The generic adapter's reading of those words, written out by hand (ecomplan.ingest.sources.generic).
HAND_STATUS = {
    "交易成功": "completed",
    "已发货": "shipped",
    "已付款": "paid",
    "退款成功": "refunded",
    "交易关闭": "cancelled",
    "待付款": "pending",
    "completed": "completed",
    "Paid": "paid",
    "退货中": "unknown",
    "等待卖家发货": "unknown",
}
SOLD = {"paid", "shipped", "completed", "refunded", "partially_refunded"}


def reference_rfm(text: str, as_of: dt.date, window_days: int) -> pd.DataFrame:
    """Per-customer recency, frequency and monetary of a generated export by the documented rules,
    in plain pandas on the raw text: sold = a paid-like status and a payment time; a refunded line nets
    0; lines without customer are left out; orders are (customer, order id) with the date of their
    earliest payment; a purchase is an order with net > 0 in the window's days."""
    raw = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    status = raw["status"].map(HAND_STATUS)
    assert status.notna().all()
    amount = pd.to_numeric(raw["amount"].where(raw["amount"] != "-"))
    paid = pd.to_datetime(raw["paid_at"].where(raw["paid_at"] != ""), format="%Y-%m-%d %H:%M:%S")
    keep = status.isin(SOLD) & paid.notna() & (raw["customer_id"] != "")
    lines = pd.DataFrame(
        {
            "customer_id": raw["customer_id"],
            "order_id": raw["order_id"],
            "day": paid.dt.normalize(),
            "net": np.where(status == "refunded", 0.0, amount.fillna(0.0)),
        }
    )[keep]
    orders = lines.groupby(["customer_id", "order_id"]).agg(day=("day", "min"), net=("net", "sum")).reset_index()
    end = pd.Timestamp(as_of)
    start = end - pd.Timedelta(days=window_days - 1)
    bought = orders[(orders["net"].round(6) > 0) & orders["day"].between(start, end)]
    table = bought.groupby("customer_id").agg(frequency=("net", "size"), monetary=("net", "sum"), last=("day", "max"))
    table["recency"] = (end - table["last"]).dt.days
    return table


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_a_generated_export_matches_an_independent_pandas_reference(tmp_path, encoding):
    text = generated_orders(100_000, 8_000, 6)
    as_of = dt.date(2026, 6, 30)  # the data runs to 2026-12-31: purchases after as_of and before the window
    frame, issues = rfm.read_orders([write(tmp_path, text, encoding=encoding)])
    assert len(frame) == 100_000
    raw_status = pd.read_csv(io.StringIO(text), dtype=str, usecols=["status"])["status"]
    assert frame["status"].astype(str).tolist() == raw_status.map(HAND_STATUS).tolist()
    assert {i.value for i in issues if i.code == "unknown_status"} == {"退货中", "等待卖家发货"}
    got = rfm.segment(frame, as_of=as_of, window_days=365).customers.set_index("customer_id").sort_index()
    expected = reference_rfm(text, as_of, 365).sort_index()
    assert len(expected) > 4_000
    assert got.index.tolist() == expected.index.tolist()
    assert got["frequency"].tolist() == expected["frequency"].tolist()
    assert got["recency"].tolist() == expected["recency"].tolist()
    np.testing.assert_allclose(got["monetary"].to_numpy(), expected["monetary"].to_numpy(), rtol=0, atol=1e-6)


@pytest.mark.parametrize(
    "text, as_of",
    [(TRICKY, AS_OF), (generated_orders(5_000, 600, 7), dt.date(2026, 12, 31))],
    ids=["tricky", "generated"],
)
def test_encodings_and_line_endings_give_the_same_results(tmp_path, text, as_of):
    def read(path, options=None):
        frame, issues = rfm.read_orders([path], options)
        return dumps(rfm.segment(frame, as_of=as_of).to_dict()), issue_rows(issues)

    document, issues = read(write(tmp_path, text, "plain.csv"))
    assert json.loads(document)["customers"] > 0 and issues
    for encoding in ("utf-8", "utf-8-sig", "gbk", "gb18030"):
        for newline in ("\n", "\r\n"):
            path = write(tmp_path, text.replace("\n", newline), f"{encoding}{len(newline)}.csv", encoding)
            assert read(path) == (document, issues), (encoding, newline)
            if encoding in ("gbk", "gb18030"):  # --encoding gbk --platform generic, as a user would give them
                assert read(path, ReadOptions(encoding="gbk", platform="generic")) == (document, issues)


def test_gb18030_quoted_cells_with_a_line_break_or_a_comma_read_back_exactly(tmp_path):
    text = TRICKY.replace("\n", "\r\n").replace("孙七", '"孙\n七"').replace(",张三,", ',"张,三",')
    path = write(tmp_path, text, "orders.gb18030.csv", "gb18030")
    frame, _ = rfm.read_orders([path])
    assert len(frame) == 27
    assert frame.loc[frame["order_id"] == "A016", "customer_name"].tolist() == ["孙\n七"]
    assert frame.loc[frame["order_id"] == "A001", "customer_name"].tolist() == ["张,三"] * 3
    assert frame["phone"].iloc[20] == "13911111111"  # the cells after the line break stay in their columns
    table = rfm.segment(frame, as_of=AS_OF).customer_table(mask=False).set_index("customer_id")
    assert table.loc["01000", "customer_name"] == "孙\n七"
    assert by_customer(rfm.segment(frame, as_of=AS_OF)) == BASE_CUSTOMERS


def test_an_invalid_gb18030_byte_after_the_first_megabyte_is_an_error(tmp_path):
    text = generated_orders(40_000, 1_000, 3)
    *body, last = text.splitlines(keepends=True)
    cells = last.rstrip("\n").split(",")  # the status of the last line (a column RFM reads) becomes a bad byte pair
    before, after = ",".join(cells[:4]) + ",", "," + ",".join(cells[5:]) + "\n"
    data = ("".join(body) + before).encode("gb18030") + b"\x81\x20" + after.encode("gb18030")
    assert len(data) > 1 << 20  # the first megabyte decodes: the bad byte is found while reading
    with pytest.raises(InputError, match="not valid gb18030"):
        rfm.read_orders([write_bytes(tmp_path / "broken.csv", data)])


class Cell(NamedTuple):
    """A cell the one path reads from a changed TRICKY line, and what the change does to the results."""

    old: str
    new: str
    cell: tuple[int, str, object]  # (frame row, column, value read; None: missing)
    issues: Sequence[tuple] = ()  # findings other than unknown_status: (code, row, column, value)
    lines: int = 27
    customers: Mapping[str, tuple] = {}  # changes to BASE_CUSTOMERS
    excluded: Mapping[str, object] = {}  # changes to BASE_EXCLUDED
    not_positive: int = BASE_NOT_POSITIVE
    unknown: Sequence[tuple] = BASE_UNKNOWN


CELLS = {
    "decorated amount": Cell(
        "100.00,0,交易成功", '"1,100.00",0,交易成功', (0, "amount", 1100.0), customers={"00123": (25, 2, 1191.0)}
    ),
    "underscore in a number is no number": Cell(
        "20.50,,",
        "2_0.50,,",
        (1, "amount", None),
        issues=[("bad_number", 3, "amount", "2_0.50")],
        customers={"00123": (25, 2, 170.5)},  # 100 + 20.50 + 50: the line nets 0
    ),
    "currency sign": Cell("70.00,0,等待卖家发货", "¥70.00,0,等待卖家发货", (14, "amount", 70.0)),
    "full-width currency sign on a sale": Cell("80.00,30", "￥80.00,30", (3, "amount", 80.0)),
    "another date layout": Cell(
        "2026-11-05 09:30:00", "2026/11/05 09:30:00", (3, "paid_at", pd.Timestamp("2026-11-05 09:30:00"))
    ),
    "Taobao's unpaid placeholder": Cell(
        "2026-11-05 09:30:00",
        "0000-00-00 00:00:00",
        (3, "paid_at", None),
        customers={"00123": (29, 1, 141.0)},  # A002 has no payment time: only A001 is bought
        excluded={"sold_lines_without_paid_at": 2},
    ),
    "Unix 0 placeholder": Cell(
        "2026-11-05 09:30:00",
        "1970-01-01 08:00:00",
        (3, "paid_at", None),
        customers={"00123": (29, 1, 141.0)},
        excluded={"sold_lines_without_paid_at": 2},
    ),
    "row without order id": Cell(
        "A009,",
        ",",
        (13, "order_id", "A010"),
        issues=[("missing_required", 15, "order_id", None)],
        lines=26,
        excluded={"lines": 26},
        not_positive=2,  # A009 (no amount) is gone
    ),
    "summary row": Cell(
        "A009,",
        "合计,",
        (13, "order_id", "A010"),
        issues=[("summary_row", 15, None, None)],
        lines=26,
        excluded={"lines": 26},
        not_positive=2,
    ),
    "Excel-proof prefix": Cell("A002,", "'A002,", (3, "order_id", "A002")),
    "short row": Cell(
        "A002,00123,2026-11-05 09:30:00,80.00,30",
        "A002,00123,2026-11-05 09:30:00,80.00",
        (3, "order_id", "A003"),
        issues=[("malformed_row", ANY, None, None)],  # the row number is not known (None): see the report
        lines=26,
        customers={"00123": (29, 1, 141.0)},
        excluded={"lines": 26},
    ),
    "two unknown words with the same count": Cell(
        ",odd,", ",weird,", (19, "status_raw", "weird"), unknown=[("等待卖家发货", 3), ("weird", 3)]
    ),
    "infinite amount": Cell(
        "45.00,0,待付款", "inf,0,待付款", (7, "amount", None), issues=[("bad_number", 9, "amount", "inf")]
    ),
    # A space before a quote: the quotes are part of the cell (as Python's csv module and pandas read it),
    # so A002's buyer is another customer than 00123.
    "space before a quoted cell": Cell(
        "A002,00123,",
        'A002, "00123",',
        (3, "customer_id", '"00123"'),
        customers={"00123": (29, 1, 141.0), '"00123"': (25, 1, 50.0)},
    ),
    "space after a quoted cell": Cell("35.00,0,Paid,", '35.00,0,"Paid" ,', (4, "status", "paid")),
}


def cell_cases():
    for name, case in CELLS.items():
        yield pytest.param(case, "utf-8", id=f"{name}-utf8")
        yield pytest.param(case, "gb18030", id=f"{name}-gb18030")


@pytest.mark.parametrize("case, encoding", list(cell_cases()))
def test_decorated_and_damaged_cells_through_the_one_path(tmp_path, case, encoding):
    assert TRICKY.count(case.old) >= 1
    text = TRICKY.replace(case.old, case.new, 1)
    if encoding != "utf-8":
        text = text.replace("\n", "\r\n")
    frame, issues = rfm.read_orders([write(tmp_path, text, encoding=encoding)], ReadOptions(allow_skipped=True))
    assert len(frame) == case.lines
    row, column, value = case.cell
    if value is None:
        assert pd.isna(frame[column].iloc[row])
    else:
        assert frame[column].iloc[row] == value
    assert [(i.code, i.row, i.column, i.value) for i in issues if i.code != "unknown_status"] == list(case.issues)
    assert sorted((i.value, i.count) for i in issues if i.code == "unknown_status") == sorted(case.unknown)
    result = rfm.segment(frame, as_of=AS_OF)
    assert by_customer(result) == {**BASE_CUSTOMERS, **case.customers}
    excluded = {**BASE_EXCLUDED, **case.excluded}
    assert {k: v for k, v in result.exclusions.to_dict().items() if k in excluded} == excluded
    assert result.orders_not_positive == case.not_positive


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030", "gbk"])
def test_a_row_with_a_cell_too_many_is_skipped_in_any_encoding(tmp_path, encoding):
    """A002's line with an 11th cell holding Chinese text is skipped and reported; the rest is read."""
    text = TRICKY.replace("13812341234,CNY\nA003", "13812341234,CNY,多余\nA003", 1)
    frame, issues = rfm.read_orders([write(tmp_path, text, encoding=encoding)], ReadOptions(allow_skipped=True))
    assert frame["order_id"].tolist()[:4] == ["A001", "A001", "A001", "A003"]
    assert [i.code for i in issues if i.code != "unknown_status"] == ["malformed_row"]
    assert by_customer(rfm.segment(frame, as_of=AS_OF))["00123"] == (29, 1, 141.0)


def test_an_id_cell_reads_the_same_whatever_the_other_cells_hold(tmp_path):
    text = TRICKY.replace("A002,00123,", 'A002,00123",', 1)
    alone, _ = rfm.read_orders([write(tmp_path, text, "alone.csv")])
    beside, _ = rfm.read_orders([write(tmp_path, text.replace("A009,00999,", "A009,'00999,", 1), "beside.csv")])
    assert beside["customer_id"].iloc[13] == "00999"  # the apostrophe is stripped
    assert alone["customer_id"].iloc[3] == beside["customer_id"].iloc[3]


def cli(*args):
    return runner.invoke(app, ["rfm", *args])


def test_cli_segment_of_the_tricky_file(tmp_path):
    result = cli("segment", str(write(tmp_path, TRICKY)), "--json", "--as-of", "2026-11-30")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["customers"] == len(BASE_CUSTOMERS)
    assert data["revenue"] == pytest.approx(191 + 35 + 45 + 154)
    assert {k: v for k, v in data["excluded"].items() if k in BASE_EXCLUDED} == BASE_EXCLUDED
    unknown = [(i["value"], i["count"]) for i in data["issues"] if i["code"] == "unknown_status"]
    assert unknown == BASE_UNKNOWN
    assert "warning: 2 sold orders (3 lines) have no customer id" in result.stderr


def test_cli_repurchase_of_the_tricky_file(tmp_path):
    result = cli("repurchase", str(write(tmp_path, TRICKY)), "--json", "--as-of", "2026-11-30")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["buyers"], data["repeat_buyers"], data["purchases"]) == (4, 2, 6)
    assert data["repurchase_rate"] == pytest.approx(2 / 4)


@pytest.mark.parametrize("command", ["segment", "repurchase"])
@pytest.mark.parametrize(
    "text, message",
    [
        (HEADER, "no sold orders"),
        (HEADER + "A1,C1,2026-11-01 10:00:00,5,,交易关闭,,,CNY\n", "no sold orders"),
        (HEADER + "A1,,2026-11-01 10:00:00,5,,交易成功,,,CNY\n", "no sold order has a customer id"),
    ],
    ids=["header only", "nothing sold", "no customer"],
)
def test_cli_files_without_customers_to_score_fail(tmp_path, command, text, message):
    result = cli(command, str(write(tmp_path, text)), "--json", "--as-of", "2026-11-30")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert f"error: orders.csv: {message}" in result.stderr


def test_the_order_time_is_read_only_without_a_payment_time(tmp_path):
    both = "order_id,customer_id,created_at,paid_at,amount\nA1,c1,2026-11-01 09:00:00,2026-11-01 10:00:00,10\n"
    frame, _ = rfm.read_orders([write(tmp_path, both, "both.csv")])
    assert "paid_at" in frame and "created_at" not in frame
    only = "order_id,customer_id,created_at,amount\nA1,c1,2026-11-01 09:00:00,10\n"
    frame, issues = rfm.read_orders([write(tmp_path, only, "only.csv")])
    assert "created_at" in frame and [i.code for i in issues] == []


def test_duckdb_spills_to_a_private_folder_that_is_removed(tmp_path, monkeypatch):
    import os
    import subprocess
    import sys
    import tempfile

    from ecomplan.rfm import metrics

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    orphan = tmp_path / f"{metrics.SCRATCH_PREFIX}{dead.stdout.strip()}-abc"
    orphan.mkdir()
    (orphan / "spill.tmp").write_text("customer ids", encoding="utf-8")
    alive = tmp_path / f"{metrics.SCRATCH_PREFIX}{os.getppid()}-def"
    alive.mkdir()
    seen = []
    real = metrics._duckdb_config
    monkeypatch.setattr(metrics, "_duckdb_config", lambda scratch: seen.append(scratch) or real(scratch))
    monkeypatch.chdir(tmp_path)
    frame, _ = rfm.read_orders([write(tmp_path, TRICKY)])
    rfm.segment(frame, as_of=AS_OF)
    assert not orphan.exists() and alive.exists()  # a killed run's folder goes, a live process's stays
    assert seen and seen[0].parent == tmp_path and not seen[0].exists()
    assert not (tmp_path / ".tmp").exists()


def test_rows_left_out_are_an_error_unless_allowed(tmp_path):
    """Row accounting: a row with money that could not be read stops the command, naming it."""
    path = write(tmp_path, TRICKY.replace("A009,", ",", 1))  # row 15: an amount without order id
    with pytest.raises(InputError, match=r"1 of 27 data rows were left out: 1 without a required field \(row 15\)"):
        rfm.read_orders([path])
    frame, issues = rfm.read_orders([path], ReadOptions(allow_skipped=True))
    assert len(frame) == 26 and [i.row for i in issues if i.code == "missing_required"] == [15]
    result = runner.invoke(app, ["rfm", "segment", str(path), "--json"])
    assert result.exit_code == 1 and "--allow-skipped" in result.stderr
    assert runner.invoke(app, ["rfm", "segment", str(path), "--json", "--allow-skipped"]).exit_code == 0


UNCLOSED = (
    "order_id,customer_id,paid_at,amount,title\n"
    + "".join(f'O{i},C{i % 7},2026-11-{1 + i % 28:02d} 10:00:00,{100 + i}.50,"item, {i}"\n' for i in range(49))
    + 'O49,C0,2026-11-22 10:00:00,149.50,"12 inch pizza\n'  # the quote is never closed
    + "".join(f"O{i},C{i % 7},2026-11-{1 + i % 28:02d} 10:00:00,{100 + i}.50,plain {i}\n" for i in range(50, 400))
)


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_an_unclosed_quote_that_swallows_the_rows_below_is_reported(tmp_path, encoding):
    """The swallowed rows sit inside one cell of a row whose cell count still fits: no row is malformed,
    yet 350 rows (their revenue too) would be gone."""
    path = write(tmp_path, UNCLOSED, encoding=encoding)
    result = runner.invoke(app, ["rfm", "segment", str(path), "--json", "--as-of", "2026-11-30"])
    assert result.exit_code == 1
    assert "350 swallowed by an unclosed quote (rows 52-401)" in result.stderr
    result = runner.invoke(app, ["rfm", "segment", str(path), "--json", "--as-of", "2026-11-30", "--allow-skipped"])
    assert result.exit_code == 0, result.output
    issue = next(i for i in json.loads(result.stdout)["issues"] if i["code"] == "unclosed_quote")
    assert (issue["row"], issue["count"]) == (51, 350)
    assert json.loads(result.stdout)["revenue"] == pytest.approx(sum(100 + i + 0.5 for i in range(50)))


def test_a_quote_that_merges_two_rows_is_reported_as_such(tmp_path):
    text = UNCLOSED.replace("plain 50\n", '"plain, 50"\n', 1)  # the next quote closes the cell one line below
    with pytest.raises(
        InputError, match=r"1 with the wrong number of cells \(row 51\); 1 swallowed by an unclosed quote \(row 52\)"
    ):
        rfm.read_orders([write(tmp_path, text)])


def test_multi_line_notes_are_not_swallowed_rows(tmp_path):
    text = "order_id,customer_id,paid_at,amount,note\n" + "".join(
        f'O{i},C{i % 5},2026-11-{1 + i % 28:02d} 10:00:00,{10 + i},"deliver after 6pm\nring twice"\n' for i in range(30)
    )
    frame, issues = rfm.read_orders([write(tmp_path, text)])
    assert len(frame) == 30 and not [i for i in issues if i.code in {"unclosed_quote", "malformed_row"}]


def test_a_table_without_money_may_lose_up_to_one_percent_of_its_rows(tmp_path):
    from ecomplan.ingest.load import load

    rows = "".join(f"O{i},C{i},2026-11-01 10:00:00\n" for i in range(200))
    one = write(tmp_path, "order_id,customer_id,paid_at\n" + rows + ",C9,2026-11-02 10:00:00\n", "one.csv")
    assert len(load(one, "orders").frame) == 200  # 1 of 201 rows: reported, not an error
    three = write(tmp_path, "order_id,customer_id,paid_at\n" + rows + ",C9,2026-11-02 10:00:00\n" * 3, "three.csv")
    with pytest.raises(InputError, match="3 of 203 data rows were left out"):
        load(three, "orders")


def test_malformed_rows_are_named_by_their_row(tmp_path):
    text = "order_id,customer_id,paid_at,amount\nA1,c1,2026-11-01,10\nA2\nA3,c3,2026-11-03,30,extra\n"
    with pytest.raises(InputError, match=r"2 with the wrong number of cells \(rows 3, 4\)"):
        rfm.read_orders([write(tmp_path, text)])
    _, issues = rfm.read_orders([write(tmp_path, text)], ReadOptions(allow_skipped=True))
    assert [(i.code, i.row) for i in issues] == [("malformed_row", 3), ("malformed_row", 4)]


def _order_fixtures() -> list[Path]:
    """Every fixture file the loader reads as orders (platform exports of every layout ecomplan knows)."""
    from ecomplan.core.errors import EcomplanError
    from ecomplan.ingest.load import load

    found = []
    root = Path(__file__).parent / "fixtures"
    for path in sorted(root.rglob("*")):
        if not path.is_file() or path.suffix.lower() not in {".csv", ".xlsx", ".xls", ".txt", ".gz", ".zip"}:
            continue
        try:
            if len(load([path], "orders").frame):
                found.append(path)
        except (EcomplanError, ValueError):
            continue
    return found


ORDER_FIXTURES = _order_fixtures()


def test_the_order_fixtures_cover_the_platforms():
    assert len(ORDER_FIXTURES) >= 8
    assert {p.parent.name for p in ORDER_FIXTURES} >= {"rfm", "douyin", "pdd"}


@pytest.mark.parametrize("path", ORDER_FIXTURES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_rfm_reads_every_order_export_the_loader_reads(path):
    """`read_orders` parses only RFM's columns; the export must still be recognised as itself (a 抖店 订单导出
    was not: the column it is known by, 子订单编号, was left out of the partial read)."""
    from ecomplan.ingest.load import load

    whole = load([path], "orders").frame
    partial, _ = rfm.read_orders([path])
    columns = [c for c in ("order_id", "customer_id", "amount", "refund", "status", "paid_at") if c in partial]
    assert {"order_id", "amount"} <= set(columns)
    pd.testing.assert_frame_equal(
        partial[columns].reset_index(drop=True), whole[columns].reset_index(drop=True), check_dtype=False
    )
