"""The `ecomplan` command line: a thin layer over the library.

Each command parses options, calls library functions, and prints or writes
the result. Heavy libraries (pandas, scipy) are imported inside commands so
`ecomplan --help` stays fast. Exit codes: 0 ok, 1 bad input or config,
2 usage error, 3 alerts fired with --fail-on-alerts.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ecomplan import __version__
from ecomplan.cli import abtest, common, inventory, kpi, report, rfm
from ecomplan.cli.common import (
    EXIT_INPUT,
    EncodingOpt,
    FilesArg,
    JsonOpt,
    Lang,
    LangOpt,
    MappingOpt,
    OutputOpt,
    PasswordOpt,
    PlatformOpt,
    SheetOpt,
    emit_json,
    flag,
    handle_errors,
    read_options,
)

app = typer.Typer(
    name="ecomplan",
    help="E-commerce operations toolkit: read Sycm / JD / GA / order exports and turn them into KPI reports, "
    "customer tiers, stock alerts and A/B verdicts.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


app.add_typer(kpi.app, name="kpi")
app.add_typer(rfm.app, name="rfm")
app.add_typer(inventory.app, name="inventory")
app.add_typer(abtest.app, name="abtest")
app.add_typer(report.app, name="report")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"ecomplan {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks for errors.")] = False,
) -> None:
    common.state["debug"] = debug


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
    from ecomplan.ingest.inspect import inspect_files
    from ecomplan.render import inspect_view

    results = inspect_files(files, read_options(platform, mapping, encoding, sheet, password))
    for result in results:
        result.name_arguments(flag)
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
            typer.echo(f"error: {r.error or Path(r.path).name + ': ' + (r.table or '') + ': not recognised'}", err=True)
        raise typer.Exit(EXIT_INPUT)


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    main()
