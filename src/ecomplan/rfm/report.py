"""RFM results as `ecomplan.render.Report`s (Markdown, Excel, terminal) and the weekly-report section."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from ecomplan.core.errors import EcomplanError, UsageError
from ecomplan.core.formatting import money, num, pct
from ecomplan.core.report import Chart, Column, Report, Section, Table
from ecomplan.core.text import TEXT, add, t
from ecomplan.render import write_report
from ecomplan.render.output import atomic_path
from ecomplan.rfm.metrics import Exclusions
from ecomplan.rfm.migration import NOT_SCORED, Migration
from ecomplan.rfm.repurchase import Repurchase
from ecomplan.rfm.scoring import segments
from ecomplan.rfm.segmentation import SegmentResult, weekly_changes

add(
    {
        "rfm.title.segment": ("RFM 客户分层", "RFM customer segments"),
        "rfm.title.repurchase": ("复购、回购与同期群", "Repurchase, buy-back and cohorts"),
        "rfm.meta.files": ("数据文件", "Files"),
        "rfm.meta.as_of": ("截至日期", "As of"),
        "rfm.meta.window": ("时间窗口", "Window"),
        "rfm.meta.window_days": ("{start} 至 {end}（{days} 天）", "{start} to {end} ({days} days)"),
        "rfm.meta.window_all": ("全部历史（截至 {end}）", "all history up to {end}"),
        "rfm.meta.scheme": ("分层方法", "Scheme"),
        "rfm.scheme.cn8": (
            "八类客户：R/F/M 各按{threshold}阈值分高低",
            "8 classes: R, F and M high or low against {threshold} thresholds",
        ),
        "rfm.scheme.rfm11": (
            "11 类：R/F/M 五分位 1-5 分，125 码表 {variant} 版",
            "11 segments: R, F, M quintile scores 1-5, 125-code table variant {variant}",
        ),
        "rfm.threshold.mean": ("均值", "mean"),
        "rfm.threshold.median": ("中位数", "median"),
        "rfm.threshold.fixed": ("固定（配置文件）", "fixed (config file)"),
        "rfm.meta.frequency": ("F 口径", "Frequency"),
        "rfm.frequency.orders": ("订单数", "orders"),
        "rfm.frequency.days": ("购买天数（按天去重）", "distinct purchase days"),
        "rfm.meta.customers": ("分层客户数", "Customers scored"),
        "rfm.meta.revenue": ("净消费金额合计", "Net revenue"),
        "rfm.rules.title": ("分层规则", "Rules"),
        "rfm.rules.cn8.r": (
            "R（距最近一次购买的天数）< {t} 天为高：近期买过",
            "R (days since the last purchase) < {t}: high, bought recently",
        ),
        "rfm.rules.cn8.f": ("F（{unit}）> {t} 为高", "F ({unit}) > {t}: high"),
        "rfm.rules.cn8.m": ("M（净消费金额）> {t} 为高", "M (net spend) > {t}: high"),
        "rfm.rules.cn8.note": (
            "阈值：{method}；恰好等于阈值算作低。编码依次为 R、F、M 的高(1)/低(0)。",
            "Thresholds: {method}; a value equal to the threshold counts as low. The code is the "
            "high (1) / low (0) flags of R, F and M.",
        ),
        "rfm.rules.rfm11.r": (
            "R 切点 {cuts} 天：不超过第一个切点 5 分，依次递减，超过最后一个切点 1 分",
            "R cut points {cuts} days: 5 up to the first, decreasing, 1 above the last",
        ),
        "rfm.rules.rfm11.f": (
            "F 切点 {cuts}：不超过第一个切点 1 分，依次递增，超过最后一个切点 5 分",
            "F cut points {cuts}: 1 up to the first, increasing, 5 above the last",
        ),
        "rfm.rules.rfm11.m": (
            "M 切点 {cuts}：不超过第一个切点 1 分，依次递增，超过最后一个切点 5 分",
            "M cut points {cuts}: 1 up to the first, increasing, 5 above the last",
        ),
        "rfm.rules.rfm11.note": (
            "切点是线性插值的 20/40/60/80 分位数；等于切点的值取较低的分数，结果与行顺序无关。"
            "三位分数（R 在前）按 125 码表（{variant} 版）对应到 11 类。",
            "Cut points are the linearly interpolated 20/40/60/80th percentiles; a value equal to "
            "a cut point takes the lower score, so scores do not depend on row order. The three "
            "digits (R first) map to the 11 segments by the 125-code table, variant {variant}.",
        ),
        "rfm.segments.title": ("客户分层", "Segments"),
        "rfm.segments.chart": ("各分层客户数", "Customers by segment"),
        "rfm.actions.title": ("建议动作", "Recommended actions"),
        "rfm.col.segment": ("客户分层", "Segment"),
        "rfm.col.code": ("编码", "Code"),
        "rfm.col.customers": ("客户数", "Customers"),
        "rfm.col.share": ("客户占比", "Share of customers"),
        "rfm.col.revenue": ("消费金额", "Revenue"),
        "rfm.col.revenue_share": ("金额占比", "Share of revenue"),
        "rfm.col.mean_recency": ("平均 R（天）", "Mean R (days)"),
        "rfm.col.mean_frequency": ("平均 F", "Mean F"),
        "rfm.col.mean_monetary": ("平均 M", "Mean M"),
        "rfm.col.action": ("建议动作", "Recommended action"),
        "rfm.scope.title": ("数据范围", "Data scope"),
        "rfm.scope.lines": ("读取订单行 {n} 行", "{n} order lines read"),
        "rfm.scope.unsold": (
            "非成交状态的订单行（不计入）：{items}",
            "Lines not sold, by status (not counted): {items}",
        ),
        "rfm.scope.unpaid": (
            "成交状态但没有付款时间的订单行 {n} 行（不计入）",
            "{n} sold lines without a payment time (not counted)",
        ),
        "rfm.scope.no_customer": (
            "没有买家ID的成交订单 {orders} 笔（{lines} 行，金额 {amount}），不参与分层",
            "{orders} sold orders ({lines} lines, {amount}) have no customer id and are in no segment",
        ),
        "rfm.scope.not_positive": (
            "净金额 ≤ 0 的订单 {n} 笔（全额退款、赠品），不算购买",
            "{n} orders with a net amount ≤ 0 (fully refunded, free) are not purchases",
        ),
        "rfm.scope.lapsed": (
            "窗口内没有购买的老客户 {n} 人，不参与分层",
            "{n} earlier customers bought nothing in the window and are not scored",
        ),
        "rfm.scope.after": ("截至日期之后的购买 {n} 笔，不计入", "{n} purchases after the as-of date are not counted"),
        "rfm.scope.refunds": (
            "退款单 {rows} 条：冲减金额 {amount}；未成功的 {not_done} 条、找不到对应订单的 {orphan} 条未冲减",
            "{rows} refund rows: {amount} netted; {not_done} not successful and {orphan} without a "
            "matching sold order were not netted",
        ),
        "rfm.status.pending": ("待付款", "pending"),
        "rfm.status.paid": ("已付款", "paid"),
        "rfm.status.shipped": ("已发货", "shipped"),
        "rfm.status.completed": ("已完成", "completed"),
        "rfm.status.refunded": ("已退款", "refunded"),
        "rfm.status.partially_refunded": ("部分退款", "partially refunded"),
        "rfm.status.cancelled": ("已取消/关闭", "cancelled"),
        "rfm.status.unknown": ("未知状态", "unknown status"),
        "rfm.status.missing": ("无状态", "no status"),
        "rfm.lines": ("{n} 行", "{n} lines"),
        "rfm.separator": ("；", "; "),
        "rfm.repurchase.title": ("复购与回购", "Repurchase and buy-back"),
        "rfm.repurchase.rate": (
            "复购率（窗口内购买 ≥ 2 次的客户占比，{unit}）：{rate}（{repeat} / {buyers}）",
            "Repurchase rate (buyers with ≥ 2 purchases in the window, {unit}): {rate} ({repeat} / {buyers})",
        ),
        "rfm.repurchase.share": (
            "按交易计的复购率（重复购买次数 / 总购买次数）：{rate}",
            "Repeat purchases / all purchases: {rate}",
        ),
        "rfm.repurchase.buyback": (
            "回购率（上一个同长窗口 {start} 至 {end} 的买家，本窗口再次购买）：{rate}（{returning} / {previous}）",
            "Buy-back rate (buyers of the previous window {start} to {end} who bought again in "
            "this one): {rate} ({returning} / {previous})",
        ),
        "rfm.repurchase.buyback_all": (
            "没有时间窗口（全部历史），窗口回购率不适用；见月度回购率。",
            "No window (all history), so no window buy-back rate; see the monthly table.",
        ),
        "rfm.repurchase.buyback_partial": (
            "上一个窗口从 {start} 开始，但数据从 {first} 才开始，窗口回购率的分母只覆盖部分时间。",
            "The previous window starts on {start} but the data start on {first}, so the "
            "window buy-back rate covers only part of it.",
        ),
        "rfm.monthly.title": ("月度回购率", "Monthly buy-back"),
        "rfm.col.month": ("月份", "Month"),
        "rfm.col.previous_buyers": ("上月买家", "Previous month's buyers"),
        "rfm.col.returning_buyers": ("本月再次购买", "Bought again this month"),
        "rfm.col.buyback_rate": ("回购率", "Buy-back rate"),
        "rfm.monthly.partial": (
            "{month} 的数据截至 {as_of}，该月不完整。",
            "{month} is incomplete (data up to {as_of}).",
        ),
        "rfm.cohorts.section": ("首购月份同期群", "First-purchase cohorts"),
        "rfm.cohorts.title": ("同期群人数", "Cohort customers"),
        "rfm.cohorts.retention": ("同期群留存率", "Cohort retention"),
        "rfm.col.cohort": ("首购月份", "Cohort"),
        "rfm.col.size": ("人数", "Size"),
        "rfm.cohorts.note": (
            "M+k 列：同期群中在首购月之后第 k 个月有购买的客户（M+0 为首购月）。",
            "Column M+k: cohort customers who bought k months after their first-purchase month (M+0 is that month).",
        ),
        "rfm.cohorts.truncated": (
            "首购早于 {months} 个月前的 {n} 位客户不在同期群表中。",
            "{n} customers whose first purchase is more than {months} months back are not in the cohort tables.",
        ),
        "rfm.migration.title": ("分层迁移：{before} → {after}", "Segment migration: {before} → {after}"),
        "rfm.migration.matrix": ("迁移矩阵", "Transitions"),
        "rfm.migration.axes": (
            "行：{before} 的分层；列：{after} 的分层。",
            "Rows: segment on {before}; columns: segment on {after}.",
        ),
        "rfm.migration.not_scored": ("（未分层）", "(not scored)"),
        "rfm.migration.note": (
            "“未分层”：该日期窗口内没有购买。每个格子的客户见 --customers-out 文件的 segment_before 和 segment 列。",
            '"Not scored": no purchase in that date\'s window. The customers of each cell are in the '
            "--customers-out file (columns segment_before and segment).",
        ),
        "rfm.col.before": ("期初人数", "Before"),
        "rfm.col.after": ("期末人数", "After"),
        "rfm.col.change": ("变化", "Change"),
        "rfm.col.stayed": ("留在本层", "Stayed"),
        "rfm.col.moved_in": ("从其他层迁入", "Moved in"),
        "rfm.col.entered": ("新进入", "Entered"),
        "rfm.col.moved_out": ("迁到其他层", "Moved out"),
        "rfm.col.left": ("离开窗口", "Left"),
        "rfm.sheet.migration": ("分层迁移", "Segment migration"),
        "rfm.weekly.title": ("客户分层（RFM）", "Customer segments (RFM)"),
        "rfm.weekly.intro": (
            "截至 {as_of}，近 365 天有购买的客户 {n} 人（较上周 {change}），{method}。",
            "As of {as_of}, {n} customers bought in the last 365 days ({change} vs last week); {method}.",
        ),
        "rfm.weekly.cn8": ("按{threshold}阈值分为八类", "8 classes against {threshold} thresholds"),
        "rfm.weekly.rfm11": ("按五分位评分分为 11 类", "11 segments from quintile scores"),
        "rfm.weekly.line": ("{segment} {n} 人（较上周 {change}）", "{segment}: {n} ({change} vs last week)"),
        "rfm.weekly.unavailable": ("无法计算客户分层：{reason}", "Customer segments unavailable: {reason}"),
        "rfm.customers.title": ("客户明细", "Customers"),
    }
)


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
            t("rfm.rules.rfm11.r", lang, cuts=_cuts(th.recency)),
            t("rfm.rules.rfm11.f", lang, cuts=_cuts(th.frequency)),
            t("rfm.rules.rfm11.m", lang, cuts=_cuts(th.monetary)),
        ]
        note = t("rfm.rules.rfm11.note", lang, variant=result.variant)
    return Section(t("rfm.rules.title", lang), paragraphs=[note], bullets=bullets)


def _segments_section(result: SegmentResult, lang: str) -> Section:
    frame = result.summary.copy()
    frame["label"] = [segment_label(result.scheme, k, lang) for k in frame["key"]]
    frame["action"] = frame["action_zh"] if lang == "zh" else frame["action_en"]
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
    return t(f"rfm.status.{status}", lang) if f"rfm.status.{status}" in TEXT else status


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
) -> Section:
    """Segment sizes at `as_of` (included) and their change since `as_of` - 7 days, for the weekly report.

    Lines read like "重要价值客户 1,234 人（较上周 +56）". `threshold`,
    `variant` and `fixed` come from the config's [rfm] table (`parse_config`).
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
        t("rfm.sheet.migration", lang),
        t("rfm.weekly.title", lang),
        changes,
        [Column("label", t("rfm.col.segment", lang))]
        + [Column(c, t(f"rfm.col.{c}", lang), "int") for c in ("after", "change", "entered", "left")],
    )
    return Section(t("rfm.weekly.title", lang), paragraphs=[intro], bullets=bullets, tables=[table])


def currency_symbol(orders: pd.DataFrame) -> str:
    """¥ for Chinese platforms, the export's currency when it has one, else no symbol."""
    symbols = {"CNY": "¥", "RMB": "¥", "USD": "$", "GBP": "£", "EUR": "€", "JPY": "¥", "HKD": "HK$"}
    if "currency" in orders:
        found = orders["currency"].dropna().unique()
        if len(found) == 1:
            return symbols.get(str(found[0]).upper(), f"{found[0]} ")
    platforms = set(orders["platform"].dropna().astype("str")) if "platform" in orders else set()
    if platforms and platforms <= {"sycm", "jd", "douyin", "pdd"}:
        return "¥"
    return ""


EXCEL_ROWS = 1_048_575
CUSTOMER_FORMATS = {
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


def write_customers(table: pd.DataFrame, path: str | Path, lang: str) -> None:
    """The per-customer file: UTF-8 CSV with a BOM (Excel opens Chinese correctly) or one Excel sheet."""
    if Path(path).suffix.lower() == ".csv":
        with atomic_path(path) as tmp:
            table.to_csv(tmp, index=False, encoding="utf-8-sig")
        return
    if len(table) > EXCEL_ROWS:
        raise UsageError(
            f"{path}: {len(table):,} customers do not fit in one Excel sheet "
            f"({EXCEL_ROWS:,} rows); write --customers-out as .csv"
        )
    frame = table.astype("object").where(table.notna(), None)
    columns = [Column(c, c, CUSTOMER_FORMATS.get(c, "text")) for c in table.columns]
    title = t("rfm.customers.title", lang)
    write_report(Report(title, lang, sections=[Section(title, tables=[Table(title, title, frame, columns)])]), path)
