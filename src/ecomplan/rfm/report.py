"""RFM results as `ecomplan.core.report.Report`s (Markdown, Excel, terminal) and the weekly-report section."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, cast

import pandas as pd

from ecomplan.core.errors import EcomplanError
from ecomplan.core.formatting import money, num, pct
from ecomplan.core.report import Chart, Column, Format, Report, Section, Table
from ecomplan.core.text import has, t
from ecomplan.ingest.sources import CNY_PLATFORMS
from ecomplan.rfm.metrics import Exclusions, distinct_values
from ecomplan.rfm.migration import NOT_SCORED, Migration
from ecomplan.rfm.repurchase import Repurchase
from ecomplan.rfm.scoring import segments
from ecomplan.rfm.segmentation import SegmentResult, weekly_changes

if TYPE_CHECKING:
    from ecomplan.rfm.metrics import Lines


def segment_label(scheme: str, key: str, lang: str) -> str:
    return t(f"rfm.{scheme}.{key}", lang)


def _label_of_name(scheme: str, lang: str) -> dict[str, str]:
    """JSON segment name -> label in `lang`."""
    return {s.name: segment_label(scheme, s.key, lang) for s in segments(scheme)}


def _cuts(values: list[float]) -> str:
    return " / ".join(num(v, 2) for v in values)


def _window(as_of: dt.date, start: dt.date | None, days: int | None, lang: str) -> str:
    if start is None:
        return t("rfm.meta.window_all", lang, end=as_of)
    return t("rfm.meta.window_days", lang, start=start, end=as_of, days=days)


def segment_report(result: SegmentResult, lang: str, files: list[str], currency: str = "¥") -> Report:
    unit = t(f"rfm.frequency.{result.frequency}", lang)
    scheme = (
        t("rfm.scheme.cn8", lang, threshold=t(f"rfm.threshold.{result.threshold}", lang))
        if result.scheme == "cn8"
        else t("rfm.scheme.rfm11", lang, variant=result.variant)
    )
    report = Report(
        t("rfm.title.segment", lang),
        lang,
        currency=currency,
        meta=[
            (t("rfm.meta.files", lang), ", ".join(files)),
            (t("rfm.meta.as_of", lang), str(result.as_of)),
            (t("rfm.meta.window", lang), _window(result.as_of, result.window_start, result.window_days, lang)),
            (t("rfm.meta.scheme", lang), scheme),
            (t("rfm.meta.frequency", lang), unit),
            (t("rfm.meta.customers", lang), num(len(result.customers))),
            (t("rfm.meta.revenue", lang), money(result.revenue, currency, 2)),
        ],
    )
    report.sections.append(_rules_section(result, lang, currency, unit))
    report.sections.append(_segments_section(result, lang))
    report.sections.append(
        _scope_section(
            result.exclusions,
            lang,
            currency,
            lapsed=result.lapsed,
            not_positive=result.orders_not_positive,
            after=result.purchases_after_as_of,
        )
    )
    report.sections.extend(repurchase_sections(result.repurchase, lang))
    if result.migration is not None:
        report.sections.append(migration_section(result.migration, result.scheme, lang))
    return report


def _rules_section(result: SegmentResult, lang: str, currency: str, unit: str) -> Section:
    th = result.thresholds
    if result.scheme == "cn8":
        bullets = [
            t("rfm.rules.cn8.r", lang, t=num(th.recency, 2)),
            t("rfm.rules.cn8.f", lang, unit=unit, t=num(th.frequency, 2)),
            t("rfm.rules.cn8.m", lang, t=money(th.monetary, currency, 2)),
        ]
        note = t("rfm.rules.cn8.note", lang, method=t(f"rfm.threshold.{result.threshold}", lang))
    else:
        bullets = [
            t("rfm.rules.rfm11.r", lang, cuts=_cuts(cast(list[float], th.recency))),
            t("rfm.rules.rfm11.f", lang, cuts=_cuts(cast(list[float], th.frequency))),
            t("rfm.rules.rfm11.m", lang, cuts=_cuts(cast(list[float], th.monetary))),
        ]
        note = t("rfm.rules.rfm11.note", lang, variant=result.variant)
    return Section(t("rfm.rules.title", lang), paragraphs=[note], bullets=bullets)


def _segments_section(result: SegmentResult, lang: str) -> Section:
    frame = result.summary.copy()
    frame["label"] = [segment_label(result.scheme, k, lang) for k in frame["key"]]
    frame["action"] = [t(f"rfm.{result.scheme}.{k}.action", lang) for k in frame["key"]]
    numbers = Table(
        t("rfm.segments.title", lang),
        t("rfm.segments.title", lang),
        frame,
        [
            Column("label", t("rfm.col.segment", lang)),
            Column("customers", t("rfm.col.customers", lang), "int"),
            Column("share", t("rfm.col.share", lang), "pct"),
            Column("revenue", t("rfm.col.revenue", lang), "money"),
            Column("revenue_share", t("rfm.col.revenue_share", lang), "pct"),
            Column("mean_recency", t("rfm.col.mean_recency", lang), "num"),
            Column("mean_frequency", t("rfm.col.mean_frequency", lang), "num"),
            Column("mean_monetary", t("rfm.col.mean_monetary", lang), "money"),
        ],
        chart=Chart("bar", t("rfm.segments.chart", lang), "label", ["customers"]),
    )
    code = [Column("key", t("rfm.col.code", lang))] if result.scheme == "cn8" else []
    actions = Table(
        t("rfm.actions.title", lang),
        t("rfm.actions.title", lang),
        frame,
        [Column("label", t("rfm.col.segment", lang)), *code, Column("action", t("rfm.col.action", lang))],
    )
    return Section(t("rfm.segments.title", lang), tables=[numbers, actions])


def _scope_section(
    exclusions: Exclusions,
    lang: str,
    currency: str,
    lapsed: int | None = None,
    not_positive: int | None = None,
    after: int | None = None,
) -> Section:
    bullets = [t("rfm.scope.lines", lang, n=num(exclusions.lines))]
    if exclusions.unsold_lines:
        items = t("rfm.separator", lang).join(
            f"{_status(s, lang)} {t('rfm.lines', lang, n=num(n))}" for s, n in sorted(exclusions.unsold_lines.items())
        )
        bullets.append(t("rfm.scope.unsold", lang, items=items))
    if exclusions.sold_lines_without_paid_at:
        bullets.append(t("rfm.scope.unpaid", lang, n=num(exclusions.sold_lines_without_paid_at)))
    if exclusions.orders_without_customer:
        bullets.append(
            t(
                "rfm.scope.no_customer",
                lang,
                orders=num(exclusions.orders_without_customer),
                lines=num(exclusions.lines_without_customer),
                amount=money(exclusions.amount_without_customer, currency, 2),
            )
        )
    if not_positive:
        bullets.append(t("rfm.scope.not_positive", lang, n=num(not_positive)))
    if lapsed:
        bullets.append(t("rfm.scope.lapsed", lang, n=num(lapsed)))
    if after:
        bullets.append(t("rfm.scope.after", lang, n=num(after)))
    if exclusions.refund_rows:
        bullets.append(
            t(
                "rfm.scope.refunds",
                lang,
                rows=num(exclusions.refund_rows),
                amount=money(exclusions.refund_amount_netted, currency, 2),
                not_done=num(exclusions.refund_rows_not_done),
                orphan=num(exclusions.refund_rows_without_order),
            )
        )
    return Section(t("rfm.scope.title", lang), bullets=bullets)


def _status(status: str, lang: str) -> str:
    """A canonical status in words; a value outside the vocabulary (API input) as it is."""
    return t(f"rfm.status.{status}", lang) if has(f"rfm.status.{status}") else status


def repurchase_sections(rep: Repurchase, lang: str) -> list[Section]:
    unit = t(f"rfm.frequency.{rep.frequency}", lang)
    bullets = [
        t(
            "rfm.repurchase.rate",
            lang,
            unit=unit,
            rate=pct(rep.repurchase_rate),
            repeat=num(rep.repeat_buyers),
            buyers=num(rep.buyers),
        ),
        t("rfm.repurchase.share", lang, rate=pct(rep.repeat_purchase_share)),
    ]
    if rep.window_start is None:
        bullets.append(t("rfm.repurchase.buyback_all", lang))
    tables, notes = [], []
    if rep.previous_window is not None:
        start, end = rep.previous_window
        bullets.append(
            t(
                "rfm.repurchase.buyback",
                lang,
                start=start,
                end=end,
                rate=pct(rep.buyback_rate),
                returning=num(rep.returning_buyers),
                previous=num(rep.previous_buyers),
            )
        )
        if rep.previous_window_complete is False:
            notes.append(t("rfm.repurchase.buyback_partial", lang, start=start, first=rep.first_sale))
    monthly = rep.monthly
    if len(monthly):
        tables.append(
            Table(
                t("rfm.monthly.title", lang),
                t("rfm.monthly.title", lang),
                monthly,
                [
                    Column("month", t("rfm.col.month", lang)),
                    Column("previous_buyers", t("rfm.col.previous_buyers", lang), "int"),
                    Column("returning_buyers", t("rfm.col.returning_buyers", lang), "int"),
                    Column("buyback_rate", t("rfm.col.buyback_rate", lang), "pct"),
                ],
                chart=Chart("line", t("rfm.monthly.title", lang), "month", ["buyback_rate"]),
            )
        )
        incomplete = monthly.loc[~monthly["complete"], "month"]
        if len(incomplete):
            notes.append(t("rfm.monthly.partial", lang, month=incomplete.iloc[-1], as_of=rep.as_of))
    sections = [Section(t("rfm.repurchase.title", lang), paragraphs=notes, bullets=bullets, tables=tables)]
    if len(rep.cohorts):
        offsets = rep.offsets
        counts = rep.cohorts.rename(columns={k: f"m{k}" for k in offsets})
        retention = rep.retention().rename(columns={k: f"m{k}" for k in offsets})
        for frame in (counts, retention):
            for k in offsets:
                frame[f"m{k}"] = frame[f"m{k}"].astype("object").where(frame[f"m{k}"].notna(), None)
        head = [Column("cohort", t("rfm.col.cohort", lang)), Column("size", t("rfm.col.size", lang), "int")]
        note = t("rfm.cohorts.note", lang)
        if rep.cohorts_truncated:
            note += " " + t("rfm.cohorts.truncated", lang, n=num(rep.cohorts_truncated), months=63)
        sections.append(
            Section(
                t("rfm.cohorts.section", lang),
                tables=[
                    Table(
                        t("rfm.cohorts.title", lang),
                        t("rfm.cohorts.title", lang),
                        counts,
                        head + [Column(f"m{k}", f"M+{k}", "int") for k in offsets],
                        note=note,
                    ),
                    Table(
                        t("rfm.cohorts.retention", lang),
                        t("rfm.cohorts.retention", lang),
                        retention,
                        head + [Column(f"m{k}", f"M+{k}", "pct") for k in offsets],
                        note=note,
                        heatmap=True,
                    ),
                ],
            )
        )
    return sections


def migration_section(migration: Migration, scheme: str, lang: str) -> Section:
    labels = {**_label_of_name(scheme, lang), NOT_SCORED: t("rfm.migration.not_scored", lang)}
    changes = migration.changes()
    changes.insert(0, "label", changes["segment"].map(labels))
    change_table = Table(
        t("rfm.sheet.migration", lang),
        t("rfm.sheet.migration", lang),
        changes,
        [Column("label", t("rfm.col.segment", lang))]
        + [
            Column(c, t(f"rfm.col.{c}", lang), "int")
            for c in ("before", "after", "change", "stayed", "moved_in", "entered", "moved_out", "left")
        ],
    )
    grid = migration.matrix()
    names = list(grid.columns)
    frame = pd.DataFrame(
        {"label": [labels[n] for n in grid.index], **{f"c{i}": grid[n].to_numpy() for i, n in enumerate(names)}}
    )
    note = (
        t("rfm.migration.axes", lang, before=migration.before, after=migration.after)
        + " "
        + t("rfm.migration.note", lang)
    )
    matrix_table = Table(
        t("rfm.migration.matrix", lang),
        t("rfm.migration.matrix", lang),
        frame,
        [Column("label", t("rfm.col.segment", lang))]
        + [Column(f"c{i}", labels[n], "int") for i, n in enumerate(names)],
        note=note,
        heatmap=True,
    )
    return Section(
        t("rfm.migration.title", lang, before=migration.before, after=migration.after),
        tables=[change_table, matrix_table],
    )


def repurchase_report_model(
    rep: Repurchase, exclusions: Exclusions, lang: str, files: list[str], currency: str = "¥"
) -> Report:
    report = Report(
        t("rfm.title.repurchase", lang),
        lang,
        currency=currency,
        meta=[
            (t("rfm.meta.files", lang), ", ".join(files)),
            (t("rfm.meta.as_of", lang), str(rep.as_of)),
            (t("rfm.meta.window", lang), _window(rep.as_of, rep.window_start, rep.window_days, lang)),
            (t("rfm.meta.frequency", lang), t(f"rfm.frequency.{rep.frequency}", lang)),
        ],
    )
    report.sections.extend(repurchase_sections(rep, lang))
    report.sections.append(_scope_section(exclusions, lang, currency))
    return report


def _signed(n: int) -> str:
    return f"{n:+,}"


def weekly_section(
    orders: pd.DataFrame,
    as_of: dt.date,
    lang: str,
    scheme: str = "cn8",
    *,
    threshold: str = "mean",
    variant: str = "A",
    fixed: dict[str, float] | None = None,
    currency: str = "¥",
) -> Section:
    """Segment sizes at `as_of` (included) and their change since `as_of` - 7 days, for the weekly report.

    Lines read like "重要价值客户 1,234 人（较上周 +56）". `threshold`,
    `variant` and `fixed` come from the config's [rfm] table (`ecomplan.config.RfmSettings`).
    When the orders can't be segmented (no buyer ids, no sales) the section
    says why instead of failing the whole weekly report.
    """
    try:
        migration = weekly_changes(orders, as_of, scheme, threshold, variant, fixed)
    except EcomplanError as exc:
        return Section(t("rfm.weekly.title", lang), paragraphs=[t("rfm.weekly.unavailable", lang, reason=exc)])
    labels = _label_of_name(scheme, lang)
    changes = migration.changes()
    total_after, total_before = int(changes["after"].sum()), int(changes["before"].sum())
    method = (
        t("rfm.weekly.cn8", lang, threshold=t(f"rfm.threshold.{threshold}", lang))
        if scheme == "cn8"
        else t("rfm.weekly.rfm11", lang)
    )
    intro = t(
        "rfm.weekly.intro",
        lang,
        as_of=as_of,
        n=num(total_after),
        change=_signed(total_after - total_before),
        method=method,
    )
    bullets = [
        t("rfm.weekly.line", lang, segment=labels[row.segment], n=num(row.after), change=_signed(row.change))
        for row in changes.itertuples()
    ]
    changes.insert(0, "label", changes["segment"].map(labels))
    table = Table(
        "rfm_segments",
        t("rfm.weekly.title", lang),
        changes,
        [Column("label", t("rfm.col.segment", lang))]
        + [Column(c, t(f"rfm.col.{c}", lang), "int") for c in ("after", "change", "entered", "left")],
        chart=Chart("bar", t("rfm.weekly.title", lang), "label", ["after"]),
    )
    return Section(
        t("rfm.weekly.title", lang),
        paragraphs=[intro, _value_line(orders, as_of, scheme, lang, currency)],
        bullets=bullets,
        tables=[table],
    )


def _value_line(orders: pd.DataFrame, as_of: dt.date, scheme: str, lang: str, currency: str) -> str:
    """The weekly report's 客户价值 line: the next 90 days' predicted value and the segment holding most of it."""
    from ecomplan.rfm.value import predict

    try:
        result = predict(orders, as_of, 90, "week", None, scheme)
    except EcomplanError as exc:
        return t("rfm.value.weekly_unavailable", lang, reason=exc)
    if not result.predicts or not len(result.segments):
        return t("rfm.value.weekly_unavailable", lang, reason="; ".join(result.messages))
    total = float(result.customers["predicted_value"].sum())
    top = result.segments.iloc[0]
    label = t("rfm.value.lapsed", lang) if top["segment"] == "lapsed" else str(top["segment"])
    return t(
        "rfm.value.weekly",
        lang,
        total=money(round(total, -2), currency, 0),  # a model's forecast: to the hundred, not the yuan
        segment=label,
        share=pct(top["predicted_value"] / total if total else None, 1),
        customers=num(top["customers"]),
    )


def currency_symbol(orders: Lines) -> str:
    """¥ for Chinese platforms, the export's currency when it has one, else no symbol."""
    symbols = {"CNY": "¥", "RMB": "¥", "USD": "$", "GBP": "£", "EUR": "€", "JPY": "¥", "HKD": "HK$"}
    if "currency" in orders:
        found = distinct_values(orders, "currency")
        if len(found) == 1:
            return symbols.get(str(found[0]).upper(), f"{found[0]} ")
    platforms = {str(p) for p in distinct_values(orders, "platform")} if "platform" in orders else set()
    if platforms and platforms <= CNY_PLATFORMS:
        return "¥"
    return ""


CUSTOMER_FORMATS: dict[str, Format] = {
    "recency": "int",
    "frequency": "int",
    "monetary": "num",
    "orders": "int",
    "purchase_days": "int",
    "first_purchase": "date",
    "last_purchase": "date",
    "r": "int",
    "f": "int",
    "m": "int",
}


def customers_table(table: pd.DataFrame, lang: str) -> Table:
    """The per-customer table (`SegmentResult.customer_table`) with its column formats, for `render.write_table`."""
    title = t("rfm.customers.title", lang)
    return Table(title, title, table, [Column(c, c, CUSTOMER_FORMATS.get(c, "text")) for c in table.columns])


def value_report(result, lang: str, files: list[str], currency: str = "¥") -> Report:
    """The `rfm value` document: the fitted models and their caveats, predicted value by segment and by
    decile, and the holdout check when there is one. `result` is an `rfm.value.ValueResult`."""
    customers = result.customers
    total = float(customers["predicted_value"].sum()) if result.predicts else None
    report = Report(
        t("rfm.value.title", lang),
        lang,
        currency=currency,
        meta=[
            (t("rfm.meta.files", lang), ", ".join(files)),
            (t("rfm.meta.as_of", lang), str(result.as_of)),
            (t("rfm.value.meta.horizon", lang), t("rfm.value.meta.days", lang, days=result.horizon_days)),
            *(
                [(t("rfm.value.meta.calibration_end", lang), str(result.calibration_end))]
                if result.calibration_end
                else []
            ),
            (t("rfm.value.meta.customers", lang), num(len(customers))),
            (t("rfm.value.meta.total", lang), money(total, currency, 2) if total is not None else "—"),
        ],
    )
    model_rows = []
    if result.bgnbd is not None:
        m = result.bgnbd
        model_rows += [
            {"item": "BG/NBD r", "value": m.r, "_fmt": "sig"},
            {"item": "BG/NBD α", "value": m.alpha, "_fmt": "sig"},
            {"item": "BG/NBD a", "value": m.a, "_fmt": "sig"},
            {"item": "BG/NBD b", "value": m.b, "_fmt": "sig"},
        ]
    if result.gamma_gamma is not None:
        g = result.gamma_gamma
        model_rows += [
            {"item": "Gamma-Gamma p", "value": g.p, "_fmt": "sig"},
            {"item": "Gamma-Gamma q", "value": g.q, "_fmt": "sig"},
            {"item": "Gamma-Gamma γ", "value": g.v, "_fmt": "sig"},
        ]
    if result.spend_frequency_correlation is not None:
        model_rows.append(
            {"item": t("rfm.value.correlation", lang), "value": result.spend_frequency_correlation, "_fmt": "sig"}
        )
    model_table = Table(
        "value_model",
        t("rfm.value.section.model", lang),
        pd.DataFrame(model_rows, columns=["item", "value", "_fmt"]),
        [Column("item", t("kpi.col.item", lang)), Column("value", t("kpi.col.value", lang), "row")],
    )
    report.sections.append(
        Section(
            t("rfm.value.section.model", lang),
            paragraphs=[t("rfm.value.assumptions", lang, unit=t(f"rfm.value.unit.{result.time_unit}", lang))],
            bullets=list(result.messages),
            tables=[model_table] if model_rows else [],
        )
    )
    segments = result.segments.copy()
    if len(segments):
        segments["label"] = [t("rfm.value.lapsed", lang) if s == "lapsed" else s for s in segments["segment"]]
        segments["share"] = segments["predicted_value"] / total if total else None
    report.sections.append(
        Section(
            t("rfm.value.section.segments", lang),
            tables=[
                Table(
                    "value_segments",
                    t("rfm.value.section.segments", lang),
                    segments,
                    [
                        Column("label", t("rfm.col.segment", lang)),
                        Column("customers", t("rfm.col.customers", lang), "int"),
                        Column("p_alive_mean", t("rfm.value.col.p_alive", lang), "pct"),
                        Column("expected_purchases", t("rfm.value.col.expected_purchases", lang), "num"),
                        Column("predicted_value", t("rfm.value.col.predicted_value", lang), "money"),
                        Column("share", t("rfm.col.revenue_share", lang), "pct"),
                    ],
                    chart=Chart("bar", t("rfm.value.section.segments", lang), "label", ["predicted_value"]),
                )
            ]
            if len(segments)
            else [],
        )
    )
    if len(result.deciles):
        report.sections.append(
            Section(
                t("rfm.value.section.deciles", lang),
                tables=[
                    Table(
                        "value_deciles",
                        t("rfm.value.section.deciles", lang),
                        result.deciles,
                        [
                            Column("decile", t("rfm.value.col.decile", lang)),
                            Column("customers", t("rfm.col.customers", lang), "int"),
                            Column("predicted_value", t("rfm.value.col.predicted_value", lang), "money"),
                            Column("share", t("rfm.col.revenue_share", lang), "pct"),
                        ],
                    )
                ],
            )
        )
    if result.holdout:
        h = result.holdout
        report.sections.append(
            Section(
                t("rfm.value.section.holdout", lang),
                paragraphs=[
                    t(
                        "rfm.value.holdout",
                        lang,
                        start=h["start"],
                        end=h["end"],
                        predicted=num(h["predicted"], 1),
                        actual=num(h["actual"]),
                    )
                ],
                tables=[
                    Table(
                        "value_holdout",
                        t("rfm.value.section.holdout", lang),
                        pd.DataFrame(h["by_frequency"]),
                        [
                            Column("frequency", t("rfm.value.col.frequency", lang)),
                            Column("customers", t("rfm.col.customers", lang), "int"),
                            Column("predicted", t("rfm.value.col.predicted", lang), "num"),
                            Column("actual", t("rfm.value.col.actual", lang), "num"),
                        ],
                        chart=Chart(
                            "column", t("rfm.value.section.holdout", lang), "frequency", ["predicted", "actual"]
                        ),
                    )
                ],
            )
        )
    return report


def value_customers_table(result, lang: str, mask: bool = True) -> Table:
    """One row per customer: history, P(alive), expected purchases and spend, predicted value, segment."""
    from ecomplan.core.masking import mask_values

    frame = result.customers.copy()
    if mask and "customer_id" in frame:
        frame["customer_id"] = mask_values(frame["customer_id"])
    frame["first"] = frame["first"].dt.date
    unit = t(f"rfm.value.unit.{result.time_unit}", lang)
    columns = [Column(k, k) for k in result.key] + [
        Column("segment", t("rfm.col.segment", lang)),
        Column("first", t("rfm.value.col.first", lang), "date"),
        Column("x", t("rfm.value.col.repeat_days", lang), "int"),
        Column("t_x", t("rfm.value.col.t_x", lang, unit=unit), "num"),
        Column("T", t("rfm.value.col.T", lang, unit=unit), "num"),
        Column("p_alive", t("rfm.value.col.p_alive", lang), "pct"),
        Column("expected_purchases", t("rfm.value.col.expected_purchases", lang), "num"),
        Column("expected_spend", t("rfm.value.col.expected_spend", lang), "money"),
        Column("predicted_value", t("rfm.value.col.predicted_value", lang), "money"),
    ]
    frame = frame.sort_values("predicted_value", ascending=False, kind="stable")
    return Table("value_customers", t("rfm.value.title", lang), frame[[c.key for c in columns]], columns)
