"""A report on the terminal with rich."""

from __future__ import annotations

from ecomplan.core.formatting import format_cell
from ecomplan.core.report import Report


def print_report(report: Report) -> None:
    from rich import box
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
            # No outer edge and light rules between columns: more room for the cells in an 80-column pipe.
            grid = RichTable(
                title=table.title,
                title_justify="left",
                box=box.SIMPLE_HEAD,
                show_edge=False,
                pad_edge=False,
                padding=(0, 1),
                collapse_padding=True,
            )
            cells = [
                [
                    format_cell(row[c.key], row.get("_fmt", "num") if c.fmt == "row" else c.fmt, report.currency)
                    for c in table.columns
                ]
                for row in table.rows()
            ]
            # Cells wrap instead of being cut (`重要价…`, `¥1,320…` in an 80-column pipe): nothing is lost when the
            # terminal is narrow, a long number goes on over two lines.
            for column in table.columns:
                text = column.fmt in {"text", "date"}
                grid.add_column(column.label, justify="left" if text else "right", overflow="fold")
            for row_cells in cells:
                grid.add_row(*row_cells)
            console.print(grid)
            if table.note:
                console.print(f"[dim]{table.note}[/]")
