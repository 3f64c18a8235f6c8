"""生意参谋 (Sycm, Taobao/Tmall), 万相台 ads and 千牛 order/after-sales exports.

Headers follow `docs/formats.md` §1: 商品_全部 and 万相台 from an audit of real
files; 商品宏观监控, 流量来源, 引流搜索关键词 and 订单导出 from connector docs
and shop systems that clone the export (marked `inferred`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ecomplan.core.errors import Issue
from ecomplan.ingest.reading.values import MISSING_TOKENS
from ecomplan.ingest.sources.base import Adapter, Context, fill_period, report_unknown_statuses, status_mapper

ORDER_STATUS = {
    "交易成功": "completed",
    "买家已付款，等待卖家发货": "paid",
    "买家已付款,等待卖家发货": "paid",
    "等待卖家发货": "paid",
    "卖家部分发货": "shipped",
    "卖家已发货，等待买家确认": "shipped",
    "卖家已发货,等待买家确认": "shipped",
    "等待买家确认收货": "shipped",
    "等待买家付款": "pending",
    "交易关闭": "cancelled",
    "付款以后用户退款成功，交易自动关闭": "refunded",
    "付款以后用户退款成功,交易自动关闭": "refunded",
}
_order_status = status_mapper(ORDER_STATUS)
_NOT_A_LEVEL = MISSING_TOKENS | {"汇总", "全部"}


def _orders_finish(frame: pd.DataFrame, ctx: Context) -> pd.DataFrame:
    if "status" not in frame:  # the 19-column 千牛 list: a paid time is the sale (schemas.sold_lines)
        return frame
    frame["status_raw"] = frame["status"]
    frame["status"] = _order_status(frame["status"])
    report_unknown_statuses(frame, ctx)
    return frame


def _fen_to_yuan(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    """直通车 downloads state money in 分 (花费(分)): 11150 is ¥111.50."""
    for column in columns:
        if column in frame:
            frame[column] = frame[column] / 100
    return frame


def _leaf_sources(frame: pd.DataFrame, ctx: Context) -> pd.DataFrame:
    """Keep the leaves of Sycm's 一/二/三/四级来源 hierarchy.

    The table holds every level at once: `二级来源 = 汇总` is a level-1 subtotal
    and a level-2 subtotal repeats its own name (or 汇总) one level down.
    Summing all rows double-counts, so only rows that no other row refines are
    kept; a subtotal row is dropped only when its children are present.
    """
    frame = fill_period("traffic")(frame, ctx)
    levels = [c for c in ("source_l1", "source_l2", "source_l3", "source_l4") if c in frame]
    if not levels:
        return frame
    paths = []
    for values in frame[levels].itertuples(index=False):  # a few hundred rows at most
        path: list[str] = []
        for value in values:
            if value is None or (isinstance(value, float) and np.isnan(value)) or str(value).strip() in _NOT_A_LEVEL:
                break
            if path and str(value) == path[-1]:
                continue
            path.append(str(value).strip())
        paths.append(tuple(path))
    group = frame["segment"].astype("str").fillna("") if "segment" in frame else pd.Series("", index=frame.index)
    dates = frame["date"].astype("str")
    keys = list(zip(group, dates, paths, strict=False))
    prefixes = {(g, d, p[:i]) for g, d, p in keys for i in range(len(p))}
    leaf = np.array([bool(p) and (g, d, p) not in prefixes for g, d, p in keys])
    dropped = int((~leaf).sum())
    if dropped:
        ctx.issues.append(
            Issue(
                ctx.file,
                f"{dropped} subtotal rows of the source hierarchy (一级/二级/汇总) skipped; "
                "leaf sources kept so nothing is counted twice",
                code="subtotal_rows",
                severity="info",
            )
        )
    out = frame.loc[leaf].copy()
    kept_paths = [p for p, keep in zip(paths, leaf, strict=False) if keep]
    out["channel"] = [p[0] for p in kept_paths]
    out["source"] = [" > ".join(p) for p in kept_paths]
    return out.drop(columns=levels)


# Names of the platform in its file names and description rows (report names follow in each adapter).
SYCM_WORDS = ("生意参谋", "淘宝", "天猫", "千牛")

ADAPTERS = [
    Adapter(
        "sycm",
        "shop_overview",
        "traffic",
        titles=(*SYCM_WORDS, "交易概况"),
        title_zh="生意参谋 首页/交易概况 (按日)",
        title_en="Sycm shop overview (daily)",
        signature=(("统计日期", "日期"), "访客数", "支付金额"),  # key fields only: the user picks the rest
        columns={
            "date": ("统计日期", "日期"),
            "visitors": "访客数",
            "pageviews": "浏览量",
            "add_to_cart_buyers": ("加购人数", "商品加购人数"),
            "add_to_cart_units": ("加购件数", "商品加购件数"),
            "ordering_buyers": "下单买家数",
            "order_amount": "下单金额",
            "paying_buyers": "支付买家数",
            "orders": ("支付子订单数", "支付订单数"),
            "units": "支付件数",
            "pay_amount": "支付金额",
            "refund_amount": ("成功退款金额", "退款金额", "退款金额(完结时间)"),
            "new_buyers": ("支付新买家数", "新买家数"),
            "returning_buyers": ("支付老买家数", "老买家数"),
            "bounce_rate": "跳失率",
            "avg_stay_seconds": ("平均停留时长", "人均停留时长"),
        },
        inferred=True,
    ),
    Adapter(
        "sycm",
        "product_macro",
        "traffic",
        titles=(*SYCM_WORDS, "商品宏观监控"),
        title_zh="生意参谋 商品宏观监控",
        title_en="Sycm product macro monitor (shop totals)",
        # The user picks the indicators of a download (选择指标): the key fields are the date, the
        # visitors and the money; any other documented field may be missing.
        signature=("统计日期", "商品访客数", "支付金额"),
        columns={
            "date": "统计日期",
            "visitors": "商品访客数",
            "pageviews": "商品浏览量",
            "add_to_cart_buyers": "商品加购人数",
            "add_to_cart_units": "商品加购件数",
            "ordering_buyers": "下单买家数",
            "order_amount": "下单金额",
            "paying_buyers": "支付买家数",
            "units": "支付件数",
            "pay_amount": "支付金额",
            "refund_amount": "成功退货退款金额",
            "new_buyers": "支付新买家数",
            "returning_buyers": "支付老买家数",
            "bounce_rate": "商品详情页跳出率",
            "avg_stay_seconds": "商品平均停留时长",
        },
        inferred=True,
    ),
    Adapter(
        "sycm",
        "product_daily",
        "products",
        titles=(*SYCM_WORDS, "商品_全部", "商品排行"),
        title_zh="生意参谋 商品_全部",
        title_en="Sycm product performance (商品_全部)",
        signature=("统计日期", "商品ID", "商品访客数"),
        columns={
            "date": "统计日期",
            "sku": "商品ID",
            "name": "商品名称",
            "product_code": "货号",
            "status": "商品状态",
            "visitors": "商品访客数",
            "pageviews": "商品浏览量",
            "add_to_cart_buyers": "商品加购人数",
            "add_to_cart_units": "商品加购件数",
            "ordering_buyers": "下单买家数",
            "order_amount": "下单金额",
            "buyers": "支付买家数",
            "units": "支付件数",
            "amount": "支付金额",
            "refund_amount": "成功退款金额",
        },
    ),
    Adapter(
        "sycm",
        "traffic_sources",
        "traffic",
        titles=(*SYCM_WORDS, "流量来源"),
        title_zh="生意参谋 店铺流量来源",
        title_en="Sycm shop traffic sources",
        signature=("一级来源", "二级来源", "访客数"),
        columns={
            "date": ("统计日期", "日期"),
            "segment": "流量载体",
            "source_l1": "一级来源",
            "source_l2": "二级来源",
            "source_l3": "三级来源",
            "source_l4": "四级来源",
            "visitors": "访客数",
            "pageviews": "浏览量",
            "add_to_cart_buyers": "加购人数",
            "add_to_cart_units": "加购件数",
            "ordering_buyers": "下单买家数",
            "order_amount": "下单金额",
            "paying_buyers": "支付买家数",
            "pay_amount": "支付金额",
            "units": "支付件数",
            "avg_stay_seconds": "平均停留时长",
        },
        finish=_leaf_sources,
        inferred=True,
    ),
    Adapter(
        "sycm",
        "search_keywords",
        "traffic",
        titles=(*SYCM_WORDS, "引流搜索关键词"),
        title_zh="生意参谋 引流搜索关键词",
        title_en="Sycm search keywords",
        signature=(("统计日期", "日期"), "搜索词", "访客数"),
        columns={
            "date": ("统计日期", "日期"),
            "keyword": "搜索词",
            "visitors": "访客数",
            "add_to_cart_buyers": "加购人数",
            "paying_buyers": "支付买家数",
            "units": "支付件数",
            "pay_amount": "支付金额",
        },
        finish=lambda frame, ctx: frame.assign(channel="手淘搜索"),
        inferred=True,
    ),
    Adapter(
        "sycm",
        "wxt_item",
        "ads",
        titles=(*SYCM_WORDS, "万相台", "商品报表", "主体报表"),
        title_zh="万相台无界 商品报表",
        title_en="Alimama Wanxiangtai item report",
        signature=("日期", "计划ID", "主体ID", "花费"),
        columns={
            "date": "日期",
            "campaign_id": "计划ID",
            "campaign": "计划名字",
            "scene": "场景名字",
            "item_id": "主体ID",
            "item_name": "主体名称",
            "impressions": "展现量",
            "clicks": "点击量",
            "spend": "花费",
            "gmv": "总成交金额",
            "orders": "总成交笔数",
            "add_to_carts": "总购物车数",
        },
    ),
    Adapter(
        "sycm",
        "wxt_plan",
        "ads",
        titles=(*SYCM_WORDS, "万相台", "计划报表"),
        title_zh="万相台无界 计划报表",
        title_en="Alimama Wanxiangtai campaign report",
        signature=("日期", "计划ID", "计划名字", "花费"),
        columns={
            "date": "日期",
            "campaign_id": "计划ID",
            "campaign": "计划名字",
            "scene": "场景名字",
            "impressions": "展现量",
            "clicks": "点击量",
            "spend": "花费",
            "gmv": "总成交金额",
            "orders": "总成交笔数",
            "add_to_carts": "总购物车数",
        },
    ),
    Adapter(
        "sycm",
        "ztc_keyword",
        "ads",
        titles=(*SYCM_WORDS, "直通车", "关键词报表"),
        title_zh="直通车 关键词报表",
        title_en="Zhitongche keyword report",
        signature=("日期", "关键词", "展现量", "点击量", "花费"),
        columns={
            "date": "日期",
            "campaign_id": "计划ID",
            "campaign": ("计划名字", "推广计划名称", "计划名称"),
            "keyword": "关键词",
            "item_id": ("宝贝ID", "商品ID"),
            "impressions": "展现量",
            "clicks": "点击量",
            "spend": "花费",
            "gmv": ("总成交金额", "成交金额"),
            "orders": ("总成交笔数", "成交笔数"),
            "add_to_carts": ("总购物车数", "购物车数"),
        },
        inferred=True,
    ),
    Adapter(
        "sycm",
        "orders",
        "orders",
        titles=(*SYCM_WORDS, "订单导出", "ExportOrderList"),
        title_zh="淘宝/天猫 订单导出",
        title_en="Taobao/Tmall order export",
        # Newer 千牛 order lists drop 买家会员名 (and the 19-column one 订单状态): the key fields are the
        # order, its payment time and the money.
        signature=(
            "订单编号",
            ("订单付款时间", "付款时间"),
            ("买家实际支付金额", "买家实付金额", "实付金额", "支付金额"),
        ),
        columns={
            "order_id": "订单编号",
            "customer_id": ("买家会员名", "买家昵称"),
            "amount": ("买家实际支付金额", "买家实付金额", "实付金额", "支付金额"),
            "paid_at": ("订单付款时间", "付款时间"),
            "created_at": ("订单创建时间", "创建时间"),
            "status": "订单状态",
            "refund": "退款金额",
            "quantity": "宝贝总数量",
            "product_name": "宝贝标题",
            "customer_name": "收货人姓名",
            "phone": ("联系手机", "联系电话"),
            "sku": ("商家编码", "修改后的sku"),
        },
        finish=_orders_finish,
        inferred=True,
    ),
    Adapter(
        "sycm",
        "order_items",
        "orders",
        titles=(*SYCM_WORDS, "宝贝", "子订单"),
        title_zh="千牛 宝贝（子订单）导出",
        title_en="Qianniu order-line (宝贝) export",
        signature=("主订单编号", "子订单编号", ("买家实付金额", "买家实际支付金额")),
        columns={
            "order_id": "主订单编号",
            "amount": ("买家实付金额", "买家实际支付金额"),  # per line: the lines add up to the order
            "paid_at": ("订单付款时间", "付款时间"),
            "created_at": ("订单创建时间", "创建时间"),
            "status": "订单状态",
            "refund": "退款金额",
            "quantity": "购买数量",
            "product_name": "商品标题",
            "sku": ("商家编码", "商品ID"),
            "customer_id": ("买家会员名", "买家昵称"),
        },
        finish=_orders_finish,
        inferred=True,
    ),
    Adapter(
        "sycm",
        "category_standard",
        None,
        titles=(*SYCM_WORDS, "品类", "类目"),
        title_zh="生意参谋 品类罗盘 标准类目",
        title_en="Sycm category compass (standard categories)",
        signature=("统计日期", "类目名称", "商品访客数"),
        columns={
            "date": "统计日期",
            "category_l1": "一级类目名称",
            "category_l2": "二级类目名称",
            "category": "类目名称",
            "visitors": "商品访客数",
            "pageviews": "商品浏览量",
            "paying_buyers": "支付买家数",
            "units": "支付件数",
            "pay_amount": "支付金额",
        },
        inferred=True,
    ),
    Adapter(
        "sycm",
        "item_source_trend",
        None,
        titles=(*SYCM_WORDS, "商品来源", "来源渠道"),
        title_zh="生意参谋 商品来源 渠道趋势",
        title_en="Sycm product source trend (one item, one source)",
        signature=("统计时间", "访客数", "支付金额"),
        columns={
            "date": "统计时间",
            "visitors": "访客数",
            "pageviews": "浏览量",
            "paying_buyers": "支付买家数",
            "units": "支付件数",
            "pay_amount": "支付金额",
        },
        inferred=True,
    ),
    Adapter(
        "sycm",
        "item_traffic_source",
        None,
        titles=(*SYCM_WORDS, "商品360", "流量来源"),
        title_zh="生意参谋 商品360 流量来源",
        title_en="Sycm product 360 traffic sources (one item)",
        signature=("一级来源", "二级来源", "访客数"),
        columns={
            "source_l1": "一级来源",
            "source_l2": "二级来源",
            "source_l3": "三级来源",
            "source_l4": "四级来源",
            "visitors": "访客数",
            "pageviews": "浏览量",
            "paying_buyers": "支付买家数",
            "units": "支付件数",
            "pay_amount": "支付金额",
        },
        # Same headers as the shop's 流量来源: only the title (商品360) tells them apart.
        accepts=lambda table, ctx: "商品360" in " ".join([ctx.file, *ctx.preamble]),
        inferred=True,
    ),
    Adapter(
        "sycm",
        "rank_promote",
        "ads",
        titles=(*SYCM_WORDS, "商品排行", "推广商品"),
        title_zh="生意参谋 商品排行 推广商品",
        title_en="Sycm product ranking: promoted products",
        signature=("统计日期", "商品ID", "推广消耗"),
        columns={
            "date": "统计日期",
            "item_id": "商品ID",
            "item_name": "商品名称",
            "impressions": "展现量",
            "clicks": "点击量",
            "spend": "推广消耗",
            "gmv": "总引导成交金额",
            "orders": "总引导成交笔数",
        },
        inferred=True,
    ),
    Adapter(
        "sycm",
        "wxt_short_video",
        "ads",
        titles=(*SYCM_WORDS, "万相台", "短视频", "内容营销"),
        title_zh="万相台 内容营销 短视频报表",
        title_en="Alimama Wanxiangtai short-video report",
        signature=("日期", "计划ID", "主体类型", "花费", "观看量"),
        columns={
            "date": "日期",
            "campaign_id": "计划ID",
            "campaign": "计划名字",
            "item_id": "宝贝ID",  # 主体ID is the video's
            "impressions": "展现量",
            "clicks": "点击量",
            "spend": "花费",
            "gmv": "总成交金额",
            "orders": "总成交笔数",
            "add_to_carts": "宝贝加购数",
        },
        inferred=True,
    ),
    Adapter(
        "sycm",
        "cjtj_item",
        "ads",
        titles=(*SYCM_WORDS, "超级推荐", "cjtj"),
        title_zh="超级推荐 宝贝报表",
        title_en="Alimama Chaojituijian item report",
        signature=("日期", "宝贝id", "消耗"),
        columns={"date": "日期", "item_id": "宝贝id", "spend": "消耗"},
        inferred=True,
    ),
    Adapter(
        "sycm",
        "ztc_item",
        "ads",
        titles=(*SYCM_WORDS, "直通车", "bpreport"),
        title_zh="直通车 宝贝报表下载（金额单位：分）",
        title_en="Zhitongche item report download (money in fen)",
        signature=("商品id", "花费(分)"),
        columns={"date": ("日期", "统计日期"), "item_id": "商品id", "spend": "花费(分)", "gmv": "总成交金额(分)"},
        finish=lambda frame, ctx: _fen_to_yuan(fill_period("ads")(frame, ctx), ("spend", "gmv")),
        inferred=True,
    ),
    Adapter(
        "sycm",
        "refunds",
        "refunds",
        titles=(*SYCM_WORDS, "售后", "退款"),
        title_zh="千牛 售后退款",
        title_en="Qianniu after-sales refunds",
        signature=("订单编号", "退款编号", "退款状态"),
        columns={
            "order_id": "订单编号",
            "refund_id": "退款编号",
            "refund_amount": ("退给买家金额", "退款总额", "退款金额"),
            "refunded_at": "退款完结时间",
            "applied_at": "退款申请时间",
            "status": "退款状态",
            "sku": ("商家编码", "商品id"),
        },
    ),
]
