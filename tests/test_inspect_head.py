"""`inspect` on a large text file reads a head of its rows and estimates the row count (issue #13);
`--full` and every other command read every row."""

from __future__ import annotations

import json
import random

import pytest
from typer.testing import CliRunner

from ecomplan.cli import app as cli_app
from ecomplan.cli.app import app
from ecomplan.ingest.inspect import inspect_files
from ecomplan.ingest.load import load_by_kind, read
from ecomplan.ingest.options import ReadOptions

runner = CliRunner()

HEADER = [
    "订单编号",
    "买家会员名",
    "买家应付货款",
    "买家实际支付金额",
    "订单状态",
    "收货人姓名",
    "联系手机",
    "订单创建时间",
    "订单付款时间",
    "宝贝标题",
    "宝贝总数量",
    "订单备注",
    "商家编码",
]
# ਅ一 is 05 0a 00 4e in UTF-16-LE: a line break's bytes across two characters
TITLES = ["明前龙井礼盒装", "福鼎白茶寿眉", "正山小种", "ਅ一 茶具套装", "铁观音 250g"]


def orders(rows: int, *, remarks: str = "", seed: int = 13) -> list[list[str]]:
    """Qianniu (sycm/orders) rows of varying length; `remarks`: "lines" puts a quoted two-line remark on
    every 7th row, "stray" also an unquoted cell with a quote (`12" 茶盘`) near the top."""
    rng = random.Random(seed)
    out = []
    for i in range(rows):
        amount = f"{rng.uniform(10, 900):.2f}"
        day = 1 + i * 28 // rows
        remark = ""
        if remarks and i % 7 == 3:
            remark = f"请周{i % 5 + 1}发货\n送小样{'，包装好' * rng.randint(0, 6)}"
        if remarks == "stray" and i == 2:
            remark = '12" 茶盘'
        out.append(
            [
                f"39{i:017d}",
                f"tb{rng.randint(1, rows // 3):06d}",
                amount,
                amount,
                "交易成功",
                "张*",
                "138****5543",
                f"2026-02-{day:02d} 10:{i % 60:02d}:00",
                f"2026-02-{day:02d} 10:{i % 60:02d}:30",
                rng.choice(TITLES) + "x" * rng.randint(0, 40),
                str(rng.randint(1, 5)),
                remark,
                f"T{rng.randint(1000, 9999)}",
            ]
        )
    return out


def cell(value: str, delimiter: str) -> str:
    if any(c in value for c in (delimiter, '"', "\n")) and not value.startswith("12"):
        return '"' + value.replace('"', '""') + '"'
    return value


def write(path, rows: list[list[str]], encoding: str = "utf-8", delimiter: str = ",", newline: str = "\n"):
    lines = [delimiter.join(cell(v, delimiter) for v in row) for row in [HEADER, *rows]]
    path.write_bytes((newline.join(lines) + newline).encode(encoding))
    return path


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    """A 3.8 MB UTF-8 export of 25,000 order lines."""
    rows = orders(25_000)
    return write(tmp_path_factory.mktemp("head") / "orders.csv", rows), len(rows)


def test_a_head_gives_an_estimate_within_two_percent(big):
    path, truth = big
    (table,) = inspect_files([path], ReadOptions(head_bytes=256 << 10))
    assert table.rows_estimated and table.kind == "orders"
    assert abs(table.rows - truth) / truth < 0.02
    assert table.rows_loaded is not None and abs(table.rows_loaded - truth) / truth < 0.02
    assert table.bytes_read is not None and 250 << 10 < table.bytes_read <= 256 << 10
    assert table.bytes_total == path.stat().st_size - len(",".join(HEADER).encode()) - 1
    (note,) = [i for i in table.issues if i.code == "head_only"]
    assert note.severity == "info" and "0.2 MB of 3.8 MB" in note.message and "--" not in note.message
    assert table.date_start is not None and str(table.date_start) == "2026-02-01"


def test_without_a_head_every_row_is_read(big):
    path, truth = big
    (table,) = inspect_files([path])
    assert (table.rows, table.rows_loaded, table.rows_estimated) == (truth, truth, False)
    assert table.bytes_read == table.bytes_total and not [i for i in table.issues if i.code == "head_only"]
    assert str(table.date_end) == "2026-02-28"


def test_the_cli_reads_a_head_by_default_and_every_row_with_full(big, monkeypatch, tmp_path):
    path, truth = big
    monkeypatch.setattr(cli_app, "INSPECT_HEAD_BYTES", 256 << 10)
    result = runner.invoke(app, ["inspect", str(path), "--json"])
    assert result.exit_code == 0, result.output
    (table,) = json.loads(result.stdout)
    assert table["rows_estimated"] is True and abs(table["rows"] - truth) / truth < 0.02
    (note,) = [i for i in table["issues"] if i["code"] == "head_only"]
    assert note["message"].endswith("--full reads them all")
    for key in ("path", "platform", "report", "kind", "rows", "rows_loaded", "date_start", "columns", "issues"):
        assert key in table  # the keys of before, with their meaning
    result = runner.invoke(app, ["inspect", str(path), "--json", "--full"])
    (table,) = json.loads(result.stdout)
    assert (table["rows"], table["rows_estimated"], table["bytes_read"]) == (truth, False, table["bytes_total"])
    assert not [i for i in table["issues"] if i["code"] == "head_only"]

    terminal = runner.invoke(app, ["inspect", str(path), "--lang", "en"], env={"COLUMNS": "200"}).stdout
    assert "≈" in terminal and "estimated: only the first 0.2 MB of 3.8 MB were read" in terminal
    assert "≈" not in runner.invoke(app, ["inspect", str(path), "--lang", "en", "--full"]).stdout
    out = tmp_path / "inspect.md"
    assert runner.invoke(app, ["inspect", str(path), "-o", str(out), "--lang", "zh"]).exit_code == 0
    row = next(line for line in out.read_text(encoding="utf-8").splitlines() if line.startswith("| 数据行数 |"))
    assert row.startswith("| 数据行数 | ≈") and "估算：只读了前 0.2 MB，共 3.8 MB" in row


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
@pytest.mark.parametrize("remarks", ["lines", "stray"])
def test_a_cut_inside_a_quoted_line_break_still_reads(tmp_path, encoding, remarks):
    """The head is cut at a line break inside a quoted remark: the rows read are whole, none is
    reported malformed, and the estimate holds. With a stray quote in an unquoted cell the quotes do
    not balance: pyarrow's complaint about the last row moves the cut instead."""
    rows = orders(6_000, remarks=remarks)
    path = write(tmp_path / f"remarks.{encoding}.csv", rows, encoding)
    data = path.read_bytes()
    body = len((",".join(HEADER) + "\n").encode(encoding))
    inner = data.index("发货\n送小样".encode(encoding), len(data) // 2) + len("发货\n".encode(encoding))
    options = ReadOptions(head_bytes=inner - body + 5)  # the head's last line break is the remark's
    (dataset,) = read(path, options)
    read_bytes = dataset.info.head_bytes_read
    # balanced quotes put the cut before the remark's row; a stray quote leaves it in the remark and the
    # reader drops the row it cut short
    assert read_bytes is not None and (read_bytes < inner - body if remarks == "lines" else read_bytes <= inner - body)
    assert not [i for i in dataset.issues if i.code == "malformed_row"]
    assert dataset.frame is not None and 0.45 * len(rows) < len(dataset.frame) < 0.55 * len(rows)
    assert dataset.frame["sku"].str.fullmatch(r"T\d{4}").all()  # every row whole, up to its last cell
    (table,) = inspect_files([path], options)
    assert table.rows_estimated and abs(table.rows - len(rows)) / len(rows) < 0.02


@pytest.mark.parametrize(
    ("encoding", "delimiter", "newline"),
    [("utf-16", "\t", "\r\n"), ("utf-16-le", ",", "\n"), ("gb18030", ",", "\r\n"), ("gb18030", "\t", "\n")],
)
def test_utf16_and_gb18030_heads(tmp_path, encoding, delimiter, newline):
    rows = orders(12_000)
    path = write(tmp_path / "orders.txt", rows, encoding, delimiter, newline)
    options = ReadOptions(encoding="utf-16-le" if encoding == "utf-16-le" else None, head_bytes=200 << 10)
    (table,) = inspect_files([path], options)
    assert table.kind == "orders" and table.rows_estimated, table.issues
    assert abs(table.rows - len(rows)) / len(rows) < 0.02
    assert not [i for i in table.issues if i.code == "malformed_row"]
    (dataset,) = read(path, options)
    assert dataset.frame is not None and dataset.frame["sku"].str.fullmatch(r"T\d{4}").all()
    assert set(dataset.frame["product_name"].str.rstrip("x")) <= set(TITLES)
    (full,) = inspect_files([path], ReadOptions(encoding=options.encoding))
    assert (full.rows, full.rows_estimated) == (len(rows), False)


def test_a_file_smaller_than_the_head_is_read_exactly(tmp_path):
    rows = orders(500)
    path = write(tmp_path / "small.csv", rows)
    (table,) = inspect_files([path], ReadOptions(head_bytes=1 << 20))
    assert (table.rows, table.rows_estimated) == (500, False)
    assert table.bytes_read == table.bytes_total and not [i for i in table.issues if i.code == "head_only"]


def test_workbooks_and_commented_files_are_read_whole(fixtures):
    (table,) = inspect_files([fixtures / "jd/库存.xlsx"], ReadOptions(head_bytes=1))
    assert (table.rows_estimated, table.bytes_read, table.bytes_total) == (False, None, None)
    tables = inspect_files([fixtures / "ga4/Reports_snapshot.csv"], ReadOptions(head_bytes=1))
    assert tables and not any(t.rows_estimated for t in tables)


def test_a_head_size_must_be_positive():
    with pytest.raises(ValueError, match="head_bytes"):
        ReadOptions(head_bytes=0)


def test_other_commands_read_every_row(big, monkeypatch):
    """`kpi report` loads by kind and `rfm segment` loads orders with ReadOptions that set no head."""
    path, truth = big
    monkeypatch.setattr(cli_app, "INSPECT_HEAD_BYTES", 64 << 10)
    assert ReadOptions().head_bytes is None
    loaded = load_by_kind([path], ReadOptions())["orders"]
    assert len(loaded.frame) == truth and loaded.datasets[0].info.head_bytes_read is None
    customers = {row[1] for row in orders(25_000)}
    result = runner.invoke(app, ["rfm", "segment", str(path), "--as-of", "2026-03-01", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["customers"] == len(customers)


def test_a_utf16_line_break_is_found_on_a_character_boundary():
    from ecomplan.ingest.reading.text import _row_ends

    data = "a,b\nc,ਅ一".encode("utf-16-le")  # ਅ一 holds the bytes 0a 00 across its two characters
    assert data.find(b"\n\x00") == 2 * 3 and data.rfind(b"\n\x00") % 2 == 1
    assert _row_ends(data, "utf-16-le", quoted=False) == [8]
    assert _row_ends(b'1,"x\ny"\n2,"z\n', "utf-8", quoted=True) == [8]  # not 13 or 5: inside quotes
