"""`ecomplan report`: Scheduled reports (the cron-driven weekly report)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from ecomplan.cli.common import (
    EXIT_ALERTS,
    EXIT_NOTIFY,
    AllowSkippedOpt,
    EngineName,
    Lang,
    SparkRemoteOpt,
    handle_errors,
    parse_day_option,
    read_limits,
    refuse_overwrite,
    warn_issues,
)

app = typer.Typer(help="Scheduled reports (the cron-driven weekly report).", no_args_is_help=True)


@app.command("weekly")
@handle_errors
def weekly_command(
    config: Annotated[
        Path,
        typer.Option(
            "--config",
            help="ecomplan.toml naming the exports (globs allowed), "
            "targets, campaign calendar, output directory and sections.",
            exists=True,
            dir_okay=False,
            envvar="ECOMPLAN_CONFIG",
        ),
    ],
    week: Annotated[str, typer.Option("--week", help="last (the last complete ISO week), this, or 2026-W47.")] = "last",
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "--out-dir",
            help="Where to write weekly-<week>.md and .xlsx (default: the config's output_dir).",
            file_okay=False,
        ),
    ] = None,
    as_of: Annotated[
        dt.date | None,
        typer.Option(
            "--as-of",
            parser=parse_day_option,
            metavar="YYYY-MM-DD",
            help="Run as if today were this date (YYYY-MM-DD).",
        ),
    ] = None,
    lang: Annotated[
        Lang | None,
        typer.Option("--lang", help="Report language (default: the config's lang).", envvar="ECOMPLAN_LANG"),
    ] = None,
    fail_on_alerts: Annotated[
        bool,
        typer.Option(
            "--fail-on-alerts",
            help="Exit 3 after writing the report when "
            "something needs action: a stock-out or urgent reorder, a "
            "significant conversion drop, a GMV day far below normal.",
        ),
    ] = False,
    allow_skipped: AllowSkippedOpt = False,
    notify: Annotated[
        list[str] | None,
        typer.Option(
            "--notify",
            metavar="PLATFORM=URL",
            help="After the files are written, push the summary to a group robot: dingtalk=URL, wecom=URL or "
            "feishu=URL (repeatable; signing secrets and standing robots go in the config's \\[notify]). A push that "
            "fails after retries exits 4; the report stays.",
        ),
    ] = None,
    engine: Annotated[
        EngineName | None,
        typer.Option(
            "--engine",
            help="Where the \\[orders] lines are read and the customer rules run: duckdb or spark "
            "(default: the config's \\[orders] engine).",
            show_default=False,
        ),
    ] = None,
    spark_remote: SparkRemoteOpt = None,
) -> None:
    """Write the weekly report (Markdown + Excel) for cron.

    Reads every source of the config, checks none is stale, takes a lock,
    writes weekly-<ISO week>.md (its charts as SVG/PNG in weekly-<ISO week>-charts/), .xlsx and a
    self-contained .html atomically and prints their paths.
    Running it twice on the same inputs gives the same files.

    Example: ecomplan report weekly --config examples/ecomplan.toml --week 2026-W47 --out-dir reports
    """
    refuse_overwrite(*_weekly_files(config, week, out_dir, as_of))
    robots = _robots(notify or [])
    from ecomplan.jobs import run_weekly

    result = run_weekly(
        config,
        week,
        out_dir,
        as_of,
        lang.value if lang else None,
        log=lambda message: typer.echo(message, err=True),
        limits=read_limits(),
        allow_skipped=allow_skipped,
        notify=robots,
        engine=engine.value if engine else None,
        spark_remote=spark_remote,
    )
    warn_issues(result.issues)
    for note in result.notes:
        typer.echo(note, err=True)
    for path in result.paths:
        typer.echo(str(path))
    if fail_on_alerts and result.alerts:
        for line in result.alerts:
            typer.echo(f"alert: {line}", err=True)
    for failure in result.notify_failures:
        typer.echo(f"error: {failure}; the report is written", err=True)
    if result.notify_failures:
        raise typer.Exit(EXIT_NOTIFY)  # the alerts may not have reached anyone: this is the louder fault
    if fail_on_alerts and result.alerts:
        raise typer.Exit(EXIT_ALERTS)


def _robots(values: list[str]):
    """`--notify dingtalk=URL` values as notification targets; a malformed one is a usage error."""
    from ecomplan.core.errors import UsageError
    from ecomplan.notify import NotifyError, Target

    robots = []
    for value in values:
        kind, _, url = value.partition("=")
        try:
            robots.append(Target(kind.strip().lower(), url.strip()))
        except NotifyError as exc:
            raise UsageError(f"--notify {value.split('?')[0]!r}: {exc} (PLATFORM=URL)") from None
    return robots


def _weekly_files(
    config: Path, week: str, out_dir: Path | None, as_of: dt.date | None
) -> tuple[list[Path], dict[str, list[Path]]]:
    """The files the weekly run would read (the config and every file its globs name) and write
    (weekly-<week>.md/.xlsx/.html in the output directory, and the old lock file the job removes), for
    `refuse_overwrite`.
    A config or week that does not parse is left to the job, which says why."""

    from ecomplan.config import OrdersSource, Source, expand_glob, load_settings
    from ecomplan.core.errors import EcomplanError
    from ecomplan.core.periods import parse_period, today_in
    from ecomplan.jobs import weekly_paths

    settings = load_settings(config)
    tables: list[Source | OrdersSource] = [*settings.sources, *([settings.orders] if settings.orders else [])]
    patterns = [pattern for table in tables for pattern in table.files]
    if settings.inventory is not None:
        patterns += [*([settings.inventory.stock] if settings.inventory.stock else []), *settings.inventory.sales]
    inputs = [config] + [p for pattern in patterns for p in expand_glob(settings.path(pattern), str(config))]
    inputs += [settings.path(t.mapping) for t in tables if t.mapping]
    if settings.targets:
        inputs.append(settings.path(settings.targets))
    target_dir = out_dir or settings.path(settings.output_dir)
    written = [target_dir / ".ecomplan-weekly.lock"]
    try:
        today = as_of or today_in(settings.timezone)
        spec = "last-week" if week in {"last", "last-week"} else "this-week" if week in {"this", "this-week"} else week
        label = parse_period(spec, today, "week").label
        written += weekly_paths(target_dir, label)
    except EcomplanError:
        pass
    return inputs, {"out_dir": written}
