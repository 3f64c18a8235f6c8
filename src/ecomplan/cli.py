"""The `ecomplan` command line: a thin layer over the library.

Each command parses options, calls library functions, and prints or writes
the result. Heavy libraries (pandas, scipy) are imported inside commands so
`ecomplan --help` stays fast. Exit codes: 0 ok, 1 bad input or config,
2 usage error, 3 alerts fired with --fail-on-alerts.
"""

from __future__ import annotations

import functools
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from . import __version__

EXIT_OK, EXIT_INPUT, EXIT_USAGE, EXIT_ALERTS = 0, 1, 2, 3

app = typer.Typer(
    name="ecomplan",
    help="E-commerce operations toolkit: read Sycm / JD / GA / order exports and turn them into KPI reports, "
         "customer tiers, stock alerts and A/B verdicts.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
_state = {"debug": False}


class Lang(str, Enum):
    zh = "zh"
    en = "en"


# Options shared by every command, defined once.
OutputOpt = Annotated[Optional[Path], typer.Option("-o", "--output", help="Write to a file; the format comes from "
                                                   "the suffix (.md, .xlsx, .json). Default: a table on the terminal.",
                                                   dir_okay=False)]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print the result as JSON on stdout (keys in the README).")]
LangOpt = Annotated[Lang, typer.Option("--lang", help="Language of report text.", envvar="ECOMPLAN_LANG")]
PlatformOpt = Annotated[Optional[str], typer.Option("--platform", help="Force the platform adapter (sycm, jd, ga4, "
                                                    "ga_ua, shopify, douyin, pdd, online_retail, generic) instead "
                                                    "of detecting it from the headers.")]
MappingOpt = Annotated[Optional[Path], typer.Option("--mapping", help="TOML column mapping for exports ecomplan "
                                                    "does not know (see README: Generic files).", exists=True,
                                                    dir_okay=False)]
EncodingOpt = Annotated[Optional[str], typer.Option("--encoding", help="Text encoding when detection fails "
                                                    "(e.g. gb18030, latin-1).")]
SheetOpt = Annotated[Optional[str], typer.Option("--sheet", help="Read only this Excel sheet.")]
PasswordOpt = Annotated[Optional[str], typer.Option("--password", help="Password of a protected Excel export.",
                                                    envvar="ECOMPLAN_PASSWORD")]
FilesArg = Annotated[list[Path], typer.Argument(help="Export files (.csv, .xlsx, .xls, .csv.gz, .zip).",
                                                dir_okay=False)]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"ecomplan {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Show the version and exit.")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks for errors.")] = False,
) -> None:
    _state["debug"] = debug


def handle_errors(command):
    """Turn user-fixable errors into one line on stderr and exit code 1 (2 for usage)."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        from .errors import EcomplanError, UsageError

        try:
            return command(*args, **kwargs)
        except typer.Exit:
            raise
        except UsageError as exc:
            if _state["debug"]:
                raise
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(EXIT_USAGE) from None
        except EcomplanError as exc:
            if _state["debug"]:
                raise
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(EXIT_INPUT) from None
        except KeyboardInterrupt:
            raise
        except Exception as exc:  # a bug: still one line, unless --debug
            if _state["debug"]:
                raise
            typer.echo(f"error: unexpected {type(exc).__name__}: {exc} (this is a bug in ecomplan; "
                       "run with --debug for the traceback and report it)", err=True)
            raise typer.Exit(EXIT_INPUT) from None

    return wrapper


def emit_json(result) -> None:
    from .output import dumps

    typer.echo(dumps(result))


def warn_issues(issues, limit: int = 5) -> None:
    """Data-quality findings go to stderr so stdout stays clean for --json."""
    shown = [i for i in issues if i.severity == "warning"]
    for issue in shown[:limit]:
        typer.echo(f"warning: {issue}", err=True)
    if len(shown) > limit:
        typer.echo(f"warning: … and {len(shown) - limit} more findings (see `ecomplan inspect`)", err=True)


@app.command("inspect")
@handle_errors
def inspect_command(
    files: FilesArg,
    platform: PlatformOpt = None,
    mapping: MappingOpt = None,
    encoding: EncodingOpt = None,
    sheet: SheetOpt = None,
    password: PasswordOpt = None,
    output: OutputOpt = None,
    json_: JsonOpt = False,
    lang: LangOpt = Lang.zh,
) -> None:
    """Show what each file really is and how ecomplan reads it.

    File type and encoding as sniffed, header row, matched platform and
    report, column mapping, unused columns, rows, date range and data-quality
    findings. Exits 1 when a file can't be read or matches no known export.

    Example: ecomplan inspect 【生意参谋平台】商品_全部_2026-11-16_2026-11-22.xls orders.csv
    """
    from .inspection import inspect_files
    from .render import inspect_view

    results = inspect_files(files, platform=platform, mapping=mapping, encoding=encoding, sheet=sheet,
                            password=password)
    if json_:
        emit_json([r.model_dump() for r in results])
    elif output:
        inspect_view.write(results, output, lang.value)
        typer.echo(str(output), err=True)
    else:
        inspect_view.print_terminal(results, lang.value)
    failed = [r for r in results if not r.ok]
    if failed:
        for r in failed:
            typer.echo(f"error: {r.error or Path(r.path).name + ': ' + (r.table or '') + ': not recognised'}",
                       err=True)
        raise typer.Exit(EXIT_INPUT)


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    sys.exit(main())
