"""Canonical schemas: one per kind of data, whatever platform it came from.

Each schema is a pydantic model. The models are the single description of a
kind's columns: name, value type, how the metric aggregates, and labels in
Chinese and English. Rows are never validated one by one through these
models (that costs ~1 s per 200k rows); `ecomplan.ingest.validate` reads the
annotations and checks whole columns at once.

Aggregation types (`agg`) document how each column may roll up (the KPI
registry in `ecomplan.kpi.metrics` applies them; validation refuses negative
counts of `sum`/`distinct` columns):
- `sum`: additive over days, channels and products (pageviews, pay amount, spend);
- `distinct`: de-duplicated counts (visitors, buyers, users); a sum over days
  is "person-days", never the period's distinct count;
- `mean_daily`: platform-defined daily averages (Sycm 跳失率 over several days is
  the plain mean of daily values);
- `ratio`: averages and rates, recomputed from their parts;
- `last`: stock snapshots;
- `None`: dimensions and identifiers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Literal, cast, get_args, get_origin, get_type_hints

from pydantic import BaseModel, ConfigDict

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

ValueType = Literal["id", "text", "date", "datetime", "count", "number", "money", "rate", "duration", "status"]
Aggregation = Literal["sum", "distinct", "mean_daily", "ratio", "last"] | None


@dataclass(frozen=True)
class Col:
    """Metadata of one canonical column."""

    type: ValueType
    zh: str
    en: str
    agg: Aggregation = None
    non_negative: bool = False


class CanonicalRecord(BaseModel):
    """Base of all canonical schemas: fields without a default are required."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def _c(type_: ValueType, zh: str, en: str, agg: Aggregation = None, non_negative: bool | None = None) -> Col:
    if non_negative is None:
        non_negative = type_ in {"count"} and agg in {"sum", "distinct"}
    return Col(type_, zh, en, agg, non_negative)


Count = float | None  # counts stay float so missing values are NaN, not 0
Money = float | None
Text = str | None
Day = dt.date | None


class TrafficRecord(CanonicalRecord):
    """Shop traffic and sales by day (optionally by channel, source, keyword or segment).

    A row may cover several days (`date`..`date_end`) when the export is a
    weekly/monthly or channel report; then its distinct counts are that
    period's de-duplicated figures.
    """

    date: Annotated[dt.date, _c("date", "日期", "Date")]
    date_end: Annotated[Day, _c("date", "结束日期", "End date")] = None
    channel: Annotated[Text, _c("text", "渠道", "Channel")] = None
    source: Annotated[Text, _c("text", "来源", "Source")] = None
    keyword: Annotated[Text, _c("text", "关键词", "Keyword")] = None
    segment: Annotated[Text, _c("text", "细分", "Segment")] = None
    visitors: Annotated[Count, _c("count", "访客数", "Visitors", "distinct")] = None
    pageviews: Annotated[Count, _c("count", "浏览量", "Pageviews", "sum")] = None
    add_to_cart_buyers: Annotated[Count, _c("count", "加购人数", "Add-to-cart buyers", "distinct")] = None
    add_to_cart_units: Annotated[Count, _c("count", "加购件数", "Add-to-cart units", "sum")] = None
    ordering_buyers: Annotated[Count, _c("count", "下单买家数", "Ordering buyers", "distinct")] = None
    order_amount: Annotated[Money, _c("money", "下单金额", "Order amount", "sum")] = None
    paying_buyers: Annotated[Count, _c("count", "支付买家数", "Paying buyers", "distinct")] = None
    orders: Annotated[Count, _c("count", "支付订单数", "Paid orders", "sum")] = None
    units: Annotated[Count, _c("count", "支付件数", "Units sold", "sum")] = None
    pay_amount: Annotated[Money, _c("money", "支付金额", "Pay amount (GMV)", "sum")] = None
    refund_amount: Annotated[Money, _c("money", "退款金额", "Refund amount", "sum")] = None
    new_buyers: Annotated[Count, _c("count", "新买家数", "New buyers", "distinct")] = None
    returning_buyers: Annotated[Count, _c("count", "老买家数", "Returning buyers", "distinct")] = None
    bounce_rate: Annotated[float | None, _c("rate", "跳失率", "Bounce rate", "mean_daily")] = None
    avg_stay_seconds: Annotated[
        float | None, _c("duration", "平均停留时长(秒)", "Avg. time on site (s)", "mean_daily")
    ] = None
    # Google Analytics
    users: Annotated[Count, _c("count", "用户数", "Users", "distinct")] = None
    new_users: Annotated[Count, _c("count", "新用户数", "New users", "distinct")] = None
    sessions: Annotated[Count, _c("count", "会话数", "Sessions", "sum")] = None
    engaged_sessions: Annotated[Count, _c("count", "互动会话数", "Engaged sessions", "sum")] = None
    add_to_carts: Annotated[Count, _c("count", "加购次数", "Add to carts", "sum")] = None
    checkouts: Annotated[Count, _c("count", "结账次数", "Checkouts", "sum")] = None
    purchases: Annotated[Count, _c("count", "购买次数", "Purchases", "sum")] = None
    revenue: Annotated[Money, _c("money", "收入", "Revenue", "sum")] = None
    key_events: Annotated[Count, _c("count", "关键事件数", "Key events", "sum")] = None
    event_count: Annotated[Count, _c("count", "事件数", "Event count", "sum")] = None
    avg_engagement_seconds: Annotated[
        float | None, _c("duration", "平均互动时长(秒)", "Avg. engagement time (s)", "ratio")
    ] = None


class ProductRecord(CanonicalRecord):
    """Product (item/SKU) performance by day: Sycm 商品_全部, JD 商品明细."""

    date: Annotated[dt.date, _c("date", "日期", "Date")]
    date_end: Annotated[Day, _c("date", "结束日期", "End date")] = None
    sku: Annotated[str, _c("id", "商品ID", "Product ID")]
    name: Annotated[Text, _c("text", "商品名称", "Product name")] = None
    product_code: Annotated[Text, _c("id", "货号", "Item code")] = None
    category: Annotated[Text, _c("text", "类目", "Category")] = None
    status: Annotated[Text, _c("text", "商品状态", "Product status")] = None
    visitors: Annotated[Count, _c("count", "访客数", "Visitors", "distinct")] = None
    pageviews: Annotated[Count, _c("count", "浏览量", "Pageviews", "sum")] = None
    add_to_cart_buyers: Annotated[Count, _c("count", "加购人数", "Add-to-cart buyers", "distinct")] = None
    add_to_cart_units: Annotated[Count, _c("count", "加购件数", "Add-to-cart units", "sum")] = None
    ordering_buyers: Annotated[Count, _c("count", "下单买家数", "Ordering buyers", "distinct")] = None
    order_amount: Annotated[Money, _c("money", "下单金额", "Order amount", "sum")] = None
    buyers: Annotated[Count, _c("count", "支付买家数", "Paying buyers", "distinct")] = None
    orders: Annotated[Count, _c("count", "支付订单数", "Paid orders", "sum")] = None
    units: Annotated[Count, _c("count", "支付件数", "Units sold", "sum")] = None
    amount: Annotated[Money, _c("money", "支付金额", "Pay amount", "sum")] = None
    refund_amount: Annotated[Money, _c("money", "退款金额", "Refund amount", "sum")] = None


class OrderRecord(CanonicalRecord):
    """One order line. Order-level fields (`order_id`, `customer_id`, `paid_at`,
    `status`) are filled on every line; `amount` and `refund` are this line's
    share, so summing them over an order's lines gives the order's totals
    (adapters put order-level totals on the first line and 0 on the others)."""

    order_id: Annotated[str, _c("id", "订单编号", "Order ID")]
    customer_id: Annotated[Text, _c("id", "买家ID", "Customer ID")] = None
    paid_at: Annotated[dt.datetime | None, _c("datetime", "付款时间", "Paid at")] = None
    created_at: Annotated[dt.datetime | None, _c("datetime", "下单时间", "Created at")] = None
    amount: Annotated[Money, _c("money", "实付金额", "Amount paid", "sum")] = None
    refund: Annotated[Money, _c("money", "退款金额", "Refund", "sum")] = None
    status: Annotated[Text, _c("status", "订单状态", "Status")] = None
    status_raw: Annotated[Text, _c("text", "原始状态", "Raw status")] = None
    sku: Annotated[Text, _c("id", "SKU", "SKU")] = None
    product_name: Annotated[Text, _c("text", "商品名称", "Product name")] = None
    quantity: Annotated[float | None, _c("count", "数量", "Quantity", "sum", non_negative=False)] = None
    channel: Annotated[Text, _c("text", "渠道", "Channel")] = None
    customer_name: Annotated[Text, _c("text", "收货人", "Customer name")] = None
    phone: Annotated[Text, _c("id", "手机号", "Phone")] = None
    currency: Annotated[Text, _c("text", "币种", "Currency")] = None


class RefundRecord(CanonicalRecord):
    """After-sales refunds (Sycm 售后), joined to orders by `order_id`."""

    order_id: Annotated[str, _c("id", "订单编号", "Order ID")]
    refund_id: Annotated[Text, _c("id", "退款编号", "Refund ID")] = None
    refund_amount: Annotated[Money, _c("money", "退款金额", "Refund amount", "sum")] = None
    refunded_at: Annotated[dt.datetime | None, _c("datetime", "退款完结时间", "Refunded at")] = None
    applied_at: Annotated[dt.datetime | None, _c("datetime", "退款申请时间", "Requested at")] = None
    status: Annotated[Text, _c("text", "退款状态", "Refund status")] = None
    sku: Annotated[Text, _c("id", "SKU", "SKU")] = None


class InventoryRecord(CanonicalRecord):
    """A stock snapshot per SKU (ERP, JD 库存 or a generic sheet)."""

    sku: Annotated[str, _c("id", "SKU", "SKU")]
    name: Annotated[Text, _c("text", "商品名称", "Product name")] = None
    date: Annotated[Day, _c("date", "快照日期", "Snapshot date")] = None
    on_hand: Annotated[float | None, _c("count", "在库", "On hand", "last", non_negative=False)] = None
    available: Annotated[float | None, _c("count", "可用库存", "Available", "last", non_negative=False)] = None
    in_transit: Annotated[Count, _c("count", "在途", "In transit / on order", "last", non_negative=True)] = None
    lead_time_days: Annotated[float | None, _c("number", "采购周期(天)", "Lead time (days)", non_negative=True)] = None
    lead_time_std_days: Annotated[
        float | None, _c("number", "采购周期标准差(天)", "Lead time std (days)", non_negative=True)
    ] = None
    moq: Annotated[float | None, _c("number", "最小起订量", "MOQ", non_negative=True)] = None
    case_pack: Annotated[float | None, _c("number", "箱规", "Case pack", non_negative=True)] = None
    unit_cost: Annotated[Money, _c("money", "单位成本", "Unit cost", non_negative=True)] = None
    price: Annotated[Money, _c("money", "售价", "Price", non_negative=True)] = None
    supplier: Annotated[Text, _c("text", "供应商", "Supplier")] = None
    warehouse: Annotated[Text, _c("text", "仓库", "Warehouse")] = None
    status: Annotated[Text, _c("text", "上下柜状态", "Listing status")] = None
    service_level: Annotated[float | None, _c("rate", "服务水平", "Service level")] = None
    sales_7d: Annotated[Count, _c("count", "近7日销量", "Units sold, last 7 days", "sum")] = None
    sales_14d: Annotated[Count, _c("count", "近14日销量", "Units sold, last 14 days", "sum")] = None
    sales_28d: Annotated[Count, _c("count", "近28日销量", "Units sold, last 28 days", "sum")] = None
    sales_30d: Annotated[Count, _c("count", "近30日销量", "Units sold, last 30 days", "sum")] = None


class AdRecord(CanonicalRecord):
    """Advertising by day and campaign (万相台 计划/商品报表, 直通车 keywords, JD 快车)."""

    date: Annotated[dt.date, _c("date", "日期", "Date")]
    campaign_id: Annotated[Text, _c("id", "计划ID", "Campaign ID")] = None
    campaign: Annotated[Text, _c("text", "计划", "Campaign")] = None
    scene: Annotated[Text, _c("text", "场景", "Scene")] = None
    keyword: Annotated[Text, _c("text", "关键词", "Keyword")] = None
    item_id: Annotated[Text, _c("id", "商品ID", "Item ID")] = None
    item_name: Annotated[Text, _c("text", "商品名称", "Item name")] = None
    impressions: Annotated[Count, _c("count", "展现量", "Impressions", "sum")] = None
    clicks: Annotated[Count, _c("count", "点击量", "Clicks", "sum")] = None
    spend: Annotated[Money, _c("money", "花费", "Spend", "sum", non_negative=True)] = None
    gmv: Annotated[Money, _c("money", "成交金额", "Attributed GMV", "sum")] = None
    orders: Annotated[Count, _c("count", "成交笔数", "Attributed orders", "sum")] = None
    add_to_carts: Annotated[Count, _c("count", "加购数", "Add to carts", "sum")] = None


class ExperimentRecord(CanonicalRecord):
    """A/B test data: either one row per variant (aggregates) or one row per user."""

    variant: Annotated[str, _c("text", "实验组", "Variant")]
    visitors: Annotated[Count, _c("count", "访客数", "Visitors", "sum")] = None
    conversions: Annotated[Count, _c("count", "转化数", "Conversions", "sum")] = None
    revenue: Annotated[float | None, _c("money", "收入", "Revenue", "sum")] = None
    revenue_sum_sq: Annotated[
        float | None, _c("number", "收入平方和", "Revenue sum of squares", "sum", non_negative=True)
    ] = None
    revenue_std: Annotated[float | None, _c("number", "收入标准差", "Revenue std. dev.", non_negative=True)] = None
    orders: Annotated[Count, _c("count", "订单数", "Orders", "sum")] = None
    user_id: Annotated[Text, _c("id", "用户ID", "User ID")] = None
    converted: Annotated[float | None, _c("number", "是否转化", "Converted (0/1)", non_negative=True)] = None
    date: Annotated[Day, _c("date", "日期", "Date")] = None
    covariate: Annotated[float | None, _c("number", "实验前指标", "Pre-period covariate (CUPED)")] = None


SCHEMAS: dict[str, type[CanonicalRecord]] = {
    "traffic": TrafficRecord,
    "products": ProductRecord,
    "orders": OrderRecord,
    "refunds": RefundRecord,
    "inventory": InventoryRecord,
    "ads": AdRecord,
    "experiment": ExperimentRecord,
}
KINDS = tuple(SCHEMAS)

# Canonical order statuses; adapters map each platform's status strings onto these.
ORDER_STATUSES = ("pending", "paid", "shipped", "completed", "refunded", "partially_refunded", "cancelled", "unknown")
PAID_STATUSES = frozenset({"paid", "shipped", "completed", "refunded", "partially_refunded"})


def purchase_time_column(orders: pd.DataFrame) -> str | None:
    """`paid_at`, or `created_at` for exports that have no payment time."""
    return "paid_at" if "paid_at" in orders else "created_at" if "created_at" in orders else None


def sold_lines(orders: pd.DataFrame) -> np.ndarray:
    """Which order lines are sales, the one rule every analysis uses (RFM states it in SQL):
    a purchase time and a paid-like status, or a purchase time and no status (column absent
    or cell empty)."""
    import numpy as np

    column = purchase_time_column(orders)
    if column is None:
        return np.zeros(len(orders), dtype=bool)
    sold = orders[column].notna()
    if "status" in orders:
        sold &= orders["status"].isin(PAID_STATUSES) | orders["status"].isna()
    return cast("np.ndarray", sold.to_numpy(dtype=bool))


@dataclass(frozen=True)
class Field:
    name: str
    col: Col
    required: bool


def fields(kind: str) -> list[Field]:
    """The columns of a canonical kind, in declaration order."""
    model = SCHEMAS[kind]
    hints = get_type_hints(model, include_extras=True)
    out = []
    for name, info in model.model_fields.items():
        hint = hints[name]
        col = next(m for m in get_args(hint)[1:] if isinstance(m, Col)) if get_origin(hint) is Annotated else None
        assert col is not None, f"{model.__name__}.{name}: every canonical field is Annotated with a Col"
        out.append(Field(name, col, info.is_required()))
    return out


def field_map(kind: str) -> dict[str, Field]:
    return {f.name: f for f in fields(kind)}
