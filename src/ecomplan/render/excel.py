"""Excel workbooks with xlsxwriter: one sheet per table, real number formats,
frozen header, autofilter, widths, conditional formats and native charts.

Text from input files is always written as text: xlsxwriter's
`strings_to_formulas` is off, so a product name like `=HYPERLINK(...)` or
`-30%` stays a string and never becomes a formula.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from pathlib import Path

import pandas as pd

from ecomplan.core.formatting import inert_formula
from ecomplan.core.report import Report, Table
from ecomplan.core.text import t

NUMBER_FORMATS = {
    "int": "#,##0",
    "num": "#,##0.00",
    "pct": "0.00%",
    "change": "+0.0%;-0.0%;0.0%",
    "pp": '+0.00"pp";-0.00"pp";0.00"pp"',
    "p": "0.0000",
    "sig": "0.0000",
    "date": "yyyy-mm-dd",
}


def sheet_name(name: str, used: set[str]) -> str:
    clean = re.sub(r"[\[\]:*?/\\]", " ", name).strip()[:31] or "Sheet"
    candidate, n = clean, 2
    while candidate.lower() in used:
        suffix = f" ({n})"
        candidate = clean[: 31 - len(suffix)] + suffix
        n += 1
    used.add(candidate.lower())
    return candidate


def build_workbook(report: Report, path: Path) -> None:
    """The workbook written straight to `path` (callers write to a temporary path and rename it)."""
    import xlsxwriter

    book = xlsxwriter.Workbook(
        str(path),
        {
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "nan_inf_to_errors": False,
        },
    )
    book.set_properties({"title": report.title, "comments": "ecomplan"})
    # A fixed creation date keeps the bytes identical for identical inputs (idempotent cron runs).
    book.set_properties({"created": dt.datetime(2000, 1, 1)})
    formats = _formats(book, report.currency)
    used: set[str] = set()
    _summary_sheet(book, report, formats, used)
    for table in report.tables():
        _table_sheet(book, table, formats, used)
    book.close()


def _formats(book, currency: str) -> dict:
    out = {key: book.add_format({"num_format": fmt}) for key, fmt in NUMBER_FORMATS.items()}
    out["money"] = book.add_format({"num_format": f'"{currency}"#,##0.00;-"{currency}"#,##0.00'})
    out["text"] = book.add_format({})
    out["header"] = book.add_format(
        {"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top"}
    )
    out["title"] = book.add_format({"bold": True, "font_size": 14})
    out["bold"] = book.add_format({"bold": True})
    out["wrap"] = book.add_format({"text_wrap": True, "valign": "top"})
    out["good"] = book.add_format({"font_color": "#006100", "bg_color": "#C6EFCE"})
    out["bad"] = book.add_format({"font_color": "#9C0006", "bg_color": "#FFC7CE"})
    return out


def _summary_sheet(book, report: Report, formats: dict, used: set[str]) -> None:
    sheet = book.add_worksheet(sheet_name(t("report.sheet.summary", report.lang), used))
    sheet.set_column(0, 0, 28)
    sheet.set_column(1, 1, 100)
    sheet.write_string(0, 0, report.title, formats["title"])
    row = 2
    for label, value in report.meta:
        sheet.write_string(row, 0, label, formats["bold"])
        sheet.write_string(row, 1, inert_formula(str(value)))
        row += 1
    for section in report.sections:
        if not (section.paragraphs or section.bullets):
            continue
        row += 1
        sheet.write_string(row, 0, section.title, formats["bold"])
        row += 1
        for text in [*section.paragraphs, *(f"• {b}" for b in section.bullets)]:
            sheet.write_string(row, 1, inert_formula(text), formats["wrap"])
            row += 1


def _table_sheet(book, table: Table, formats: dict, used: set[str]) -> None:
    sheet = book.add_worksheet(sheet_name(table.title or table.name, used))  # tabs read in the report's language
    columns = table.columns
    for col, column in enumerate(columns):
        sheet.write_string(0, col, column.label, formats["header"])
    records = table.rows()
    for row, record in enumerate(records, start=1):
        for col, column in enumerate(columns):
            fmt = record.get("_fmt", "num") if column.fmt == "row" else column.fmt
            _write_cell(sheet, row, col, record[column.key], fmt, formats)
    last_row = max(len(records), 1)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, last_row, len(columns) - 1)
    lower_is_better = table.frame["_lower_is_better"].tolist() if "_lower_is_better" in table.frame else None
    for col, column in enumerate(columns):
        sheet.set_column(
            col, col, _width(column, records), formats.get(column.fmt) if column.fmt not in {"text", "row"} else None
        )
        if column.fmt in {"change", "pp"} and records:
            # Green where the change is good news: a rise, or a fall for refunds and bounce rate.
            spans = (
                [(1, len(records), False)]
                if lower_is_better is None
                else [(row + 1, row + 1, bool(flag)) for row, flag in enumerate(lower_is_better)]
            )
            for first, last, inverted in spans:
                up, down = ("bad", "good") if inverted else ("good", "bad")
                sheet.conditional_format(
                    first, col, last, col, {"type": "cell", "criteria": ">", "value": 0, "format": formats[up]}
                )
                sheet.conditional_format(
                    first, col, last, col, {"type": "cell", "criteria": "<", "value": 0, "format": formats[down]}
                )
    if table.heatmap and records:
        numeric = [i for i, c in enumerate(columns) if c.fmt in {"pct", "int", "num"}]
        if numeric:
            sheet.conditional_format(
                1,
                numeric[0],
                len(records),
                numeric[-1],
                {"type": "3_color_scale", "min_color": "#F8696B", "mid_color": "#FFEB84", "max_color": "#63BE7B"},
            )
    if table.note:
        sheet.write_string(len(records) + 2, 0, table.note, formats["wrap"])
    if table.chart and table.chart.y and records:
        _chart(book, sheet, table, len(records))


def _write_cell(sheet, row: int, col: int, value, fmt: str, formats: dict) -> None:
    if value is None or (isinstance(value, float) and (math.isnan(value) or math.isinf(value))) or value is pd.NaT:
        sheet.write_blank(row, col, None)
        return
    if fmt == "pp":
        value = value * 100
    if isinstance(value, (pd.Timestamp, dt.datetime, dt.date)):
        stamp = pd.Timestamp(value)
        sheet.write_datetime(row, col, stamp.to_pydatetime(), formats["date"])
    elif isinstance(value, bool):
        sheet.write_boolean(row, col, value)
    elif isinstance(value, (int, float)) and fmt != "text":
        sheet.write_number(row, col, float(value), formats.get(fmt))
    elif isinstance(value, (int, float)):
        sheet.write_number(row, col, float(value))
    else:
        sheet.write_string(row, col, inert_formula(str(value)))  # a string cell, and inert if re-saved as CSV


def _width(column, records: list[dict]) -> float:
    def size(text: str) -> int:
        return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)  # CJK characters are double width

    sample = [size(str(r[column.key])) for r in records[:200] if r[column.key] is not None]
    widest = max([size(column.label), *sample, 6])
    if column.fmt in {"money", "num", "int"}:
        widest = max(widest, 12)
    return min(widest + 2, 60)


def _chart(book, sheet, table: Table, n: int) -> None:
    spec = table.chart
    assert spec is not None  # the only caller charts tables that have a chart
    keys = [c.key for c in table.columns]
    subtype = {"column": "column", "bar": "bar", "line": "line", "pie": "pie"}[spec.kind]
    chart = book.add_chart({"type": subtype})
    name = sheet.get_name()
    x = keys.index(spec.x)
    if spec.facet:  # one chart for all facets: "facet · x" categories, written beside the table
        labels = {c.key: c.label for c in table.columns}
        categories = [f"{f} · {v}" for f, v in zip(table.frame[spec.facet], table.frame[spec.x], strict=True)]
        x = len(keys)
        sheet.write_string(0, x, f"{labels[spec.facet]} · {labels[spec.x]}")
        for row, label in enumerate(categories[:n], start=1):
            sheet.write_string(row, x, inert_formula(label))
        sheet.set_column(x, x, min(max(len(c) for c in categories) * 2 + 2, 40))
    for key in spec.y:
        y = keys.index(key)
        chart.add_series(
            {
                "name": [name, 0, y],
                "categories": [name, 1, x, n, x],
                "values": [name, 1, y, n, y],
                **({"marker": {"type": "circle", "size": 4}} if subtype == "line" else {}),
            }
        )
    chart.set_title({"name": spec.title})
    chart.set_size({"width": 720, "height": 360})
    if subtype != "pie":
        chart.set_legend({"position": "bottom"})
    sheet.insert_chart(1, max(len(keys), x + 1) + 1, chart)
