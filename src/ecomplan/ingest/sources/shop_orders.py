"""Order exports of independent-shop systems: 有赞 (Youzan) and WooCommerce.

No real file of either is public, so every adapter is marked inferred; where the headers come from:

- youzan/orders_goods_dim: header array of a PHP export that re-emits the 有赞 订单列表 goods-dimension
  layout (search-index file id 1639601837), corroborated by analysis scripts over real 有赞 exports
  (search-index file ids 41196155900, 12811136567).
- woocommerce/orders_line_items: 'Format of Datafile' comment of a Perl script reading WooCommerce
  order CSVs (search-index file id 22254398202, orders.pl).
- woocommerce/orders_one_row: fixture CSV header of a WooCommerce order-recovery test (search-index
  file id 55813056557).

有赞's goods-dimension list has one row per order x goods with the line's own amounts
(商品实际成交金额, 商品已退款金额), so lines add up to the order. WooCommerce's line-item
export repeats the order totals on every line (kept on the first line only); its one-row-per-order
export spreads items over `Product Item N …` column groups (turned into one line each).
"""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np
import pandas as pd

from ecomplan.ingest.reading import RawTable
from ecomplan.ingest.sources.base import (
    Adapter,
    Context,
    first_line_only,
    report_unknown_statuses,
    status_mapper,
)

YOUZAN_STATUS = {
    "待付款": "pending",
    "等待买家付款": "pending",
    "待成团": "paid",
    "待接单": "paid",
    "已付款": "paid",
    "待发货": "paid",
    "等待商家发货": "paid",
    "部分发货": "shipped",
    "已发货": "shipped",
    "商家已发货": "shipped",
    "待收货": "shipped",
    "交易成功": "completed",
    "已完成": "completed",
    "交易关闭": "cancelled",
    "已关闭": "cancelled",
}
WOO_STATUS = {
    "pending": "pending",
    "pending payment": "pending",
    "on-hold": "pending",
    "on hold": "pending",
    "checkout-draft": "pending",
    "draft": "pending",
    "processing": "paid",
    "completed": "completed",
    "cancelled": "cancelled",
    "canceled": "cancelled",
    "failed": "cancelled",
    "trash": "cancelled",
    "refunded": "refunded",
}
for _word, _status in list(WOO_STATUS.items()):
    WOO_STATUS[f"wc-{_word}"] = _status  # the status as stored (wc-processing)


def _youzan_finish(frame: pd.DataFrame, ctx: Context) -> pd.DataFrame:
    """Status words to canonical statuses; a goods line whose refund succeeded was paid and
    refunded (有赞 closes an order once all of it is refunded: 交易关闭 + 退款成功)."""
    frame["status_raw"] = frame["status"]
    frame["status"] = status_mapper(YOUZAN_STATUS)(frame["status"])
    if "__refund_state" in frame:
        refunded = frame.pop("__refund_state").astype("str").str.contains("退款成功", na=False)
        refunded &= frame["status"] != "pending"
        if "refund" in frame and "amount" in frame:
            part = refunded & (frame["refund"].fillna(0) < frame["amount"].fillna(0))
            frame.loc[refunded & ~part, "status"] = "refunded"
            frame.loc[part, "status"] = "partially_refunded"
        else:
            frame.loc[refunded, "status"] = "refunded"
    report_unknown_statuses(frame, ctx)
    return frame


def _woo_finish(frame: pd.DataFrame, ctx: Context) -> pd.DataFrame:
    """Statuses, then the order totals the line-item export repeats on every line kept once."""
    frame["status_raw"] = frame["status"]
    frame["status"] = status_mapper(WOO_STATUS)(frame["status"])
    report_unknown_statuses(frame, ctx)
    return first_line_only(frame, ["amount", "refund"])


_ITEM = re.compile(r"^Product Item (\d+) (.+)$")
_GUEST = {"", "0"}


def _woo_lines(table: RawTable, ctx: Context) -> RawTable:
    """One row per order with items in `Product Item N Name/SKU/Quantity` groups ->
    one row per item (order columns repeated; order totals go to the first line in `finish`).
    A guest's customer_id is 0: the billing e-mail stands in, or nothing."""
    frame = table.frame
    groups: dict[int, dict[str, str]] = {}
    for column in frame.columns:
        found = _ITEM.match(column)
        if found:
            groups.setdefault(int(found.group(1)), {})[found.group(2)] = column
    order_columns = [c for c in frame.columns if not _ITEM.match(c)]
    parts, positions = [], []
    for number in sorted(groups):
        fields = groups[number]
        part = frame[order_columns].copy()
        for field in ("Name", "SKU", "Quantity"):
            part[f"__item_{field.lower()}"] = frame[fields[field]] if field in fields else ""
        present = part[[c for c in part.columns if c.startswith("__item_")]].apply(lambda s: s.str.strip() != "")
        keep = present.any(axis=1) | (number == min(groups))  # an order without items still counts once
        parts.append(part[keep])
        positions.append(np.flatnonzero(keep.to_numpy()))
    if parts:
        order = np.argsort(np.concatenate(positions), kind="stable")
        lines = pd.concat(parts, ignore_index=True).iloc[order].reset_index(drop=True)
        rows = np.concatenate([table.rows[p] for p in positions])[order]
    else:
        lines, rows = frame.copy(), table.rows
    customer = lines["customer_id"].str.strip() if "customer_id" in lines else pd.Series("", index=lines.index)
    customer = customer.where(~customer.isin(_GUEST), "")
    if "billing_email" in lines:
        customer = customer.where(customer != "", lines["billing_email"].str.strip())
    lines["__customer"] = customer
    return replace(table, frame=lines, rows=rows)


ADAPTERS = [
    Adapter(
        "youzan",
        "orders_goods_dim",
        "orders",
        titles=("有赞", "youzan"),
        title_zh="有赞 订单列表（商品维度）",
        title_en="Youzan order list (goods dimension)",
        signature=("订单号", "商品实际成交金额"),
        columns={
            "order_id": "订单号",
            "paid_at": ("买家付款时间", "付款时间"),
            "created_at": ("订单创建时间", "下单时间"),
            "status": ("订单商品状态", "订单状态"),
            "amount": "商品实际成交金额",
            "refund": "商品已退款金额",
            "quantity": "商品数量",
            "sku": ("规格编码", "商品编码"),
            "product_name": "商品名称",
            "customer_id": ("买家手机号", "买家ID"),
            "customer_name": ("收货人/提货人", "收货人"),
            "phone": ("收货人手机号/提货人手机号", "收货人手机号"),
            "__refund_state": "商品退款状态",
        },
        finish=_youzan_finish,
        inferred=True,
    ),
    Adapter(
        "woocommerce",
        "orders_line_items",
        "orders",
        titles=("woocommerce", "woo"),
        title_zh="WooCommerce 订单导出（每行一个商品）",
        title_en="WooCommerce order export (one row per line item)",
        signature=("Order Number", "Order Date", "Order Total Amount"),
        columns={
            "order_id": "Order Number",
            "created_at": "Order Date",
            "paid_at": ("Paid Date", "Date Paid"),
            "status": "Order Status",
            "amount": "Order Total Amount",
            "refund": "Order Refund Amount",
            "quantity": "Quantity",
            "sku": "SKU",
            "product_name": ("Name", "Item Name"),
            "customer_id": ("Customer User ID", "Email (Billing)"),
            "phone": "Phone (Billing)",
            "currency": ("Order Currency", "Currency"),
        },
        finish=_woo_finish,
        inferred=True,
    ),
    Adapter(
        "woocommerce",
        "orders_one_row",
        "orders",
        titles=("woocommerce", "woo"),
        title_zh="WooCommerce 订单导出（每行一个订单）",
        title_en="WooCommerce order export (one row per order)",
        signature=(("order_id", "order_number"), "order_date", "order_total"),
        columns={
            "order_id": ("order_id", "order_number"),
            "created_at": "order_date",
            "paid_at": ("paid_date", "date_paid"),
            "status": "status",
            "amount": "order_total",
            "quantity": "__item_quantity",
            "sku": "__item_sku",
            "product_name": "__item_name",
            "customer_id": "__customer",
            "phone": "billing_phone",
            "currency": "order_currency",
        },
        prepare=_woo_lines,
        finish=_woo_finish,
        inferred=True,
    ),
]
