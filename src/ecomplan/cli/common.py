"""Pieces every command shares: options, error handling, JSON and warnings.

Command modules import only typer and this module at import time; pandas and
the analysis code load inside the command functions.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
from collections.abc import Iterable, Mapping
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from ecomplan.ingest.options import ReadOptions
    from ecomplan.ingest.reading.limits import ReadLimits

EXIT_OK, EXIT_INPUT, EXIT_USAGE, EXIT_ALERTS, EXIT_NOTIFY = 0, 1, 2, 3, 4
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
        help="Write to a file; the format comes from the suffix (.md, .xlsx, .html, .json). "
        "Default: a table on the terminal.",
        dir_okay=False,
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print the result as JSON on stdout (keys in the README).")]
LangOpt = Annotated[Lang, typer.Option("--lang", help="Language of report text.", envvar="ECOMPLAN_LANG")]
PlatformOpt = Annotated[
    str | None,
    typer.Option(
        "--platform",
        help="Force the platform adapter (sycm, jd, ga4, ga_ua, shopify, douyin, pdd, qianchuan, youzan, "
        "woocommerce, jushuitan, wangdiantong, guanjiapo, online_retail, erp, generic) instead of detecting it "
        "from the headers.",
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
AllowSkippedOpt = Annotated[
    bool,
    typer.Option(
        "--allow-skipped",
        help="Go on when data rows had to be left out (malformed, swallowed by an unclosed quote, without a "
        "required field); they are still reported. Without it, such rows are an error (exit 1).",
    ),
]
PasswordOpt = Annotated[
    str | None, typer.Option("--password", help="Password of a protected Excel export.", envvar="ECOMPLAN_PASSWORD")
]
FilesArg = Annotated[
    list[Path], typer.Argument(help="Export files (.csv, .xlsx, .xls, .csv.gz, .zip).", dir_okay=False)
]


class EngineName(str, Enum):
    duckdb = "duckdb"
    spark = "spark"


EngineOpt = Annotated[
    EngineName,
    typer.Option(
        "--engine",
        help="Where the customer rules run: duckdb (in this process) or spark (pip install 'ecomplan\\[spark]').",
    ),
]
TableOpt = Annotated[
    str | None,
    typer.Option(
        "--table", help="With --engine spark: read the order lines from this table (db.orders).", show_default=False
    ),
]
SparkRemoteOpt = Annotated[
    str | None,
    typer.Option(
        "--spark-remote",
        help="With --engine spark: a Spark Connect server (sc://host:15002). Default: spark-submit's session, "
        "else a local one.",
        envvar="ECOMPLAN_SPARK_REMOTE",
        show_default=False,
    ),
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
            _silence_stdout()
            raise typer.Exit(EXIT_OK) from None
        except OSError as exc:  # the system said no: a full disk, stdout on /dev/full, a permission
            if state["debug"]:
                raise
            reason = exc.strerror or str(exc)
            if exc.filename is not None:
                typer.echo(f"error: {exc.filename}: {reason}", err=True)
            else:  # a failed write names no file: the output file, or stdout (`--json > /dev/full`)
                _silence_stdout()  # so that the interpreter's last flush cannot fail again
                typer.echo(f"error: cannot write the result: {reason}", err=True)
            raise typer.Exit(EXIT_INPUT) from None
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


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so that the interpreter's last flush at exit cannot fail again."""
    import sys

    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


# Library arguments whose flag is not their name with dashes.
RENAMED_FLAGS = {"covariate": "--cuped", "window_days": "--window"}

# The caps of the readers (ingest.reading.limits.ReadLimits): set through the environment, not flags,
# because every command that reads a file has them. (argument, environment variable, unit in bytes or 1)
LIMIT_VARIABLES = (
    ("max_cells", "ECOMPLAN_MAX_CELLS", 1),
    ("max_rows", "ECOMPLAN_MAX_ROWS", 1),
    ("max_span", "ECOMPLAN_MAX_SPAN", 1),
    ("max_decompressed_bytes", "ECOMPLAN_MAX_DECOMPRESSED_MB", 1 << 20),
)


def flag(argument: str) -> str:
    """The command-line flag of a library argument: `as_of` -> `--as-of` (a reader's cap: its variable)."""
    for name, variable, _ in LIMIT_VARIABLES:
        if argument == name:
            return f"the environment variable {variable}"
    return RENAMED_FLAGS.get(argument, "--" + argument.replace("_", "-"))


def read_limits() -> ReadLimits:
    """The readers' caps: the defaults, raised (or lowered) by ECOMPLAN_MAX_* variables (bad values exit 2)."""
    from ecomplan.core.errors import UsageError
    from ecomplan.ingest.reading.limits import ReadLimits

    values = {}
    for argument, variable, unit in LIMIT_VARIABLES:
        text = os.environ.get(variable, "").strip()
        if not text:
            continue
        if not re.fullmatch(r"[0-9]{1,15}", text) or int(text) < 1:
            raise UsageError(f"{variable}={text!r}: expected a positive whole number")
        values[argument] = int(text) * unit
    return ReadLimits(**values)


def refuse_overwrite(inputs: Iterable[Path | None], outputs: Mapping[str, Path | Iterable[Path] | None]) -> None:
    """Refuse (exit 2), before anything is read, an output that is one of the inputs: the same path,
    or the same file through a symbolic or hard link; and two outputs that are one file.

    `outputs` maps each output's library argument (`output`, `customers_out`) to its path (or paths)."""
    from ecomplan.core.errors import UsageError

    def identity(path: Path) -> tuple[int, int] | None:
        try:
            found = os.stat(path)
        except (OSError, ValueError):
            return None  # not there (yet): it cannot be an existing input
        return found.st_dev, found.st_ino

    known: dict[tuple[int, int], Path] = {}
    for path in inputs:
        if path is not None and (key := identity(path)) is not None:
            known.setdefault(key, path)
    written: dict[str, tuple[str, Path]] = {}
    pairs = [
        (argument, path)
        for argument, given in outputs.items()
        for path in ([] if given is None else [given] if isinstance(given, Path) else list(given))
    ]
    for argument, output in pairs:
        key = identity(output)
        if key is not None and key in known:
            source = known[key]
            same = "" if os.path.abspath(source) == os.path.abspath(output) else " (the same file through a link)"
            raise UsageError(
                f"{{{argument}}} {output} is the input file {source}{same}; writing it would destroy the input - "
                "choose another output path",
                arguments=(argument,),
            )
        real = os.path.realpath(output)
        if real in written:
            other, path = written[real]
            raise UsageError(
                f"{{{argument}}} {output} and {{{other}}} {path} are the same file; give each output its own path",
                arguments=(argument, other),
            )
        written[real] = (argument, output)


def read_options(
    platform: str | None = None,
    mapping: Path | None = None,
    encoding: str | None = None,
    sheet: str | None = None,
    password: str | None = None,
    tz: str | None = None,
    *,
    allow_skipped: bool = False,
) -> ReadOptions:
    """The library's ReadOptions from the shared reading flags."""
    from ecomplan.ingest.options import DEFAULT_TZ, ReadOptions

    return ReadOptions(
        platform, mapping, encoding, sheet, password, tz or DEFAULT_TZ, read_limits(), allow_skipped=allow_skipped
    )


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


REPORT_SUFFIXES = (".md", ".xlsx", ".html", ".json")


def check_output(output: Path | None) -> None:
    """Refuse an unsupported -o suffix before any work is done (exit 2)."""
    if output is not None:
        from ecomplan.render.output import output_format

        output_format(output, REPORT_SUFFIXES)


def write_result(output: Path | None, json_: bool, to_json, report, terminal_report=None) -> None:
    """The output convention of every command: -o by suffix (.json, .md, .xlsx, .html; both -o and --json may be
    given), --json on stdout, else the report on the terminal. `to_json` is called only when needed."""
    from ecomplan.render import write_report
    from ecomplan.render.output import dumps, write_text

    check_output(output)
    if output is not None:
        if output.suffix.lower() == ".json":
            write_text(output, dumps(to_json()) + "\n")
        else:
            from ecomplan.render import missing_font_warning

            write_report(report, output)
            if output.suffix.lower() in {".md", ".html"} and (line := missing_font_warning(report)):
                typer.echo(line, err=True)
        typer.echo(str(output), err=True)
    if json_:
        emit_json(to_json())
    elif output is None:
        write_report(terminal_report or report, None)
