"""A corpus of hostile input files, generated at test time (no binary blobs in the repository).

`build(directory)` writes every case into `directory` and returns them. The bytes are the same on
every run (a seeded random generator, fixed timestamps inside archives). Each case is one file (or a
directory, a symlink, a fifo) that ecomplan's commands must answer with exit 0, 1 or 2 and one
`error: ...` line, never a traceback, a hang or a changed input.
"""

from __future__ import annotations

import gzip
import io
import os
import random
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ORDERS_HEADER = "order_id,customer_id,paid_at,amount,status\n"
ORDERS_ROW = "O{0},C{1},2026-11-{2:02d} 10:00:00,{3}.00,已完成\n"
TRAFFIC_HEADER = "date,visitors,orders,pay_amount\n"
STOCK_HEADER = "商家编码,商品名称,实际库存,可用库存,采购在途,采购周期(天),成本价\n"
AB_HEADER = "variant,visitors,conversions,revenue\n"
ZIP_TIME = (2026, 11, 23, 10, 0, 0)


@dataclass
class Case:
    """One hostile input: `name` (the test id), the file's name, how to make it, and the environment
    (lowered caps) and extra options its runs take, and how long one run may take."""

    name: str
    filename: str
    make: Callable[[Path], None]
    env: dict[str, str] = field(default_factory=dict)
    options: tuple[str, ...] = ()
    seconds: int = 60  # the time one run may take before it counts as a hang


def _orders(rows: int = 20, seed: int = 1) -> str:
    rnd = random.Random(seed)
    return ORDERS_HEADER + "".join(
        ORDERS_ROW.format(i, rnd.randint(1, 8), rnd.randint(1, 28), rnd.randint(1, 500)) for i in range(rows)
    )


def _bytes(data: bytes) -> Callable[[Path], None]:
    return lambda path: path.write_bytes(data)


def _text(text: str, encoding: str = "utf-8") -> Callable[[Path], None]:
    return lambda path: path.write_bytes(text.encode(encoding))


def _zip(members: list[tuple[str, bytes]], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members:
            archive.writestr(zipfile.ZipInfo(name, ZIP_TIME), data, compress_type=compression)
    return buffer.getvalue()


def _gzip(data: bytes) -> bytes:
    return gzip.compress(data, mtime=0)


def _xlsx(rows: list[list[object]], far_cell: tuple[int, int] | None = None, hidden: bool = False) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    book.set_properties({"created": __import__("datetime").datetime(2026, 11, 23)})
    sheet = book.add_worksheet("data")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, str) and value.startswith("="):
                sheet.write_formula(r, c, value)
            else:
                sheet.write(r, c, value)
    if far_cell is not None:
        sheet.write(*far_cell, 1)
    if hidden:
        book.add_worksheet("visible")
        sheet.hide()
    book.close()
    return buffer.getvalue()


def _html(body: str) -> str:
    return f'<html><head><meta charset="utf-8"></head><body><table>{body}</table></body></html>'


def _noise(size: int, seed: int) -> bytes:
    return random.Random(seed).randbytes(size)


def _directory(path: Path) -> None:
    path.mkdir()


def _symlink_loop(path: Path) -> None:
    path.symlink_to(path.name)


def _dangling(path: Path) -> None:
    path.symlink_to("does-not-exist.csv")


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def cases() -> list[Case]:
    orders = _orders()
    valid_xlsx = _xlsx([["order_id", "customer_id", "paid_at", "amount"], ["O1", "C1", "2026-11-01", 10]])
    bomb = b"order_id,customer_id,paid_at,amount\n" + b"\n" * (8 << 20)  # 8 MB of blank lines, 8 KB zipped
    wide = ",".join(f"col{i}" for i in range(10_000)) + "\n" + ",".join("1" for _ in range(10_000)) + "\n"
    found: list[Case] = [
        # empty and nearly empty
        Case("empty", "empty.csv", _bytes(b"")),
        Case("bom_only", "bom_only.csv", _bytes(b"\xef\xbb\xbf")),
        Case("utf16_bom_only", "utf16_bom_only.csv", _bytes(b"\xff\xfe")),
        Case("blank_lines", "blank_lines.csv", _text("\n\n \n\t\n")),
        Case("header_only", "header_only.csv", _text(ORDERS_HEADER)),
        Case("header_only_no_newline", "header_no_newline.csv", _text(ORDERS_HEADER.strip())),
        Case("one_column", "one_column.csv", _text("order_id\n" + "".join(f"O{i}\n" for i in range(50)))),
        Case("one_cell", "one_cell.csv", _text("x")),
        # garbage named as exports
        Case("garbage_csv", "garbage.csv", _bytes(_noise(20_000, 1))),
        Case("garbage_xlsx", "garbage.xlsx", _bytes(_noise(20_000, 2))),
        Case("garbage_xls", "garbage.xls", _bytes(_noise(5_000, 3))),
        Case("pk_magic_garbage", "pk_garbage.xlsx", _bytes(b"PK\x03\x04" + _noise(5_000, 4))),
        Case("ole2_magic_garbage", "ole2_garbage.xls", _bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + _noise(5_000, 5))),
        Case("gzip_magic_garbage", "gz_garbage.csv.gz", _bytes(b"\x1f\x8b" + _noise(5_000, 6))),
        Case("pdf_named_csv", "report.csv", _bytes(b"%PDF-1.7\n" + _noise(2_000, 7))),
        Case("xml_spreadsheet_2003", "xml2003.xls", _text('<?xml version="1.0"?><Workbook><Worksheet/></Workbook>')),
        # truncated and odd containers
        Case("truncated_xlsx", "truncated.xlsx", _bytes(valid_xlsx[: len(valid_xlsx) // 2])),
        Case("truncated_gz", "truncated.csv.gz", _bytes(_gzip(orders.encode())[:60])),
        Case("truncated_zip", "truncated.zip", _bytes(_zip([("orders.csv", orders.encode())])[:80])),
        Case("gz_empty", "empty.csv.gz", _bytes(_gzip(b""))),
        Case("gz_of_gz", "double.csv.gz", _bytes(_gzip(_gzip(orders.encode())))),
        Case("gz_of_xlsx", "book.xlsx.gz", _bytes(_gzip(valid_xlsx))),
        Case("gz_valid", "orders.csv.gz", _bytes(_gzip(orders.encode()))),
        Case("zip_two_members", "two.zip", _bytes(_zip([("a.csv", orders.encode()), ("b.csv", orders.encode())]))),
        Case("zip_no_members", "none.zip", _bytes(_zip([]))),
        Case("zip_only_directory", "dir.zip", _bytes(_zip([("folder/", b"")]))),
        Case("zip_nested_zip", "nested.zip", _bytes(_zip([("inner.zip", _zip([("orders.csv", orders.encode())]))]))),
        Case("zip_of_gz", "gz_inside.zip", _bytes(_zip([("orders.csv.gz", _gzip(orders.encode()))]))),
        Case("zip_of_xlsx", "xlsx_inside.zip", _bytes(_zip([("book.xlsx", valid_xlsx)]))),
        Case("zip_path_traversal", "traversal.zip", _bytes(_zip([("../../evil.csv", orders.encode())]))),
        Case("zip_stored_member", "stored.zip", _bytes(_zip([("orders.csv", orders.encode())], zipfile.ZIP_STORED))),
        Case("zip_bomb_within_cap", "bomb_small.zip", _bytes(_zip([("orders.csv", bomb)]))),
        Case("gz_bomb_within_cap", "bomb_small.csv.gz", _bytes(_gzip(bomb))),
        Case(
            "zip_bomb_over_cap",
            "bomb_big.zip",
            _bytes(_zip([("orders.csv", bomb)])),
            env={"ECOMPLAN_MAX_DECOMPRESSED_MB": "1"},
        ),
        Case("gz_bomb_over_cap", "bomb_big.csv.gz", _bytes(_gzip(bomb)), env={"ECOMPLAN_MAX_DECOMPRESSED_MB": "1"}),
        # HTML tables saved as .xls
        Case(
            "html_colspan_abc",
            "colspan_abc.xls",
            _text(_html('<tr><th>sku</th><th colspan="abc">on_hand</th></tr><tr><td>A</td><td>1</td></tr>')),
        ),
        Case(
            "html_colspan_huge",
            "colspan_huge.xls",
            _text(_html('<tr><th>sku</th><th colspan="1000000000">on_hand</th></tr><tr><td>A</td><td>1</td></tr>')),
        ),
        Case(
            "html_colspan_endless_digits",
            "colspan_digits.xls",
            _text(_html(f'<tr><th>sku</th><th colspan="{"9" * 5000}">x</th></tr><tr><td>A</td><td>1</td></tr>')),
        ),
        Case(
            "html_colspan_negative",
            "colspan_negative.xls",
            _text(_html('<tr><th>sku</th><th colspan="-5">on_hand</th></tr><tr><td>A</td><td>1</td></tr>')),
        ),
        Case(
            "html_rowspan_huge",
            "rowspan_huge.xls",
            _text(_html('<tr><th rowspan="99999999">sku</th><th>on_hand</th></tr><tr><td>A</td><td>1</td></tr>')),
        ),
        Case(
            "html_cells_over_cap",
            "cells.xls",
            _text(_html("<tr><th>sku</th><th>on_hand</th></tr>" + "<tr><td>A</td><td>1</td></tr>" * 2_000)),
            env={"ECOMPLAN_MAX_CELLS": "1000"},
        ),
        Case(
            "html_rows_over_cap",
            "rows.xls",
            _text(_html("<tr><th>sku</th><th>on_hand</th></tr>" + "<tr><td>A</td><td>1</td></tr>" * 2_000)),
            env={"ECOMPLAN_MAX_ROWS": "100"},
        ),
        Case(
            "html_wide_header_short_rows",
            "wide_header.xls",
            _text(_html('<tr><th colspan="1000">a</th>' * 50 + "</tr>" + "<tr><td>1</td></tr>" * 2_000)),
            env={"ECOMPLAN_MAX_CELLS": "1000000"},
        ),
        Case("html_no_table", "no_table.xls", _text("<html><body><p>nothing here</p></body></html>")),
        Case("html_unclosed", "unclosed.xls", _text("<html><table><tr><td>sku<td>on_hand<tr><td>A<td>1")),
        Case(
            "html_nested_tables",
            "nested.xls",
            _text(_html("<tr><td><table><tr><td>sku</td><td>qty</td></tr></table></td><td>x</td></tr>")),
        ),
        Case(
            "html_gb18030",
            "gbk.xls",
            _text(
                "<html><table><tr><th>商家编码</th><th>实际库存</th></tr><tr><td>甲</td><td>1</td></tr></table></html>",
                "gb18030",
            ),
        ),
        Case("html_not_decodable", "latin.xls", _bytes(b"<html><table><tr><td>\xff\xfe\x80\x81</td></tr></table>")),
        # encodings
        Case("utf16_no_bom", "utf16_le.csv", _text(orders, "utf-16-le")),
        Case(
            "utf16_no_bom_forced", "utf16_le_forced.csv", _text(orders, "utf-16-le"), options=("--encoding", "utf-16")
        ),
        Case("utf16be_no_bom_forced", "utf16_be.csv", _text(orders, "utf-16-be"), options=("--encoding", "utf-16")),
        Case("utf8_forced_utf16", "utf8_as_utf16.csv", _text(orders), options=("--encoding", "utf-16")),
        Case("utf8_forced_utf32", "utf8_as_utf32.csv", _text(orders), options=("--encoding", "utf-32")),
        Case("forced_not_a_text_codec", "rot13.csv", _text(orders), options=("--encoding", "rot13")),
        Case("forced_unknown_codec", "unknown_codec.csv", _text(orders), options=("--encoding", "klingon")),
        Case("forced_idna", "idna.csv", _text(orders), options=("--encoding", "idna")),
        Case("utf16_bom", "utf16_bom.csv", _text("\ufeff" + orders, "utf-16-le")),
        Case(
            "mixed_encodings",
            "mixed.csv",
            _bytes(
                ORDERS_HEADER.encode()
                + "O1,张三,2026-11-01,1,已完成\n".encode("gb18030")
                + b"O2,\xe9t\xe9,2026-11-01,2,x\n"
            ),
        ),
        Case("nul_bytes_early", "nul_early.csv", _bytes(ORDERS_HEADER.encode() + b"O1,C1\x00\x00,2026-11-01,1,ok\n")),
        Case("nul_bytes_late", "nul_late.csv", _bytes(_orders(400).encode() + b"O9,C9\x00,2026-11-01,1,ok\n")),
        # shapes
        Case("wide_10k_columns", "wide.csv", _text(wide), seconds=10),  # a 10k-column file is read in ~1 s
        Case("only_summary_rows", "summary.csv", _text(ORDERS_HEADER + "合计,,,100,\n总计,,,100,\n")),
        Case("duplicated_headers", "dup_headers.csv", _text("order_id,order_id,amount,amount\nO1,O2,1,2\n")),
        Case("empty_header_names", "empty_headers.csv", _text(",,,\n1,2,3,4\n5,6,7,8\n")),
        Case(
            "unclosed_quote",
            "unclosed_quote.csv",
            _text(ORDERS_HEADER + 'O1,"C1,2026-11-01,1,ok\nO2,C2,2026-11-02,2,ok\n'),
        ),
        Case(  # a quote at the start of a cell on row 51 of 400 swallows the 350 rows below into that cell
            "unclosed_quote_swallows_rows",
            "swallowed.csv",
            _text(_orders(49) + 'O49,C1,2026-11-02,2,"12 inch pizza\n' + "".join(_orders(400).splitlines(True)[51:])),
        ),
        Case("very_long_line", "long_line.csv", _text(ORDERS_HEADER + "O1,C1,2026-11-01,1," + "x" * (4 << 20) + "\n")),
        Case("ragged_rows", "ragged.csv", _text(ORDERS_HEADER + "O1\nO2,C2,2026-11-02,2,ok,extra,more\n,,,,\n")),
        Case("cr_line_endings", "cr.csv", _text(orders.replace("\n", "\r"))),
        Case("semicolon_and_tabs", "delims.csv", _text("a;b\tc|d\n1;2\t3|4\n")),
        Case("comment_lines_only", "comments.csv", _text("# Start date: 20261101\n# End date: 20261130\n#\n")),
        Case(
            "unicode_headers", "unicode.csv", _text("\u200border_id,客户🙂,\u202epaid_at,amount\nO1,C1,2026-11-01,1\n")
        ),
        # values
        Case(
            "extreme_dates",
            "dates.csv",
            _text(
                ORDERS_HEADER
                + "O1,C1,0000-01-01,1,已完成\nO2,C2,9999-12-31 23:59:59,2,已完成\nO3,C3,2026-02-30,3,已完成\n"
                + "O4,C4,1677-09-21,4,已完成\nO5,C5,2262-04-12,5,已完成\n"
            ),
        ),
        Case(  # every cell a well-formed date, so the typed reader takes the column (year 0 is no datetime)
            "extreme_dates_well_formed",
            "dates_well_formed.csv",
            _text(
                ORDERS_HEADER
                + "O1,C1,1500-01-01 10:00:00,1,已完成\nO2,C2,0000-01-01,2,已完成\nO3,C3,9999-12-31 23:59:59,3,已完成\n"
                + "O4,C4,2026-11-01 10:00:00,4,已完成\nO5,C4,2026-11-08 10:00:00,5,已完成\n"
            ),
        ),
        Case(
            "extreme_traffic_dates",
            "traffic_dates.csv",
            _text(TRAFFIC_HEADER + "0001-01-01,1,1,1\n9999-12-31,2,1,1\n2026-02-30,1,1,1\n2026-11-20,10,1,5\n"),
        ),
        Case(
            "extreme_numbers",
            "numbers.csv",
            _text(
                ORDERS_HEADER
                + "O1,C1,2026-11-01,1e308,已完成\nO2,C1,2026-11-02,-inf,已完成\nO3,C2,2026-11-03,NaN,已完成\n"
                + 'O4,C2,2026-11-04,"1,2,3",已完成\nO5,C3,2026-11-05,--,已完成\nO6,C3,2026-11-06,1e-400,已完成\n'
                + "O7,C4,2026-11-07,１２３,已完成\nO8,C4,2026-11-08,9"
                + "9" * 400
                + ",已完成\n"
            ),
        ),
        Case(
            "extreme_traffic_numbers",
            "traffic_numbers.csv",
            _text(TRAFFIC_HEADER + "2026-11-20,1e308,1e308,1e308\n2026-11-21,-inf,NaN,--\n2026-11-22,0,5,-1\n"),
        ),
        Case(
            "extreme_stock",
            "stock_extreme.csv",
            _text(STOCK_HEADER + "A1,x,1e308,-5,NaN,-inf,1e308\nA2,y,--,,1,2,--\nA3,z,0,0,0,0,0\n"),
        ),
        Case(
            "extreme_abtest",
            "abtest_extreme.csv",
            _text(AB_HEADER + "A,0,5,-1\nB,1e308,1e308,inf\nC,-3,NaN,--\n"),
        ),
        Case(
            "formula_cells",
            "formulas.csv",
            _text(
                ORDERS_HEADER
                + 'O1,=HYPERLINK("http://x.invalid","c"),2026-11-01,=1+1,已完成\nO2,@SUM(A1),+cmd,-1+1,ok\n'
            ),
        ),
        Case(
            "xlsx_formulas_and_extremes",
            "formulas.xlsx",
            _bytes(
                _xlsx(
                    [
                        ["order_id", "customer_id", "paid_at", "amount"],
                        ["O1", '=HYPERLINK("http://x.invalid","c")', "9999-12-31", 1e308],
                        ["O2", "C2", "0000-01-01", "=1/0"],
                    ]
                )
            ),
        ),
        Case("xlsx_far_corner_cell", "far_corner.xlsx", _bytes(_xlsx([["sku", "on_hand"]], far_cell=(1048575, 16383)))),
        Case("xlsx_header_only", "header_only.xlsx", _bytes(_xlsx([["order_id", "customer_id", "paid_at", "amount"]]))),
        Case("xlsx_hidden_data_sheet", "hidden.xlsx", _bytes(_xlsx([["a", "b"], [1, 2]], hidden=True))),
        # not regular files
        Case("directory_named_csv", "folder.csv", _directory),
        Case("symlink_loop", "loop.csv", _symlink_loop),
        Case("dangling_symlink", "dangling.csv", _dangling),
    ]
    if hasattr(os, "mkfifo"):
        found.append(Case("fifo", "fifo.csv", _fifo))
    return found


def build(directory: Path) -> list[tuple[Case, Path]]:
    """Write every case into its own folder under `directory`; returns (case, path) pairs."""
    made = []
    for case in cases():
        folder = directory / case.name
        folder.mkdir(parents=True)
        path = folder / case.filename
        case.make(path)
        made.append((case, path))
    return made
