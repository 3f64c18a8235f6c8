"""Files whose headers are the canonical names themselves, and files mapped by
a TOML `[columns]` table (for the exports nobody anticipated).

A mapping file looks like::

    kind = "orders"            # traffic | products | orders | refunds | inventory | ads | experiment
    [columns]                  # canonical name = header in the file (or a list of candidates)
    order_id = "单号"
    customer_id = ["会员ID", "买家ID"]
    paid_at = "支付时间"
    amount = "实收"
    [status]                   # optional: raw status -> canonical status
    "已签收" = "completed"
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ecomplan.core.errors import ConfigError
from ecomplan.ingest.schemas import KINDS, ORDER_STATUSES, field_map, fields
from ecomplan.ingest.sources.base import Adapter, Context, report_unknown_statuses, status_mapper

# Status words seen across platforms and back-office exports, for files that
# don't come from a platform we know.
COMMON_STATUS = {
    **{s: s for s in ORDER_STATUSES},
    "canceled": "cancelled",
    "closed": "cancelled",
    "void": "cancelled",
    "voided": "cancelled",
    "complete": "completed",
    "success": "completed",
    "succeeded": "completed",
    "delivered": "completed",
    "fulfilled": "completed",
    "unpaid": "pending",
    "awaiting_payment": "pending",
    "partially_paid": "paid",
    "已付款": "paid",
    "已支付": "paid",
    "待发货": "paid",
    "已发货": "shipped",
    "已完成": "completed",
    "交易成功": "completed",
    "已签收": "completed",
    "已收货": "completed",
    "待付款": "pending",
    "未付款": "pending",
    "待支付": "pending",
    "已取消": "cancelled",
    "已关闭": "cancelled",
    "交易关闭": "cancelled",
    "已退款": "refunded",
    "退款成功": "refunded",
    "部分退款": "partially_refunded",
}
# A canonical file needs its required columns plus at least one of these.
_EVIDENCE = {
    "traffic": ("visitors", "pay_amount", "paying_buyers", "sessions", "users", "pageviews", "revenue"),
    "products": ("visitors", "amount", "units", "buyers"),
    "orders": ("amount", "paid_at", "created_at", "customer_id"),
    "refunds": ("refund_amount",),
    "inventory": ("on_hand", "available"),
    "ads": ("spend", "clicks", "impressions"),
    "experiment": ("visitors", "conversions", "user_id", "converted", "revenue"),
}


def _order_finish(mapper):
    def finish(frame: pd.DataFrame, ctx: Context) -> pd.DataFrame:
        if "status" in frame:
            frame["status_raw"] = frame["status"]
            frame["status"] = mapper(frame["status"])
            report_unknown_statuses(frame, ctx)
        return frame

    return finish


def _canonical_adapter(kind: str) -> Adapter:
    names = [f.name for f in fields(kind)]
    required = tuple(f.name for f in fields(kind) if f.required)
    evidence = _EVIDENCE[kind]
    return Adapter(
        "generic",
        f"canonical_{kind}",
        kind,
        title_zh=f"标准列名 ({kind})",
        title_en=f"Canonical column names ({kind})",
        columns={n: n for n in names},
        signature=(*required, evidence),
        finish=_order_finish(status_mapper(COMMON_STATUS)) if kind == "orders" else None,
    )


ADAPTERS = [_canonical_adapter(kind) for kind in KINDS]


@dataclass(frozen=True)
class MappingFile:
    """A checked TOML mapping file: the kind, canonical column -> header(s), status word -> canonical status
    (the words ecomplan knows included)."""

    path: Path
    kind: str
    columns: dict[str, str | tuple[str, ...]]
    statuses: dict[str, str]


def read_mapping(path: str | Path) -> MappingFile:
    """A TOML mapping file, read and checked once; raises ConfigError on mistakes."""
    from ecomplan.config import read_toml

    path = Path(path)
    data = read_toml(path, "mapping file")
    kind = data.get("kind")
    if kind not in KINDS:
        raise ConfigError(f"{path}: 'kind' must be one of {', '.join(KINDS)} (got {kind!r})")
    columns = data.get("columns")
    if not isinstance(columns, dict) or not columns:
        raise ConfigError(f'{path}: a [columns] table is required: canonical_name = "header in the file"')
    schema = field_map(kind)
    unknown = [c for c in columns if c not in schema]
    if unknown:
        raise ConfigError(
            f"{path}: [columns] {', '.join(map(repr, unknown))} not in the {kind} schema; "
            f"valid names: {', '.join(schema)}"
        )
    missing = [f for f, spec in schema.items() if spec.required and f not in columns]
    if missing:
        raise ConfigError(f"{path}: [columns] must map the required {kind} column(s) {', '.join(missing)}")
    mapped = {k: (v if isinstance(v, str) else tuple(v)) for k, v in columns.items()}
    statuses = data.get("status", {})
    bad = {k: v for k, v in statuses.items() if v not in ORDER_STATUSES}
    if bad:
        raise ConfigError(f"{path}: [status] values must be one of {', '.join(ORDER_STATUSES)}; got {bad}")
    return MappingFile(path, kind, mapped, {**COMMON_STATUS, **statuses})


def mapping_adapter(path: str | Path) -> Adapter:
    """An adapter built from a TOML mapping file; raises ConfigError on mistakes."""
    mapping = read_mapping(path)
    schema = field_map(mapping.kind)
    finish = _order_finish(status_mapper(mapping.statuses)) if mapping.kind == "orders" else None
    return Adapter(
        "generic",
        "mapping",
        mapping.kind,
        columns=mapping.columns,
        signature=tuple(mapping.columns[f] for f in schema if schema[f].required),
        title_zh=f"自定义映射 {mapping.path.name}",
        title_en=f"custom mapping {mapping.path.name}",
        finish=finish,
    )


# Stock sheets from Chinese ERPs (旺店通, 聚水潭, 管家婆 and hand-made sheets) share a vocabulary.
ERP_STOCK = Adapter(
    "erp",
    "stock",
    "inventory",
    title_zh="ERP 库存表",
    title_en="ERP stock sheet",
    signature=(
        ("商家编码", "SKU", "sku编码", "商品编码", "货品编号"),
        ("实际库存", "库存数", "库存", "在库数量", "库存数量", "可用库存", "可用数"),
    ),
    columns={
        "sku": ("商家编码", "SKU", "sku编码", "商品编码", "货品编号"),
        "name": ("商品名称", "货品名称", "名称"),
        "on_hand": ("实际库存", "库存数", "库存", "在库数量", "库存数量"),
        "available": ("可用库存", "可用数", "可售库存"),
        "in_transit": ("采购在途", "在途数", "在途库存", "采购在途数"),
        "lead_time_days": ("采购周期(天)", "采购周期", "交期(天)"),
        "lead_time_std_days": ("采购周期标准差(天)", "交期标准差(天)"),
        "moq": ("最小起订量", "起订量", "MOQ"),
        "case_pack": ("箱规", "装箱数"),
        "unit_cost": ("成本价", "采购价", "单位成本"),
        "price": ("售价", "零售价", "销售价"),
        "supplier": ("供应商", "供应商名称"),
        "warehouse": ("仓库", "仓库名称"),
        "date": ("快照日期", "日期"),
    },
)
ADAPTERS.append(ERP_STOCK)

# A/B results as operators type them in Excel, with Chinese headers (aggregate or per-user rows).
EXPERIMENT_ZH = Adapter(
    "generic",
    "experiment_zh",
    "experiment",
    title_zh="实验结果（中文表头）",
    title_en="Experiment results (Chinese headers)",
    signature=(
        ("实验组", "分组", "组别", "版本", "变体", "实验版本"),
        ("访客数", "样本量", "用户数", "曝光人数", "用户ID", "用户id", "是否转化", "转化数", "转化人数"),
    ),
    columns={
        "variant": ("实验组", "分组", "组别", "版本", "变体", "实验版本"),
        "visitors": ("访客数", "样本量", "用户数", "曝光人数"),
        "conversions": ("转化数", "转化人数", "成交人数", "下单人数"),
        "revenue": ("收入", "销售额", "成交金额", "支付金额", "GMV"),
        "revenue_sum_sq": ("收入平方和", "销售额平方和"),
        "revenue_std": ("收入标准差", "销售额标准差"),
        "orders": ("订单数", "成交笔数"),
        "user_id": ("用户ID", "用户id", "买家ID", "访客ID"),
        "converted": ("是否转化", "转化"),
        "date": ("日期", "访问日期"),
        "covariate": ("实验前消费", "前期收入", "实验前收入", "协变量", "pre_revenue"),
    },
)
ADAPTERS.append(EXPERIMENT_ZH)
