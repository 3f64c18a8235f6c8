"""A report on the terminal with rich."""

from __future__ import annotations

from ecomplan.core.formatting import format_cell
from ecomplan.core.report import Report


def print_report(report: Report) -> None:
    from rich.console import Console
    from rich.table import Table as RichTable

    console = Console()
    console.print(f"[bold]{report.title}[/]")
    for label, value in report.meta:
        console.print(f"[dim]{label}:[/] {value}")
    for section in report.sections:
        console.print()
        console.rule(f"[bold]{section.title}")
        for paragraph in section.paragraphs:
            console.print(paragraph)
        for bullet in section.bullets:
            console.print(f" • {bullet}")
        for table in (t for t in section.tables if not t.excel_only):
            grid = RichTable(title=table.title, title_justify="left")
            for column in table.columns:
                grid.add_column(column.label, justify="left" if column.fmt in {"text", "date"} else "right")
            for row in table.rows():
                grid.add_row(
                    *(
                        format_cell(row[c.key], row.get("_fmt", "num") if c.fmt == "row" else c.fmt, report.currency)
                        for c in table.columns
                    )
                )
            console.print(grid)
            if table.note:
                console.print(f"[dim]{table.note}[/]")
