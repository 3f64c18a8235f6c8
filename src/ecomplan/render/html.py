"""A self-contained HTML report: one file, charts inline as SVG, no request leaves the page (a Content
Security Policy forbids any), readable on a phone and printable on A4."""

from __future__ import annotations

import html
import re

from ecomplan.core.formatting import format_cell
from ecomplan.core.report import Report, Table
from ecomplan.render.charts import Picture
from ecomplan.render.templates import render

_PROLOG = re.compile(r"\A.*?(?=<svg)", re.S)
_SIZE = re.compile(r'<svg([^>]*?) width="[^"]*" height="[^"]*"')


def inline_svg(picture: Picture) -> str:
    """The picture's `<svg>` element without the XML prolog, scaled to the page's width."""
    svg = _PROLOG.sub("", picture.svg, count=1)
    return _SIZE.sub(r'<svg\1 class="chart" role="img"', svg, count=1)


def table_html(table: Table, currency: str) -> str:
    """A table with the report's cell formats; text cells are escaped, numbers right-aligned."""
    head = "".join(f'<th class="{"n" if c.numeric else "t"}">{html.escape(c.label)}</th>' for c in table.columns)
    body = []
    # Green where the change is good news: a rise, or a fall for refunds and bounce rate (as in Excel).
    inverted = table.frame["_lower_is_better"].tolist() if "_lower_is_better" in table.frame else None
    for index, row in enumerate(table.rows()):
        cells = []
        for column in table.columns:
            value = row[column.key]
            fmt = row.get("_fmt", "num") if column.fmt == "row" else column.fmt
            shown = "—" if value is None else str(value) if fmt == "text" else format_cell(value, fmt, currency)
            css = "n" if column.numeric else "t"
            if fmt in {"change", "pp"} and value is not None and value != 0:
                good = (value > 0) != bool(inverted and inverted[index])
                css += " good" if good else " bad"
            cells.append(f'<td class="{css}">{html.escape(shown)}</td>')
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f'<div class="scroll"><table><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table></div>'


def to_html(report: Report, pictures: dict[str, Picture], template: str = "report.html.j2") -> str:
    """The report as one HTML page; `pictures` maps a table's name to its chart."""
    return render(
        template,
        report=report,
        table=lambda t: table_html(t, report.currency),
        chart=lambda name: inline_svg(pictures[name]),
        charts=set(pictures),
        escape=html.escape,
    )
