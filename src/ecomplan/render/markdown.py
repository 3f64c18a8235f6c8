"""Markdown through the shipped jinja2 templates."""

from __future__ import annotations

from ecomplan.core.formatting import cell, format_cell
from ecomplan.core.report import Report, Table
from ecomplan.render.templates import render


def table_markdown(table: Table, currency: str = "¥") -> str:
    header = "| " + " | ".join(cell(c.label) for c in table.columns) + " |"
    align = "|" + "|".join("---:" if c.numeric else "---" for c in table.columns) + "|"
    lines = [header, align]
    for row in table.rows():
        lines.append(
            "| "
            + " | ".join(
                format_cell(row[c.key], row.get("_fmt", "num") if c.fmt == "row" else c.fmt, currency)
                for c in table.columns
            )
            + " |"
        )
    return "\n".join(lines)


def to_markdown(
    report: Report,
    template: str = "report.md.j2",
    templates: str | None = None,
    charts: dict[str, str] | None = None,
    **extra,
) -> str:
    """`charts` maps a table's name to its picture's path relative to the Markdown file."""
    return render(
        template,
        templates,
        report=report,
        table=lambda t: table_markdown(t, report.currency),
        charts=charts or {},
        **extra,
    )
