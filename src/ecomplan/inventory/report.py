"""Inventory alerts as a `Report` (Markdown, Excel, terminal) and as a section of the weekly report."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ecomplan.core.report import Column, Report, Section, Table
from ecomplan.core.text import add, t
from ecomplan.inventory.classify import EXCESS, SHORTAGE, STATUSES
from ecomplan.inventory.engine import AlertsResult
from ecomplan.inventory.explain import number, status_label, with_text

add(
    {
        "inventory.title": ("库存预警 {as_of}", "Inventory alerts {as_of}"),
        "inventory.meta.as_of": ("截至", "As of"),
        "inventory.meta.as_of_from.given": ("（指定）", "(given)"),
        "inventory.meta.as_of_from.stock": ("（库存快照日期）", "(stock snapshot date)"),
        "inventory.meta.as_of_from.sales": ("（最后销售日的次日）", "(day after the last sale)"),
        "inventory.meta.sales": ("销售数据", "Sales data"),
        "inventory.meta.window": ("需求窗口", "Demand window"),
        "inventory.meta.window_value": (
            "近 {days} 天日均（缺销售的日子按 0 计）",
            "average of the last {days} days (days without sales count as 0)",
        ),
        "inventory.meta.defaults": ("默认参数", "Defaults"),
        "inventory.meta.defaults_value": (
            "采购周期 {lead} 天（标准差 {lead_sd}），服务水平 {level}，目标覆盖 {target} 天",
            "lead time {lead} days (std. dev. {lead_sd}), service level {level}, target cover {target} days",
        ),
        "inventory.meta.campaign": ("进行中的活动", "Campaign running"),
        "inventory.section.summary": ("概览", "Summary"),
        "inventory.section.shortage": ("补货预警", "Replenishment alerts"),
        "inventory.section.excess": ("超储与滞销", "Overstock and slow movers"),
        "inventory.section.all": ("全部 SKU", "All SKUs"),
        "inventory.section.findings": ("数据核对", "Reconciliation"),
        "inventory.section.method": ("计算方法", "Method"),
        "inventory.section.weekly": ("库存", "Inventory"),
        "inventory.summary.counts": ("{skus} 个 SKU：{counts}", "{skus} SKUs: {counts}"),
        "inventory.summary.alerts": (
            "{alerts} 个 SKU 断货或补货来不及（断货/紧急），{orders} 个建议下单，合计 {units} 件、{value}",
            "{alerts} SKUs are out of stock or will run out before a new order can "
            "arrive (stockout/urgent); {orders} need an order: {units} units, {value}",
        ),
        "inventory.summary.tied": (
            "占用资金：超储 {overstock}，滞销 {slow_moving}，呆滞 {dead}，合计 {total}（成本价 × 在库）",
            "Value tied up: overstock {overstock}, slow moving {slow_moving}, dead {dead}, "
            "total {total} (unit cost × on hand)",
        ),
        "inventory.summary.no_shortage": ("没有需要补货的 SKU", "No SKU needs replenishing"),
        "inventory.summary.more": ("另有 {more} 个，见完整报告", "{more} more in the full report"),
        "inventory.summary.cover_note": (
            "可售天数 — 表示需求窗口内无销售",
            "Days of cover — means no sales in the demand window",
        ),
        "inventory.col.sku": ("SKU", "SKU"),
        "inventory.col.name": ("商品名称", "Product"),
        "inventory.col.status": ("状态", "Status"),
        "inventory.col.count": ("SKU 数", "SKUs"),
        "inventory.col.on_hand": ("在库", "On hand"),
        "inventory.col.available": ("可用", "Available"),
        "inventory.col.in_transit": ("在途", "In transit"),
        "inventory.col.avg_daily_demand": ("日均销量", "Units/day"),
        "inventory.col.std_daily_demand": ("日销量标准差", "Std. dev./day"),
        "inventory.col.days_of_cover": ("可售天数", "Days of cover"),
        "inventory.col.lead_time_days": ("采购周期(天)", "Lead time (days)"),
        "inventory.col.safety_stock": ("安全库存", "Safety stock"),
        "inventory.col.reorder_point": ("再订货点", "Reorder point"),
        "inventory.col.projected_stockout_date": ("预计断货日", "Stock-out date"),
        "inventory.col.suggested_order_qty": ("建议采购量", "Order qty"),
        "inventory.col.order_value": ("采购金额", "Order value"),
        "inventory.col.stock_value": ("库存金额", "Stock value"),
        "inventory.col.units_slow_window": ("近 {days} 天销量", "Units, last {days} days"),
        "inventory.col.last_sale_date": ("最后销售日", "Last sale"),
        "inventory.col.markdown_pct": ("建议降价", "Markdown"),
        "inventory.col.abc": ("ABC", "ABC"),
        "inventory.col.xyz": ("XYZ", "XYZ"),
        "inventory.col.supplier": ("供应商", "Supplier"),
        "inventory.col.reason": ("原因", "Reason"),
        "inventory.col.suggestion": ("建议", "Suggestion"),
        "inventory.method.ss": (
            "安全库存 = z × √(采购周期 × 日销量方差 + 日均销量² × 采购周期方差)，z 由服务水平得出（95% → 1.645）",
            "Safety stock = z × √(lead time × daily demand variance + daily demand² × lead-time "
            "variance); z from the service level (95% → 1.645)",
        ),
        "inventory.method.rop": (
            "再订货点 = 日均销量 × 采购周期 + 安全库存；库存含在途 ≤ 再订货点时补货到 再订货点 + 日均 × {target} 天，"
            "向上取整到起订量和箱规",
            "Reorder point = daily demand × lead time + safety stock; at or below it (counting "
            "stock in transit) order up to reorder point + {target} days of demand, rounded up to "
            "the MOQ and whole case packs",
        ),
        "inventory.method.status": (
            "状态取第一个成立的规则：断货 > 紧急（含在途可售天数 < 采购周期）> 待补货 > 呆滞（{dead} 天无销售）"
            "> 滞销（近 {slow_days} 天销量 < {slow_units}）> 超储（可售 > {over} 天）> 正常",
            "Status is the first rule that holds: stockout > urgent (cover incl. in transit < "
            "lead time) > reorder > dead (no sale in {dead} days) > slow moving (< {slow_units} "
            "units in {slow_days} days) > overstock (cover > {over} days) > ok",
        ),
        "inventory.method.abc": (
            "ABC：近 {days} 天销售额累计占比 {a:.0%} / {b:.0%} 分界（按{basis}）；XYZ：近 {weeks} 周周销量变异系数 "
            "< {x} 为 X，≤ {y} 为 Y，其余 Z",
            "ABC: cumulative share of {basis} over {days} days, cut at {a:.0%} / {b:.0%}; XYZ: "
            "coefficient of variation of weekly units over {weeks} weeks, X below {x}, Y up to "
            "{y}, Z above",
        ),
        "inventory.basis.revenue": ("销售额", "revenue"),
        "inventory.basis.units": ("销量", "units"),
    }
)


def _money(value: float, currency: str) -> str:
    return f"{currency}{value:,.0f}"


def _counts_text(result: AlertsResult, lang: str) -> str:
    counts = result.counts()
    sep = "，" if lang == "zh" else ", "
    parts = [f"{status_label(s, lang)} {n}" for s, n in counts.items() if n or s != "inactive"]
    return t("inventory.summary.counts", lang, skus=len(result.items), counts=sep.join(parts))


def _alerts_text(result: AlertsResult, lang: str, currency: str) -> str:
    summary = result.summary()
    return t(
        "inventory.summary.alerts",
        lang,
        alerts=summary["alerts"],
        orders=summary["to_order"],
        units=number(summary["suggested_order_units"]),
        value=_money(summary["suggested_order_value"], currency),
    )


def _tied_text(result: AlertsResult, lang: str, currency: str) -> str:
    return t("inventory.summary.tied", lang, **{k: _money(v, currency) for k, v in result.value_tied_up().items()})


def _display(frame: pd.DataFrame) -> pd.DataFrame:
    """Infinite cover shows as a blank cell (no sales in the window), not as 'inf'."""
    frame = frame.copy()
    for column in ("days_of_cover", "days_of_cover_with_transit"):
        if column in frame:
            frame[column] = frame[column].replace([np.inf, -np.inf], np.nan)
    return frame


def _columns(keys: list[tuple[str, str]], lang: str, result: AlertsResult) -> list[Column]:
    out = []
    for key, fmt in keys:
        label_key = "status" if key == "status_label" else key
        label = t(f"inventory.col.{label_key}", lang, days=result.settings.slow_moving_days)
        out.append(Column(key, label, fmt))
    return out


SHORTAGE_COLUMNS = [
    ("sku", "text"),
    ("name", "text"),
    ("status_label", "text"),
    ("available", "int"),
    ("in_transit", "int"),
    ("avg_daily_demand", "num"),
    ("days_of_cover", "num"),
    ("lead_time_days", "num"),
    ("safety_stock", "int"),
    ("reorder_point", "int"),
    ("projected_stockout_date", "date"),
    ("suggested_order_qty", "int"),
    ("order_value", "money"),
    ("abc", "text"),
    ("reason", "text"),
    ("suggestion", "text"),
]
EXCESS_COLUMNS = [
    ("sku", "text"),
    ("name", "text"),
    ("status_label", "text"),
    ("on_hand", "int"),
    ("avg_daily_demand", "num"),
    ("days_of_cover", "num"),
    ("units_slow_window", "int"),
    ("last_sale_date", "date"),
    ("stock_value", "money"),
    ("markdown_pct", "pct"),
    ("abc", "text"),
    ("xyz", "text"),
    ("reason", "text"),
    ("suggestion", "text"),
]
ALL_COLUMNS = [
    ("sku", "text"),
    ("name", "text"),
    ("supplier", "text"),
    ("status_label", "text"),
    ("on_hand", "int"),
    ("available", "int"),
    ("in_transit", "int"),
    ("avg_daily_demand", "num"),
    ("std_daily_demand", "num"),
    ("days_of_cover", "num"),
    ("lead_time_days", "num"),
    ("safety_stock", "num"),
    ("reorder_point", "num"),
    ("projected_stockout_date", "date"),
    ("suggested_order_qty", "int"),
    ("stock_value", "money"),
    ("abc", "text"),
    ("xyz", "text"),
    ("last_sale_date", "date"),
    ("reason", "text"),
    ("suggestion", "text"),
]
WEEKLY_COLUMNS = [
    ("sku", "text"),
    ("name", "text"),
    ("status_label", "text"),
    ("available", "int"),
    ("days_of_cover", "num"),
    ("projected_stockout_date", "date"),
    ("suggested_order_qty", "int"),
    ("reason", "text"),
]


def _status_table(result: AlertsResult, lang: str, name: str) -> Table:
    counts = result.counts()
    values = result.items.groupby("status")["stock_value"].sum()
    frame = pd.DataFrame(
        {
            "status_label": [status_label(s, lang) for s in STATUSES],
            "count": [counts[s] for s in STATUSES],
            "stock_value": [float(values.get(s, 0.0)) for s in STATUSES],
        }
    )
    frame = frame[(frame["count"] > 0) | ~pd.Series(STATUSES).eq("inactive")]
    return Table(
        name,
        t("inventory.col.status", lang),
        frame,
        _columns([("status_label", "text"), ("count", "int"), ("stock_value", "money")], lang, result),
    )


def _table(
    result: AlertsResult,
    rows: pd.DataFrame,
    lang: str,
    name: str,
    title: str,
    columns: list[tuple[str, str]],
    note: str | None = None,
) -> Table:
    frame = _display(with_text(result, rows, lang))
    return Table(name, title, frame.reset_index(drop=True), _columns(columns, lang, result), note=note)


COMPACT_SHORTAGE = [
    ("sku", "text"),
    ("name", "text"),
    ("status_label", "text"),
    ("available", "int"),
    ("in_transit", "int"),
    ("days_of_cover", "num"),
    ("projected_stockout_date", "date"),
    ("suggested_order_qty", "int"),
]
COMPACT_EXCESS = [
    ("sku", "text"),
    ("name", "text"),
    ("status_label", "text"),
    ("on_hand", "int"),
    ("days_of_cover", "num"),
    ("last_sale_date", "date"),
    ("stock_value", "money"),
    ("markdown_pct", "pct"),
]
COMPACT_ROWS = 50


def build_report(result: AlertsResult, lang: str = "zh", *, compact: bool = False, currency: str = "¥") -> Report:
    """The `ecomplan inventory alerts` report.

    `compact` (the terminal) keeps tables narrow, gives each listed SKU's
    reason and suggestion as a bullet, lists at most 50 SKUs per section and
    leaves out the table of all SKUs; files get everything.
    """
    s = result.settings
    items = result.items
    meta = [
        (
            t("inventory.meta.as_of", lang),
            f"{result.as_of.date()} {t(f'inventory.meta.as_of_from.{result.as_of_from}', lang)}",
        )
    ]
    for source in result.sources:
        first = "—" if source.first is None else source.first.date().isoformat()
        last = "—" if source.last is None else source.last.date().isoformat()
        meta.append((t("inventory.meta.sales", lang), f"{source.file} ({first} ~ {last})"))
    meta.append(
        (t("inventory.meta.window", lang), t("inventory.meta.window_value", lang, days=result.demand.window_days))
    )
    meta.append(
        (
            t("inventory.meta.defaults", lang),
            t(
                "inventory.meta.defaults_value",
                lang,
                lead=number(s.lead_time_days),
                lead_sd=number(s.lead_time_std_days),
                level=f"{s.service_level:.0%}",
                target=number(s.target_cover_days),
            ),
        )
    )
    if result.campaign is not None:
        c = result.campaign
        meta.append((t("inventory.meta.campaign", lang), f"{c.name} ({c.start} ~ {c.end})"))
    summary = Section(
        t("inventory.section.summary", lang),
        paragraphs=[_counts_text(result, lang)],
        bullets=[_alerts_text(result, lang, currency), _tied_text(result, lang, currency)],
        tables=[_status_table(result, lang, "status")],
    )
    sections = [summary]
    note = t("inventory.summary.cover_note", lang)
    for statuses, name, title_key, full, narrow in (
        (SHORTAGE, "alerts", "inventory.section.shortage", SHORTAGE_COLUMNS, COMPACT_SHORTAGE),
        (EXCESS, "excess", "inventory.section.excess", EXCESS_COLUMNS, COMPACT_EXCESS),
    ):
        rows = items[items["status"].isin(statuses)]
        title = t(title_key, lang)
        if not len(rows):
            if statuses is SHORTAGE:
                sections.append(Section(title, paragraphs=[t("inventory.summary.no_shortage", lang)]))
            continue
        if not compact:
            sections.append(Section(title, tables=[_table(result, rows, lang, name, title, full, note)]))
            continue
        shown = rows.head(COMPACT_ROWS)
        more = len(rows) - len(shown)
        table = _table(
            result, shown, lang, name, title, narrow, t("inventory.summary.more", lang, more=more) if more > 0 else None
        )
        sections.append(Section(title, tables=[table], bullets=_reason_bullets(table.frame, lang)))
    if not compact:
        sections.append(
            Section(
                t("inventory.section.all", lang),
                tables=[_table(result, items, lang, "skus", t("inventory.section.all", lang), ALL_COLUMNS, note)],
            )
        )
    if result.findings:
        sections.append(
            Section(t("inventory.section.findings", lang), bullets=[f.message(lang) for f in result.findings])
        )
    sections.append(Section(t("inventory.section.method", lang), bullets=_method(result, lang)))
    return Report(t("inventory.title", lang, as_of=result.as_of.date()), lang, meta, sections, currency)


def _reason_bullets(frame: pd.DataFrame, lang: str) -> list[str]:
    arrow = " → "
    return [
        f"{row.sku} {row.name or ''}: {row.reason}" + (arrow + row.suggestion if row.suggestion else "")
        for row in frame.itertuples(index=False)
    ]


def _method(result: AlertsResult, lang: str) -> list[str]:
    s = result.settings
    return [
        t("inventory.method.ss", lang),
        t("inventory.method.rop", lang, target=number(s.target_cover_days)),
        t(
            "inventory.method.status",
            lang,
            dead=s.dead_days,
            slow_days=s.slow_moving_days,
            slow_units=number(s.slow_moving_units),
            over=number(s.overstock_days),
        ),
        t(
            "inventory.method.abc",
            lang,
            days=result.demand.abc_days,
            a=s.abc_cutoffs[0],
            b=s.abc_cutoffs[1],
            basis=t(f"inventory.basis.{result.abc_basis}", lang),
            weeks=result.demand.xyz_weeks,
            x=s.xyz_cutoffs[0],
            y=s.xyz_cutoffs[1],
        ),
    ]


def weekly_section(result: AlertsResult, lang: str = "zh", *, limit: int = 20, currency: str = "¥") -> Section:
    """The weekly report's inventory section: counts by status, the urgent list (stockout, urgent,
    reorder with order quantities, first `limit` rows) and the value tied up in excess stock."""
    shortage = result.shortage()
    tables = [_status_table(result, lang, "inv_status")]
    if len(shortage):
        more = len(shortage) - limit
        note = t("inventory.summary.more", lang, more=more) if more > 0 else None
        tables.append(
            _table(
                result,
                shortage.head(limit),
                lang,
                "inv_alerts",
                t("inventory.section.shortage", lang),
                WEEKLY_COLUMNS,
                note,
            )
        )
    paragraphs = [_counts_text(result, lang)]
    if not len(shortage):
        paragraphs.append(t("inventory.summary.no_shortage", lang))
    return Section(
        t("inventory.section.weekly", lang),
        paragraphs=paragraphs,
        bullets=[_alerts_text(result, lang, currency), _tied_text(result, lang, currency)],
        tables=tables,
    )
