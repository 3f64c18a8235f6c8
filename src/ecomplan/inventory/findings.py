"""Reconciliation findings: what did not line up between the stock sheet and the sales files.

Nothing is dropped silently: every SKU or sales row that cannot be used, and
every assumption made for lack of data, becomes a `Finding` that the JSON,
the report and stderr show.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ecomplan.core.text import add, t

PREVIEW = 10


@dataclass(frozen=True)
class Finding:
    """One reconciliation or data finding; `skus` lists every SKU concerned (the text shows the first few)."""

    code: str
    severity: str = "warning"  # "warning": numbers may be affected; "info": a note on how data was used
    count: int = 0
    skus: tuple[str, ...] = ()
    units: float | None = None
    detail: dict = field(default_factory=dict)

    def message(self, lang: str) -> str:
        shown = ", ".join(self.skus[:PREVIEW]) + (" …" if len(self.skus) > PREVIEW else "")
        units = "" if self.units is None else f"{self.units:,.0f}"
        return t(f"inventory.finding.{self.code}", lang, count=self.count, skus=shown, units=units, **self.detail)

    def to_dict(self, lang: str) -> dict:
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message(lang),
            "count": self.count,
            "skus": list(self.skus),
            "units": self.units,
            **self.detail,
        }


add(
    {
        "inventory.finding.stock_without_sales": (
            "{count} 个库存 SKU 在销售文件中没有任何销售记录（按零销量计算；若编码不一致请检查）：{skus}",
            "{count} stock SKUs have no sales at all in the sales files (treated as zero demand; check the SKU codes "
            "if they do sell): {skus}",
        ),
        "inventory.finding.sales_without_stock": (
            "{count} 个有销售的 SKU 不在库存表中（共 {units} 件，未纳入预警）：{skus}",
            "{count} SKUs with sales are missing from the stock sheet ({units} units; no alert possible): {skus}",
        ),
        "inventory.finding.sales_without_sku": (
            "{count} 行已付款销售没有 SKU（商家编码），共 {units} 件，无法归属",
            "{count} paid sales rows have no SKU (seller code): {units} units could not be attributed",
        ),
        "inventory.finding.matched_by_product_code": (
            "{file}：{count} 行按货号（商家编码）而不是平台商品 ID 匹配库存 SKU",
            "{file}: {count} rows matched stock SKUs by item code (货号) instead of the platform product ID",
        ),
        "inventory.finding.duplicate_stock_rows": (
            "{count} 个 SKU 在库存表中有多行（多仓库），数量已合计：{skus}",
            "{count} SKUs appear on several stock rows (warehouses); quantities were added up: {skus}",
        ),
        "inventory.finding.stock_without_quantity": (
            "{count} 个 SKU 没有在库或可用库存数量，已跳过：{skus}",
            "{count} SKUs have neither on-hand nor available quantity and were skipped: {skus}",
        ),
        "inventory.finding.available_from_on_hand": (
            "{count} 个 SKU 没有可用库存，按在库数量计算：{skus}",
            "{count} SKUs have no available quantity; on hand was used instead: {skus}",
        ),
        "inventory.finding.stale_stock_rows": (
            "库存表含多个快照日期：每个 SKU 使用 {as_of} 及之前最近的快照（忽略 {count} 行）",
            "the stock sheet holds several snapshot dates: each SKU uses its latest snapshot on or before {as_of} "
            "({count} rows ignored)",
        ),
        "inventory.finding.invalid_service_level": (
            "{count} 个 SKU 的服务水平不在 0.5–1 之间，已改用默认值 {default}：{skus}",
            "{count} SKUs have a service level outside 0.5–1; the default {default} was used: {skus}",
        ),
        "inventory.finding.future_sales": (
            "{count} 行销售日期在 {as_of} 当天或之后，未计入（{units} 件）",
            "{count} sales rows are dated on or after {as_of} and were not counted ({units} units)",
        ),
        "inventory.finding.unpaid_without_date": (
            "{count} 行已付款订单没有付款时间和下单时间，未计入（{units} 件）",
            "{count} paid order lines have neither payment nor creation time and were not counted ({units} units)",
        ),
        "inventory.finding.no_quantity_column": (
            "{file}：没有数量列，每行订单按 1 件计算",
            "{file}: no quantity column; each order line counts as 1 unit",
        ),
        "inventory.finding.missing_quantity": (
            "{count} 行已付款订单没有数量，未计入",
            "{count} paid order lines have no quantity and were not counted",
        ),
        "inventory.finding.negative_quantity": (
            "{count} 行订单数量为负（退货行），未计入需求（{units} 件）",
            "{count} order lines have a negative quantity (returns) and were not counted as demand ({units} units)",
        ),
        "inventory.finding.missing_units": (
            "{file}：{count} 行没有支付件数，未计入",
            "{file}: {count} rows have no units sold and were not counted",
        ),
        "inventory.finding.duplicate_sales": (
            "{count} 行销售在多个文件中重复出现（同一订单/同一商品同一天），只计一次",
            "{count} sales rows appear in more than one file (same order, or same product and day); counted once",
        ),
        "inventory.finding.overlapping_sources": (
            "{files} 来自同一平台（{platform}）且日期重叠（{start}~{end}）：它们的销量被相加，可能重复计算",
            "{files} come from the same platform ({platform}) and overlap ({start}~{end}): their units are added "
            "up, which double-counts if they describe the same sales",
        ),
        "inventory.finding.period_rows": (
            "{count} 个 SKU 的销量来自多日汇总行（无逐日数据），均摊到每天；"
            "需求标准差按泊松假设 √日均销量 估计：{skus}",
            "{count} SKUs have sales only as multi-day totals, spread evenly over the days; their demand std. dev. "
            "is estimated as √(daily average) (Poisson): {skus}",
        ),
        "inventory.finding.stock_sales_columns": (
            "没有逐日销售数据：需求取库存表的近 {days} 日出库（{column}），标准差按泊松假设估计",
            "no daily sales data: demand comes from the stock sheet's last-{days}-days outbound units ({column}); "
            "std. dev. estimated as Poisson",
        ),
        "inventory.finding.short_window": (
            "销售数据只覆盖 {available} 天（自 {start}），少于需求窗口 {wanted} 天：按 {available} 天计算日均",
            "the sales data covers only {available} days (from {start}), less than the {wanted}-day demand window: "
            "daily demand is averaged over {available} days",
        ),
        "inventory.finding.stale_sales": (
            "{file} 的数据止于 {last}，此后到 {as_of} 前的 {days} 天按零销量计算",
            "{file} ends on {last}: the {days} days after it, up to {as_of}, count as zero sales",
        ),
        "inventory.finding.rule_not_evaluated": (
            "销售数据只覆盖 {available} 天，{rule} 规则需要 {wanted} 天：未评估",
            "the sales data covers only {available} days; the {rule} rule needs {wanted}: not evaluated",
        ),
        "inventory.finding.xyz_short": (
            "销售数据不足 4 周，未计算 XYZ 分类",
            "less than 4 weeks of sales data: no XYZ classes",
        ),
        "inventory.finding.abc_units": (
            "部分销售没有金额且库存表无售价：ABC 改按销量计算",
            "some sales have no amount and the stock sheet has no price: ABC uses units instead of revenue",
        ),
        "inventory.finding.no_cost": (
            "{count} 个 SKU 没有成本价，其库存金额未计入占用金额：{skus}",
            "{count} SKUs have no unit cost; their stock is left out of the value tied up: {skus}",
        ),
    }
)
