"""京东商智 (JD Shangzhi) and JD POP seller exports (`docs/formats.md` §2).

JD says 成交 where Sycm says 支付: 成交客户数 = paying buyers, 成交金额 = pay
amount, 成交单量 = orders. Each 流量来源 metric is followed by a bare `同比`
column, which the reader renames to `<metric> 同比`; ecomplan computes its
own comparisons, so those columns stay unmapped.
"""

from __future__ import annotations

import pandas as pd

from ecomplan.ingest.sources.base import (
    Adapter,
    Context,
    fill_period,
    first_line_only,
    report_unknown_statuses,
    status_mapper,
)

ORDER_STATUS = {
    "等待付款": "pending",
    "等待出库": "paid",
    "等待发货": "paid",
    "锁定": "paid",
    "暂停": "paid",
    "等待确认收货": "shipped",
    "已发货": "shipped",
    "完成": "completed",
    "已完成": "completed",
    "已取消": "cancelled",
    "取消": "cancelled",
    "(删除)": "cancelled",
    "删除": "cancelled",
    "配送退货": "refunded",
    "退款成功": "refunded",
}
# An order the shop or JD deleted keeps its last state behind the marker: (删除)等待出库.
_order_status = status_mapper(ORDER_STATUS, prefixes={"(删除)": "cancelled"})


def _orders_finish(frame: pd.DataFrame, ctx: Context) -> pd.DataFrame:
    # One row per order line with the order-level amount repeated on each line.
    frame = first_line_only(frame, ["amount"])
    frame["status_raw"] = frame["status"]
    frame["status"] = _order_status(frame["status"])
    report_unknown_statuses(frame, ctx)
    return frame


def _inventory_finish(frame: pd.DataFrame, ctx: Context) -> pd.DataFrame:
    # 可用库存 is what can still be sold; JD's snapshot dated D reports stock at the end of D-1.
    if "available" not in frame and "on_hand" in frame:
        frame["available"] = frame["on_hand"]
    return frame


# Names of the platform in its file names and description rows (report names follow in each adapter).
JD_WORDS = ("京东",)

# The measures of 商品明细 at both grains (one row per SKU, or per SPU): one list, so the two stay alike.
PRODUCT_MEASURES = {
    "product_code": "货号",
    "category": "三级类目",
    "amount": "成交金额",
    "units": "成交商品件数",
    "orders": "成交单量",
    "buyers": "成交客户数",
    "pageviews": "商品浏览量",
    "visitors": "商品访客数",
    "add_to_cart_buyers": "加购客户数",
    "ordering_buyers": "下单客户数",
    "order_amount": "下单金额",
}


ADAPTERS = [
    Adapter(
        "jd",
        "shop_overview",
        "traffic",
        titles=(*JD_WORDS, "经营概况"),
        title_zh="京东商智 店铺经营概况 (按日)",
        title_en="JD Shangzhi shop overview (daily)",
        signature=(("日期", "时间"), ("访客数", "访客数(UV)"), "成交金额"),  # key fields only
        columns={
            "date": ("日期", "时间"),
            "visitors": ("访客数", "访客数(UV)"),
            "pageviews": ("浏览量", "浏览量(PV)"),
            "add_to_cart_buyers": "加购客户数",
            "add_to_cart_units": "加购商品件数",
            "ordering_buyers": "下单客户数",
            "order_amount": "下单金额",
            "paying_buyers": "成交客户数",
            "orders": ("成交单量", "成交子单量"),
            "units": "成交商品件数",
            "pay_amount": "成交金额",
            "refund_amount": ("取消及售后退款金额", "退款金额"),
            "bounce_rate": "跳失率",
            "avg_stay_seconds": ("平均停留时长(秒)", "平均停留时长"),
        },
        inferred=True,
    ),
    Adapter(
        "jd",
        "traffic_sources",
        "traffic",
        titles=(*JD_WORDS, "流量来源"),
        title_zh="京东商智 流量来源",
        title_en="JD Shangzhi traffic sources",
        # 引入商详访客数 (visitors brought to product pages) is the newer 流量来源's visitors column.
        signature=("一级渠道", ("访客数(UV)", "访客数", "引入商详访客数")),
        columns={
            "date": ("日期", "时间"),
            "channel": "一级渠道",
            "source": "二级渠道",
            "visitors": ("访客数(UV)", "访客数", "引入商详访客数"),
            "pageviews": ("浏览量(PV)", "浏览量"),
            "add_to_cart_buyers": "加购客户数",
            "ordering_buyers": "下单客户数",
            "order_amount": "下单金额",
            "paying_buyers": ("成交客户数", "引入成交客户数"),
            "pay_amount": ("成交金额", "引入成交金额"),
            "orders": ("成交子单量", "成交单量"),
            "avg_stay_seconds": ("平均停留时长(秒)", "平均停留时长"),
        },
        inferred=True,
    ),
    Adapter(
        "jd",
        "sku_daily",
        "products",
        titles=(*JD_WORDS, "商品明细"),
        title_zh="京东商智 商品明细",
        title_en="JD Shangzhi SKU details",
        signature=("时间", "SKU", "成交金额", "商品访客数"),
        columns={
            "date": "时间",
            "sku": "SKU",
            "name": "SKU名称",
            **PRODUCT_MEASURES,
            "add_to_cart_units": "加购商品件数",
            "refund_amount": "取消及售后退款金额",
        },
    ),
    Adapter(
        "jd",
        "spu_detail",
        "products",
        titles=(*JD_WORDS, "SPU", "商品明细"),
        title_zh="京东商智 SPU 商品明细",
        title_en="JD Shangzhi SPU details",
        signature=("时间", "SPU", "成交金额"),
        columns={"date": "时间", "sku": "SPU", "name": "SPU名称", **PRODUCT_MEASURES},
        inferred=True,
    ),
    Adapter(
        "jd",
        "kuaiche_effect",
        "ads",
        titles=(*JD_WORDS, "快车", "京准通"),
        title_zh="京准通 京东快车 效果报表",
        title_en="JD Jingzhuntong Kuaiche report",
        signature=(("点击时间", "日期", "时间"), ("推广计划", "计划ID"), "花费"),
        columns={
            "date": ("点击时间", "日期", "时间"),
            "campaign_id": "计划ID",
            "campaign": "推广计划",
            "keyword": "关键词",
            "impressions": ("展现数", "展现量"),
            "clicks": ("点击数", "点击量"),
            "spend": "花费",
            "orders": ("总订单行", "总订单数"),
            "gmv": "总订单金额",
        },
        inferred=True,
    ),
    Adapter(
        "jd",
        "quanzhan_plan",
        "ads",
        titles=(*JD_WORDS, "全站", "京准通"),
        title_zh="京准通 全站营销 计划报表",
        title_en="JD Jingzhuntong site-wide campaign report",
        signature=("商品计划名称", "花费", "全站交易额"),
        columns={
            "date": ("日期", "时间"),
            "campaign_id": "ID",
            "campaign": "商品计划名称",
            "scene": "计划类型",
            "spend": "花费",
            "gmv": "全站交易额",
            "orders": "全站订单行",
        },
        # One row per campaign over the download's range: the range comes from the file name.
        finish=fill_period("ads"),
        inferred=True,
    ),
    Adapter(
        "jd",
        "inventory",
        "inventory",
        titles=(*JD_WORDS, "库存"),
        title_zh="京东 库存",
        title_en="JD stock",
        signature=("SKU", "库存件数"),
        columns={
            "date": "时间",
            "sku": "SKU",
            "name": "商品名称",
            "price": "商品价格",
            "on_hand": "库存件数",
            "available": "可用库存",
            "warehouse": ("配送中心", "RDC"),
            "status": "上下柜状态",
            "sales_7d": "近7日出库商品件数",
            "sales_14d": "近14日出库商品件数",
            "sales_28d": "近28日出库商品件数",
            "sales_30d": "近30日出库商品件数",
        },
        finish=_inventory_finish,
        inferred=True,
    ),
    Adapter(
        "jd",
        "orders",
        "orders",
        titles=(*JD_WORDS, "订单"),
        title_zh="京东 POP 订单导出",
        title_en="JD POP order export",
        signature=("订单号", "订单状态", "下单时间", ("应付金额", "订单金额")),
        columns={
            "order_id": "订单号",
            "sku": "商品ID",
            "product_name": "商品名称",
            "quantity": "订购数量",
            "created_at": "下单时间",
            "paid_at": "付款确认时间",
            "amount": ("应付金额", "订单金额"),
            "status": "订单状态",
            "customer_id": "下单帐号",
            "customer_name": "客户姓名",
            "phone": "联系电话",
            "channel": ("订单渠道", "订单来源"),
        },
        finish=_orders_finish,
        inferred=True,
    ),
]
