"""Renderers shared by every report: Markdown (jinja2), Excel (xlsxwriter), terminal (rich).

`write_report(report, path)` picks the format from the file suffix and writes
atomically; without a path the report goes to the terminal.
"""

from __future__ import annotations

from pathlib import Path

from ecomplan.core.errors import UsageError
from ecomplan.core.report import Report, Section, Table

SUFFIXES = (".md", ".xlsx")
TABLE_SUFFIXES = (".csv", ".xlsx")
EXCEL_ROWS = 1_048_575  # rows of one sheet below its header


def write_report(
    report: Report, path: str | Path | None, template: str = "report.md.j2", templates: str | None = None, **extra
) -> None:
    from ecomplan.render.output import output_format, write_text

    if path is None:
        from ecomplan.render.terminal import print_report

        print_report(report)
        return
    suffix = output_format(path, SUFFIXES)
    if suffix == ".md":
        from ecomplan.render.markdown import to_markdown

        write_text(path, to_markdown(report, template, templates, **extra))
    else:
        from ecomplan.render.excel import write_excel

        write_excel(report, path)


def write_table(table: Table, path: str | Path, lang: str) -> None:
    """One table as a file: UTF-8 CSV with a BOM (Excel opens Chinese correctly) or one Excel sheet."""
    import pandas as pd

    from ecomplan.core.formatting import inert_formula
    from ecomplan.render.output import atomic_path, output_format

    if output_format(path, TABLE_SUFFIXES) == ".csv":
        frame = table.frame.copy()
        for column in frame.columns:
            if not pd.api.types.is_numeric_dtype(frame[column]) and not pd.api.types.is_datetime64_any_dtype(
                frame[column]
            ):
                frame[column] = frame[column].map(lambda v: inert_formula(v) if isinstance(v, str) else v)
        with atomic_path(path) as tmp:
            frame.to_csv(tmp, index=False, encoding="utf-8-sig")
        return
    if len(table.frame) > EXCEL_ROWS:
        raise UsageError(
            f"{path}: {len(table.frame):,} rows do not fit in one Excel sheet ({EXCEL_ROWS:,} rows); write it as .csv"
        )
    frame = table.frame.astype("object").where(table.frame.notna(), None)
    sheet = Table(table.name, table.title, frame, table.columns)
    write_report(Report(table.title, lang, sections=[Section(table.title, tables=[sheet])]), path)


__all__ = ["SUFFIXES", "TABLE_SUFFIXES", "write_report", "write_table"]
