"""ecomplan.abtest.evaluate / report: from experiment frames to decisions and verdicts."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecomplan.abtest import build_report, evaluate, load_experiment, to_json, verdict, weekly_section
from ecomplan.abtest import stats as S
from ecomplan.config import parse_settings
from ecomplan.core.errors import ConfigError, SchemaError, UsageError
from ecomplan.core.report import Section
from ecomplan.ingest.options import ReadOptions
from ecomplan.render import write_report

FIELDS = ("control_value", "variant_value", "absolute_diff", "relative_lift", "p_value", "p_value_adjusted")


def aggregate(users: pd.DataFrame, by: list[str] | None = None) -> pd.DataFrame:
    """Per-variant totals (visitors, conversions, revenue, revenue_sum_sq) of per-user rows."""
    keys = (by or []) + ["variant"]
    grouped = users.assign(revenue_sum_sq=users["revenue"] ** 2).groupby(keys, sort=False)
    return (
        grouped.agg(
            visitors=("variant", "size"),
            conversions=("converted", "sum"),
            revenue=("revenue", "sum"),
            revenue_sum_sq=("revenue_sum_sq", "sum"),
        )
        .reset_index()
        .astype({"visitors": float})
    )


def simulate(seed: int, n=(2000, 2000), rates=(0.05, 0.06), days: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frames = []
    for i, (size, rate) in enumerate(zip(n, rates, strict=False)):
        converted = (rng.random(size) < rate).astype(float)
        revenue = np.round(converted * rng.gamma(2.0, 60.0, size), 2)
        frames.append(
            pd.DataFrame(
                {
                    "variant": "ABCD"[i],
                    "user_id": [f"{i}-{k}" for k in range(size)],
                    "converted": converted,
                    "revenue": revenue,
                    "date": pd.Timestamp("2026-01-05") + pd.to_timedelta(rng.integers(0, days, size), "D"),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def same(x, y, rel=1e-9) -> bool:
    if x is None or y is None:
        return x is None and y is None
    if isinstance(x, list):
        return len(x) == len(y) and all(same(a, b, rel) for a, b in zip(x, y, strict=False))
    return x == pytest.approx(y, rel=rel, abs=1e-12)


def assert_same(a, b, rel=1e-9):
    assert len(a.results) == len(b.results)
    for x, y in zip(a.results, b.results, strict=False):
        assert (x.metric, x.variant, x.test, x.decision) == (y.metric, y.variant, y.test, y.decision)
        for field in (*FIELDS, "absolute_ci", "relative_ci"):
            assert same(getattr(x, field), getattr(y, field), rel), (field, getattr(x, field), getattr(y, field))
        if x.bayes:
            assert same(x.bayes.prob_beat_control, y.bayes.prob_beat_control, rel)
            assert same(x.bayes.expected_loss, y.bayes.expected_loss, 1e-6)
    assert same(a.srm.p_value, b.srm.p_value, rel)


# --------------------------------------------------------------------------- same answer from both forms


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 10_000), st.sampled_from(["two-sided", "greater", "less"]), st.booleans())
def test_aggregate_and_per_user_rows_give_identical_results(seed, alternative, bayes):
    users = simulate(seed, n=(800 + seed % 700, 900), rates=(0.04, 0.05 + (seed % 5) / 100))
    options = dict(metric="all", alternative=alternative, bayes=bayes)
    assert_same(evaluate(users, **options), evaluate(aggregate(users), **options))


def test_identical_results_with_margin_and_three_variants():
    users = simulate(11, n=(3000, 3000, 3000), rates=(0.05, 0.055, 0.05))
    for options in (dict(margin="5%"), dict(margin=0.004), dict(correction="bh", bayes=True)):
        assert_same(evaluate(users, metric="all", **options), evaluate(aggregate(users), metric="all", **options))


def test_identical_sequential_results_from_daily_totals_and_users():
    users = simulate(3, n=(5000, 5000), rates=(0.05, 0.058), days=10)
    daily = aggregate(users, by=["date"])
    a, b = evaluate(users, sequential="msprt", metric="all"), evaluate(daily, sequential="msprt", metric="all")
    assert_same(a, b)
    assert a.results[0].sequential.p_values == pytest.approx(b.results[0].sequential.p_values, rel=1e-9)
    assert len(a.results[0].sequential.looks) == 10


def test_fixture_files_in_both_forms_and_languages_agree(fixtures):
    folder = fixtures / "abtest"
    mapping = folder / "mapping_zh.toml"
    runs = [
        load_experiment(folder / "agg_en.csv")[0],
        load_experiment(folder / "users_en.csv")[0],
        load_experiment(folder / "agg_zh.xlsx", options=ReadOptions(mapping=mapping))[0],
        load_experiment(folder / "users_zh.xlsx", options=ReadOptions(mapping=mapping))[0],
    ]
    results = [evaluate(frame, metric="all", bayes=True) for frame in runs]
    for other in results[1:]:
        assert_same(results[0], other, rel=1e-7)  # revenue_std in agg_zh.xlsx is stored to 15 digits
    assert [r.decision for r in results[0].results] == ["win", "inconclusive", "inconclusive"]


# --------------------------------------------------------------------------- decisions


def test_srm_failure_invalidates_every_result_and_is_said_first():
    frame = pd.DataFrame({"variant": ["A", "B"], "visitors": [15612.0, 14388.0], "conversions": [531.0, 640.0]})
    evaluation = evaluate(frame)
    assert evaluation.srm.mismatch and evaluation.srm.p_value < 1e-10
    assert [r.decision for r in evaluation.results] == ["invalid_srm"]
    assert evaluation.results[0].p_value < 0.001  # a "significant" lift that must not be claimed
    for lang, word in (("zh", "样本比例不匹配"), ("en", "sample ratio mismatch")):
        report = build_report(evaluation, lang)
        assert word in report.sections[0].paragraphs[0].lower() or word in report.sections[0].paragraphs[0]
        assert word in verdict(evaluation.results[0], evaluation, lang)
        assert "胜出" not in verdict(evaluation.results[0], evaluation, lang)


def test_designed_weights_and_an_arm_without_traffic():
    frame = pd.DataFrame({"variant": ["A", "B"], "visitors": [9000.0, 1000.0], "conversions": [450.0, 52.0]})
    assert not evaluate(frame, weights="90,10").srm.mismatch
    assert evaluate(frame).srm.mismatch
    named = evaluate(frame, weights="A:90,B:10,C:10")  # C was designed but got nobody
    assert named.srm.mismatch and named.srm.observed["C"] == 0
    with pytest.raises(UsageError, match="3 values but"):
        evaluate(frame, weights="40,30,30")
    with pytest.raises(UsageError, match="must be numbers"):
        evaluate(frame, weights="half,half")


def test_two_sided_decisions_follow_the_adjusted_p_value():
    frame = pd.DataFrame(
        {"variant": ["A", "B", "C", "D"], "visitors": [20000.0] * 4, "conversions": [1000.0, 1120.0, 1000.0, 890.0]}
    )
    evaluation = evaluate(frame)
    decisions = {r.variant: r.decision for r in evaluation.results}
    assert decisions == {"B": "win", "C": "inconclusive", "D": "lose"}
    raw = [r.p_value for r in evaluation.results]
    assert [r.p_value_adjusted for r in evaluation.results] == pytest.approx(S.holm(raw))
    bh = evaluate(frame, correction="bh")
    assert all(
        b.p_value_adjusted <= h.p_value_adjusted + 1e-15 for b, h in zip(bh.results, evaluation.results, strict=False)
    )
    assert evaluation.omnibus.df == 3
    assert evaluation.omnibus.chi2 == pytest.approx(S.chi2_proportions([1000, 1120, 1000, 890], [20000] * 4).statistic)


def test_one_sided_tests_only_decide_in_their_direction():
    frame = pd.DataFrame({"variant": ["A", "B"], "visitors": [20000.0, 20000.0], "conversions": [1000.0, 1120.0]})
    assert evaluate(frame, alternative="greater").results[0].decision == "win"
    less = evaluate(frame, alternative="less").results[0]
    assert less.decision == "inconclusive" and less.p_value > 0.99
    assert less.absolute_ci[0] is None and less.absolute_ci[1] > 0


@pytest.mark.parametrize("margin", ["2%", 0.001])
def test_non_inferiority_is_dual_to_its_one_sided_interval(margin):
    rng = np.random.default_rng(7)
    for _ in range(25):
        n = int(rng.integers(3000, 20000))
        x_c, x_t = rng.binomial(n, 0.05), rng.binomial(n, 0.048)
        frame = pd.DataFrame(
            {"variant": ["A", "B"], "visitors": [float(n)] * 2, "conversions": [float(x_c), float(x_t)]}
        )
        result = evaluate(frame, margin=margin).results[0]
        assert result.alternative == "greater" and result.test == "score_noninferiority"
        bound = result.relative_ci[0] if isinstance(margin, str) else result.absolute_ci[0]
        limit = -0.02 if isinstance(margin, str) else -0.001
        if abs(result.p_value - 0.05) > 1e-9:
            assert (result.decision == "non_inferior") == (bound > limit) == (result.p_value <= 0.05)


def test_non_inferiority_for_revenue_and_when_clearly_worse():
    users = simulate(5, n=(6000, 6000), rates=(0.06, 0.06))
    result = evaluate(users, metric="revenue", margin="30%").results[0]
    assert result.test == "welch_t_noninferiority" and result.decision == "non_inferior"
    worse = simulate(5, n=(6000, 6000), rates=(0.06, 0.03))
    assert evaluate(worse, margin="10%").results[0].decision == "lose"
    with pytest.raises(UsageError, match="one-sided"):
        evaluate(users, margin="2%", alternative="greater")


def test_means_path_is_dual_between_p_value_and_both_intervals():
    for seed in range(30):
        users = simulate(seed, n=(1500, 1500), rates=(0.05, 0.06))
        result = evaluate(users, metric="revenue").results[0]
        significant = result.p_value < 0.05
        assert (result.absolute_ci[0] > 0 or result.absolute_ci[1] < 0) == significant
        assert (result.relative_ci[0] > 0 or result.relative_ci[1] < 0) == significant
        from scipy import stats

        a = users.loc[users.variant == "A", "revenue"]
        b = users.loc[users.variant == "B", "revenue"]
        assert result.p_value == pytest.approx(stats.ttest_ind(b, a, equal_var=False).pvalue, rel=1e-9)


def test_small_samples_use_barnards_exact_test():
    frame = pd.DataFrame({"variant": ["A", "B"], "visitors": [40.0, 40.0], "conversions": [3.0, 11.0]})
    result = evaluate(frame).results[0]
    assert result.test == "barnard_exact"
    from scipy import stats

    assert result.p_value == pytest.approx(stats.barnard_exact([[11, 3], [29, 37]]).pvalue)
    assert any(n.key == "exact_small_sample" for n in result.notes)
    assert "Barnard" in verdict(result, evaluate(frame), "en")


def test_bayesian_block():
    frame = pd.DataFrame(
        {
            "variant": ["A", "B"],
            "visitors": [1000.0, 1000.0],
            "conversions": [100.0, 120.0],
            "revenue": [5000.0, 6400.0],
            "revenue_sum_sq": [600000.0, 800000.0],
        }
    )
    evaluation = evaluate(frame, metric="all", bayes=True)
    conversion = evaluation.results[0].bayes
    assert conversion.method == "beta_binomial"
    assert conversion.prob_beat_control == pytest.approx(0.9231834389724246, abs=1e-10)  # Evan Miller, EM-B1
    assert evaluation.results[1].bayes.method == "gaussian"
    assert 0.5 < evaluation.results[1].bayes.prob_beat_control < 1


def test_cuped_reduces_variance_and_keeps_the_estimate_unbiased():
    rng = np.random.default_rng(1)
    n = 6000
    pre = rng.gamma(0.8, 100.0, n)
    variant = np.where(rng.random(n) < 0.5, "A", "B")
    revenue = 0.8 * pre + rng.normal(0, 40, n) + np.where(variant == "B", 5.0, 0.0)
    users = pd.DataFrame({"variant": variant, "revenue": revenue, "pre": pre})
    plain = evaluate(users, metric="revenue").results[0]
    adjusted = evaluate(users, metric="revenue", cuped="pre").results[0]
    assert adjusted.test == "cuped_welch_t"
    assert adjusted.cuped.variance_reduction > 0.6
    width = lambda r: r.absolute_ci[1] - r.absolute_ci[0]  # noqa: E731
    assert width(adjusted) < 0.7 * width(plain)
    assert adjusted.absolute_ci[0] < 5.0 < adjusted.absolute_ci[1]
    # the adjusted difference is the difference of y − θ(x − x̄) with θ from the pooled sample
    theta = np.cov(pre, revenue)[0, 1] / np.var(pre, ddof=1)
    y = revenue - theta * (pre - pre.mean())
    assert adjusted.absolute_diff == pytest.approx(y[variant == "B"].mean() - y[variant == "A"].mean(), rel=1e-9)


def test_cuped_needs_per_user_rows():
    frame = pd.DataFrame({"variant": ["A", "B"], "visitors": [100.0, 100.0], "conversions": [5.0, 7.0]})
    with pytest.raises(SchemaError, match="one row per user"):
        evaluate(frame, cuped="pre")


def test_sequential_needs_dates_and_is_never_more_eager_than_the_fixed_test():
    frame = pd.DataFrame({"variant": ["A", "B"], "visitors": [1000.0, 1000.0], "conversions": [50.0, 61.0]})
    with pytest.raises(SchemaError, match="date"):
        evaluate(frame, sequential="msprt")
    with pytest.raises(UsageError):
        evaluate(frame, sequential="msprt", margin="1%")
    users = simulate(9, n=(8000, 8000), rates=(0.05, 0.06), days=14)
    fixed = evaluate(users).results[0]
    sequential = evaluate(users, sequential="msprt").results[0]
    assert sequential.test == "msprt" and sequential.p_value >= fixed.p_value
    p_values = sequential.sequential.p_values
    assert all(later <= earlier for earlier, later in itertools.pairwise(p_values))
    assert sequential.absolute_ci[0] < fixed.absolute_ci[0] and sequential.absolute_ci[1] > fixed.absolute_ci[1]
    assert (sequential.absolute_ci[0] > 0) == (sequential.p_value <= 0.05)


# --------------------------------------------------------------------------- bad and degenerate input


def test_revenue_without_second_moments_is_refused_naming_the_column():
    frame = pd.DataFrame(
        {"variant": ["A", "B"], "visitors": [1000.0, 1000.0], "conversions": [50.0, 61.0], "revenue": [5000.0, 6100.0]}
    )
    with pytest.raises(SchemaError, match="revenue_sum_sq"):
        evaluate(frame, metric="revenue")
    evaluation = evaluate(frame, metric="all")
    assert evaluation.metrics == ["conversion"]
    assert {n.key for n in evaluation.notes} == {"metric_skipped"}


@pytest.mark.parametrize(
    "frame, message",
    [
        (
            pd.DataFrame({"variant": ["A", "B"], "visitors": [100.0, 100.0], "conversions": [5.0, 120.0]}),
            "more conversions",
        ),
        (
            pd.DataFrame({"variant": ["A", "B"], "visitors": [100.0, np.nan], "conversions": [5.0, 12.0]}),
            "no valid visitors",
        ),
        (
            pd.DataFrame({"variant": ["A", "B"], "visitors": [100.5, 100.0], "conversions": [5.0, 12.0]}),
            "whole numbers",
        ),
        (
            pd.DataFrame({"variant": ["A", "A"], "visitors": [100.0, 100.0], "conversions": [5.0, 12.0]}),
            "at least two variants",
        ),
        (pd.DataFrame({"variant": ["A", "B"], "user_id": ["1", "2"], "converted": [0.0, 3.0]}), "must be 0 or 1"),
        (
            pd.DataFrame(
                {
                    "variant": ["A", "B"],
                    "visitors": [100.0, 100.0],
                    "revenue": [10.0, 12.0],
                    "revenue_sum_sq": [0.5, 200.0],
                }
            ),
            "impossible",
        ),
    ],
)
def test_bad_input_is_a_clear_error(frame, message):
    with pytest.raises(SchemaError, match=message):
        evaluate(frame, metric="all")


def test_unknown_control_and_default_control():
    frame = pd.DataFrame({"variant": ["新版", "对照组"], "visitors": [1000.0, 1000.0], "conversions": [60.0, 50.0]})
    assert evaluate(frame).control == "对照组"
    assert evaluate(frame, control="新版").control == "新版"
    with pytest.raises(SchemaError, match=r"control 'Z' is not a variant.*新版, 对照组"):
        evaluate(frame, control="Z")
    other = pd.DataFrame({"variant": ["x", "y"], "visitors": [1000.0, 1000.0], "conversions": [60.0, 50.0]})
    assumed = evaluate(other)
    assert assumed.control == "x" and assumed.notes[0].key == "control_assumed"


def test_degenerate_inputs_give_notes_not_crashes():
    none_converted = pd.DataFrame({"variant": ["A", "B"], "visitors": [5000.0, 5000.0], "conversions": [0.0, 0.0]})
    result = evaluate(none_converted).results[0]
    assert result.p_value is None and result.decision == "inconclusive"
    assert "cannot be tested" in verdict(result, evaluate(none_converted), "en")
    empty_arm = pd.DataFrame({"variant": ["A", "B"], "visitors": [5000.0, 0.0], "conversions": [100.0, 0.0]})
    evaluation = evaluate(empty_arm)
    assert evaluation.srm.mismatch and evaluation.results[0].p_value is None
    flat = pd.DataFrame(
        {
            "variant": ["A", "B"],
            "user_id": [
                "1",
                "2",
            ][:2],
            "revenue": [5.0, 5.0],
        }
    )
    flat = pd.concat([flat, flat.assign(user_id=["3", "4"])], ignore_index=True)
    result = evaluate(flat, metric="revenue").results[0]
    assert result.p_value is None and result.notes[-1].key == "zero_variance"


def test_per_user_rows_are_merged_per_user_and_cross_exposure_is_reported():
    users = pd.DataFrame(
        {
            "variant": ["A", "A", "B", "B", "B"],
            "user_id": ["1", "1", "2", "3", "1"],
            "converted": [0.0, 1.0, 0.0, 1.0, 0.0],
            "revenue": [0.0, 30.0, 0.0, 20.0, 0.0],
        }
    )
    evaluation = evaluate(users)
    assert evaluation.variants[0].visitors == 1 and evaluation.variants[0].conversions == 1
    assert {n.key for n in evaluation.notes} >= {"merged_user_rows", "cross_exposed"}


# --------------------------------------------------------------------------- report and JSON


def test_verdict_sentences_read_like_an_analyst(fixtures):
    frame, _ = load_experiment(fixtures / "abtest" / "agg_en.csv")
    evaluation = evaluate(frame)
    zh, en = (verdict(evaluation.results[0], evaluation, lang) for lang in ("zh", "en"))
    assert zh.startswith("B 的转化率比 A 高 ") and "95% 置信区间" in zh and "差异显著（双比例 z 检验，p=" in zh
    assert en.startswith("B converts ") and "better than A (95% CI " in en
    assert "significant (two-proportion z-test" in en
    lift = evaluation.results[0].relative_lift
    assert f"{lift * 100:.1f}%" in zh


def test_report_renders_to_markdown_and_excel(tmp_path, fixtures):
    frame, _ = load_experiment(fixtures / "abtest" / "users_en.csv", covariate="pre_revenue")
    evaluation = evaluate(frame, metric="all", bayes=True, cuped="pre_revenue")
    report = build_report(evaluation, "zh", source="users_en.csv")
    write_report(report, tmp_path / "ab.md")
    text = (tmp_path / "ab.md").read_text(encoding="utf-8")
    assert text.index("分流检查") < text.index("结论") < text.index("贝叶斯")
    assert "CUPED" in text
    write_report(report, tmp_path / "ab.xlsx")
    assert (tmp_path / "ab.xlsx").stat().st_size > 0
    data = to_json(evaluation, "en")
    assert set(data["srm"]) >= {"p_value", "mismatch"}
    keys = {
        "metric",
        "variant",
        "control",
        "control_value",
        "variant_value",
        "absolute_diff",
        "absolute_ci",
        "relative_lift",
        "relative_ci",
        "p_value",
        "p_value_adjusted",
        "test",
        "decision",
        "verdict",
    }
    assert all(keys <= set(row) for row in data["results"])


# --------------------------------------------------------------------------- weekly report hook


def experiments(entries, folder):
    """`[[experiments]]` tables as the config validates them."""
    return parse_settings({"experiments": entries}, folder, "shop.toml").experiments


def test_weekly_section_lists_experiments_with_verdicts(fixtures):
    folder = fixtures / "abtest"
    entries = [
        {"name": "老详情页", "file": "agg_en.csv", "status": "stopped"},
        {
            "name": "新结算页",
            "file": str(folder / "users_en.csv"),
            "metric": "all",
            "control": "A",
            "alpha": 0.05,
            "weights": [50, 50],
            "correction": "holm",
            "status": "running",
        },
        {"name": "坏数据", "file": "bad_conversions.csv"},
    ]
    section = weekly_section(experiments(entries, folder), folder, "zh")
    assert isinstance(section, Section)
    table = section.tables[0].frame
    assert list(table["experiment"])[:3] == ["新结算页"] * 3  # running first
    assert "老详情页" in set(table["experiment"]) and "坏数据" in set(table["experiment"])
    assert any(b.startswith("新结算页: B 的转化率比 A 高") for b in section.bullets)
    assert any("坏数据" in b and "无法评估" in b and "more conversions" in b for b in section.bullets)
    assert "3 个实验，2 个进行中" in section.paragraphs[0]
    assert weekly_section([], folder, "en").paragraphs == ["No experiments in the config."]


@pytest.mark.parametrize(
    "entry, message",
    [
        ({"file": "agg_en.csv"}, r"shop\.toml: experiments\.0\.name: Field required"),
        ({"name": "x"}, r"experiments\.0\.file"),
        ({"name": "", "file": "agg_en.csv"}, r"experiments\.0\.name"),
        ({"name": "x", "file": "missing.csv"}, "file not found"),
        ({"name": "x", "file": "agg_en.csv", "metric": "gmv"}, r"experiments\.0\.metric"),
        ({"name": "x", "file": "agg_en.csv", "alpha": 5}, r"experiments\.0\.alpha"),
        ({"name": "x", "file": "agg_en.csv", "alpha": True}, r"experiments\.0\.alpha"),
        ({"name": "x", "file": "agg_en.csv", "weights": "50,50"}, r"experiments\.0\.weights"),
        ({"name": "x", "file": "agg_en.csv", "weights": [50, -50]}, r"experiments\.0\.weights.*positive"),
        ({"name": "x", "file": "agg_en.csv", "weights": [50, 25, 25]}, "3 values"),
        ({"name": "x", "file": "agg_en.csv", "correction": "bonferroni"}, r"experiments\.0\.correction"),
        ({"name": "x", "file": "agg_en.csv", "owner": "me"}, r"experiments\.0\.owner: Extra inputs"),
        ("agg_en.csv", r"expected a \[experiments\.0\] table"),
    ],
)
def test_weekly_section_rejects_bad_entries(fixtures, entry, message):
    with pytest.raises(ConfigError, match=message):
        weekly_section(experiments([entry], fixtures / "abtest"), fixtures / "abtest", "en")


def test_relative_lift_interval_is_unbounded_when_control_is_near_zero():
    frame = pd.DataFrame({"variant": ["A", "B"], "visitors": [3000.0, 3000.0], "conversions": [0.0, 9.0]})
    result = evaluate(frame).results[0]
    assert result.relative_ci_unbounded and result.relative_ci[1] is None
    assert result.relative_lift is None and not math.isnan(result.absolute_diff)
    assert "unbounded" in verdict(result, evaluate(frame), "en")
