"""A report as data: sections of sentences and tables, independent of format.

Analysis code builds a `Report`; `write_report` renders it to Markdown,
Excel or the terminal. Labels are already in the report's language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import pandas as pd

Format = Literal["text", "int", "num", "sig", "money", "pct", "change", "pp", "p", "date", "row"]
# "sig": four significant digits (a model parameter: 0.2426, 15.44); "p": a p value (<0.001, 0.034);
# "row": the cell's format comes from the row's `_fmt` value (tables of metrics with
# different units).


@dataclass
class Column:
    key: str
    label: str
    fmt: Format = "text"

    @property
    def numeric(self) -> bool:
        """A column of figures: right-aligned in every rendering."""
        return self.fmt not in {"text", "date"}


@dataclass
class Chart:
    """A chart of one table (native in Excel, SVG/PNG beside Markdown and inline in HTML): `x` is the key of
    the categories, `y` the series keys. With `facet` (a column key) the pictures draw one small chart per
    value of that column (the funnel: one per platform); Excel, which has no such charts, labels each
    category "facet · x" in a column written beside the table."""

    kind: Literal["line", "column", "bar", "pie"]
    title: str
    x: str
    y: list[str]
    facet: str | None = None


@dataclass
class Table:
    name: str  # short, unique: becomes the Excel sheet name
    title: str
    frame: pd.DataFrame
    columns: list[Column]
    note: str | None = None
    chart: Chart | None = None
    heatmap: bool = False  # colour scale over the numeric cells (cohort matrices)
    excel_only: bool = False  # long tables (daily series) that only the workbook should carry

    def rows(self) -> list[dict[str, Any]]:
        keys = [c.key for c in self.columns] + (["_fmt"] if "_fmt" in self.frame else [])
        if not len(self.frame):
            return []
        frame = self.frame[keys].astype(object)
        records: list[dict[str, Any]] = frame.where(frame.notna(), None).to_dict("records")
        return records


@dataclass
class Section:
    title: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    bullets: list[str] = field(default_factory=list)


@dataclass
class Report:
    title: str
    lang: str
    meta: list[tuple[str, str]] = field(default_factory=list)  # label, value lines under the title
    sections: list[Section] = field(default_factory=list)
    currency: str = "¥"

    def tables(self) -> list[Table]:
        return [t for s in self.sections for t in s.tables]
