"""`ecomplan abtest`: A/B tests: evaluate results and plan sample sizes."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import typer

from ecomplan.cli.common import (
    AllowSkippedOpt,
    EncodingOpt,
    FilesArg,
    JsonOpt,
    Lang,
    LangOpt,
    MappingOpt,
    OutputOpt,
    SheetOpt,
    handle_errors,
    read_options,
    refuse_overwrite,
    warn_issues,
    write_result,
)

app = typer.Typer(help="A/B tests: evaluate results and plan sample sizes.", no_args_is_help=True)


class Metric(str, Enum):
    conversion = "conversion"
    revenue = "revenue"
    aov = "aov"
    all = "all"


class Alternative(str, Enum):
    two_sided = "two-sided"
    greater = "greater"
    less = "less"


class Correction(str, Enum):
    holm = "holm"
    bh = "bh"
    none = "none"


class Sequential(str, Enum):
    none = "none"
    msprt = "msprt"


@app.command("evaluate")
@handle_errors
def evaluate_command(
    files: FilesArg,
    control: Annotated[
        str | None,
        typer.Option(
            "--control", help="Control variant (default: one named A/control/对照, else the first in the file)."
        ),
    ] = None,
    metric: Annotated[
        Metric,
        typer.Option("--metric", help="conversion rate, revenue per visitor, average order value, or all of them."),
    ] = Metric.conversion,
    alpha: Annotated[float, typer.Option("--alpha", help="Significance level.")] = 0.05,
    alternative: Annotated[
        Alternative, typer.Option("--alternative", help="two-sided, or one-sided: greater = variant better.")
    ] = Alternative.two_sided,
    weights: Annotated[
        str | None,
        typer.Option(
            "--weights",
            help="Designed split for the SRM check, in the "
            "variants' order (50,50) or by name (A:50,B:50). "
            "Default: equal.",
        ),
    ] = None,
    correction: Annotated[
        Correction,
        typer.Option("--correction", help="p-value adjustment across variants (Holm, Benjamini–Hochberg, none)."),
    ] = Correction.holm,
    margin: Annotated[
        str | None,
        typer.Option(
            "--margin",
            help="Non-inferiority test: the variant may be "
            "worse by at most this much: 2% of control, or an absolute "
            "amount in the metric's units (0.002 = 0.2pp).",
        ),
    ] = None,
    bayes: Annotated[
        bool, typer.Option("--bayes", help="Add the chance to beat control and the expected loss.")
    ] = False,
    sequential: Annotated[
        Sequential,
        typer.Option(
            "--sequential",
            help="msprt: always-valid p-values for daily peeking (needs a date column or one export per day).",
        ),
    ] = Sequential.none,
    cuped: Annotated[
        str | None,
        typer.Option("--cuped", metavar="COL", help="Pre-period column of per-user rows for CUPED variance reduction."),
    ] = None,
    mapping: MappingOpt = None,
    encoding: EncodingOpt = None,
    sheet: SheetOpt = None,
    allow_skipped: AllowSkippedOpt = False,
    output: OutputOpt = None,
    json_: JsonOpt = False,
    lang: LangOpt = Lang.zh,
) -> None:
    """Evaluate an A/B test: SRM check, significance, lift with confidence intervals, verdict per variant.

    FILE holds totals per variant (variant, visitors, conversions, revenue, revenue_sum_sq or revenue_std) or
    one row per user (variant, user_id, converted, revenue, date). Chinese headers (实验组, 访客数, 转化数,
    收入, 收入平方和) work too.

    Example: ecomplan abtest evaluate abtest_results.csv --control A --metric all --bayes
    """
    refuse_overwrite([*files, mapping], {"output": output})
    from ecomplan.abtest import build_report, evaluate, load_experiment, to_json

    frame, issues = load_experiment(
        files, covariate=cuped, options=read_options(None, mapping, encoding, sheet, allow_skipped=allow_skipped)
    )
    warn_issues(issues)
    evaluation = evaluate(
        frame,
        control=control,
        metric=metric.value,
        alpha=alpha,
        alternative=alternative.value,
        weights=weights,
        correction=correction.value,
        margin=margin,
        bayes=bayes,
        sequential=sequential.value,
        cuped=cuped,
    )
    source = ", ".join(f.name for f in files)
    write_result(output, json_, lambda: to_json(evaluation, lang.value), build_report(evaluation, lang.value, source))


@app.command("plan")
@handle_errors
def plan_command(
    baseline: Annotated[
        str, typer.Option("--baseline", help="Current conversion rate (0.05 or 5%), or the current mean with --std.")
    ],
    mde: Annotated[
        str | None,
        typer.Option(
            "--mde",
            help="Smallest effect worth detecting: 10% (relative, default) or an absolute change with --absolute.",
        ),
    ] = None,
    relative: Annotated[
        bool,
        typer.Option(
            "--relative/--absolute",
            help="Whether --mde is relative to the baseline or absolute (0.5% = half a percentage point).",
        ),
    ] = True,
    alpha: Annotated[float, typer.Option("--alpha", help="Significance level.")] = 0.05,
    power: Annotated[float, typer.Option("--power", help="Chance to detect the effect if it is real.")] = 0.8,
    variants: Annotated[int, typer.Option("--variants", help="Number of groups including control.")] = 2,
    daily_visitors: Annotated[
        float | None,
        typer.Option("--daily-visitors", help="Visitors entering the test per day (all groups), for the duration."),
    ] = None,
    std: Annotated[
        float | None,
        typer.Option(
            "--std",
            help="Standard deviation per visitor, to plan a mean such as revenue per visitor instead of a rate.",
        ),
    ] = None,
    sample_size: Annotated[
        int | None,
        typer.Option(
            "--sample-size",
            help="Visitors per variant you have: gives the detectable effect (or, with --mde, the power).",
        ),
    ] = None,
    alternative: Annotated[
        Alternative, typer.Option("--alternative", help="two-sided, or one-sided (greater/less).")
    ] = Alternative.two_sided,
    output: OutputOpt = None,
    json_: JsonOpt = False,
    lang: LangOpt = Lang.zh,
) -> None:
    """Plan an A/B test: visitors per variant, total, and duration in whole weeks; or the MDE for a sample size.

    Example: ecomplan abtest plan --baseline 0.05 --mde 10% --daily-visitors 4000
    """
    from ecomplan.abtest import plan, plan_report

    result = plan(
        baseline,
        mde,
        relative=relative,
        alpha=alpha,
        power=power,
        variants=variants,
        daily_visitors=daily_visitors,
        std=std,
        sample_size=sample_size,
        alternative=alternative.value,
    )
    write_result(output, json_, result.model_dump, plan_report(result, lang.value))
