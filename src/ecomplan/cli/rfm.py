"""`ecomplan rfm`: Customer tiers (RFM), repurchase, cohorts and segment migration."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import Enum
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any

import typer

from ecomplan.cli.common import (
    AllowSkippedOpt,
    EncodingOpt,
    EngineName,
    EngineOpt,
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

app = typer.Typer(help="Customer tiers (RFM), repurchase, cohorts and segment migration.", no_args_is_help=True)


class Scheme(str, Enum):
    cn8 = "cn8"
    rfm11 = "rfm11"


class Threshold(str, Enum):
    mean = "mean"
    median = "median"
    fixed = "fixed"


class Variant(str, Enum):
    A = "A"
    B = "B"


class Frequency(str, Enum):
    orders = "orders"
    days = "days"


SourcesArg = Annotated[
    list[str] | None,
    typer.Argument(
        help="Order exports (.csv, .xlsx, .xls, .csv.gz, .zip). With --engine spark: Parquet, ORC, CSV or JSON "
        "files, folders, globs or URIs Spark reads (s3a://, hdfs://, oss://).",
        show_default=False,
    ),
]


AsOfOpt = Annotated[
    dt.date | None,
    typer.Option(
        "--as-of",
        parser=parse_day_option,
        metavar="YYYY-MM-DD",
        help="Reference date (YYYY-MM-DD), included in the window. Default: the day after the last sale in the data.",
    ),
]
WindowOpt = Annotated[
    str,
    typer.Option(
        "--window", help="Purchases counted for F and M: the N days ending on the as-of date (365d, 90d, 52w) or 'all'."
    ),
]
FrequencyOpt = Annotated[
    Frequency, typer.Option("--frequency", help="F = distinct orders, or distinct purchase days (按天去重).")
]
RefundsOpt = Annotated[
    list[Path] | None,
    typer.Option(
        "--refunds",
        help="A refunds export (e.g. 千牛 售后) whose successful refunds are netted from their orders; repeatable.",
        exists=True,
        dir_okay=False,
    ),
]


CustomersOutOpt = Annotated[
    Path | None,
    typer.Option(
        "--customers-out", help="Write one row per customer (its figures and segment) to .csv or .xlsx.", dir_okay=False
    ),
]
NoMaskOpt = Annotated[
    bool,
    typer.Option(
        "--no-mask",
        help="Show customer ids, names and phone numbers in full (masked by default: 138****1234, t**1).",
    ),
]


def _check_outputs(output: Path | None, customers_out: Path | None) -> None:
    """Refuse an unsupported suffix of -o or --customers-out before any file is read."""
    from ecomplan.render import TABLE_SUFFIXES
    from ecomplan.render.output import output_format

    check_output(output)
    if customers_out is not None:
        output_format(customers_out, TABLE_SUFFIXES)


def _write_customers(table, customers_out: Path, lang: str) -> None:
    from ecomplan.render import write_table

    write_table(table, customers_out, lang)
    typer.echo(str(customers_out), err=True)


@dataclass
class _Orders:
    """What an rfm command reads: the order lines (a pandas frame, or lines Spark holds), the refunds frame,
    the findings, and the inputs' names for the report."""

    lines: Any
    refunds: Any
    issues: list
    names: list[str]


@dataclass
class _OrderInputs:
    """An rfm command's reading flags: where the order lines are and how to read them."""

    sources: list[str] | None
    engine: EngineName
    table: str | None
    spark_remote: str | None
    refunds: list[Path] | None
    platform: str | None
    mapping: Path | None
    encoding: str | None
    sheet: str | None
    password: str | None
    allow_skipped: bool

    @cached_property
    def files(self) -> list[Path]:
        """The local order files; flags that do not go with the engine are usage errors, raised before
        anything is read."""
        from ecomplan.core.errors import UsageError

        if self.engine is EngineName.duckdb:
            if self.table or self.spark_remote:
                raise UsageError("--table and --spark-remote go with --engine spark")
            if not self.sources:
                raise UsageError("give the order files to read")
            return [Path(source) for source in self.sources]
        local = {
            "--platform": self.platform,
            "--encoding": self.encoding,
            "--sheet": self.sheet,
            "--password": self.password,
        }
        given = [flag for flag, value in local.items() if value]
        if given:
            raise UsageError(f"{', '.join(given)} read local exports; with --engine spark, Spark reads the lines")
        if bool(self.sources) == bool(self.table):
            raise UsageError("with --engine spark, give the paths of the order lines or --table, not both")
        return [Path(s) for s in self.sources or () if "://" not in s and Path(s).exists()]

    def read_paths(self) -> list[Path | None]:
        """Every local file the command reads: outputs must not overwrite them (`refuse_overwrite`)."""
        return [*self.files, *(self.refunds or []), self.mapping]

    def load(self, tz: str, contacts: bool) -> _Orders:
        """The order lines (with names and phones when `contacts`) where the engine runs the rules, the
        refunds frame and the findings."""
        from ecomplan.ingest.load import load

        if self.engine is EngineName.spark:
            from ecomplan.engines.spark import open_lines

            lines = open_lines(
                self.sources or (),
                self.table,
                self.mapping,
                self.spark_remote,
                tz,
                contacts=contacts,
                allow_skipped=self.allow_skipped,
            )
            issues = list(lines.issues)
            names = [self.table] if self.table else [s.rstrip("/").rsplit("/", 1)[-1] for s in self.sources or ()]
        else:
            from ecomplan.rfm import read_orders

            # timestamps with an offset convert to the shop's time zone (`tz`), as in every report
            options = read_options(
                self.platform,
                self.mapping,
                self.encoding,
                self.sheet,
                self.password,
                tz,
                allow_skipped=self.allow_skipped,
            )
            lines, issues = read_orders(self.files, options, contacts=contacts)
            names = [f.name for f in self.files]
        refund_frame = None
        if self.refunds:
            refund_options = read_options(
                None, None, self.encoding, None, self.password, tz, allow_skipped=self.allow_skipped
            )
            loaded = load(self.refunds, "refunds", refund_options)
            refund_frame, issues = loaded.frame, issues + loaded.issues
        return _Orders(lines, refund_frame, issues, names)


def _needs_report(output: Path | None, json_: bool) -> bool:
    """A Markdown/Excel file or the terminal needs the report model; --json alone does not."""
    return (output is not None and output.suffix.lower() != ".json") or (output is None and not json_)


def _warn_excluded(exclusions) -> None:
    if exclusions.orders_without_customer:
        typer.echo(
            f"warning: {exclusions.orders_without_customer:,} sold orders "
            f"({exclusions.lines_without_customer:,} lines) have no customer id and are in no segment",
            err=True,
        )


@app.command("segment")
@handle_errors
def segment_command(
    sources: SourcesArg = None,
    scheme: Annotated[
        Scheme | None,
        typer.Option(
            "--scheme",
            help="cn8: 8 Chinese classes (重要价值客户…; the default); rfm11: 11 quintile segments (Champions…).",
            show_default=False,
        ),
    ] = None,
    threshold: Annotated[
        Threshold | None,
        typer.Option(
            "--threshold",
            help="cn8 high/low threshold: mean (default), median, or fixed values from --config.",
            show_default=False,
        ),
    ] = None,
    variant: Annotated[
        Variant | None,
        typer.Option(
            "--variant",
            help="rfm11 code table: A (the majority version, default) or B (231/241/251 are Hibernating).",
            show_default=False,
        ),
    ] = None,
    as_of: AsOfOpt = None,
    window: WindowOpt = "365d",
    frequency: FrequencyOpt = Frequency.orders,
    compare_as_of: Annotated[
        dt.date | None,
        typer.Option(
            "--compare-as-of",
            parser=parse_day_option,
            metavar="YYYY-MM-DD",
            help="An earlier date: also report who moved between segments since then.",
        ),
    ] = None,
    output: OutputOpt = None,
    customers_out: CustomersOutOpt = None,
    json_: JsonOpt = False,
    no_mask: NoMaskOpt = False,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            help="TOML file with an \\[rfm] table (scheme, variant, fixed thresholds).",
            envvar="ECOMPLAN_CONFIG",
            dir_okay=False,
        ),
    ] = None,
    refunds: RefundsOpt = None,
    lang: LangOpt = Lang.zh,
    platform: PlatformOpt = None,
    mapping: MappingOpt = None,
    encoding: EncodingOpt = None,
    sheet: SheetOpt = None,
    password: PasswordOpt = None,
    allow_skipped: AllowSkippedOpt = False,
    engine: EngineOpt = EngineName.duckdb,
    table: TableOpt = None,
    spark_remote: SparkRemoteOpt = None,
) -> None:
    """Segment customers by recency, frequency and monetary value.

    cn8 marks R, F and M high or low against the mean (or median, or fixed
    values) and prints the rules with the thresholds used; rfm11 scores each
    1-5 by quintile (ties take the lower score) and maps the 125 codes to 11
    segments. Unpaid, cancelled and fully refunded orders are excluded;
    orders without a customer id are counted and reported.

    Example: ecomplan rfm segment orders.csv --scheme rfm11 -o rfm.xlsx --customers-out customers.csv
    """
    inputs = _OrderInputs(
        sources, engine, table, spark_remote, refunds, platform, mapping, encoding, sheet, password, allow_skipped
    )
    refuse_overwrite([*inputs.read_paths(), config], {"output": output, "customers_out": customers_out})
    from ecomplan import rfm
    from ecomplan.config import load_settings
    from ecomplan.core.errors import UsageError

    shop = load_settings(config)
    settings = shop.rfm
    scheme_name = scheme.value if scheme is not None else settings.scheme
    if threshold is not None and scheme_name == "rfm11":
        raise UsageError("--threshold applies to --scheme cn8; rfm11 always uses quintiles")
    method = threshold.value if threshold is not None else settings.threshold
    if method == "fixed" and settings.fixed() is None:
        raise UsageError("--threshold fixed needs --config FILE with [rfm] recency_days, frequency and monetary")
    _check_outputs(output, customers_out)
    needs_report = _needs_report(output, json_)
    contacts = customers_out is not None  # only the per-customer file shows names and phones
    read = inputs.load(shop.timezone, contacts)
    result = rfm.segment(
        read.lines,
        scheme_name,
        method,
        as_of,
        window,
        frequency.value,
        variant=variant.value if variant is not None else settings.variant,
        fixed=settings.fixed(),
        compare_as_of=compare_as_of,
        refunds=read.refunds,
        file=read.names[0],
    )
    currency = rfm.currency_symbol(read.lines) if needs_report else ""
    result.issues = read.issues + result.issues
    warn_issues(result.issues)
    _warn_excluded(result.exclusions)
    if customers_out is not None:
        _write_customers(
            rfm.customers_table(result.customer_table(mask=not no_mask), lang.value), customers_out, lang.value
        )
    report = rfm.segment_report(result, lang.value, read.names, currency) if needs_report else None
    write_result(output, json_, lambda: result.to_dict(lang.value), report)


class TimeUnit(str, Enum):
    week = "week"
    day = "day"


@app.command("value")
@handle_errors
def value_command(
    sources: SourcesArg = None,
    as_of: AsOfOpt = None,
    horizon: Annotated[
        str, typer.Option("--horizon", help="How far ahead to predict purchases and value: 90d, 26w, 365d.")
    ] = "90d",
    calibration_end: Annotated[
        dt.date | None,
        typer.Option(
            "--calibration-end",
            parser=parse_day_option,
            metavar="YYYY-MM-DD",
            help="Fit on purchases up to this day and check the predictions against the purchases after it.",
        ),
    ] = None,
    time_unit: Annotated[
        TimeUnit, typer.Option("--time-unit", help="The models' time unit (the fitted α is per unit).")
    ] = TimeUnit.week,
    scheme: Annotated[
        Scheme, typer.Option("--scheme", help="RFM scheme the summary by segment uses (cn8 or rfm11).")
    ] = Scheme.cn8,
    output: OutputOpt = None,
    customers_out: CustomersOutOpt = None,
    json_: JsonOpt = False,
    no_mask: NoMaskOpt = False,
    refunds: RefundsOpt = None,
    lang: LangOpt = Lang.zh,
    platform: PlatformOpt = None,
    mapping: MappingOpt = None,
    encoding: EncodingOpt = None,
    sheet: SheetOpt = None,
    password: PasswordOpt = None,
    allow_skipped: AllowSkippedOpt = False,
    engine: EngineOpt = EngineName.duckdb,
    table: TableOpt = None,
    spark_remote: SparkRemoteOpt = None,
) -> None:
    """Predict what each customer is still worth: BG/NBD (purchases to come, P(active)) and Gamma-Gamma
    (spend per purchase), fitted on the orders' purchase days with rfm segment's rules.

    Example: ecomplan rfm value orders.csv --horizon 90d --calibration-end 2026-08-31 -o value.xlsx
    """
    inputs = _OrderInputs(
        sources, engine, table, spark_remote, refunds, platform, mapping, encoding, sheet, password, allow_skipped
    )
    refuse_overwrite(inputs.read_paths(), {"output": output, "customers_out": customers_out})
    from ecomplan import rfm
    from ecomplan.config import load_settings
    from ecomplan.core.periods import parse_days
    from ecomplan.rfm.value import predict

    _check_outputs(output, customers_out)
    days = parse_days(horizon, "horizon_days", minimum=1)
    assert days is not None  # without allow_all, a horizon always parses to a number of days or raises
    read = inputs.load(load_settings(None).timezone, contacts=False)
    result = predict(
        read.lines, as_of, days, time_unit.value, calibration_end, scheme.value, read.names[0], read.refunds
    )
    result.issues = read.issues
    warn_issues(read.issues)
    for message in result.messages:
        typer.echo(f"warning: {message}", err=True)
    if customers_out is not None:
        _write_customers(rfm.value_customers_table(result, lang.value, mask=not no_mask), customers_out, lang.value)
    report = (
        rfm.value_report(result, lang.value, read.names, rfm.currency_symbol(read.lines))
        if _needs_report(output, json_)
        else None
    )
    write_result(output, json_, result.to_dict, report)


@app.command("repurchase")
@handle_errors
def repurchase_command(
    sources: SourcesArg = None,
    as_of: AsOfOpt = None,
    window: WindowOpt = "365d",
    frequency: FrequencyOpt = Frequency.orders,
    output: OutputOpt = None,
    json_: JsonOpt = False,
    refunds: RefundsOpt = None,
    lang: LangOpt = Lang.zh,
    platform: PlatformOpt = None,
    mapping: MappingOpt = None,
    encoding: EncodingOpt = None,
    sheet: SheetOpt = None,
    password: PasswordOpt = None,
    allow_skipped: AllowSkippedOpt = False,
    engine: EngineOpt = EngineName.duckdb,
    table: TableOpt = None,
    spark_remote: SparkRemoteOpt = None,
) -> None:
    """复购率, 回购率 and monthly first-purchase cohort retention.

    复购率: buyers with 2+ purchases in the window / buyers. 回购率: buyers of
    the previous window (and of each previous month) who bought again.
    Cohorts: customers by first-purchase month, active k months later
    (counts and %, a heat-mapped sheet in Excel).

    Example: ecomplan rfm repurchase orders.csv --window all -o repurchase.xlsx
    """
    inputs = _OrderInputs(
        sources, engine, table, spark_remote, refunds, platform, mapping, encoding, sheet, password, allow_skipped
    )
    refuse_overwrite(inputs.read_paths(), {"output": output})
    from ecomplan import rfm
    from ecomplan.ingest.options import DEFAULT_TZ

    check_output(output)
    needs_report = _needs_report(output, json_)
    read = inputs.load(DEFAULT_TZ, contacts=False)
    issues = read.issues
    result, exclusions = rfm.repurchase_report(
        read.lines, as_of, window, frequency.value, read.refunds, file=read.names[0]
    )
    currency = rfm.currency_symbol(read.lines) if needs_report else ""
    warn_issues(issues)
    _warn_excluded(exclusions)
    report = rfm.repurchase_report_model(result, exclusions, lang.value, read.names, currency) if needs_report else None
    write_result(
        output,
        json_,
        lambda: {**result.to_dict(), "excluded": exclusions.to_dict(), "issues": [i.to_dict() for i in issues]},
        report,
    )
