"""Platform adapters: each fixture maps to the right platform, report and canonical values."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from ecomplan.core.errors import ConfigError, SchemaError
from ecomplan.ingest.load import load, read
from ecomplan.ingest.options import ReadOptions


@pytest.mark.parametrize(
    ("path", "platform", "report", "kind", "rows"),
    [
        ("sycm/交易概况_gbk_preamble.csv", "sycm", "shop_overview", "traffic", 3),
        ("sycm/商品_全部.xls", "sycm", "product_daily", "products", 2),
        ("sycm/商品_全部_biff_named.csv", "sycm", "product_daily", "products", 2),
        ("sycm/无线店铺流量来源-2026-11-16_2026-11-22.csv", "sycm", "traffic_sources", "traffic", 5),
        ("sycm/计划报表_gb18030.csv", "sycm", "wxt_plan", "ads", 2),
        ("sycm/订单导出_gbk.csv", "sycm", "orders", "orders", 5),
        ("sycm/当日售后退货表.xlsx", "sycm", "refunds", "refunds", 2),
        ("jd/商品明细.xlsx", "jd", "sku_daily", "products", 2),
        ("jd/流量来源_同比.xlsx", "jd", "traffic_sources", "traffic", 2),
        ("jd/库存.xlsx", "jd", "inventory", "inventory", 2),
        ("jd/订单导出_repeated_lines.csv", "jd", "orders", "orders", 3),
        ("douyin/订单_utf8_bom_tab_ids.csv", "douyin", "orders", "orders", 2),
        ("pdd/订单_empty_deal_time.csv", "pdd", "orders", "orders", 3),
        ("shopify/orders_export.csv", "shopify", "orders", "orders", 5),
        ("online_retail/invoices.csv", "online_retail", "invoice_lines", "orders", 4),
        ("generic/orders_canonical.csv.gz", "generic", "canonical_orders", "orders", 4),
        ("generic/stock_utf16.tsv", "generic", "canonical_inventory", "inventory", 2),
        ("generic/stock_report_html.xls", "erp", "stock", "inventory", 2),
    ],
)
def test_adapter_detection(fixtures, path, platform, report, kind, rows):
    (dataset,) = [d for d in read(fixtures / path) if d.kind]
    assert (dataset.platform, dataset.report, dataset.kind, len(dataset.frame)) == (platform, report, kind, rows)


def test_sycm_overview_values(fixtures):
    frame = load(fixtures / "sycm/交易概况_gbk_preamble.csv", "traffic").frame
    assert frame["visitors"].tolist() == [1279.0, 1628.0, 25000.0]
    assert frame["pay_amount"].tolist() == [10290.73, 10754.86, 0.0]
    assert frame["bounce_rate"].iloc[0] == pytest.approx(0.6936)
    assert math.isnan(frame["refund_amount"].iloc[1])  # "-" is missing, not 0
    assert math.isnan(frame["add_to_cart_buyers"].iloc[2])
    assert str(frame["date"].iloc[0].date()) == "2026-11-16"


def test_sycm_source_hierarchy_keeps_leaves_only(fixtures):
    loaded = load(fixtures / "sycm/无线店铺流量来源-2026-11-16_2026-11-22.csv", "traffic")
    frame = loaded.frame
    assert frame["source"].tolist() == [
        "淘内免费 > 手淘搜索",
        "淘内免费 > 手淘推荐 > 猜你喜欢",
        "淘内免费 > 手淘推荐 > 微详情",
        "付费推广 > 万相台无界 > 关键词推广",
        "付费推广 > 万相台无界 > 精准人群推广",
    ]
    # leaves add up to the subtotals; summing every row would have double counted
    assert frame["pay_amount"].sum() == 30000.0
    assert frame["channel"].unique().tolist() == ["淘内免费", "付费推广"]
    # the period comes from the description rows: one row per source for the whole week
    assert frame["date"].dt.strftime("%F").unique().tolist() == ["2026-11-16"]
    assert frame["date_end"].dt.strftime("%F").unique().tolist() == ["2026-11-22"]
    assert any("subtotal rows" in i.message for i in loaded.issues)


def test_taobao_orders_statuses_and_unpaid_placeholder(fixtures):
    frame = load(fixtures / "sycm/订单导出_gbk.csv", "orders").frame
    assert frame["status"].tolist() == ["completed", "shipped", "cancelled", "refunded", "paid"]
    assert pd.isna(frame["paid_at"].iloc[2])  # 0000-00-00 00:00:00
    assert frame["order_id"].iloc[0] == "3901234567890123456"  # 19 digits kept exactly
    assert frame["amount"].iloc[4] == 1299.0


def test_jd_orders_count_the_order_amount_once(fixtures):
    frame = load(fixtures / "jd/订单导出_repeated_lines.csv", "orders").frame
    assert frame.groupby("order_id")["amount"].sum().to_dict() == {"281234567890": 466.0, "281234567891": 596.0}
    assert frame["status"].tolist() == ["completed", "completed", "paid"]


def test_jd_comparison_columns_stay_unmapped(fixtures):
    (dataset,) = read(fixtures / "jd/流量来源_同比.xlsx")
    assert dataset.columns["访客数(UV)"] == "visitors"
    assert dataset.columns["访客数(UV) 同比"] is None


def test_jd_sku_ids_stay_exact(fixtures):
    frame = load(fixtures / "jd/商品明细.xlsx", "products").frame
    assert frame["sku"].tolist() == ["10216519586736", "10216519586737"]
    assert frame["amount"].iloc[0] == 4012.17


def test_shopify_order_fields_carried_and_totals_counted_once(fixtures):
    frame = load(fixtures / "shopify/orders_export.csv", "orders").frame
    first_order = frame[frame["order_id"] == "#1001"]
    assert first_order["customer_id"].tolist() == ["a@example.com", "a@example.com"]
    assert first_order["amount"].sum() == 784.0
    assert frame.set_index("order_id")["status"].to_dict() == {
        "#1001": "paid",
        "#1002": "pending",
        "#1003": "refunded",
        "#1004": "cancelled",
    }
    # cash-on-delivery order without e-mail: the phone number is the customer key
    assert frame.loc[frame["order_id"] == "#1002", "customer_id"].iloc[0] == "+27 82 000 0000"
    # +0200 timestamps are converted to the shop's time zone (Asia/Shanghai by default)
    assert str(frame["paid_at"].iloc[0]) == "2026-11-20 16:00:00"


def test_shopify_in_its_own_time_zone(fixtures):
    frame = load(fixtures / "shopify/orders_export.csv", "orders", ReadOptions(tz="Africa/Johannesburg")).frame
    assert str(frame["paid_at"].iloc[0]) == "2026-11-20 10:00:00"


def test_douyin_tab_prefixed_ids_and_after_sales(fixtures):
    loaded = load(fixtures / "douyin/订单_utf8_bom_tab_ids.csv", "orders")
    frame = loaded.frame
    assert frame["order_id"].tolist() == ["6917926768823643751", "6917926768823643753"]
    assert frame["status"].tolist() == ["completed", "refunded"]
    assert frame["refund"].tolist() == [0.0, 316.0]
    assert frame["customer_id"].isna().all()  # encrypted phone numbers are not a customer key
    assert any("encrypted" in i.message for i in loaded.issues)


def test_pdd_empty_deal_time_falls_back_to_order_number_date(fixtures):
    loaded = load(fixtures / "pdd/订单_empty_deal_time.csv", "orders")
    frame = loaded.frame
    assert str(frame["paid_at"].iloc[1].date()) == "2026-11-21"
    assert frame["amount"].tolist() == [280.5, 145.0, 95.0]  # 商家实收金额
    assert frame["status"].tolist() == ["completed", "shipped", "refunded"]


def test_online_retail_lines(fixtures):
    frame = load(fixtures / "online_retail/invoices.csv", "orders").frame
    assert frame["amount"].tolist() == [15.3, 20.34, -27.5, 0.0]
    assert frame["status"].tolist() == ["completed", "completed", "cancelled", "completed"]
    assert frame["customer_id"].iloc[0] == "17850"
    assert pd.isna(frame["customer_id"].iloc[3])


def test_canonical_orders_statuses(fixtures):
    frame = load(fixtures / "generic/orders_canonical.zip", "orders").frame
    assert frame["status"].tolist() == ["paid", "completed", "pending", "completed"]  # 已签收 → completed


def test_mapping_file(fixtures):
    frame = load(
        fixtures / "generic/orders_mapped.csv", "orders", ReadOptions(mapping=fixtures / "generic/orders_mapping.toml")
    ).frame
    assert frame["amount"].tolist() == [1200.0, 80.0]
    assert frame["status"].tolist() == ["completed", "pending"]
    assert str(frame["paid_at"].iloc[0]) == "2026-11-16 10:00:00"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('kind = "orderz"\n[columns]\norder_id = "x"\n', "'kind' must be one of"),
        ('kind = "orders"\n', "a \\[columns\\] table is required"),
        ('kind = "orders"\n[columns]\norder_idd = "x"\n', "not in the orders schema"),
        ('kind = "orders"\n[columns]\namount = "x"\n', "must map the required orders column"),
        ('kind = "orders"\n[columns]\norder_id = "x"\n[status]\n"a" = "done"\n', "\\[status\\] values"),
        ("kind = \n", "not valid TOML"),
    ],
)
def test_mapping_file_errors(tmp_path, fixtures, text, message):
    mapping = tmp_path / "map.toml"
    mapping.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load(fixtures / "generic/orders_mapped.csv", "orders", ReadOptions(mapping=mapping))


def test_refunds_file(fixtures):
    frame = load(fixtures / "sycm/当日售后退货表.xlsx", "refunds").frame
    assert frame["refund_amount"].tolist() == [388.0, 168.0]
    assert frame["status"].tolist() == ["退款成功", "买家已经申请退款，等待卖家同意"]


def test_ga4_snapshot_tables_join_by_day(fixtures):
    frame = load(fixtures / "ga4/Reports_snapshot.csv", "traffic").frame
    daily = frame[frame["report"] == "daily"].sort_values("date")
    assert daily["date"].dt.strftime("%F").tolist() == ["2026-11-16", "2026-11-17", "2026-11-18"]
    assert daily["users"].tolist() == [13.0, 9.0, 5.0]
    assert daily["revenue"].tolist() == [120.5, 0.0, 88.0]
    channels = frame[frame["report"] == "channels"]
    assert channels.set_index("channel")["sessions"].to_dict() == {"Direct": 100.0, "Organic Search": 16.0}


def test_ua_daily_rows(fixtures):
    datasets = read(fixtures / "ga_ua/Analytics All Web Site Data Browser & OS 20261116-20261118.csv")
    by_segment, day_index = datasets
    assert by_segment.frame["segment"].tolist() == ["iOS", "Android", "iOS"]
    assert by_segment.frame["users"].tolist() == [76.0, 1032.0, 30.0]
    assert by_segment.frame["avg_engagement_seconds"].tolist() == [126.0, 1.0, 60.0]
    assert day_index.frame["users"].tolist() == [1108.0, 30.0]


def test_no_table_of_the_kind_names_the_file_and_what_it_is(fixtures):
    with pytest.raises(SchemaError, match="has no orders table; it was read as sycm/shop_overview"):
        load(fixtures / "sycm/交易概况_gbk_preamble.csv", "orders")
    with pytest.raises(SchemaError, match="no known export matches its columns \\(foo, bar, baz\\)"):
        load(fixtures / "bad/no_known_columns.csv", "orders")


def test_a_date_column_full_of_text_is_an_error(fixtures):
    with pytest.raises(SchemaError, match=r"none of its 2 values is a date.*row 2 has 'yesterday'"):
        load(fixtures / "bad/date_column_text.csv", "traffic")


def test_invalid_cells_are_reported_with_row_and_column(tmp_path):
    path = tmp_path / "traffic.csv"
    path.write_text("date,visitors,pay_amount\n2026-11-16,10,5\n2026-11-17,abc,6\n2026-11-18,-3,7\n", "utf-8")
    loaded = load(path, "traffic")
    assert loaded.frame["visitors"].isna().tolist() == [False, True, True]
    found = {(i.row, i.column, i.value) for i in loaded.issues}
    assert (3, "visitors", "abc") in found and (4, "visitors", "-3") in found


def test_platform_override(fixtures):
    with pytest.raises(SchemaError, match="no known export matches"):
        load(fixtures / "sycm/订单导出_gbk.csv", "orders", ReadOptions(platform="jd"))
    with pytest.raises(SchemaError, match="unknown platform 'tmall'"):
        load(fixtures / "sycm/订单导出_gbk.csv", "orders", ReadOptions(platform="tmall"))


def test_column_projection_reads_only_what_is_needed(fixtures):
    full = load(fixtures / "generic/orders_canonical.csv.gz", "orders").frame
    part = load(fixtures / "generic/orders_canonical.csv.gz", "orders", columns=["customer_id", "amount"]).frame
    assert "sku" in full and "sku" not in part
    pd.testing.assert_series_equal(full["amount"], part["amount"])
    pd.testing.assert_series_equal(full["order_id"], part["order_id"])  # required columns always come along


def test_a_time_in_the_file_name_is_not_taken_for_a_date(tmp_path, fixtures):
    source = (fixtures / "sycm/无线店铺流量来源-2026-11-16_2026-11-22.csv").read_bytes()
    path = tmp_path / "店铺流量来源_20261122_153000.csv"
    path.write_bytes(source.replace("统计时间：2026-11-16 ~ 2026-11-22".encode("gbk"), b""))
    with pytest.raises(SchemaError, match="no date column and no date range"):
        load(path, "traffic")


def test_week_view_saved_as_excel(tmp_path):
    import xlsxwriter

    path = tmp_path / "交易概况_周.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    for c, value in enumerate(["统计日期", "访客数", "支付买家数", "支付金额"]):
        sheet.write(0, c, value)
    for c, value in enumerate(["2026-11-16~2026-11-22", 700, 14, 350.5]):
        sheet.write(1, c, value)
    book.close()
    frame = load(path, "traffic").frame
    assert str(frame["date"].iloc[0].date()) == "2026-11-16" and str(frame["date_end"].iloc[0].date()) == "2026-11-22"


def test_a_file_of_no_known_kind_names_what_each_kind_needs(fixtures):
    """The error path of `load_by_kind` (a mix of exports): it once crashed with a KeyError."""
    from ecomplan.ingest.load import load_by_kind

    with pytest.raises(SchemaError, match=r"no known export matches.*traffic: .*orders: .*mapping FILE\.toml"):
        load_by_kind([fixtures / "bad/no_known_columns.csv"])
