"""Inventory alerts as a `Report` (Markdown, Excel, terminal) and as a section of the weekly report."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ecomplan.core.report import Column, Format, Report, Section, Table
from ecomplan.core.text import enumerate_names, platform_name, t
from ecomplan.inventory.classify import EXCESS, SHORTAGE, STATUSES
from ecomplan.inventory.engine import AlertsResult
from ecomplan.inventory.explain import number, status_label, with_text


def _money(value: float, currency: str) -> str:
    return f"{currency}{value:,.0f}"


def _counts_text(result: AlertsResult, lang: str) -> str:
    counts = result.counts()
    sep = "，" if lang == "zh" else ", "
    parts = [f"{status_label(s, lang)} {n}" for s, n in counts.items() if n or s != "inactive"]
    return t("inventory.summary.counts", lang, skus=len(result.items), counts=sep.join(parts))


def _sales_basis_text(result: AlertsResult, lang: str) -> str:
    """Which sales the daily rates add up (every platform's, when the stock serves several shops): a rate
    from one shop's orders next to another command's rate from all shops would not be comparable."""
    names = [
        f"{platform_name(s.platform, lang)} {t(f'inventory.sales_kind.{s.kind}', lang)}"
        if s.platform
        else t(f"inventory.sales_kind.{s.kind}", lang)
        for s in result.sources
    ]
    sources = enumerate_names(dict.fromkeys(names), lang)
    return t("inventory.summary.sales_basis", lang, days=result.demand.window_days, sources=sources or "—")


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


def _columns(keys: list[tuple[str, Format]], lang: str, result: AlertsResult) -> list[Column]:
    out = []
    for key, fmt in keys:
        label_key = "status" if key == "status_label" else key
        label = t(f"inventory.col.{label_key}", lang, days=result.settings.slow_moving_days)
        out.append(Column(key, label, fmt))
    return out


SHORTAGE_COLUMNS: list[tuple[str, Format]] = [
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
EXCESS_COLUMNS: list[tuple[str, Format]] = [
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
ALL_COLUMNS: list[tuple[str, Format]] = [
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
WEEKLY_COLUMNS: list[tuple[str, Format]] = [
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
    columns: list[tuple[str, Format]],
    note: str | None = None,
) -> Table:
    frame = _display(with_text(result, rows, lang))
    return Table(name, title, frame.reset_index(drop=True), _columns(columns, lang, result), note=note)


COMPACT_SHORTAGE: list[tuple[str, Format]] = [
    ("sku", "text"),
    ("name", "text"),
    ("status_label", "text"),
    ("available", "int"),
    ("in_transit", "int"),
    ("days_of_cover", "num"),
    ("projected_stockout_date", "date"),
    ("suggested_order_qty", "int"),
]
COMPACT_EXCESS: list[tuple[str, Format]] = [
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
    paragraphs = [_counts_text(result, lang), _sales_basis_text(result, lang)]
    if not len(shortage):
        paragraphs.append(t("inventory.summary.no_shortage", lang))
    return Section(
        t("inventory.section.weekly", lang),
        paragraphs=paragraphs,
        bullets=[_alerts_text(result, lang, currency), _tied_text(result, lang, currency)],
        tables=tables,
    )
