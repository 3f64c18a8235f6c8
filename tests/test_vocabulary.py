"""Headers as users' downloads really carry them: any subset of a report's fields, renamed variants,
companion columns, and breakdown tables whose headers also fit a totals report."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ecomplan.ingest.load import load, read
from ecomplan.ingest.sources.vocabulary import header_key

PREAMBLE = ["【生意参谋平台】商品宏观监控", "统计时间：2026-11-16 ~ 2026-11-22", "终端：所有终端", ""]
DAYS = [f"2026-11-{d}" for d in range(16, 23)]
VISITORS = [1200, 1350, 980, 1100, 1500, 1420, 1610]
AMOUNT = [8123.5, 9010.0, 6540.25, 7100.0, 10250.75, 9900.0, 11000.0]
BUYERS = [40, 45, 31, 36, 50, 47, 55]


def write_csv(path, header: list[str], rows: list[list[str]], preamble=PREAMBLE, encoding="gb18030"):
    lines = [*preamble, ",".join(header), *(",".join(r) for r in rows)]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def macro_rows(columns: list[str]) -> list[list[str]]:
    """Rows of a 商品宏观监控 download with the given columns (values formatted as Sycm does)."""
    values = {
        "统计日期": DAYS,
        "支付金额": [f"{a:,.2f}" for a in AMOUNT],
        "商品访客数": [f"{v:,}" for v in VISITORS],
        "支付买家数": [str(b) for b in BUYERS],
        "下单买家数": [str(b + 5) for b in BUYERS],
        "支付转化率": [f"{b / v:.2%}" for b, v in zip(BUYERS, VISITORS, strict=True)],
        "客单价": [f"{a / b:.2f}" for a, b in zip(AMOUNT, BUYERS, strict=True)],
        "有支付商品数": ["12"] * 7,
        "支付金额-环比": ["-", "10.91%", "-27.41%", "8.56%", "44.38%", "-3.42%", "11.11%"],
        "较前一日": ["-"] * 7,
    }
    base = {name.split("(")[0].split("（")[0]: name for name in columns}
    renamed = {"访客数": "商品访客数"}
    out = []
    for i in range(len(DAYS)):
        row = []
        for name in columns:
            key = name.replace("（", "(").split("(")[0]
            key = renamed.get(key, key)
            row.append(f'"{values[key][i]}"' if "," in values[key][i] else values[key][i])
        out.append(row)
    assert base  # every column name was looked up
    return out


@pytest.mark.parametrize(
    "columns",
    [
        ["统计日期", "支付金额", "商品访客数", "支付买家数", "下单买家数", "支付转化率", "客单价"],  # the issue's file
        ["商品访客数", "统计日期", "支付金额"],  # only the key fields, in another order
        ["统计日期", "支付金额(元)", "商品访客数", "支付买家数"],  # a unit in half-width brackets
        ["统计日期", "支付金额（元）", "商品访客数", "支付买家数"],  # ... and full-width
        ["统计日期", "支付金额", "支付金额-环比", "商品访客数", "较前一日", "支付买家数"],  # companions
        ["统计日期", "支付金额", "商品访客数", "支付买家数", "有支付商品数"],  # the old signature's field
    ],
    ids=["issue-file", "key-fields", "unit", "full-width-unit", "companions", "with-product-count"],
)
def test_product_macro_with_any_subset_of_its_fields(tmp_path, columns):
    path = write_csv(tmp_path / "【生意参谋平台】商品宏观监控_2026-11-16_2026-11-22.csv", columns, macro_rows(columns))
    (dataset,) = read(path)
    assert (dataset.platform, dataset.report, dataset.kind) == ("sycm", "product_macro", "traffic")
    frame = dataset.frame
    assert frame["visitors"].sum() == sum(VISITORS)
    assert frame["pay_amount"].sum() == pytest.approx(sum(AMOUNT))
    assert "pay_amount_change" not in frame
    companions = [raw for raw in dataset.columns if "环比" in raw or "较前" in raw]
    assert len(companions) == sum("环比" in c or "较前" in c for c in columns)
    assert all(dataset.columns[raw] is None for raw in companions)  # kept out of the canonical frame


def test_renamed_visitors_without_a_title_still_read_as_product_macro_fields(tmp_path):
    """`访客数` for `商品访客数` (a prefix dropped) matches; the file name does not have to help."""
    columns = ["统计日期", "访客数", "支付金额", "支付买家数", "有支付商品数"]
    path = write_csv(tmp_path / "download.csv", columns, macro_rows(columns), preamble=[])
    (dataset,) = read(path)
    assert dataset.kind == "traffic"
    assert dataset.frame["visitors"].sum() == sum(VISITORS)


def test_a_percent_header_without_percent_signs_is_scaled(tmp_path):
    """`跳失率(%)` holding 45.5 means 45.5%; the same header holding `45.5%` is read as it stands."""
    header = ["统计日期", "访客数", "支付买家数", "支付金额", "跳失率(%)"]
    plain = [[d, str(v), str(b), f"{a:.2f}", "45.5"] for d, v, b, a in zip(DAYS, VISITORS, BUYERS, AMOUNT, strict=True)]
    signed = [[*row[:-1], "45.5%"] for row in plain]
    for rows in (plain, signed):
        frame = load(write_csv(tmp_path / "交易概况.csv", header, rows), "traffic").frame
        assert frame["bounce_rate"].tolist() == pytest.approx([0.455] * len(DAYS))


@pytest.mark.parametrize(
    ("name", "dimension"),
    [
        ("【生意参谋平台】品类罗盘_标准类目_2026-11-16_2026-11-17.csv", "类目名称"),
        ("自助分析_店铺流量来源.csv", "来源名称"),
    ],
)
def test_a_breakdown_table_is_not_read_as_daily_totals(tmp_path, name, dimension):
    """Several rows per day, one per category or source: reading it as the shop's totals kept one row a
    day and reported a fraction of the visitors (issue #12)."""
    header = ["统计日期", dimension, "商品访客数", "访客数", "支付金额", "支付买家数"]
    rows = [
        [day, label, str(v), str(v), f"{a:.2f}", str(b)]
        for day in DAYS[:2]
        for label, v, a, b in (("茶叶", 800, 5000.0, 20), ("茶具", 300, 2100.0, 9), ("礼盒", 100, 900.0, 3))
    ]
    (dataset,) = read(write_csv(tmp_path / name, header, rows, preamble=[]))
    assert dataset.kind != "traffic" or dataset.report not in {"product_macro", "shop_overview"}
    refused = [c for c in dataset.candidates if c.refused]
    assert refused and "breakdown" in refused[0].refused


def test_a_daily_totals_file_with_repeated_identical_days_is_still_totals(tmp_path):
    """A download saved twice into one file repeats days but has no breakdown column."""
    columns = ["统计日期", "支付金额", "商品访客数", "支付买家数"]
    rows = macro_rows(columns)
    (dataset,) = read(write_csv(tmp_path / "商品宏观监控.csv", columns, rows + rows[:2]))
    assert dataset.report == "product_macro"


@pytest.mark.parametrize(
    ("raw", "key", "bare", "unit", "companion"),
    [
        ("支付金额", "支付金额", "支付金额", None, False),
        ("支付金额（元）", "支付金额", "支付金额", "元", False),
        (" 支付金额 ( 元 ) ", "支付金额", "支付金额", "元", False),
        ("商品访客数", "商品访客数", "访客数", None, False),
        ("店铺访客数", "店铺访客数", "访客数", None, False),
        ("商品ID", "商品id", "商品id", None, False),  # not a measure: the prefix stays
        ("支付金额-环比", "支付金额-环比", "支付金额-环比", None, True),
        ("访客数较前一日", "访客数较前一日", "访客数较前一日", None, True),
        ("支付转化率(%)", "支付转化率", "支付转化率", "%", False),
        ("Sessions", "sessions", "sessions", None, False),
    ],
)
def test_header_keys(raw, key, bare, unit, companion):
    found = header_key(raw)
    assert (found.key, found.bare, found.unit, found.companion) == (key, bare, unit, companion)


FULL_WIDTH = str.maketrans({"(": "（", ")": "）", " ": "\u3000"})


@given(st.text(alphabet="支付金额访客数商品店铺率()元% ", min_size=1, max_size=12))
def test_full_width_and_spaces_never_change_a_key(text):
    assert header_key(text.translate(FULL_WIDTH)).key == header_key(text).key
    assert header_key(text.replace(" ", "")).key == header_key(text).key


def test_inspect_explains_its_choice(tmp_path):
    from typer.testing import CliRunner

    from ecomplan.cli.app import app

    columns = ["统计日期", "支付金额（元）", "支付金额-环比", "访客数", "支付买家数"]
    path = write_csv(tmp_path / "【生意参谋平台】商品宏观监控_2026-11-16_2026-11-22.csv", columns, macro_rows(columns))
    result = CliRunner().invoke(app, ["inspect", str(path), "--json"])
    assert result.exit_code == 0, result.output
    (table,) = json.loads(result.stdout)
    assert (table["platform"], table["report"]) == ("sycm", "product_macro")
    match = table["match"]
    assert "商品宏观监控" in match["titles_found"]
    assert match["fields"]["支付金额（元）"] == {"canonical": "pay_amount", "how": "normalized"}
    assert match["fields"]["访客数"] == {"canonical": "visitors", "how": "prefix"}
    assert match["companions"] == ["支付金额-环比"]
    assert table["runner_up"]["report"] != "product_macro"


def test_an_unknown_file_names_the_closest_exports_and_gets_a_mapping_to_start_from(tmp_path):
    from typer.testing import CliRunner

    from ecomplan.cli.app import app

    header = ["统计日期", "终端", "商品访客数", "支付金额", "支付买家数"]
    rows = [[d, c, "100", "500.00", "5"] for d in DAYS[:3] for c in ("无线端", "PC端")]
    path = write_csv(tmp_path / "按终端.csv", header, rows, preamble=[])
    stub = tmp_path / "mapping.toml"
    result = CliRunner().invoke(app, ["inspect", str(path), "--write-mapping", str(stub)])
    assert result.exit_code == 1
    assert "closest: sycm/product_macro several rows per date" in " ".join(result.stderr.split())
    text = stub.read_text(encoding="utf-8")
    assert 'kind = "traffic"' in text and 'pay_amount = "支付金额"' in text and '# "终端" has no guess' in text
    stub.write_text(text.replace('# "终端" has no guess', 'segment = "终端"'), encoding="utf-8")
    loaded = CliRunner().invoke(app, ["inspect", str(path), "--mapping", str(stub), "--json"])
    assert loaded.exit_code == 0, loaded.output
    (table,) = json.loads(loaded.stdout)
    assert table["kind"] == "traffic" and table["columns"]["终端"] == "segment"


def write_xlsx(path, header: list[str], rows: list[list[object]]):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_a_total_row_labelled_in_the_product_name_column_is_dropped(tmp_path):
    """JD 商品明细 puts 合计 under SKU名称 with the whole range as its date: it is no product."""
    header = ["时间", "SKU", "SKU名称", "成交金额", "商品访客数", "成交商品件数"]
    rows = [
        ["2026-11-16", "1001", "龙井礼盒", "1,200.00", "300", "6"],
        ["2026-11-17", "1001", "龙井礼盒", "800.00", "250", "4"],
        ["2026-09-21~2026-11-22", "", "合计", "2,000.00", "550", "10"],
    ]
    (dataset,) = read(write_xlsx(tmp_path / "京东商智_商品明细.xlsx", header, rows))
    assert dataset.report == "sku_daily"
    assert dataset.frame["name"].tolist() == ["龙井礼盒", "龙井礼盒"]
    assert dataset.frame["amount"].sum() == 2000.0
    assert any(i.code == "summary_row" and i.row == 4 for i in dataset.issues)


@pytest.mark.parametrize("status", ["(删除)等待出库", "（删除）等待出库", "(删除)完成"])
def test_a_deleted_jd_order_is_cancelled_not_unknown(status):
    from ecomplan.ingest.sources.jd import _order_status

    assert _order_status(pd.Series([status, "等待出库"])).astype(str).tolist() == ["cancelled", "paid"]


def test_the_kpis_of_a_product_macro_subset_download_are_right():
    """The issue's case end to end: a 商品宏观监控 download with a subset of its fields and 支付金额(元)."""
    import datetime as dt
    from pathlib import Path

    from ecomplan.jobs import run_kpi_report
    from ecomplan.kpi.report import to_json

    path = Path(__file__).parent / "fixtures/layouts/sycm/product_macro_subset.csv"
    result, _, _ = run_kpi_report([path], period="2026-11-11", as_of=dt.date(2026, 11, 16))
    kpis = to_json(result)["kpis"]
    assert kpis["visitors"] == 4041 and kpis["paying_buyers"] == 91
    assert kpis["gmv"] == pytest.approx(14707.42)
    assert kpis["conversion_rate"] == pytest.approx(91 / 4041)  # recomputed from its parts
    assert kpis["aov"] == pytest.approx(14707.42 / 91)
