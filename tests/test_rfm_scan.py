"""The DuckDB scan of canonical order CSVs gives exactly what the loader's path gives.

Every case runs both paths on the same file: `rfm.scan.scan_orders` (DuckDB
reads the CSV) and `ecomplan.ingest.load(..., columns=ORDER_COLUMNS)` (the loader's
frame), and compares the complete `--json` documents (segments, thresholds,
exclusions, repurchase, cohorts, migration, issues) and the per-customer
tables. Files the scan cannot read exactly as the loader does must give None,
so the CLI takes the loader and still reports the right numbers.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from ecomplan import rfm
from ecomplan.cli.app import app
from ecomplan.core.errors import InputError
from ecomplan.ingest.load import load
from ecomplan.ingest.options import ReadOptions
from ecomplan.render.output import dumps
from ecomplan.rfm import scan
from ecomplan.rfm.metrics import ORDER_COLUMNS, create_orders

runner = CliRunner()

HEADER = "order_id,customer_id,paid_at,amount,refund,status,customer_name,phone,currency\n"
# Lines that exercise the loader's reading of cells: missing-value tokens, unknown statuses (counts 3, 2, 1),
# rows without customer, refunded lines, a refund on a line, padded IDs (the whole column is then trimmed),
# IDs with leading zeros, status words in other cases, lines of one order with different statuses,
# identical lines, full-width spaces around names, an order paid after the as-of date.
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
AS_OF = dt.date(2026, 11, 30)


def write(tmp_path, text: str, name: str = "orders.csv", encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def scanned(path, options: ReadOptions | None = None) -> scan.ScannedOrders:
    result = scan.scan_orders(path, options)
    assert result is not None, "the scan gave way on a file it should read"
    return result


def loaded(path, options: ReadOptions | None = None):
    return load(path, "orders", options, columns=list(ORDER_COLUMNS))


def segment_document(orders, issues, **options) -> str:
    result = rfm.segment(orders, **options)
    result.issues = list(issues) + result.issues
    return dumps(result.to_dict())


def assert_same_results(path, **options):
    """Both paths give the same `--json` document and the same per-customer table."""
    with scanned(path) as orders:
        fast = segment_document(orders, orders.issues, **options)
        fast_table = rfm.segment(orders, **options).customer_table(mask=False)
        fast_repurchase = [dumps(part.to_dict()) for part in rfm.repurchase_report(orders, options.get("as_of"))]
    frame = loaded(path)
    slow = segment_document(frame.frame, frame.issues, **options)
    assert json.loads(fast) == json.loads(slow)
    assert fast == slow
    pd.testing.assert_frame_equal(fast_table, rfm.segment(frame.frame, **options).customer_table(mask=False))
    assert fast_repurchase == [
        dumps(part.to_dict()) for part in rfm.repurchase_report(frame.frame, options.get("as_of"))
    ]
    return json.loads(fast)


@pytest.mark.parametrize(
    "options",
    [
        {"as_of": AS_OF},
        {"as_of": AS_OF, "window_days": None},
        {"as_of": AS_OF, "window_days": 90, "frequency": "days"},
        {"as_of": AS_OF, "scheme": "rfm11", "compare_as_of": dt.date(2026, 10, 31)},
        {"as_of": None},
    ],
)
def test_tricky_cells_give_the_loaders_results(tmp_path, options):
    document = assert_same_results(write(tmp_path, TRICKY), **options)
    assert document["customers"] > 0


def test_tricky_file_is_read_as_the_loader_reads_it(tmp_path):
    path = write(tmp_path, TRICKY)
    with scanned(path) as orders:
        assert orders.lines == 27
        assert orders.currency_frame()["currency"].tolist() == ["CNY"]
        issues = [(i.value, i.count) for i in orders.issues]
        result = rfm.segment(orders, as_of=AS_OF)
    assert issues == [("等待卖家发货", 3), ("weird", 2), ("odd", 1)]
    table = result.customer_table(mask=False).set_index("customer_id")
    assert "00123" in table.index and "00456" in table.index  # trimmed, leading zeros kept
    assert table.loc["00123", "customer_name"] == "张三"  # full-width spaces trimmed
    ex = result.exclusions
    assert (ex.lines_without_customer, ex.orders_without_customer) == (3, 2)
    assert ex.unsold_lines["unknown"] == 6 and ex.sold_lines_without_paid_at == 1


def test_created_at_stands_in_without_paid_at(tmp_path):
    text = TRICKY.replace("paid_at", "created_at", 1)
    document = assert_same_results(write(tmp_path, text), as_of=AS_OF)
    assert any("created_at" in issue["message"] for issue in document["issues"])


def test_paid_at_and_created_at_both_present(tmp_path):
    rows = TRICKY.splitlines()
    text = "\n".join([rows[0] + ",created_at"] + [row + ",2026-01-01 00:00:00" for row in rows[1:]]) + "\n"
    assert_same_results(write(tmp_path, text), as_of=AS_OF)


def test_date_only_times_crlf_bom_and_quotes(tmp_path):
    text = (
        "\ufeff"
        + TRICKY.replace(" 10:00:00", "")
        .replace(" 09:30:00", "")
        .replace(" 12:00:00", "")
        .replace(" 18:00:00", "")
        .replace(" 11:00:00", "")
        .replace(" 08:00:00", "")
        .replace("A001", '"A001"')
        .replace(",张三,", ',"张,三",')
    ).replace("\n", "\r\n")
    assert_same_results(write(tmp_path, text), as_of=AS_OF)


def test_generic_fixture_and_refunds_export(fixtures):
    path = fixtures / "rfm" / "generic_orders.csv"
    assert_same_results(path, as_of=AS_OF)
    refunds = pd.DataFrame({"order_id": ["G1", "G9"], "refund_amount": [25.0, 5.0], "status": ["退款成功", "退款成功"]})
    with scanned(path) as orders:
        fast = dumps(rfm.segment(orders, as_of=AS_OF, refunds=refunds).to_dict())
    assert fast == dumps(rfm.segment(loaded(path).frame, as_of=AS_OF, refunds=refunds).to_dict())


@pytest.mark.parametrize(
    "late_words, passes",
    [
        (["交易关闭", "weird", "待付款"], 1),  # not sales: counted right in the first pass
        (["已付款", "weird"], 2),  # 已付款 is a sale: the orders are read again
        (["NULL"], 2),  # a missing-value token is no status: a sale when paid
    ],
)
def test_status_words_after_the_first_megabyte(tmp_path, monkeypatch, late_words, passes):
    early = "".join(f"E{i},C{i % 7},2026-10-{1 + i % 28:02d} 10:00:00,{10 + i}.00,交易成功\n" for i in range(40))
    late = "".join(
        f"L{i},C{i % 5},2026-11-{1 + i % 20:02d} 10:00:00,{20 + i}.00,{word}\n" for i, word in enumerate(late_words * 3)
    )
    path = write(tmp_path, "order_id,customer_id,paid_at,amount,status\n" + early + late)
    monkeypatch.setattr(scan, "HEAD_BYTES", 1024)  # the first "megabyte" holds only 交易成功
    calls = []
    monkeypatch.setattr(scan, "create_orders", lambda *args, **kw: calls.append(1) or create_orders(*args, **kw))
    document = assert_same_results(path, as_of=AS_OF)
    assert len(calls) == passes
    assert document["excluded"]["lines"] == 40 + 3 * len(late_words)


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
    words = np.array(
        [
            "交易成功",
            "已发货",
            "已付款",
            "退款成功",
            "交易关闭",
            "待付款",
            "completed",
            "Paid",
            "退货中",
            "等待卖家发货",
        ],
        dtype=object,
    )
    status = words[rng.choice(len(words), size=n_orders, p=[0.5, 0.1, 0.08, 0.05, 0.05, 0.05, 0.1, 0.04, 0.02, 0.01])]
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


def test_a_generated_hundred_thousand_line_export(tmp_path):
    path = write(tmp_path, generated_orders(100_000, 8_000, 6))
    document = assert_same_results(path, as_of=dt.date(2026, 12, 31))
    assert document["customers"] > 5_000
    assert document["repurchase"]["cohorts"]
    assert_same_results(path, as_of=dt.date(2026, 6, 30), scheme="rfm11", compare_as_of=dt.date(2026, 3, 31))


def test_gbk_file_is_transcoded_in_pieces(tmp_path, monkeypatch):
    text = generated_orders(5_000, 600, 7)
    utf8, gbk = write(tmp_path, text), write(tmp_path, text, "orders.gbk.csv", "gbk")
    monkeypatch.setattr(scan, "PIECE_BYTES", 4096)  # small pieces: the forked workers run
    with scanned(gbk) as orders:
        fast = dumps(rfm.segment(orders, as_of=dt.date(2026, 12, 31)).to_dict())
    assert fast == dumps(rfm.segment(loaded(gbk).frame, as_of=dt.date(2026, 12, 31)).to_dict())
    with scanned(utf8) as orders:
        assert fast == dumps(rfm.segment(orders, as_of=dt.date(2026, 12, 31)).to_dict())
    with scanned(gbk, ReadOptions(encoding="gbk", platform="generic")) as orders:  # --encoding and --platform as given
        assert fast == dumps(rfm.segment(orders, as_of=dt.date(2026, 12, 31)).to_dict())
    assert_same_results(write(tmp_path, TRICKY, "tricky.gbk.csv", "gb18030"), as_of=AS_OF)


def test_gbk_file_with_quoted_line_breaks_is_decoded_whole(tmp_path, monkeypatch):
    rows = TRICKY.splitlines(keepends=True)
    text = rows[0] + "".join(rows[1:] * 40).replace("孙七", '"孙\n七"')
    path = write(tmp_path, text, "orders.gbk.csv", "gb18030")
    inside = path.read_bytes().index("孙\n".encode("gb18030")) + len("孙\n".encode("gb18030"))
    monkeypatch.setattr(scan, "PIECE_BYTES", 512)
    monkeypatch.setattr(scan, "_piece_bounds", lambda path, body, size, pieces: [body, inside, size])
    assert_same_results(path, as_of=AS_OF)  # the cut inside a quoted cell is undone


@pytest.mark.parametrize(
    "replace, why",
    [
        (("100.00,0,交易成功", '"1,100.00",0,交易成功'), "a decorated amount"),
        (("20.50,,", "2_0.50,,"), "DuckDB reads 2_0.50 as 20.5, the loader does not"),
        (("70.00,0,等待卖家发货", "¥70.00,0,等待卖家发货"), "a currency sign"),
        (("2026-11-05 09:30:00", "2026/11/05 09:30:00"), "another date layout"),
        (("2026-11-05 09:30:00", "0000-00-00 00:00:00"), "Taobao's unpaid placeholder"),
        (("2026-11-05 09:30:00", "1970-01-01 08:00:00"), "a Unix 0 placeholder"),
        (
            (
                "A009,",
                ",",
            ),
            "a row without order id",
        ),
        (("A009,", "合计,"), "a summary row"),
        (("A002,", "'A002,"), "an Excel-proof prefix"),
        (("A002,00123,2026-11-05 09:30:00,80.00,30", "A002,00123,2026-11-05 09:30:00,80.00"), "a short row"),
        ((",odd,", ",weird,"), "two unknown words with the same count (3 each)"),
        (("45.00,0,待付款", "inf,0,待付款"), "an infinite amount"),
        (("A002,00123,", 'A002, "00123",'), "a space before a quoted cell (DuckDB drops it, the loader keeps it)"),
        (("35.00,0,Paid,", '35.00,0,"Paid" ,'), "a space after a quoted cell"),
    ],
)
def test_cells_only_the_loader_reads_exactly_make_the_scan_give_way(tmp_path, replace, why):
    path = write(tmp_path, TRICKY.replace(*replace, 1))
    assert scan.scan_orders(path) is None, why


def test_an_unclosed_quote_in_the_first_megabyte_is_left_to_the_loader(tmp_path):
    rows = [f"U{i},C{i % 50},2026-10-{1 + i % 28:02d} 10:00:00,{10 + i % 90}.00,交易成功" for i in range(8000)]
    rows[100] += ',"12 inch pizza'  # the quote never closes: everything after it is one cell
    assert scan.scan_orders(write(tmp_path, "order_id,customer_id,paid_at,amount,status\n" + "\n".join(rows))) is None


def test_files_that_are_not_plain_canonical_csvs_are_left_to_the_loader(tmp_path, fixtures):
    assert scan.scan_orders(fixtures / "rfm" / "sycm_orders.csv") is None  # a platform export
    compressed = tmp_path / "orders.csv.gz"
    compressed.write_bytes(gzip.compress(TRICKY.encode()))
    assert scan.scan_orders(compressed) is None
    assert scan.scan_orders(write(tmp_path, TRICKY.replace(",", ";"))) is None
    assert scan.scan_orders(write(tmp_path, "订单导出 2026-11\n" + TRICKY)) is None  # header below a title
    mapping = tmp_path / "map.toml"
    mapping.write_text('kind = "orders"\n[columns]\norder_id = "order_id"\n', encoding="utf-8")
    assert scan.scan_orders(write(tmp_path, TRICKY), ReadOptions(mapping=mapping)) is None
    broken = write(tmp_path, generated_orders(40_000, 1_000, 3), "broken.csv", "gb18030")
    data = broken.read_bytes()
    assert len(data) > 1 << 20  # the first megabyte decodes: the bad byte is found while reading
    broken.write_bytes(data[:-100] + data[-100:].replace("天猫".encode("gb18030"), b"\x81\x20", 1))
    assert scan.scan_orders(broken) is None
    with pytest.raises(InputError, match="not valid gb18030"):
        loaded(broken)


def test_read_orders_falls_back_to_the_loader(tmp_path, fixtures):
    path = write(tmp_path, TRICKY)
    orders, issues = scan.read_orders([path])
    assert isinstance(orders, scan.ScannedOrders) and len(issues) == 3
    orders.close()
    orders, _ = scan.read_orders([path, fixtures / "rfm" / "generic_orders.csv"])  # two files: the loader
    assert isinstance(orders, pd.DataFrame)
    orders, _ = scan.read_orders([write(tmp_path, TRICKY.replace("20.50", '"2,0.50"'), "decorated.csv")])
    assert isinstance(orders, pd.DataFrame)


def cli(*args):
    return runner.invoke(app, ["rfm", *args])


@pytest.mark.parametrize("command", ["segment", "repurchase"])
@pytest.mark.parametrize(
    "text, options",
    [
        (TRICKY, ["--as-of", "2026-11-30"]),
        (TRICKY, ["--window", "all", "--frequency", "days"]),
        (HEADER, []),  # no rows: the same error
        (HEADER + "A1,C1,2026-11-01 10:00:00,5,,交易关闭,,,CNY\n", ["--as-of", "2026-11-30"]),  # nothing sold
    ],
)
def test_cli_output_is_unchanged(tmp_path, command, text, options, monkeypatch):
    path = write(tmp_path, text)
    args = [command, str(path), "--json", *options]
    fast = cli(*args)
    monkeypatch.setattr(scan, "scan_orders", lambda *a, **k: None)  # the loader's path
    slow = cli(*args)
    assert (fast.exit_code, fast.stdout, fast.stderr) == (slow.exit_code, slow.stdout, slow.stderr)
    assert fast.exit_code == (0 if text == TRICKY else 1)


def test_cli_decorated_amount_takes_the_loader_and_reports_it(tmp_path):
    path = write(tmp_path, TRICKY.replace("100.00,0,交易成功", '"1,100.00",0,交易成功', 1))
    result = cli("segment", str(path), "--json", "--as-of", "2026-11-30")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    frame = loaded(path).frame
    assert data["revenue"] == round(rfm.segment(frame, as_of=AS_OF).revenue, 2)
    customer = rfm.segment(frame, as_of=AS_OF).customers.set_index("customer_id").loc["00123"]
    assert customer["monetary"] == pytest.approx(1100 + 20.5 + 20.5 + 80 - 30)


def test_cli_customers_file_and_report_are_unchanged(tmp_path, monkeypatch):
    path = write(tmp_path, TRICKY)
    outputs = []
    for _ in range(2):
        out = tmp_path / f"customers{len(outputs)}.csv"
        report = tmp_path / f"report{len(outputs)}.md"
        result = cli(
            "segment", str(path), "--as-of", "2026-11-30", "--customers-out", str(out), "-o", str(report), "--no-mask"
        )
        assert result.exit_code == 0, result.output
        outputs.append((out.read_bytes(), report.read_text(encoding="utf-8")))
        monkeypatch.setattr(scan, "scan_orders", lambda *a, **k: None)
    assert outputs[0] == outputs[1]
    assert "张三" in outputs[0][0].decode("utf-8-sig") and "¥" in outputs[0][1]
