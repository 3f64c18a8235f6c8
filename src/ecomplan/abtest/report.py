"""A/B results as words and tables: verdict sentences, the report for -o and the
terminal, JSON with verdicts, the plan report and the weekly-report section."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from ecomplan.abtest.evaluate import Evaluation, MetricResult, Note
from ecomplan.abtest.plan import Plan
from ecomplan.core.errors import ConfigError, EcomplanError, UsageError
from ecomplan.core.formatting import p_value
from ecomplan.core.report import Column, Format, Report, Section, Table
from ecomplan.core.text import has, t

if TYPE_CHECKING:
    from ecomplan.config import ExperimentSettings

# --------------------------------------------------------------------------- number formatting


def _pct(value: float | None, signed: bool = False) -> str:
    """0.152 → '15.2%'; negatives with a real minus sign so '−5.1%–8.0%' reads as a range."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    digits = 1 if abs(value) >= 0.01 or value == 0 else 2
    text = f"{abs(value) * 100:.{digits}f}%"
    if value < 0 and text.strip("0.%"):
        return "−" + text
    return ("+" + text) if signed and value > 0 else text


def _p_eq(value: float | None) -> str:
    """'p=0.023' or 'p<0.001', for sentences."""
    text = p_value(value)
    return f"p{text}" if text.startswith("<") else f"p={text}"


def _p_exact(value: float) -> str:
    """Small p-values in full (SRM alarms are often 1e-10): '1.8e-06'."""
    return f"{value:.2g}" if value < 0.001 else f"{value:.3f}"


def _amount(metric: str, value: float | None, currency: str = "¥", signed: bool = False) -> str:
    """A value or difference in the metric's own units: pp for rates, money otherwise."""
    if value is None or not math.isfinite(value):
        return "—"
    if metric == "conversion":
        if signed:
            return f"{'+' if value > 0 else '−' if value < 0 else ''}{abs(value) * 100:.2f}pp"
        return f"{value * 100:.2f}%"
    sign = ("+" if value > 0 else "−" if value < 0 else "") if signed else ("−" if value < 0 else "")
    return f"{sign}{currency}{abs(value):,.2f}"


def _level(result: MetricResult) -> str:
    return f"{result.ci_level * 100:g}%"


# --------------------------------------------------------------------------- verdicts


def note_text(note: Note, lang: str) -> str:
    values = dict(note.values)
    if "test" in values:
        values["test_name"] = t(f"abtest.test.{values['test']}", lang)
    if "metric" in values:
        values["metric_name"] = t(f"abtest.metric.{values['metric']}", lang)
    return t(f"abtest.note.{note.key}", lang, **values)


def _ci_text(result: MetricResult, lang: str, currency: str) -> str:
    level = _level(result)
    if result.test == "msprt":
        level = t("abtest.ci.always_valid", lang) + level
    if result.relative_lift is not None and not result.relative_ci_unbounded:
        lo, hi = (_pct(v) for v in result.relative_ci)
        ci = result.relative_ci
    else:
        lo, hi = (_amount(result.metric, v, currency, signed=True) for v in result.absolute_ci)
        ci = result.absolute_ci
    if ci[0] is not None and ci[1] is not None:
        text = t("abtest.ci.two", lang, level=level, lo=lo, hi=hi)
    elif ci[0] is not None:
        text = t("abtest.ci.lower", lang, level=level, lo=lo)
    elif ci[1] is not None:
        text = t("abtest.ci.upper", lang, level=level, hi=hi)
    else:
        return "—"
    if result.relative_ci_unbounded:
        return t("abtest.ci.absolute", lang, ci=text)
    return text


def _p_text(result: MetricResult, evaluation: Evaluation) -> tuple[str, bool]:
    """The p-value the decision used, and whether it is adjusted for several variants."""
    adjusted = len(evaluation.variants) > 2 and evaluation.correction != "none" and result.p_value_adjusted is not None
    return _p_eq(result.p_value_adjusted if adjusted else result.p_value), adjusted


def verdict(result: MetricResult, evaluation: Evaluation, lang: str, currency: str = "¥") -> str:
    """One sentence an analyst would write: direction and size, interval, whether
    it is significant, and the test that says so."""
    metric = t(f"abtest.metric.{result.metric}", lang)
    names = dict(v=result.variant, c=result.control, metric=metric)
    if result.decision == "invalid_srm":
        assert evaluation.srm.p_value is not None  # invalid_srm only when the SRM test gave a p below its threshold
        return t("abtest.verdict.invalid_srm", lang, srm_p=_p_exact(evaluation.srm.p_value), **names)
    if result.p_value is None:
        reason = note_text(result.notes[-1], lang) if result.notes else t("abtest.note.zero_variance", lang)
        return t("abtest.verdict.untestable", lang, reason=reason, **names)
    ci = _ci_text(result, lang, currency)
    test = t(f"abtest.test.{result.test}", lang)
    p, adjusted = _p_text(result, evaluation)
    if adjusted:
        p = t("abtest.p.adjusted", lang, p=p, method=t(f"abtest.correction.{evaluation.correction}", lang))
    if result.margin is not None:
        margin = (
            t("abtest.margin.relative", lang, value=_pct(result.margin))
            if result.margin_relative
            else _amount(result.metric, result.margin, currency)
        )
        key = {"non_inferior": "non_inferior", "lose": "ni_lose"}.get(result.decision, "ni_inconclusive")
        return t(f"abtest.verdict.{key}", lang, margin=margin, ci=ci, test=test, p=p, **names)
    lift = result.relative_lift
    change = lift if lift is not None else result.absolute_diff
    direction = "down" if change is not None and change < 0 else "up"
    assert result.absolute_diff is not None  # compare() gives a p-value only to results with a difference
    size = _pct(abs(lift)) if lift is not None else _amount(result.metric, abs(result.absolute_diff), currency)
    phrase = t(f"abtest.{direction}.{result.metric}", lang, v=result.variant, c=result.control, lift=size)
    key = "significant" if result.decision in ("win", "lose") else "inconclusive"
    return t(f"abtest.verdict.{key}", lang, phrase=phrase, ci=ci, test=test, p=p)


# --------------------------------------------------------------------------- report


def build_report(evaluation: Evaluation, lang: str, source: str = "", currency: str = "¥") -> Report:
    """The evaluation as a Report: SRM first, then verdicts, then the numbers."""
    meta = []
    if source:
        meta.append((t("abtest.meta.files", lang), source))
    meta += [
        (t("abtest.meta.form", lang), t(f"abtest.form.{evaluation.form}", lang)),
        (t("abtest.meta.control", lang), evaluation.control),
        (t("abtest.meta.alpha", lang), f"{evaluation.alpha:g}"),
        (t("abtest.meta.alternative", lang), t(f"abtest.alternative.{evaluation.alternative}", lang)),
        (t("abtest.meta.correction", lang), t(f"abtest.correction.{evaluation.correction}", lang)),
    ]
    sections = [_srm_section(evaluation, lang), _verdict_section(evaluation, lang, currency)]
    sections += [_metric_section(evaluation, metric, lang) for metric in evaluation.metrics]
    if any(r.bayes for r in evaluation.results):
        sections.append(_bayes_section(evaluation, lang))
    if any(r.sequential for r in evaluation.results):
        sections.append(_sequential_section(evaluation, lang))
    notes = _notes(evaluation, lang)
    if notes:
        sections.append(Section(t("abtest.notes.title", lang), bullets=notes))
    return Report(t("abtest.title", lang), lang, meta=meta, sections=sections, currency=currency)


def _design_text(evaluation: Evaluation) -> str:
    shares = evaluation.srm.expected_share
    return "/".join(f"{share * 100:.3g}" for share in shares.values()) + f" ({'/'.join(shares)})"


def _srm_section(evaluation: Evaluation, lang: str) -> Section:
    srm = evaluation.srm
    if srm.p_value is None:
        text = t("abtest.srm.none", lang)
    elif srm.mismatch:
        text = t(
            "abtest.srm.fail", lang, design=_design_text(evaluation), chi2=f"{srm.chi2:.2f}", p=_p_exact(srm.p_value)
        )
    else:
        text = t("abtest.srm.ok", lang, design=_design_text(evaluation), p=_p_eq(srm.p_value))
    frame = pd.DataFrame(
        {
            "variant": list(srm.observed),
            "visitors": list(srm.observed.values()),
            "observed": [srm.observed_share[v] for v in srm.observed],
            "expected": [srm.expected_share[v] for v in srm.observed],
        }
    )
    table = Table(
        "srm",
        t("abtest.srm.title", lang),
        frame,
        [
            Column("variant", t("abtest.srm.variant", lang)),
            Column("visitors", t("abtest.srm.visitors", lang), "int"),
            Column("observed", t("abtest.srm.observed", lang), "pct"),
            Column("expected", t("abtest.srm.expected", lang), "pct"),
        ],
    )
    return Section(t("abtest.srm.title", lang), paragraphs=[text], tables=[table])


def _verdict_section(evaluation: Evaluation, lang: str, currency: str) -> Section:
    bullets = [verdict(r, evaluation, lang, currency) for r in evaluation.results]
    paragraphs = []
    if evaluation.omnibus and evaluation.omnibus.p_value is not None:
        o = evaluation.omnibus
        paragraphs.append(
            t("abtest.omnibus", lang, k=len(evaluation.variants), chi2=f"{o.chi2:.2f}", df=o.df, p=_p_eq(o.p_value))
        )
    return Section(t("abtest.verdicts.title", lang), paragraphs=paragraphs, bullets=bullets)


def _metric_section(evaluation: Evaluation, metric: str, lang: str) -> Section:
    """One row per variant; the test and sample sizes are in the verdict and SRM table."""
    rows = [r for r in evaluation.results if r.metric == metric]
    value_fmt: Format
    diff_fmt: Format
    value_fmt, diff_fmt = ("pct", "pp") if metric == "conversion" else ("money", "money")
    adjusted = len(rows) > 1 and evaluation.correction != "none"
    frame = pd.DataFrame(
        [
            {
                "variant": r.variant,
                "control_value": r.control_value,
                "value": r.variant_value,
                "lift": r.relative_lift,
                "lift_ci": "∞" if r.relative_ci_unbounded else _interval(r.relative_ci, _pct),
                "diff": r.absolute_diff,
                "diff_ci": _interval(r.absolute_ci, lambda v: _amount(metric, v, signed=True)),
                "p": p_value(r.p_value),
                "p_adj": p_value(r.p_value_adjusted),
                "decision": t(f"abtest.decision.{r.decision}", lang),
            }
            for r in rows
        ]
    )
    title = t(f"abtest.metric.{metric}", lang)
    columns = [
        Column("variant", t("abtest.table.variant", lang)),
        Column("control_value", t("abtest.table.control_value", lang, c=evaluation.control), value_fmt),
        Column("value", t("abtest.table.value", lang), value_fmt),
        Column("lift", t("abtest.table.lift", lang), "change"),
        Column("lift_ci", t("abtest.table.lift_ci", lang)),
        Column("diff", t("abtest.table.diff", lang), diff_fmt),
        Column("diff_ci", t("abtest.table.diff_ci", lang)),
        Column("p", t("abtest.table.p", lang)),
        *([Column("p_adj", t("abtest.table.p_adj", lang))] if adjusted else []),
        Column("decision", t("abtest.table.decision", lang)),
    ]
    return Section(title[:1].upper() + title[1:], tables=[Table(metric, title, frame, columns)])


def _interval(bounds: list[float | None], fmt) -> str:
    lo, hi = bounds
    if lo is None and hi is None:
        return "—"
    return f"{fmt(lo) if lo is not None else '−∞'} … {fmt(hi) if hi is not None else '∞'}"


def _bayes_section(evaluation: Evaluation, lang: str) -> Section:
    rows = [(r, bayes) for r in evaluation.results if (bayes := r.bayes)]
    frame = pd.DataFrame(
        [
            {
                "metric": t(f"abtest.metric.{r.metric}", lang),
                "variant": r.variant,
                "prob": bayes.prob_beat_control,
                "loss": _loss(r.metric, bayes.expected_loss),
                "loss_control": _loss(r.metric, bayes.expected_loss_control),
                "method": t(f"abtest.bayes.{bayes.method}", lang),
            }
            for r, bayes in rows
        ]
    )
    table = Table(
        "bayes",
        t("abtest.bayes.title", lang),
        frame,
        [
            Column("metric", t("abtest.bayes.metric", lang)),
            Column("variant", t("abtest.table.variant", lang)),
            Column("prob", t("abtest.bayes.prob", lang), "pct"),
            Column("loss", t("abtest.bayes.loss", lang)),
            Column("loss_control", t("abtest.bayes.loss_control", lang)),
            Column("method", t("abtest.bayes.method", lang)),
        ],
        note=t("abtest.bayes.note", lang),
    )
    return Section(t("abtest.bayes.title", lang), tables=[table])


def _loss(metric: str, value: float) -> str:
    if metric == "conversion":
        return f"{value * 100:.2g}pp"
    return _amount(metric, value)


def _sequential_section(evaluation: Evaluation, lang: str) -> Section:
    rows = [(r, sequential) for r in evaluation.results if (sequential := r.sequential)]
    looks = rows[0][1].looks
    data = {"look": looks}
    columns = [Column("look", t("abtest.seq.look", lang))]
    for i, (r, sequential) in enumerate(rows):
        key = f"p{i}"
        data[key] = [p_value(p) for p in sequential.p_values]
        columns.append(Column(key, f"{t(f'abtest.metric.{r.metric}', lang)} · {r.variant}"))
    table = Table("msprt", t("abtest.seq.title", lang), pd.DataFrame(data), columns)
    return Section(
        t("abtest.seq.title", lang), paragraphs=[t("abtest.seq.text", lang, looks=len(looks))], tables=[table]
    )


def _notes(evaluation: Evaluation, lang: str) -> list[str]:
    notes = [note_text(n, lang) for n in evaluation.notes]
    comparisons = len(evaluation.variants) - 1
    if comparisons > 1 and evaluation.correction != "none":
        notes.append(
            t("abtest.notes.ci", lang, method=t(f"abtest.correction.{evaluation.correction}", lang), k=comparisons)
        )
    for r in evaluation.results:
        if r.cuped:
            notes.append(
                t(
                    "abtest.notes.cuped",
                    lang,
                    covariate=r.cuped.covariate,
                    theta=f"{r.cuped.theta:.4g}",
                    metric=t(f"abtest.metric.{r.metric}", lang),
                    reduction=_pct(r.cuped.variance_reduction),
                )
            )
        for note in r.notes:
            text = f"{r.variant} · {t(f'abtest.metric.{r.metric}', lang)}: {note_text(note, lang)}"
            if text not in notes:
                notes.append(text)
    return notes


def to_json(evaluation: Evaluation, lang: str, currency: str = "¥") -> dict:
    """The evaluation as plain data, with each result's verdict and the notes in `lang`."""
    data = evaluation.model_dump()
    for result, row in zip(evaluation.results, data["results"], strict=False):
        row["verdict"] = verdict(result, evaluation, lang, currency)
        row["notes"] = [note_text(n, lang) for n in result.notes]
    data["notes"] = [note_text(n, lang) for n in evaluation.notes]
    return data


# --------------------------------------------------------------------------- plan


def plan_report(result: Plan, lang: str) -> Report:
    metric = t(f"abtest.plan.metric.{result.metric}", lang)
    fmt = (lambda v: f"{v * 100:.2f}%") if result.metric == "conversion" else (lambda v: f"{v:,.4g}")
    power = f"{result.power * 100:g}%"
    common = dict(alpha=f"{result.alpha:g}", power=power, metric=metric, base=fmt(result.baseline))
    paragraphs = []
    if result.per_variant_exact is not None:
        assert result.mde_absolute is not None  # plan() sizes the test only for a given MDE
        paragraphs.append(
            t(
                "abtest.plan.size",
                lang,
                target=fmt(result.baseline + result.mde_absolute),
                rel=_pct(result.mde_relative, signed=True) if result.mde_relative is not None else "—",
                n=f"{result.per_variant:,}",
                k=result.variants,
                total=f"{result.total:,}",
                **common,
            )
        )
        if result.power_at_sample_size is not None:
            paragraphs.append(
                t("abtest.plan.power", lang, n=f"{result.sample_size:,}", power_at=_pct(result.power_at_sample_size))
            )
    elif result.mde_absolute is None:
        paragraphs.append(t("abtest.plan.mde_none", lang, n=f"{result.sample_size:,}", power=power))
    else:
        mde = f"{result.mde_absolute * 100:+.2f}pp" if result.metric == "conversion" else f"{result.mde_absolute:+,.4g}"
        paragraphs.append(
            t(
                "abtest.plan.mde",
                lang,
                n=f"{result.sample_size:,}",
                mde=mde,
                rel=_pct(result.mde_relative, signed=True) if result.mde_relative is not None else "—",
                target=fmt(result.baseline + result.mde_absolute),
                **common,
            )
        )
    if result.variants > 2:
        paragraphs.append(
            t("abtest.plan.bonferroni", lang, k=result.variants - 1, each=f"{result.alpha_per_comparison:.4g}")
        )
    if result.days:
        paragraphs.append(
            t(
                "abtest.plan.duration",
                lang,
                daily=f"{result.daily_visitors:,.0f}",
                days_needed=result.days_needed,
                weeks=result.weeks,
                days=result.days,
            )
        )
    return Report(
        t("abtest.plan.title", lang), lang, sections=[Section(t("abtest.plan.title", lang), paragraphs=paragraphs)]
    )


# --------------------------------------------------------------------------- weekly report


def weekly_section(entries: list[ExperimentSettings], base_dir: Path, lang: str) -> Section:
    """The weekly report's A/B section: every experiment of the config
    (`[[experiments]]` tables) with its current verdict, running ones first.

    The entries were validated with the config (`ecomplan.config`); a missing
    file, or options that do not fit the data, raise ConfigError. An experiment
    whose data cannot be evaluated is listed with the reason, so one bad file
    does not sink the whole weekly report.
    """
    from ecomplan.abtest.evaluate import evaluate, load_experiment

    checked = [_checked(entry, Path(base_dir)) for entry in entries]
    title = t("abtest.weekly.title", lang)
    if not checked:
        return Section(title, paragraphs=[t("abtest.weekly.none", lang)])
    checked.sort(key=lambda e: e["status"] != "running")
    rows, bullets = [], []
    for entry in checked:
        try:
            frame, _ = load_experiment(entry["file"])
            evaluation = evaluate(
                frame,
                control=entry.get("control"),
                metric=entry["metric"],
                alpha=entry["alpha"],
                weights=entry.get("weights"),
                correction=entry["correction"],
            )
        except UsageError as exc:  # options that don't fit the data, e.g. 3 weights for 2 variants
            raise ConfigError(f"[[experiments]] {entry['name']}: {exc}") from None
        except EcomplanError as exc:
            bullets.append(t("abtest.weekly.error", lang, name=entry["name"], error=str(exc)))
            rows.append(
                {
                    "experiment": entry["name"],
                    "status": entry["status"],
                    "metric": "—",
                    "variant": "—",
                    "lift": None,
                    "p": None,
                    "decision": "—",
                }
            )
            continue
        for result in evaluation.results:
            bullets.append(f"{entry['name']}: {verdict(result, evaluation, lang)}")
            rows.append(
                {
                    "experiment": entry["name"],
                    "status": entry["status"],
                    "metric": t(f"abtest.metric.{result.metric}", lang),
                    "variant": f"{result.variant} vs {result.control}",
                    "lift": result.relative_lift,
                    # a number (Excel keeps it sortable); shown as <0.001 / 0.034 by the column's "p" format
                    "p": result.p_value_adjusted if result.p_value_adjusted is not None else result.p_value,
                    "decision": t(f"abtest.decision.{result.decision}", lang),
                }
            )
    running = sum(e["status"] == "running" for e in checked)
    for row in rows:
        key = f"abtest.status.{row['status']}"
        row["status"] = t(key, lang) if has(key) else row["status"]
    table = Table(
        "experiments",
        title,
        pd.DataFrame(rows),
        [
            Column("experiment", t("abtest.weekly.experiment", lang)),
            Column("status", t("abtest.weekly.status", lang)),
            Column("metric", t("abtest.weekly.metric", lang)),
            Column("variant", t("abtest.table.variant", lang)),
            Column("lift", t("abtest.table.lift", lang), "change"),
            Column("p", t("abtest.table.p", lang), "p"),
            Column("decision", t("abtest.table.decision", lang)),
        ],
    )
    return Section(
        title,
        paragraphs=[t("abtest.weekly.summary", lang, n=len(checked), running=running)],
        tables=[table],
        bullets=bullets,
    )


def _checked(entry: ExperimentSettings, base_dir: Path) -> dict[str, Any]:
    """An experiment of the config, its file resolved against the config's folder (which must exist)."""
    path = Path(entry.file).expanduser()
    path = path if path.is_absolute() else base_dir / path
    if not path.exists():
        raise ConfigError(f"[[experiments]] ({entry.name}): file not found: {path}")
    return {**entry.model_dump(), "file": path}
