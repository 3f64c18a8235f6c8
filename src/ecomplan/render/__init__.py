"""Renderers shared by every report: Markdown (jinja2), Excel (xlsxwriter), terminal (rich).

`write_report(report, path)` picks the format from the file suffix and writes
atomically; without a path the report goes to the terminal.
"""

from __future__ import annotations

from pathlib import Path

from ecomplan.core.report import Report

SUFFIXES = (".md", ".xlsx")


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


__all__ = ["SUFFIXES", "write_report"]
