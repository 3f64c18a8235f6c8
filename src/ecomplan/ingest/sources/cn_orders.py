"""抖店 (Douyin) and 拼多多 (Pinduoduo) order exports (`docs/formats.md` §5-6).

No real file of either is public; headers recur across independent projects'
fixtures built from real downloads, so both adapters are marked inferred.
Neither export carries a buyer ID: 抖店 encrypts phone numbers (`##…`) and
拼多多 masks them, so RFM on these files reports customers as unknown.
"""

from __future__ import annotations

import pandas as pd

from ecomplan.core.errors import Issue
from ecomplan.ingest.reading import RawTable
from ecomplan.ingest.sources.base import Adapter, Context, report_unknown_statuses, status_mapper

DOUYIN_STATUS = {
    "待支付": "pending",
    "待付款": "pending",
    "备货中": "paid",
    "待发货": "paid",
    "部分发货": "shipped",
    "已发货": "shipped",
    "已完成": "completed",
    "已关闭": "cancelled",
    "已取消": "cancelled",
}
PDD_STATUS = {
    "待支付": "pending",
    "待付款": "pending",
    "待发货": "paid",
    "未发货": "paid",
    "已发货，待收货": "shipped",
    "已发货,待收货": "shipped",
    "已发货": "shipped",
    "已收货": "completed",
    "已签收": "completed",
    "交易成功": "completed",
    "已取消": "cancelled",
    "已关闭": "cancelled",
    "未发货，退款成功": "refunded",
    "已发货，退款成功": "refunded",
    "已收货，退款成功": "refunded",
    "退款成功": "refunded",
}


def _after_sales(frame: pd.DataFrame, ctx: Context, mapper) -> pd.DataFrame:
    frame["status_raw"] = frame["status"]
    frame["status"] = mapper(frame["status"])
    if "__after_sales" in frame:
        refunded = frame.pop("__after_sales").astype("str").str.contains("退款成功", na=False)
        frame.loc[refunded & frame["status"].isin(["paid", "shipped", "completed"]), "status"] = "refunded"
        frame["refund"] = frame["amount"].where(refunded, 0.0) if "amount" in frame else None
    if "paid_at" not in frame and "created_at" in frame:
        frame["paid_at"] = frame["created_at"].where(frame["status"] != "pending")
        ctx.issues.append(
            Issue(
                ctx.file,
                "no payment time column: the order submission time is used as paid time",
                code="order_time_as_paid",
                severity="info",
            )
        )
    if "customer_id" in frame:
        encrypted = frame["customer_id"].astype("str").str.match(r"^(##|\$\$|\*{3})", na=False)
        if encrypted.any():
            frame.loc[encrypted, "customer_id"] = pd.NA
            ctx.issues.append(
                Issue(
                    ctx.file,
                    "buyer phone numbers are encrypted/masked; those orders have no customer ID",
                    code="masked_customer_id",
                    column="收件人手机号",
                    count=int(encrypted.sum()),
                )
            )
    report_unknown_statuses(frame, ctx)
    return frame


def _pdd_dates(table: RawTable, ctx: Context) -> RawTable:
    """拼多多 leaves 订单成交时间 empty on some rows; the order number starts with
    the order date as yymmdd (`231015-…`), which is the best fallback."""
    frame = table.frame
    column = next((c for c in ("订单成交时间", "支付时间", "拼单成功时间") if c in frame.columns), None)
    if column and "订单号" in frame.columns:
        empty = frame[column].str.strip() == ""
        prefix = frame["订单号"].str.extract(r"^(\d{2})(\d{2})(\d{2})-")[0].notna()
        fill = empty & prefix
        if fill.any():
            parts = frame.loc[fill, "订单号"].str.extract(r"^(\d{2})(\d{2})(\d{2})-")
            frame.loc[fill, column] = "20" + parts[0] + "-" + parts[1] + "-" + parts[2]
            ctx.issues.append(
                Issue(
                    ctx.file,
                    f"{int(fill.sum())} orders without {column}: date taken from the order number",
                    code="date_from_order_number",
                    column=column,
                    severity="info",
                )
            )
    table.frame = frame
    return table


ADAPTERS = [
    Adapter(
        "douyin",
        "orders",
        "orders",
        titles=("抖店", "抖音", "订单"),
        title_zh="抖店 订单导出",
        title_en="Douyin shop order export",
        signature=("主订单编号", "子订单编号", "订单状态"),
        columns={
            "order_id": "主订单编号",
            "product_name": "选购商品",
            "quantity": "商品数量",
            "sku": ("商家编码", "商品ID"),
            "amount": "订单应付金额",
            "created_at": "订单提交时间",
            "paid_at": ("支付完成时间", "支付时间"),
            "status": "订单状态",
            "channel": "流量来源",
            "customer_id": ("买家ID", "用户ID", "收件人手机号"),
            "customer_name": "收件人",
            "phone": "收件人手机号",
            "__after_sales": "售后状态",
        },
        finish=lambda frame, ctx: _after_sales(frame, ctx, status_mapper(DOUYIN_STATUS)),
        inferred=True,
    ),
    Adapter(
        "pdd",
        "orders",
        "orders",
        titles=("拼多多", "订单"),
        title_zh="拼多多 订单导出",
        title_en="Pinduoduo order export",
        signature=("订单号", "订单状态", ("商家实收金额(元)", "用户实付金额(元)")),
        columns={
            "order_id": "订单号",
            "paid_at": ("订单成交时间", "支付时间", "拼单成功时间"),
            "created_at": "订单创建时间",
            "status": "订单状态",
            "amount": ("商家实收金额(元)", "用户实付金额(元)"),
            "quantity": "商品数量(件)",
            "sku": ("商家编码-规格维度", "样式ID", "商品id"),
            "product_name": "商品",
            "__after_sales": "售后状态",
            "customer_id": ("买家ID", "用户ID"),
        },
        prepare=_pdd_dates,
        finish=lambda frame, ctx: _after_sales(frame, ctx, status_mapper(PDD_STATUS)),
        inferred=True,
    ),
]
