"""The reading layer on real-shaped fixture files: types, encodings, preambles, containers, bad inputs."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from ecomplan.core.errors import InputError
from ecomplan.ingest.reading import read_tables
from ecomplan.ingest.reading.detect import sniff
from ecomplan.ingest.sources import vocabulary


def read(path: Path, **kw):
    return read_tables(path, vocabulary=vocabulary(), **kw)


def test_gbk_csv_with_description_rows(fixtures):
    result = read(fixtures / "sycm/交易概况_gbk_preamble.csv")
    table = result.tables[0]
    assert result.info.encoding == "gb18030"
    assert table.header_row == 5
    assert table.preamble[1] == "统计时间：2026-11-16 ~ 2026-11-18"
    assert table.frame["访客数"].tolist() == ["1,279", "1,628", "2.5万"]  # 合计 row dropped
    assert table.rows.tolist() == [6, 7, 8]
    assert [i.message for i in table.issues] == ["summary row dropped (not data)"]
    assert table.issues[0].row == 9


def test_biff_xls_named_csv_is_read_as_excel(fixtures):
    result = read(fixtures / "sycm/商品_全部_biff_named.csv")
    assert result.info.file_type == "xls"
    table = result.tables[0]
    assert table.header_row == 5
    assert table.name == "【生意参谋平台】1"
    assert table.frame["商品ID"].tolist() == ["658000000000001", "658000000000002"]


def test_password_protected_xlsx(fixtures):
    path = fixtures / "jd/商品明细_password_tea2026.xlsx"
    with pytest.raises(InputError, match="password-protected; pass password to open it"):
        read(path)
    with pytest.raises(InputError, match="password given with password is wrong"):
        read(path, password="nope")
    result = read(path, password="tea2026")
    assert result.info.encrypted and result.info.file_type == "xlsx"
    assert len(result.tables[0].frame) == 2


def test_html_table_saved_as_xls(fixtures):
    result = read(fixtures / "generic/stock_report_html.xls")
    assert result.info.file_type == "html"
    table = result.tables[0]
    assert table.header_row == 2
    assert table.frame["商品名称"].tolist() == ["龙井", "铁观音 & 礼盒"]


def test_utf16_tab_separated(fixtures):
    result = read(fixtures / "generic/stock_utf16.tsv")
    assert (result.info.encoding, result.info.delimiter) == ("utf-16", "\t")
    assert result.tables[0].frame["name"].tolist() == ["龙井", "白茶"]


def test_gzip_and_zip_containers(fixtures):
    gz = read(fixtures / "generic/orders_canonical.csv.gz")
    zipped = read(fixtures / "generic/orders_canonical.zip")
    assert gz.info.container == "gzip" and zipped.info.container == "zip"
    assert gz.tables[0].frame.equals(zipped.tables[0].frame)


def test_ga4_snapshot_splits_into_tables_with_their_dates(fixtures):
    tables = read(fixtures / "ga4/Reports_snapshot.csv").tables
    assert [t.columns[0] for t in tables] == [
        "Nth day",
        "Nth day",
        "Session primary channel group (Default Channel Group)",
        "Event name",
    ]
    assert tables[0].meta["start_date"] == "20261116" and tables[0].meta["property"] == "demo-shop"
    assert tables[2].meta["title"] == "Where do your new users come from?"
    assert len(tables[3].frame) == 0  # an empty card is a table with no rows, not an error


def test_ua_totals_row_and_day_index(fixtures):
    tables = read(fixtures / "ga_ua/Analytics All Web Site Data Browser & OS 20261116-20261118.csv").tables
    main, day_index = tables
    assert len(main.frame) == 3 and main.meta["report_title"] == "Browser & OS"
    assert main.meta["start_date"] == "20261116"
    assert [i.row for i in main.issues] == [11]  # the ,,"1,138",... totals row
    assert day_index.columns == ["Day Index", "Users"] and len(day_index.frame) == 2


def test_decorated_cells_beyond_the_first_rows_fall_back_to_text(tmp_path):
    """The reader parses plain numeric columns while reading; a decorated cell
    deep in the file must not break that or be lost."""
    lines = ["order_id,customer_id,paid_at,amount"] + [
        f"A{i},c{i % 7},2026-11-{1 + i % 20:02d} 10:00:00,{i}.50" for i in range(200)
    ]
    lines[150] = 'A149,c2,2026-11-10 10:00:00,"1,234.50"'
    path = tmp_path / "orders.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    from ecomplan.ingest.load import load

    frame = load(path, "orders").frame
    assert frame.loc[frame["order_id"] == "A149", "amount"].iloc[0] == 1234.5
    assert frame["amount"].notna().all()


def test_non_utf8_bytes_after_the_first_megabyte_switch_to_gb18030(tmp_path):
    head = "order_id,customer_id,amount\n" + "".join(f"A{i},c{i},1\n" for i in range(120_000))
    path = tmp_path / "late_gbk.csv"
    path.write_bytes(head.encode("ascii") + "Z1,张三,2\n".encode("gbk"))
    result = read(path)
    assert result.info.encoding == "gb18030"
    assert result.tables[0].frame["customer_id"].iloc[-1] == "张三"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("empty.csv", "the file is empty"),
        ("binary_garbage.csv", "binary file of unknown type"),
        ("report.pdf.xlsx", "is a PDF document"),
        ("truncated.xlsx", "damaged or truncated"),
        ("latin1.csv", "neither UTF-8 nor GB18030"),
    ],
)
def test_bad_files_raise_one_clear_input_error(fixtures, name, message):
    with pytest.raises(InputError, match=message) as error:
        read(fixtures / "bad" / name)
    assert name in str(error.value)


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(InputError, match="file not found"):
        read(tmp_path / "nope.csv")
    with pytest.raises(InputError, match="is a directory"):
        read(tmp_path)


def test_explicit_encoding(fixtures):
    result = read(fixtures / "bad/latin1.csv", encoding="latin-1")
    assert result.tables[0].frame["customer_id"].iloc[0] == "Zoë"


def test_zip_with_several_files_is_refused(tmp_path):
    import zipfile

    path = tmp_path / "two.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("a.csv", "x,y\n1,2\n")
        archive.writestr("b.csv", "x,y\n1,2\n")
    with pytest.raises(InputError, match="holds 2 files"):
        read(path)


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b"PK\x03\x04rest", "zip"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole2"),
        (gzip.compress(b"x")[:4], "gzip"),
        (b"%PDF-1.4", "pdf"),
        (b"\xef\xbb\xbf<html>", "html"),
        (b"a,b\n1,2", "text"),
        (b"", "empty"),
        (b"\x00\x01\x02binary", "binary"),
        (b"\xff\xfea\x00,\x00", "text"),
    ],
)
def test_sniff_magic_bytes(head, kind):
    assert sniff(head) == kind


def test_inputs_are_never_modified(fixtures, tmp_path):
    import hashlib
    import shutil

    copy = tmp_path / "交易概况.csv"
    shutil.copy(fixtures / "sycm/交易概况_gbk_preamble.csv", copy)
    before = hashlib.sha256(copy.read_bytes()).hexdigest(), copy.stat().st_mtime_ns
    read(copy)
    assert (hashlib.sha256(copy.read_bytes()).hexdigest(), copy.stat().st_mtime_ns) == before


@given(st.text(alphabet="a,\r\n", max_size=60), st.integers(min_value=1, max_value=7))
def test_line_counting_does_not_depend_on_the_block_size(text, block):
    """The swallowed-row check counts non-empty lines block by block (nothing, or only a carriage return, before
    a line break is an empty line, the first one too); a block edge must not change the count."""
    import io

    from ecomplan.ingest.reading import text as reading_text

    body = text.encode()
    lines = body.split(b"\n")[: -1 if body.endswith(b"\n") else None]  # the rule, over the whole text at once
    whole = sum(line not in (b"", b"\r") for line in lines)
    original = reading_text.BLOCK_BYTES
    reading_text.BLOCK_BYTES = block
    try:
        assert reading_text._nonempty_lines(lambda: io.BytesIO(body), 0, None) == whole
    finally:
        reading_text.BLOCK_BYTES = original


@pytest.mark.parametrize(
    ("body", "offset", "head", "expected"),
    [
        (b"h\na,b\nc,d\n", 2, None, False),
        (b'h\na,b\nc,"d"\n', 2, None, True),  # the quote lies in a later block
        (b'"h"\na,b\nc,d\n', 4, None, False),  # a quote in the header is not the rows'
        (b'h\na,b\nc,"d"\n', 2, 4, False),  # the head read ends before the quote
        (b'h\na,b\nc,"d"\n', 2, 7, True),
    ],
)
def test_quote_scan_looks_at_every_block_of_the_rows(tmp_path, monkeypatch, body, offset, head, expected):
    from ecomplan.ingest.reading import text

    monkeypatch.setattr(text, "_QUOTE_SCAN_BLOCK", 3)
    path = tmp_path / "rows.csv"
    path.write_bytes(body)
    assert text._scan_body(lambda: path.open("rb"), len(body), offset, head).quoted is expected


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
@pytest.mark.parametrize("codec", ["utf-8", "gb18030"])
def test_blank_rows_are_dropped_and_the_others_keep_their_line_numbers(tmp_path, codec, newline):
    """A row is blank when every cell is empty or whitespace (``,,``, `` , ``); a row with any value stays,
    whichever column holds it, and every kept row keeps the line it was read from."""
    path = tmp_path / "lines.csv"
    body = ["订单编号,买家会员名,金额", "A1,张三,10", ",,", " , ,\t", ",李四,", ",, 5", "A2,,", "", "A3,王五,7"]
    path.write_bytes(newline.join(body).encode(codec))
    table = read(path).tables[0]
    assert table.frame["订单编号"].fillna("").str.strip().tolist() == ["A1", "", "", "A2", "A3"]
    assert table.frame["金额"].fillna("").str.strip().tolist() == ["10", "", "5", "", "7"]
    assert table.rows.tolist() == [2, 5, 6, 7, 9]


@pytest.mark.parametrize("codec", ["utf-8", "gb18030"])
def test_no_row_is_dropped_when_one_column_is_filled_everywhere(tmp_path, codec):
    path = tmp_path / "lines.csv"
    body = ["订单编号,买家会员名,金额", ",张三,", ",李四,", ",王五,3"]
    path.write_bytes("\n".join(body).encode(codec))
    table = read(path).tables[0]
    assert table.frame["买家会员名"].tolist() == ["张三", "李四", "王五"] and table.rows.tolist() == [2, 3, 4]


@given(
    st.lists(st.sampled_from([b"", b"\r", b"a", b"bc", b"a\r", b"\ra"]), min_size=1, max_size=12),
    st.booleans(),
    st.integers(1, 5),
    st.integers(1, 5),
)
def test_empty_lines_are_found_and_rows_keep_their_lines(parts, trailing, block, scan_block):
    """Whatever the block sizes, the scan finds an empty line (nothing, or a carriage return, before a line
    break) where there is one, and each non-empty line keeps its number."""
    from ecomplan.ingest.reading import text

    body = b"\n".join(parts) + (b"\n" if trailing else b"")
    lines = body.split(b"\n")[: -1 if body.endswith(b"\n") else None]
    original = text.BLOCK_BYTES, text._QUOTE_SCAN_BLOCK
    text.BLOCK_BYTES, text._QUOTE_SCAN_BLOCK = block, scan_block
    try:
        if body:
            scan = text._scan_body(lambda: io.BytesIO(b"h\n" + body), len(body) + 2, 2)
            assert scan == text.BodyScan(quoted=False, empty_lines=any(line in (b"", b"\r") for line in lines))
        numbers = text._row_lines(lambda: io.BytesIO(b"h\n" + body), 2, None, 2)
    finally:
        text.BLOCK_BYTES, text._QUOTE_SCAN_BLOCK = original
    assert numbers.tolist() == [2 + i for i, line in enumerate(lines) if line not in (b"", b"\r")]


@pytest.mark.parametrize("container", ["csv", "zip"])
def test_a_bad_cell_below_an_empty_line_is_reported_on_its_own_line(tmp_path, container):
    """In a file and in a zip member (read in memory: scanned the same way)."""
    import zipfile

    from ecomplan.ingest.load import load

    text = (
        "order_id,customer_id,paid_at,amount,status\n"
        "A1,c1,2026-01-02 10:00:00,10,paid\n\n"
        "A2,c2,2026-01-03 10:00:00,abc,paid\n"
    )
    path = tmp_path / f"orders.{container}"
    if container == "zip":
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("orders.csv", text)
    else:
        path.write_text(text, encoding="utf-8")
    [issue] = load([path], "orders").issues
    assert (issue.code, issue.row, issue.column) == ("bad_number", 4, "amount")


@pytest.mark.parametrize("codec", ["utf-8", "gb18030"])
def test_rows_below_skipped_and_empty_lines_keep_their_own_lines(tmp_path, codec):
    """A malformed row (reported on its line) and an empty line both leave the rows below on their lines."""
    from ecomplan.ingest.load import load
    from ecomplan.ingest.options import ReadOptions

    path = tmp_path / "orders.csv"
    lines = [
        "订单编号,买家会员名,订单付款时间,买家实际支付金额,订单状态",
        "A1,张三,2026-01-02 10:00:00,10,交易成功",
        "A9,李四,oops",
        "",
        "A2,王五,2026-01-03 10:00:00,abc,交易成功",
        "A7,赵六",
        "A3,钱七,2026-01-03 10:00:00,x,交易成功",
    ]
    path.write_bytes("\n".join(lines).encode(codec))
    issues = load([path], "orders", ReadOptions(allow_skipped=True)).issues
    found = sorted((i.row, i.code) for i in issues if i.code in {"malformed_row", "bad_number"})
    assert found == [(3, "malformed_row"), (5, "bad_number"), (6, "malformed_row"), (7, "bad_number")]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["ok", "bad", "short", "empty"]), min_size=1, max_size=12))
def test_every_row_of_an_unquoted_file_is_numbered_by_its_line(kinds):
    """Whatever mix of good rows, rows with a bad amount, malformed rows and empty lines: each finding
    names the line its row is on."""
    import tempfile

    from ecomplan.ingest.load import load
    from ecomplan.ingest.options import ReadOptions

    assume(kinds.count("short") <= 5 and kinds.count("bad") <= 3 and "ok" in kinds)  # all-bad: a wrong mapping
    text = {"ok": "A{n},c{n},2026-01-02 10:00:00,10,paid", "bad": "A{n},c{n},2026-01-02 10:00:00,x,paid"}
    text |= {"short": "A{n},c{n}", "empty": ""}
    body = [text[kind].format(n=n) for n, kind in enumerate(kinds)]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "orders.csv"
        path.write_text("\n".join(["order_id,customer_id,paid_at,amount,status", *body]) + "\n")
        issues = load([path], "orders", ReadOptions(allow_skipped=True)).issues
    codes = {"bad": "bad_number", "short": "malformed_row"}
    expected = sorted((line, codes[kind]) for line, kind in enumerate(kinds, start=2) if kind in codes)
    assert sorted((i.row, i.code) for i in issues if i.code in set(codes.values())) == expected
