"""`ecomplan kpi`: KPI reports: funnel, KPIs, period-over-period, targets."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from ecomplan.cli.common import (
    AllowSkippedOpt,
    EncodingOpt,
    EngineName,
    EngineOpt,
    FilesArg,
    JsonOpt,
    Lang,
    LangOpt,
    MappingOpt,
    OutputOpt,
    PasswordOpt,
    PlatformOpt,
    SheetOpt,
    SparkRemoteOpt,
    TableOpt,
    check_output,
    handle_errors,
    parse_day_option,
    read_options,
    refuse_overwrite,
    warn_issues,
    write_result,
)

app = typer.Typer(help="KPI reports: funnel, KPIs, period-over-period, targets.", no_args_is_help=True)

PeriodOpt = Annotated[
    str,
    typer.Option(
        "--period",
        help="last-week, this-week, last-month, 2026-W47, 2026-11, "
        "2026-Q4 or 2026-11-01..2026-11-22 (ISO weeks, Monday first).",
    ),
]
CompareOpt = Annotated[
    str | None,
    typer.Option(
        "--compare",
        help="Comma list of previous (环比), yoy (same dates "
        "last year), yoy-weekday (364 days back), campaign (same campaign "
        "last year, from the config's calendar), or all. Default: "
        "previous,yoy-weekday,campaign.",
    ),
]
TargetsOpt = Annotated[
    Path | None,
    typer.Option("--targets", help="targets.toml with monthly/annual targets.", exists=True, dir_okay=False),
]
AsOfOpt = Annotated[
    dt.date | None,
    typer.Option(
        "--as-of",
        parser=parse_day_option,
        metavar="YYYY-MM-DD",
        help="Report as if today were this date (YYYY-MM-DD); default: today in the configured time zone.",
    ),
]
ConfigOpt = Annotated[
    Path | None,
    typer.Option(
        "--config",
        help="ecomplan.toml (campaign calendar, time zone, currency, thresholds).",
        exists=True,
        dir_okay=False,
        envvar="ECOMPLAN_CONFIG",
    ),
]


@app.command("report")
@handle_errors
def report_command(
    files: FilesArg,
    period: PeriodOpt = "last-week",
    compare: CompareOpt = None,
    targets: TargetsOpt = None,
    as_of: AsOfOpt = None,
    config: ConfigOpt = None,
    platform: PlatformOpt = None,
    mapping: MappingOpt = None,
    encoding: EncodingOpt = None,
    sheet: SheetOpt = None,
    password: PasswordOpt = None,
    allow_skipped: AllowSkippedOpt = False,
    output: OutputOpt = None,
    json_: JsonOpt = False,
    lang: LangOpt = Lang.zh,
    engine: EngineOpt = EngineName.duckdb,
    orders: Annotated[
        list[str] | None,
        typer.Option(
            "--orders",
            help="With --engine spark: order lines Spark reads (Parquet/ORC/CSV/JSON paths, globs, URIs); repeatable.",
            show_default=False,
        ),
    ] = None,
    table: TableOpt = None,
    spark_remote: SparkRemoteOpt = None,
) -> None:
    """KPIs, funnel, channels, products, ads and targets for one period, with comparisons.

    Give any mix of exports (Sycm, JD, GA4/UA, order exports, ad reports); each
    file's platform is detected from its headers. Rates, AOV and UV value are
    recomputed from their parts; daily visitors are never passed off as a
    period's unique visitors.

    Example: ecomplan kpi report examples/sycm/*.csv examples/jd/*.xlsx --period 2026-W47 -o week.xlsx
    """
    refuse_overwrite([*files, targets, config, mapping], {"output": output})
    from ecomplan.core.errors import UsageError
    from ecomplan.jobs import run_kpi_report
    from ecomplan.kpi.report import to_json

    check_output(output)
    spark = None
    if engine is EngineName.spark:
        if bool(orders) == bool(table):
            raise UsageError("with --engine spark, give the order lines Spark reads: --orders PATH or --table")
        spark = (orders or [], table, spark_remote)
    elif orders or table or spark_remote:
        raise UsageError("--orders, --table and --spark-remote go with --engine spark")
    result, report, issues = run_kpi_report(
        files,
        read_options(platform, mapping, encoding, sheet, password, allow_skipped=allow_skipped),
        period=period,
        compare=compare,
        targets=targets,
        as_of=as_of,
        config=config,
        lang=lang.value,
        spark=spark,
    )
    warn_issues(issues)
    write_result(output, json_, lambda: to_json(result), report)
