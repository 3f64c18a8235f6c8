"""Pieces every command shares: options, error handling, JSON and warnings.

Command modules import only typer and this module at import time; pandas and
the analysis code load inside the command functions.
"""

from __future__ import annotations

import datetime as dt
import functools
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from ecomplan.ingest.options import ReadOptions

EXIT_OK, EXIT_INPUT, EXIT_USAGE, EXIT_ALERTS = 0, 1, 2, 3
state = {"debug": False}


class Lang(str, Enum):
    zh = "zh"
    en = "en"


# Options shared by every command, defined once.
OutputOpt = Annotated[
    Path | None,
    typer.Option(
        "-o",
        "--output",
        help="Write to a file; the format comes from the suffix (.md, .xlsx, .json). Default: a table on the terminal.",
        dir_okay=False,
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print the result as JSON on stdout (keys in the README).")]
LangOpt = Annotated[Lang, typer.Option("--lang", help="Language of report text.", envvar="ECOMPLAN_LANG")]
PlatformOpt = Annotated[
    str | None,
    typer.Option(
        "--platform",
        help="Force the platform adapter (sycm, jd, ga4, "
        "ga_ua, shopify, douyin, pdd, online_retail, generic) instead "
        "of detecting it from the headers.",
    ),
]
MappingOpt = Annotated[
    Path | None,
    typer.Option(
        "--mapping",
        help="TOML column mapping for exports ecomplan does not know (see README: Generic files).",
        exists=True,
        dir_okay=False,
    ),
]
EncodingOpt = Annotated[
    str | None, typer.Option("--encoding", help="Text encoding when detection fails (e.g. gb18030, latin-1).")
]
SheetOpt = Annotated[str | None, typer.Option("--sheet", help="Read only this Excel sheet.")]
PasswordOpt = Annotated[
    str | None, typer.Option("--password", help="Password of a protected Excel export.", envvar="ECOMPLAN_PASSWORD")
]
FilesArg = Annotated[
    list[Path], typer.Argument(help="Export files (.csv, .xlsx, .xls, .csv.gz, .zip).", dir_okay=False)
]


def handle_errors(command):
    """Turn user-fixable errors into one line on stderr and exit code 1 (2 for usage)."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        from ecomplan.core.errors import EcomplanError, UsageError

        try:
            return command(*args, **kwargs)
        except typer.Exit:
            raise
        except UsageError as exc:
            if state["debug"]:
                raise
            typer.echo(f"error: {exc.render(flag)}", err=True)
            raise typer.Exit(EXIT_USAGE) from None
        except EcomplanError as exc:
            if state["debug"]:
                raise
            typer.echo(f"error: {exc.render(flag)}", err=True)
            raise typer.Exit(EXIT_INPUT) from None
        except KeyboardInterrupt:
            raise
        except BrokenPipeError:  # `ecomplan … --json | head`: the reader left, nothing to report
            import os
            import sys

            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise typer.Exit(EXIT_OK) from None
        except Exception as exc:  # a bug: still one line, unless --debug
            if state["debug"]:
                raise
            typer.echo(
                f"error: unexpected {type(exc).__name__}: {exc} (this is a bug in ecomplan; "
                "run with --debug for the traceback and report it)",
                err=True,
            )
            raise typer.Exit(EXIT_INPUT) from None

    return wrapper


# Library arguments whose flag is not their name with dashes.
RENAMED_FLAGS = {"covariate": "--cuped", "window_days": "--window"}


def flag(argument: str) -> str:
    """The command-line flag of a library argument: `as_of` -> `--as-of`."""
    return RENAMED_FLAGS.get(argument, "--" + argument.replace("_", "-"))


def read_options(
    platform: str | None = None,
    mapping: Path | None = None,
    encoding: str | None = None,
    sheet: str | None = None,
    password: str | None = None,
    tz: str | None = None,
) -> ReadOptions:
    """The library's ReadOptions from the shared reading flags."""
    from ecomplan.ingest.options import DEFAULT_TZ, ReadOptions

    return ReadOptions(platform, mapping, encoding, sheet, password, tz or DEFAULT_TZ)


def parse_day_option(value: str | dt.date) -> dt.date:
    """The parser of `--as-of`-style options: YYYY-MM-DD -> date; a bad value is a usage error (exit 2)."""
    from ecomplan.core.errors import ArgumentError
    from ecomplan.core.periods import parse_day

    try:
        return parse_day(value)
    except ArgumentError as exc:
        raise typer.BadParameter(exc.detail) from None


def emit_json(result) -> None:
    from ecomplan.render.output import dumps

    typer.echo(dumps(result))


def warn_issues(issues, limit: int = 5) -> None:
    """Data-quality findings go to stderr so stdout stays clean for --json."""
    shown = [i for i in issues if i.severity == "warning"]
    for issue in shown[:limit]:
        typer.echo(f"warning: {issue}", err=True)
    if len(shown) > limit:
        typer.echo(f"warning: … and {len(shown) - limit} more findings (see `ecomplan inspect`)", err=True)


REPORT_SUFFIXES = (".md", ".xlsx", ".json")


def check_output(output: Path | None) -> None:
    """Refuse an unsupported -o suffix before any work is done (exit 2)."""
    if output is not None:
        from ecomplan.render.output import output_format

        output_format(output, REPORT_SUFFIXES)


def write_result(output: Path | None, json_: bool, to_json, report, terminal_report=None) -> None:
    """The output convention of every command: -o by suffix (.json, .md, .xlsx; both -o and --json may be
    given), --json on stdout, else the report on the terminal. `to_json` is called only when needed."""
    from ecomplan.render import write_report
    from ecomplan.render.output import dumps, write_text

    check_output(output)
    if output is not None:
        if output.suffix.lower() == ".json":
            write_text(output, dumps(to_json()) + "\n")
        else:
            write_report(report, output)
        typer.echo(str(output), err=True)
    if json_:
        emit_json(to_json())
    elif output is None:
        write_report(terminal_report or report, None)
