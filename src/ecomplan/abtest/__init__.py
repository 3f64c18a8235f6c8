"""A/B tests: evaluate results (SRM, significance, lift, verdicts) and plan sample sizes.

    frame, issues = load_experiment("abtest_results.csv")
    evaluation = evaluate(frame, control="A", metric="all", bayes=True)
    report = build_report(evaluation, "zh")

Statistics live in `ecomplan.abtest.stats` as small pure functions on sums.
"""

from ecomplan.abtest.evaluate import (
    Evaluation,
    Margin,
    MetricResult,
    SrmResult,
    evaluate,
    load_experiment,
    sufficient_statistics,
)
from ecomplan.abtest.plan import Plan, plan
from ecomplan.abtest.report import build_report, plan_report, to_json, verdict, weekly_section

__all__ = [
    "Evaluation",
    "Margin",
    "MetricResult",
    "Plan",
    "SrmResult",
    "build_report",
    "evaluate",
    "load_experiment",
    "plan",
    "plan_report",
    "sufficient_statistics",
    "to_json",
    "verdict",
    "weekly_section",
]
