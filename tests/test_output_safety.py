"""Input text in outputs stays inert: no live formula in CSV/Excel (OWASP CSV injection), no tag, link or code
span in Markdown, whatever a product, channel or customer is called."""

from __future__ import annotations

import csv
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook
from typer.testing import CliRunner

from ecomplan.cli.app import app
from ecomplan.core.formatting import FORMULA_START, cell, inert_formula, text

HOSTILE = ['=HYPERLINK("http://x","点我")', "+1+cmd", "-2+3", "@SUM(A1)", "\tTAB", "<script>alert(1)</script>"]
MARKDOWN = ["<script>alert(1)</script>", "[点我](javascript:alert(1))", "a | b", "`rm -rf`", "行\n换行"]


@pytest.mark.parametrize("value", HOSTILE)
def test_formula_starts_are_neutralised(value):
    safe = inert_formula(value)
    assert not safe.startswith(FORMULA_START)
    assert safe.endswith(value)


@given(st.text())
def test_inert_text_never_starts_a_formula_and_keeps_the_text(value):
    safe = inert_formula(value)
    assert not safe.startswith(FORMULA_START)
    assert safe in {value, "'" + value}


@pytest.mark.parametrize("value", MARKDOWN)
def test_markdown_text_is_inert(value):
    for rendered in (text(value), cell(value)):
        assert "<script" not in rendered
        assert "](" not in rendered.replace("\\](", "")
        assert "`" not in rendered.replace("\\`", "")
        assert "\n" not in rendered
    assert " | " not in cell("a | b").replace("\\|", "")


def test_rule_text_keeps_its_comparison_signs():
    assert text("R < 30 and F > 2") == "R < 30 and F > 2"


def test_customer_names_in_the_customers_file_are_inert_also_unmasked(tmp_path):
    orders = tmp_path / "orders.csv"
    rows = [
        ("A1", "c1", '=HYPERLINK("http://x","点我")', "2026-11-01 10:00:00", "100.00"),
        ("A2", "c2", "<script>alert(1)</script>", "2026-11-02 10:00:00", "50.00"),
        ("A3", "c3", "@SUM(A1:A9)", "2026-11-03 10:00:00", "80.00"),
    ]
    with orders.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["order_id", "customer_id", "customer_name", "paid_at", "amount"])
        writer.writerows(rows)
    out_csv, out_xlsx, out_md = tmp_path / "c.csv", tmp_path / "c.xlsx", tmp_path / "r.md"
    runner = CliRunner()
    for target in (out_csv, out_xlsx):
        result = runner.invoke(
            app,
            ["rfm", "segment", str(orders), "--as-of", "2026-11-30", "--no-mask", "--customers-out", str(target)],
        )
        assert result.exit_code == 0, result.output
    with out_csv.open(encoding="utf-8-sig") as handle:
        cells = [value for row in csv.reader(handle) for value in row]
    assert not [c for c in cells if c.startswith(FORMULA_START)]
    assert '\'=HYPERLINK("http://x","点我")' in cells
    book = load_workbook(out_xlsx)
    values = [c.value for sheet in book for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert not [v for v in values if v.startswith(FORMULA_START)]
    result = runner.invoke(app, ["rfm", "segment", str(orders), "--as-of", "2026-11-30", "-o", str(out_md)])
    assert result.exit_code == 0, result.output
    assert "<script" not in out_md.read_text(encoding="utf-8")


def test_product_and_channel_names_in_the_kpi_markdown_are_inert(tmp_path):
    traffic = tmp_path / "traffic.csv"
    traffic.write_text(
        "date,channel,visitors,paying_buyers,pay_amount\n"
        "2026-11-16,<script>alert(1)</script>,100,5,500\n"
        "2026-11-16,[点我](javascript:alert(1)),50,2,200\n",
        encoding="utf-8",
    )
    products = tmp_path / "products.csv"
    products.write_text(
        "date,sku,name,visitors,buyers,amount\n"
        '2026-11-16,1,"`code` | <img src=x onerror=alert(1)>",80,4,400\n'
        "2026-11-16,2,[x](javascript:alert(1)),70,3,300\n",
        encoding="utf-8",
    )
    out = tmp_path / "kpi.md"
    args = ["kpi", "report", str(traffic), str(products), "--period", "2026-11-16", "--as-of", "2026-11-17"]
    result = CliRunner().invoke(app, [*args, "-o", str(out)])
    assert result.exit_code == 0, result.output
    markdown = out.read_text(encoding="utf-8")
    assert "<script" not in markdown and "<img" not in markdown
    assert "](javascript:" not in markdown.replace("\\]", "")  # an escaped bracket opens no link
    assert "`code`" not in markdown
    page_file = tmp_path / "kpi.html"  # the HTML page (its inline SVG charts too) carries the same names
    result = CliRunner().invoke(app, [*args, "-o", str(page_file)])
    assert result.exit_code == 0, result.output
    page = page_file.read_text(encoding="utf-8").lower()
    assert "<script" not in page and "<img" not in page
    assert not re.search(r"href=[\"'](?!#)", page)  # only the SVG's references to its own glyphs
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # shown as text


@pytest.mark.parametrize(
    ("field", "value", "hidden"),
    [
        ("phone", "13812341234", "1234"),  # the middle digits are what identifies a person
        ("customer_id", "13812341234", "1234"),
        ("customer_name", "张三丰", "三"),
        ("email", "jane.doe@example.com", "ane.doe"),
    ],
)
def test_messages_mask_contact_values(field, value, hidden):
    from ecomplan.ingest.validate import shown

    message = shown(field, value)
    assert value not in message and "*" in message
    assert hidden not in message.replace(value[-4:], "") if field != "customer_name" else hidden not in message


def test_messages_quote_other_cells_briefly():
    from ecomplan.ingest.validate import shown

    assert shown("amount", "12,34x") == "12,34x"
    assert len(shown("amount", "9" * 500)) == 40


def test_an_amount_no_export_can_hold_is_reported_not_summed(tmp_path):
    """1e308 overflowed every sum (an `unexpected OverflowError`, or silently `M > inf` on the DuckDB path)."""
    import json

    orders = tmp_path / "orders.csv"
    orders.write_text(
        "order_id,customer_id,paid_at,amount\n"
        "A1,c1,2026-11-01 10:00:00,1e308\nA2,c1,2026-11-02 10:00:00,-inf\nA3,c2,2026-11-03 10:00:00,12\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["rfm", "segment", str(orders), "--as-of", "2026-11-30", "--json"])
    assert result.exit_code == 0, result.output
    assert "within ±1e+12" in result.stderr
    document = json.loads(result.stdout)
    assert document["revenue"] == 12.0


def test_no_message_quotes_a_phone_number_from_a_bad_row(tmp_path):
    """A ragged row used to be echoed raw on stderr, its phone number included."""
    orders = tmp_path / "orders.csv"
    orders.write_text(
        "order_id,customer_id,phone,paid_at,amount\n"
        "A1,c1,13800000001,2026-11-01 10:00:00,10\n"
        "A2,c2,13912345678,2026-11-02 10:00:00,20,extra\n"
        "A3,13712345678,13712345678,2026-11-03 10:00:00,not-a-number\n",
        encoding="utf-8",
    )
    runner = CliRunner()
    outputs = []
    for args in (
        ["rfm", "segment", str(orders), "--json"],
        ["inspect", str(orders), "--json"],
        ["inspect", str(orders)],
    ):
        result = runner.invoke(app, args)
        outputs.append(result.stdout + result.stderr)
    everything = "\n".join(outputs)
    assert "13912345678" not in everything and "13712345678" not in everything


@pytest.mark.parametrize("command", [["rfm", "segment"], ["inspect"]])
def test_a_repeated_header_is_said_and_the_first_column_read(tmp_path, command):
    """It used to be dropped without a word on the DuckDB path (#18)."""
    orders = tmp_path / "orders.csv"
    orders.write_text(
        "order_id,customer_id,paid_at,amount,amount\n"
        "A1,c1,2026-11-01 10:00:00,10,99\nA2,c2,2026-11-02 10:00:00,20,98\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, [*command, str(orders), "--json"])
    assert result.exit_code == 0, result.output
    text = result.stdout + result.stderr
    assert "header 'amount' stands more than once (columns 4 and 5)" in " ".join(text.split())
    if command[0] == "rfm":
        import json

        assert json.loads(result.stdout)["revenue"] == 30.0


PLANTED = ("13912345678", "13787654321", "13655554444", "13500001111", "13322223333")


def test_phone_numbers_in_bad_rows_of_every_contact_column_reach_no_stream_and_no_file(tmp_path):
    """A 千牛-style export whose contact columns (买家会员名, 收货人姓名, 联系手机, 收货地址) hold phone numbers on
    rows with a bad amount, a bad date, too many cells and a too-long cell: every order command, its report
    files included, must not carry one of them in full (the reports mask them; so must the messages)."""
    header = "订单编号,买家会员名,收货人姓名,联系手机,收货地址,订单付款时间,买家实际支付金额,订单状态\n"
    a, b, c, d, e = PLANTED
    rows = [
        f"T1,{a},{b},{c},浙江省杭州市{d},2026-11-01 10:00:00,abc,交易成功\n",  # bad amount
        f"T2,{b},{c},{d},上海市{e},2026-13-45 10:00:00,20.00,交易成功\n",  # bad date
        f"T3,{c},{d},{e},北京市{a},2026-11-03 10:00:00,30.00,交易成功,{b},{a}\n",  # too many cells
        f"T4,{d},{e},{a}{'9' * 300},广州市{b},2026-11-04 10:00:00,40.00,交易成功\n",  # an absurd phone cell
        f"T5,{e},{a},{b},深圳市{c},2026-11-05 10:00:00,1e308,交易成功\n",  # an amount no export can hold
        f'T6,buyer6,王五,="{e}",成都市,2026-11-06 10:00:00,60.00,交易成功\n',  # an Excel guard on the phone
    ]
    orders = tmp_path / "ExportOrderList.csv"
    orders.write_bytes((header + "".join(rows)).encode("gb18030"))
    before = orders.read_bytes()
    book = tmp_path / "orders.xlsx"  # a buyer ID Excel stored as a number: the one contact cell judged bad
    _write_xlsx(
        book, [header.strip().split(","), ["T7", float(a) * 1e8, b, c, d, "2026-11-07 10:00:00", 70, "交易成功"]]
    )
    runner = CliRunner()
    streams = []
    for args in (
        ["inspect", str(orders)],
        ["inspect", str(orders), "--json"],
        ["rfm", "segment", str(orders), "--allow-skipped", "--json", "--customers-out", str(tmp_path / "c.csv")],
        ["rfm", "segment", str(orders), "--allow-skipped", "-o", str(tmp_path / "rfm.md")],
        ["rfm", "segment", str(orders), "--allow-skipped", "-o", str(tmp_path / "rfm.xlsx")],
        ["rfm", "repurchase", str(orders), "--allow-skipped", "--json"],
        ["rfm", "value", str(orders), "--allow-skipped", "--json"],
        ["promo", "thresholds", str(orders), "--allow-skipped", "--json"],
        ["kpi", "report", str(orders), "--allow-skipped", "--json"],
        ["rfm", "segment", str(orders)],  # without --allow-skipped: the refusal names rows, not their cells
        ["inspect", str(book)],
        ["rfm", "segment", str(book), "--json"],
    ):
        result = runner.invoke(app, args)
        assert "Traceback" not in result.output and "unexpected" not in result.stderr, (args, result.output)
        streams.append(result.stdout + result.stderr)
    assert any("row" in stream for stream in streams)  # the bad rows were reported, so the check means something
    assert any("rounded" in stream for stream in streams)
    written = [path for path in tmp_path.rglob("*") if path.is_file() and path not in (orders, book)]
    assert {path.suffix for path in written} >= {".csv", ".md", ".xlsx", ".svg"}
    for path in written:
        if path.suffix == ".xlsx":
            from openpyxl import load_workbook

            book = load_workbook(path, read_only=True)
            streams.append(
                "\n".join(str(v) for sheet in book for row in sheet.iter_rows(values_only=True) for v in row)
            )
        elif path.suffix != ".png":
            streams.append(path.read_text(encoding="utf-8"))
    everything = "\n".join(streams)
    for number in PLANTED:  # ten digits in a row: also the mantissa of 1.3912345678e+18
        assert number[1:] not in everything
    assert orders.read_bytes() == before


def _write_xlsx(path, rows):
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet()
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    workbook.close()
