"""HTML tables saved with an .xls name, as some back-office exports do."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd

from ecomplan.core.errors import InputError
from ecomplan.ingest.reading.header import detect_header_row, unique_headers
from ecomplan.ingest.reading.limits import DEFAULT_LIMITS, ReadLimits
from ecomplan.ingest.reading.tables import FileInfo, RawTable, ReadResult, drop_summary_rows


class _CapExceeded(Exception):
    """A cap of `ReadLimits` was hit: (what was found, the argument that raises the cap)."""


class _TableParser(HTMLParser):
    def __init__(self, limits: ReadLimits = DEFAULT_LIMITS) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[list[list[str]]] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._span = 1
        self._limits = limits
        self._cells = 0  # cells of all tables so far (colspans counted): nested tables cannot reset it

    def _span_of(self, attrs, key: str) -> int:
        """A colspan/rowspan value as browsers read it: not a positive number -> 1; above the cap -> error."""
        value = (dict(attrs).get(key) or "").strip()
        digits = value[: len(value) - len(value.lstrip("0123456789"))].lstrip("0")
        span = int(digits[:16]) if digits else 1  # `2px`, `abc`, `-3`, `` -> the leading digits or 1
        if span > self._limits.max_span:
            raise _CapExceeded(
                f"a cell has {key}={value[:20]!r}, above the cap of {self._limits.max_span:,}", "max_span"
            )
        return max(span, 1)

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self._row = []
        elif tag in {"td", "th"} and self._row is not None:
            self._cell = []
            self._span = self._span_of(attrs, "colspan")
            self._span_of(attrs, "rowspan")  # not expanded, but a hostile value is refused all the same
        elif tag == "br" and self._cell is not None:
            self._cell.append(" ")

    def handle_endtag(self, tag):
        if tag in {"td", "th"} and self._cell is not None and self._row is not None:
            self._cells += self._span
            if self._cells > self._limits.max_cells:
                raise _CapExceeded(f"the tables have more than {self._limits.max_cells:,} cells, the cap", "max_cells")
            self._row.extend(["".join(self._cell).strip()] + [""] * (self._span - 1))
            self._cell = None
        elif tag == "tr" and self._row is not None and self.tables:
            if len(self.tables[-1]) >= self._limits.max_rows:
                raise _CapExceeded(f"a table has more than {self._limits.max_rows:,} rows, the cap", "max_rows")
            self.tables[-1].append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def read_html(
    path: Path,
    info: FileInfo,
    encoding: str | None,
    vocabulary: frozenset[str],
    limits: ReadLimits = DEFAULT_LIMITS,
) -> ReadResult:
    name = path.name
    raw = path.read_bytes()
    for codec in ([encoding] if encoding else []) + ["utf-8-sig", "gb18030"]:
        try:
            text = raw.decode(codec)
            info.encoding = codec
            break
        except (UnicodeError, LookupError, TypeError):  # also `--encoding` utf-16 without BOM, or not a codec
            continue
    else:
        raise InputError(
            f"{name}: HTML export is neither UTF-8 nor GB18030; pass {{encoding}}", arguments=("encoding",)
        )
    parser = _TableParser(limits)
    try:
        parser.feed(text)
        parser.close()
    except _CapExceeded as exc:
        found, argument = exc.args
        raise InputError(
            f"{name}: {found}; if the file is genuine, raise the cap with {{{argument}}}", arguments=(argument,)
        ) from None
    tables = []
    for number, rows in enumerate(t for t in parser.tables if t):
        header_index = detect_header_row(rows, vocabulary)
        if header_index is None:
            continue
        columns = unique_headers(rows[header_index])
        width = len(columns)
        if width * (len(rows) - header_index - 1) > limits.max_cells:  # short rows are padded to the header
            raise InputError(
                f"{name}: table {number + 1} would have {width:,} columns x {len(rows) - header_index - 1:,} rows, "
                f"more than the cap of {limits.max_cells:,} cells; if the file is genuine, raise the cap with "
                "{max_cells}",
                arguments=("max_cells",),
            )
        body = [(r + [""] * width)[:width] for r in rows[header_index + 1 :]]
        frame = (
            pd.DataFrame(body, columns=columns, dtype="str")
            if body
            else pd.DataFrame({c: pd.Series([], dtype="str") for c in columns})
        )
        numbers = np.arange(header_index + 2, header_index + 2 + len(body), dtype=np.int64)
        tables.append(drop_summary_rows(RawTable(f"table {number + 1}", frame, numbers, header_index + 1), name))
    if not tables:
        raise InputError(f"{name}: HTML file without a data table")
    return ReadResult(info, tables)
