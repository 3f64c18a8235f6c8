"""A/B results as words and tables: verdict sentences, the report for -o and the
terminal, JSON with verdicts, the plan report and the weekly-report section."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from ecomplan.abtest.evaluate import METRICS, Evaluation, MetricResult, Note
from ecomplan.abtest.plan import Plan
from ecomplan.core.errors import ConfigError, EcomplanError, UsageError
from ecomplan.core.report import Column, Report, Section, Table
from ecomplan.core.text import TEXT, add, t

add(
    {
        "abtest.title": ("A/B 测试结果", "A/B test results"),
        "abtest.meta.files": ("数据", "Data"),
        "abtest.meta.form": ("数据形式", "Input form"),
        "abtest.form.aggregate": ("按组汇总", "totals per variant"),
        "abtest.form.per_user": ("用户明细", "one row per user"),
        "abtest.meta.control": ("对照组", "Control"),
        "abtest.meta.alpha": ("显著性水平 α", "Significance level α"),
        "abtest.meta.alternative": ("备择假设", "Alternative"),
        "abtest.alternative.two-sided": ("双侧", "two-sided"),
        "abtest.alternative.greater": ("单侧（变体更好）", "one-sided (variant better)"),
        "abtest.alternative.less": ("单侧（变体更差）", "one-sided (variant worse)"),
        "abtest.meta.correction": ("多重比较校正", "Multiple-comparison correction"),
        "abtest.correction.holm": ("Holm", "Holm"),
        "abtest.correction.bh": ("Benjamini–Hochberg", "Benjamini–Hochberg"),
        "abtest.correction.none": ("不校正", "none"),
        "abtest.metric.conversion": ("转化率", "conversion rate"),
        "abtest.metric.revenue": ("每访客收入", "revenue per visitor"),
        "abtest.metric.aov": ("客单价", "average order value"),
        "abtest.test.two_proportion_z": ("双比例 z 检验", "two-proportion z-test"),
        "abtest.test.barnard_exact": ("Barnard 精确检验", "Barnard's exact test"),
        "abtest.test.fisher_exact": ("Fisher 精确检验", "Fisher's exact test"),
        "abtest.test.score_noninferiority": ("score 非劣效检验", "score non-inferiority test"),
        "abtest.test.welch_t": ("Welch t 检验", "Welch's t-test"),
        "abtest.test.welch_t_noninferiority": ("Welch 非劣效 t 检验", "Welch non-inferiority t-test"),
        "abtest.test.cuped_welch_t": ("CUPED 调整的 Welch t 检验", "CUPED-adjusted Welch's t-test"),
        "abtest.test.cuped_welch_t_noninferiority": (
            "CUPED 调整的 Welch 非劣效检验",
            "CUPED-adjusted Welch non-inferiority test",
        ),
        "abtest.test.delta_method_t": ("Delta 方法 t 检验", "delta-method t-test"),
        "abtest.test.delta_method_t_noninferiority": ("Delta 方法非劣效检验", "delta-method non-inferiority test"),
        "abtest.test.msprt": ("mSPRT 序贯检验", "mSPRT sequential test"),
        "abtest.test.none": ("无", "none"),
        "abtest.decision.win": ("胜出", "win"),
        "abtest.decision.lose": ("落败", "lose"),
        "abtest.decision.inconclusive": ("未定", "inconclusive"),
        "abtest.decision.non_inferior": ("非劣效", "non-inferior"),
        "abtest.decision.invalid_srm": ("SRM 无效", "invalid (SRM)"),
        # verdict pieces
        "abtest.up.conversion": ("{v} 的转化率比 {c} 高 {lift}", "{v} converts {lift} better than {c}"),
        "abtest.down.conversion": ("{v} 的转化率比 {c} 低 {lift}", "{v} converts {lift} worse than {c}"),
        "abtest.up.revenue": ("{v} 的每访客收入比 {c} 高 {lift}", "{v} earns {lift} more per visitor than {c}"),
        "abtest.down.revenue": ("{v} 的每访客收入比 {c} 低 {lift}", "{v} earns {lift} less per visitor than {c}"),
        "abtest.up.aov": ("{v} 的客单价比 {c} 高 {lift}", "{v}'s average order value is {lift} higher than {c}'s"),
        "abtest.down.aov": ("{v} 的客单价比 {c} 低 {lift}", "{v}'s average order value is {lift} lower than {c}'s"),
        "abtest.ci.two": ("{level} 置信区间 {lo}–{hi}", "{level} CI {lo} to {hi}"),
        "abtest.ci.lower": ("{level} 置信下限 {lo}", "{level} lower bound {lo}"),
        "abtest.ci.upper": ("{level} 置信上限 {hi}", "{level} upper bound {hi}"),
        "abtest.ci.always_valid": ("随时有效的 ", "always-valid "),
        "abtest.ci.absolute": (
            "差值的{ci}；对照组的值太接近 0，相对提升的区间无界",
            "{ci} for the difference; the relative interval is unbounded because control's value is too close to 0",
        ),
        "abtest.p.adjusted": ("{method} 校正后 {p}", "{p} after {method} correction"),
        "abtest.verdict.significant": (
            "{phrase}（{ci}），差异显著（{test}，{p}）。",
            "{phrase} ({ci}), significant ({test}, {p}).",
        ),
        "abtest.verdict.inconclusive": (
            "{phrase}（{ci}），差异不显著（{test}，{p}），暂不能判定胜负。",
            "{phrase} ({ci}), not significant ({test}, {p}); no winner yet.",
        ),
        "abtest.verdict.non_inferior": (
            "{v} 的{metric}不比 {c} 差超过 {margin}，非劣效成立（{ci}，{test}，{p}）。",
            "{v} is not worse than {c} on {metric} by more than {margin}: non-inferior ({ci}; {test}, {p}).",
        ),
        "abtest.verdict.ni_inconclusive": (
            "尚不能证明 {v} 的{metric}不比 {c} 差超过 {margin}（{ci}，{test}，{p}）。",
            "Cannot yet show that {v} is no more than {margin} worse than {c} on {metric} ({ci}; {test}, {p}).",
        ),
        "abtest.verdict.ni_lose": (
            "{v} 的{metric}比 {c} 差，超过了非劣效界值 {margin}（{ci}，{test}）。",
            "{v} is worse than {c} on {metric} by more than the margin {margin} ({ci}; {test}).",
        ),
        "abtest.verdict.invalid_srm": (
            "{v} 对比 {c}（{metric}）：样本比例不匹配（SRM，p={srm_p}），结果不可信，不判定胜负。",
            "{v} vs {c} ({metric}): sample ratio mismatch (SRM, p={srm_p}), so the result is "
            "not trustworthy and no winner is called.",
        ),
        "abtest.verdict.untestable": (
            "{v} 对比 {c}（{metric}）：无法检验，{reason}。",
            "{v} vs {c} ({metric}): cannot be tested: {reason}.",
        ),
        "abtest.margin.relative": ("{value}（相对对照）", "{value} of control"),
        # sections
        "abtest.srm.title": ("分流检查（SRM）", "Traffic split check (SRM)"),
        "abtest.srm.ok": (
            "分流正常：各组访客占比与设计的 {design} 一致（χ² 检验，{p}）。",
            "The traffic split matches the designed {design} (χ² test, {p}).",
        ),
        "abtest.srm.fail": (
            "⚠ 样本比例不匹配（SRM）：实际分流与设计的 {design} 不符（χ²={chi2}，p={p} < 0.001）。"
            "分流或埋点有问题，下面的结果都不可信，不判定胜负；先查明原因（跳转丢失、机器人流量、"
            "分组条件、某组上线晚）再重新测试。",
            "⚠ Sample ratio mismatch (SRM): the observed split differs from the designed {design} "
            "(χ²={chi2}, p={p} < 0.001). Assignment or tracking is broken, so none of the results below "
            "can be trusted and no winner is called; find the cause (lost redirects, bots, eligibility "
            "rules, an arm launched late) and test again.",
        ),
        "abtest.srm.none": ("无法检查分流：没有访客。", "The split cannot be checked: no visitors."),
        "abtest.srm.variant": ("实验组", "Variant"),
        "abtest.srm.visitors": ("访客数", "Visitors"),
        "abtest.srm.observed": ("实际占比", "Observed share"),
        "abtest.srm.expected": ("设计占比", "Designed share"),
        "abtest.verdicts.title": ("结论", "Verdict"),
        "abtest.omnibus": (
            "{k} 组转化率整体比较：χ²={chi2}，自由度 {df}，{p}。",
            "All {k} conversion rates compared at once: χ²={chi2}, df {df}, {p}.",
        ),
        "abtest.table.variant": ("变体", "Variant"),
        "abtest.table.control_value": ("对照 {c}", "Control {c}"),
        "abtest.table.value": ("变体值", "Variant value"),
        "abtest.table.diff": ("差值", "Difference"),
        "abtest.table.diff_ci": ("差值置信区间", "Difference CI"),
        "abtest.table.lift": ("相对提升", "Relative lift"),
        "abtest.table.lift_ci": ("提升置信区间", "Lift CI"),
        "abtest.table.p": ("p 值", "p-value"),
        "abtest.table.p_adj": ("校正后 p", "Adjusted p"),
        "abtest.table.decision": ("结论", "Decision"),
        "abtest.bayes.title": ("贝叶斯视角", "Bayesian view"),
        "abtest.bayes.metric": ("指标", "Metric"),
        "abtest.bayes.prob": ("胜过对照的概率", "Chance to beat control"),
        "abtest.bayes.loss": ("上线变体的期望损失", "Expected loss if shipped"),
        "abtest.bayes.loss_control": ("保留对照的期望损失", "Expected loss if kept control"),
        "abtest.bayes.method": ("模型", "Model"),
        "abtest.bayes.beta_binomial": ("Beta-二项（均匀先验）", "beta-binomial, uniform prior"),
        "abtest.bayes.gaussian": ("正态（相对提升，平坦先验）", "Gaussian on the lift, flat prior"),
        "abtest.bayes.note": (
            "期望损失：选错时平均损失多少（指标本身的单位）；概率不是 p 值，两者回答的问题不同。",
            "Expected loss: how much is lost on average if the choice is wrong (in the metric's "
            "units). The chance to beat control is not a p-value; they answer different questions.",
        ),
        "abtest.seq.title": ("序贯检验（mSPRT）", "Sequential test (mSPRT)"),
        "abtest.seq.text": (
            "mSPRT 的 p 值随时有效：每天查看、随时停止都不会抬高误报率。混合分布 N(0, τ²)，τ 取对照组指标的 10%。"
            "共 {looks} 次查看。",
            "mSPRT p-values are always valid: looking every day and stopping at any time keeps the "
            "false-positive rate at α. Normal mixture N(0, τ²) with τ = 10% of control's value; "
            "{looks} looks.",
        ),
        "abtest.seq.look": ("查看", "Look"),
        "abtest.notes.title": ("说明", "Notes"),
        "abtest.notes.ci": (
            "置信区间为单次比较的区间；p 值按 {method} 对 {k} 个变体做了校正。",
            "Confidence intervals are per comparison; p-values are adjusted with {method} across {k} variants.",
        ),
        "abtest.notes.cuped": (
            "CUPED（协变量 {covariate}）：θ={theta}，{metric}的方差降低 {reduction}。",
            "CUPED (covariate {covariate}): θ={theta}; variance of the {metric} difference reduced by {reduction}.",
        ),
        # notes from evaluate
        "abtest.note.converted_empty": (
            "{rows} 行“是否转化”为空，按未转化计算",
            "{rows} rows with an empty converted cell were counted as not converted",
        ),
        "abtest.note.merged_user_rows": (
            "同一组内重复出现的用户共 {rows} 行，已合并为每人一行（收入、订单相加）",
            "{rows} rows of users appearing several times in one variant were merged "
            "into one row per user (revenue and orders added)",
        ),
        "abtest.note.cross_exposed": (
            "{users} 个用户同时出现在多个实验组，会稀释差异；检查分流是否按用户固定",
            "{users} users appear in more than one variant, which blurs the difference; "
            "check that assignment sticks to the user",
        ),
        "abtest.note.exact_small_sample": (
            "样本较小，p 值来自{test_name}，区间为 score 区间",
            "small sample: the p-value comes from {test_name}; the interval is the score interval",
        ),
        "abtest.note.no_conversions": ("两组都没有转化", "neither variant has any conversion"),
        "abtest.note.all_converted": ("所有访客都转化了", "every visitor converted"),
        "abtest.note.zero_variance": ("指标没有波动（方差为 0）", "the metric does not vary (zero variance)"),
        "abtest.note.no_visitors": ("有一组没有访客", "a variant has no visitors"),
        "abtest.note.too_few": ("每组至少需要 2 个访客", "each variant needs at least 2 visitors"),
        "abtest.note.no_orders": ("有一组没有订单，客单价无定义", "a variant has no orders, so its AOV is undefined"),
        "abtest.note.control_zero": (
            "对照组的值为 0，相对提升无定义",
            "control's value is 0, so the relative lift is undefined",
        ),
        "abtest.note.cuped_not_for_ratio": (
            "CUPED 不用于客单价（比率指标）",
            "CUPED is not applied to AOV (a ratio metric)",
        ),
        "abtest.note.control_assumed": (
            "未指定对照组，默认使用 {control}（可用 --control 指定）",
            "no --control given: using {control}, the first variant",
        ),
        "abtest.note.metric_skipped": ("跳过{metric_name}：缺少 {missing}", "skipped {metric_name}: missing {missing}"),
        # weekly report
        "abtest.weekly.title": ("A/B 测试", "A/B tests"),
        "abtest.weekly.experiment": ("实验", "Experiment"),
        "abtest.weekly.status": ("状态", "Status"),
        "abtest.weekly.metric": ("指标", "Metric"),
        "abtest.weekly.none": ("配置中没有实验。", "No experiments in the config."),
        "abtest.status.running": ("进行中", "running"),
        "abtest.status.stopped": ("已停止", "stopped"),
        "abtest.status.finished": ("已结束", "finished"),
        "abtest.status.paused": ("已暂停", "paused"),
        "abtest.weekly.error": ("{name}：无法评估，{error}", "{name}: could not be evaluated: {error}"),
        "abtest.weekly.summary": ("共 {n} 个实验，{running} 个进行中。", "{n} experiments, {running} running."),
        # plan
        "abtest.plan.title": ("A/B 测试规划", "A/B test plan"),
        "abtest.plan.size": (
            "要在 α={alpha}、功效 {power} 下检出{metric}从 {base} 到 {target}（{rel}）的变化，"
            "每组需要 {n} 名访客，{k} 组共 {total} 名。",
            "To detect a change in {metric} from {base} to {target} ({rel}) at α={alpha} with "
            "{power} power, each variant needs {n} visitors: {total} in total for {k} variants.",
        ),
        "abtest.plan.mde": (
            "每组 {n} 名访客时，在 α={alpha}、功效 {power} 下能检出的最小变化是 {mde}（相对 {rel}），"
            "即{metric}从 {base} 到 {target}。",
            "With {n} visitors per variant, the smallest change detectable at α={alpha} with {power} "
            "power is {mde} ({rel} relative): {metric} from {base} to {target}.",
        ),
        "abtest.plan.mde_none": (
            "每组 {n} 名访客太少：即使最大的变化也达不到功效 {power}。",
            "{n} visitors per variant are too few: not even the largest change reaches {power} power.",
        ),
        "abtest.plan.power": (
            "每组 {n} 名访客时，检出该变化的功效为 {power_at}。",
            "With {n} visitors per variant the power to detect it is {power_at}.",
        ),
        "abtest.plan.duration": (
            "按每天 {daily} 名访客进入实验，需要 {days_needed} 天，取整为 {weeks} 周（{days} 天），"
            "覆盖完整的周内波动。",
            "At {daily} visitors a day entering the test that takes {days_needed} days, rounded "
            "up to {weeks} whole weeks ({days} days) so every weekday counts equally.",
        ),
        "abtest.plan.bonferroni": (
            "{k} 组各自与对照比较，每次比较用 α={each}（Bonferroni）。",
            "{k} variants each compared with control: α={each} per comparison (Bonferroni).",
        ),
        "abtest.plan.metric.conversion": ("转化率", "conversion rate"),
        "abtest.plan.metric.mean": ("均值", "the mean"),
    }
)


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


def _p(value: float | None) -> str:
    if value is None:
        return "—"
    if value < 0.001:
        return "<0.001"
    return f"{value:.2g}" if value < 0.01 else (f"{value:.3g}" if value < 0.1 else f"{value:.2f}")


def _p_eq(value: float | None) -> str:
    """'p=0.023' or 'p<0.001', for sentences."""
    text = _p(value)
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
                "p": _p(r.p_value),
                "p_adj": _p(r.p_value_adjusted),
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
    rows = [r for r in evaluation.results if r.bayes]
    frame = pd.DataFrame(
        [
            {
                "metric": t(f"abtest.metric.{r.metric}", lang),
                "variant": r.variant,
                "prob": r.bayes.prob_beat_control,
                "loss": _loss(r.metric, r.bayes.expected_loss),
                "loss_control": _loss(r.metric, r.bayes.expected_loss_control),
                "method": t(f"abtest.bayes.{r.bayes.method}", lang),
            }
            for r in rows
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
    rows = [r for r in evaluation.results if r.sequential]
    looks = rows[0].sequential.looks
    data = {"look": looks}
    columns = [Column("look", t("abtest.seq.look", lang))]
    for i, r in enumerate(rows):
        key = f"p{i}"
        data[key] = [_p(p) for p in r.sequential.p_values]
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

ENTRY_KEYS = {"name", "file", "control", "metric", "alpha", "weights", "correction", "status"}


def weekly_section(entries: list[dict], base_dir: Path, lang: str) -> Section:
    """The weekly report's A/B section: every experiment of the config
    (`[[experiments]]` tables) with its current verdict, running ones first.

    Raises ConfigError for an entry that is not usable as written (unknown
    keys, wrong types, missing file); an experiment whose data cannot be
    evaluated is listed with the reason, so one bad file does not sink the
    whole weekly report.
    """
    from ecomplan.abtest.evaluate import evaluate, load_experiment

    checked = [_check_entry(i, entry, Path(base_dir)) for i, entry in enumerate(entries or [])]
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
                    "p": "—",
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
                    "p": _p(result.p_value_adjusted if result.p_value_adjusted is not None else result.p_value),
                    "decision": t(f"abtest.decision.{result.decision}", lang),
                }
            )
    running = sum(e["status"] == "running" for e in checked)
    for row in rows:
        key = f"abtest.status.{row['status']}"
        row["status"] = t(key, lang) if key in TEXT else row["status"]
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
            Column("p", t("abtest.table.p", lang)),
            Column("decision", t("abtest.table.decision", lang)),
        ],
    )
    return Section(
        title,
        paragraphs=[t("abtest.weekly.summary", lang, n=len(checked), running=running)],
        tables=[table],
        bullets=bullets,
    )


def _check_entry(index: int, entry, base_dir: Path) -> dict:
    where = f"[[experiments]] #{index + 1}"
    if not isinstance(entry, dict):
        raise ConfigError(f"{where}: must be a table with name and file, got {entry!r}")
    unknown = sorted(set(entry) - ENTRY_KEYS)
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {', '.join(unknown)}; allowed: {', '.join(sorted(ENTRY_KEYS))}")
    name = entry.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(f"{where}: 'name' must be a non-empty string")
    where = f"{where} ({name})"
    file = entry.get("file")
    if not isinstance(file, str) or not file.strip():
        raise ConfigError(f"{where}: 'file' must be the path of the experiment export")
    path = Path(file).expanduser()
    path = path if path.is_absolute() else base_dir / path
    if not path.exists():
        raise ConfigError(f"{where}: file not found: {path}")
    metric = entry.get("metric", "conversion")
    if metric not in (*METRICS, "all"):
        raise ConfigError(f"{where}: 'metric' must be one of {', '.join(METRICS)}, all; got {metric!r}")
    alpha = entry.get("alpha", 0.05)
    if isinstance(alpha, bool) or not isinstance(alpha, (int, float)) or not 0 < alpha < 0.5:
        raise ConfigError(f"{where}: 'alpha' must be a number between 0 and 0.5, got {alpha!r}")
    weights = entry.get("weights")
    if weights is not None and (
        not isinstance(weights, list)
        or not weights
        or any(isinstance(w, bool) or not isinstance(w, (int, float)) or w <= 0 for w in weights)
    ):
        raise ConfigError(f"{where}: 'weights' must be a list of positive numbers like [50, 50], got {weights!r}")
    correction = entry.get("correction", "holm")
    if correction not in ("holm", "bh", "none"):
        raise ConfigError(f"{where}: 'correction' must be holm, bh or none, got {correction!r}")
    control = entry.get("control")
    if control is not None and not isinstance(control, str):
        raise ConfigError(f"{where}: 'control' must be the control variant's name, got {control!r}")
    status = entry.get("status", "running")
    if not isinstance(status, str):
        raise ConfigError(f'{where}: \'status\' must be a string such as "running" or "stopped"')
    return {
        "name": name,
        "file": path,
        "control": control,
        "metric": metric,
        "alpha": float(alpha),
        "weights": [float(w) for w in weights] if weights else None,
        "correction": correction,
        "status": status,
    }
