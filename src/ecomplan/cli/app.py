"""The `ecomplan` command line: a thin layer over the library.

Each command parses options, calls library functions, and prints or writes
the result. Heavy libraries (pandas, scipy) are imported inside commands so
`ecomplan --help` stays fast. Exit codes: 0 ok, 1 bad input or config,
2 usage error, 3 alerts fired with --fail-on-alerts.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from ecomplan.ingest.inspect import TableInspection

from ecomplan import __version__
from ecomplan.cli import abtest, common, inventory, kpi, promo, report, rfm
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
    refuse_overwrite,
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


# `ecomplan inspect` reads this much of a text file's rows (the top), unless --full: a quick answer on a
# file of a gigabyte; the row count is then estimated and said to be.
INSPECT_HEAD_BYTES = 32 << 20

app.add_typer(kpi.app, name="kpi")
app.add_typer(rfm.app, name="rfm")
app.add_typer(inventory.app, name="inventory")
app.add_typer(abtest.app, name="abtest")
app.add_typer(promo.app, name="promo")
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
    write_mapping: Annotated[
        Path | None,
        typer.Option(
            "--write-mapping",
            help="Write a --mapping TOML for the file's (first unrecognised) table: every column with the best "
            "guess of its canonical name, to check and then pass with --mapping.",
            dir_okay=False,
        ),
    ] = None,
    full: Annotated[
        bool,
        typer.Option(
            "--full",
            help=f"Read every row of a large text file. By default only its first {INSPECT_HEAD_BYTES >> 20} MB "
            "of rows are read: the row count is then estimated, the date range and findings describe those rows.",
        ),
    ] = False,
) -> None:
    """Show what each file really is and how ecomplan reads it.

    File type and encoding as sniffed, header row, matched platform and
    report, column mapping, unused columns, rows, date range and data-quality
    findings. Exits 1 when a file can't be read or matches no known export.

    Example: ecomplan inspect 【生意参谋平台】商品_全部_2026-11-16_2026-11-22.xls orders.csv
    """
    refuse_overwrite([*files, mapping], {"output": output, "write_mapping": write_mapping})
    from ecomplan.ingest.inspect import inspect_files
    from ecomplan.render import inspect_view

    options = replace(
        read_options(platform, mapping, encoding, sheet, password), head_bytes=None if full else INSPECT_HEAD_BYTES
    )
    results = inspect_files(files, options)
    for result in results:
        result.name_arguments(flag)
        for issue in result.issues:
            if issue.code == "head_only":
                issue.message += "; --full reads them all"
    if json_:
        emit_json([r.model_dump() for r in results])
    elif output:
        inspect_view.write(results, output, lang.value)
        typer.echo(str(output), err=True)
    else:
        inspect_view.print_terminal(results, lang.value)
    failed = [r for r in results if not r.ok]
    if write_mapping is not None:
        _write_mapping(results, failed, write_mapping)
    if failed:
        for r in failed:
            why = next((f" ({i.message})" for i in r.issues if i.code == "not_recognised"), "")
            typer.echo(
                f"error: {r.error or Path(r.path).name + ': ' + (r.table or '') + ': not recognised' + why}", err=True
            )
        raise typer.Exit(EXIT_INPUT)


def _write_mapping(results: list[TableInspection], failed: list[TableInspection], path: Path) -> None:
    """The mapping stub of the first unrecognised table (else the first table) of the one file given."""
    from ecomplan.core.errors import UsageError
    from ecomplan.render.output import write_text

    if len({r.path for r in results}) != 1:
        raise UsageError("--write-mapping takes one file: a mapping describes one export layout")
    chosen = next((r for r in failed if r.error is None), None) or results[0]
    stub = chosen.mapping_stub()
    if stub is None:
        raise UsageError(f"{Path(chosen.path).name}: cannot be read, so there is no header to map")
    write_text(path, stub)
    typer.echo(f"{path} ({Path(chosen.path).name}, table {chosen.table})", err=True)


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    main()
