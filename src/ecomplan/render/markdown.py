"""Markdown through the shipped jinja2 templates."""

from __future__ import annotations

from typing import Any

from ecomplan.core.formatting import cell, change, money, num, pct, pp
from ecomplan.core.report import Report, Table
from ecomplan.render.templates import render


def format_cell(value: Any, fmt: str, currency: str = "¥") -> str:
    # the filter functions themselves (FILTERS maps the same names to them for the templates)
    if fmt == "int":
        return num(value, 0)
    if fmt == "num":
        return num(value, 2)
    if fmt == "money":
        return money(value, currency, 2)
    if fmt == "pct":
        return pct(value)
    if fmt == "change":
        return change(value)
    if fmt == "pp":
        return pp(value)
    if fmt == "date":
        return "—" if value is None or value != value else str(value)[:10]
    if fmt == "row":
        return num(value, 2)
    return cell(value)


def table_markdown(table: Table, currency: str = "¥") -> str:
    header = "| " + " | ".join(cell(c.label) for c in table.columns) + " |"
    align = "|" + "|".join("---:" if c.fmt not in {"text", "date"} else "---" for c in table.columns) + "|"
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


def to_markdown(report: Report, template: str = "report.md.j2", templates: str | None = None, **extra) -> str:
    return render(template, templates, report=report, table=lambda t: table_markdown(t, report.currency), **extra)
