"""Quirks of the 抖音罗盘/千川, 拼多多 数据中心, ERP stock and shop-system order adapters beyond what
tests/test_layouts.py checks: period from the file name, two-row headers, order totals counted once,
one-row orders turned into lines, refunds, and no stealing of the generic ERP sheet."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from ecomplan.core.errors import SchemaError
from ecomplan.ingest.load import load, read
from ecomplan.ingest.schemas import sold_lines

LAYOUTS = Path(__file__).parent / "fixtures" / "layouts"


def dated(tmp_path: Path, name: str, stem: str) -> Path:
    source = LAYOUTS / name
    path = tmp_path / f"{stem}_2026-11-16_2026-11-22{source.suffix}"
    shutil.copy(source, path)
    return path


def test_reports_without_a_date_column_take_the_range_from_the_file_name(tmp_path):
    with pytest.raises(SchemaError, match="no date column and no date range"):
        read(LAYOUTS / "qianchuan/plan_report.xlsx")
    ads = load(dated(tmp_path, "qianchuan/plan_report.xlsx", "千川计划"), "ads").frame
    assert ads["date"].dt.strftime("%F").unique().tolist() == ["2026-11-16"]
    assert "date_end" not in ads  # not an ads field
    products = load(dated(tmp_path, "douyin/compass_product.xlsx", "罗盘商品"), "products").frame
    assert products["date_end"].dt.strftime("%F").unique().tolist() == ["2026-11-22"]
    assert products["sku"].iloc[0] == "3712209954420185121"  # 19 digits kept exactly
    assert products["amount"].sum() == 91995.0  # totals only, not the 直播间/短视频/商品卡 blocks


def test_jushuitan_two_row_header_is_folded():
    (dataset,) = [d for d in read(LAYOUTS / "jushuitan/stock_merged_header.xlsx") if d.kind]
    assert len(dataset.frame) == 4  # the 总可用/公用可用 row is part of the header, not data
    assert dataset.frame["available"].tolist() == [37.0, 204.0, 236.0, 241.0]  # 公用可用, under 可用库存数量
    assert not [i for i in dataset.issues if i.code == "bad_number"]


def test_erp_specific_adapters_leave_the_generic_stock_sheet_alone():
    fixtures = Path(__file__).parent / "fixtures"
    (dataset,) = [d for d in read(fixtures / "inventory/stock_erp.csv") if d.kind]
    assert (dataset.platform, dataset.report) == ("erp", "stock")
    (wdt,) = [d for d in read(LAYOUTS / "wangdiantong/stock.xlsx") if d.kind]
    assert wdt.columns["可发库存"] == "available" and wdt.columns["实际库存"] == "on_hand"


def test_woocommerce_line_items_count_the_order_total_once():
    frame = load(LAYOUTS / "woocommerce/orders_line_items.csv", "orders").frame
    assert frame["amount"].sum() == pytest.approx(191.72)
    assert frame["refund"].sum() == pytest.approx(32.0)
    assert frame.loc[frame["order_id"] == "1043", "status"].tolist() == ["refunded"]
    assert frame.loc[frame["order_id"] == "1041", "status"].tolist() == ["paid", "paid"]


def test_woocommerce_one_row_orders_become_lines(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text(
        "order_id,order_number,order_date,status,order_total,order_currency,customer_id,billing_email,"
        "Product Item 1 Name,Product Item 1 SKU,Product Item 1 Quantity,"
        "Product Item 2 Name,Product Item 2 SKU,Product Item 2 Quantity\n"
        "1,1,2026-11-18 09:10:00,completed,80.0,USD,7,a@example.com,Planter,P-1,1,Mug,M-1,2\n"
        "2,2,2026-11-19 09:10:00,wc-processing,30.0,USD,0,guest@example.com,Mug,M-1,1,,,\n",
        encoding="utf-8",
    )
    (dataset,) = [d for d in read(path) if d.kind]
    assert (dataset.platform, dataset.report) == ("woocommerce", "orders_one_row")
    frame = dataset.frame
    assert frame["order_id"].tolist() == ["1", "1", "2"]
    assert frame["sku"].tolist() == ["P-1", "M-1", "M-1"]
    assert frame["quantity"].tolist() == [1.0, 2.0, 1.0]
    assert frame["amount"].tolist() == [80.0, 0.0, 30.0]
    assert frame["customer_id"].tolist() == ["7", "7", "guest@example.com"]  # a guest is customer 0
    assert frame["status"].tolist() == ["completed", "completed", "paid"]


def test_youzan_refunded_goods_lines():
    frame = load(LAYOUTS / "youzan/orders_goods_dim.xlsx", "orders").frame
    closed = frame[frame["order_id"] == "E20261122342159050310"]
    assert closed["status"].tolist() == ["refunded", "refunded"]  # 交易关闭 after 退款成功: paid, then refunded
    assert closed["refund"].sum() == 191.0
    assert frame["amount"].sum() == 581.0  # line amounts: no order total repeated
    assert not sold_lines(frame).any()  # this clone has no payment or order time column


def test_pdd_goods_overview_is_not_read_as_trade_overview():
    (goods,) = [d for d in read(LAYOUTS / "pdd/goods_overview.xlsx") if d.kind]
    (trade,) = [d for d in read(LAYOUTS / "pdd/trade_overview.xlsx") if d.kind]
    assert (goods.report, trade.report) == ("goods_overview", "trade_overview")
    assert "visitors" in goods.frame and "visitors" not in trade.frame
    assert isinstance(trade.frame, pd.DataFrame) and trade.frame["refund_amount"].sum() == pytest.approx(8267.31)
