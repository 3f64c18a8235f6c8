"""HTML tables saved with an .xls name, as some back-office exports do."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd

from ecomplan.core.errors import InputError
from ecomplan.ingest.reading.header import detect_header_row, unique_headers
from ecomplan.ingest.reading.tables import FileInfo, RawTable, ReadResult, drop_summary_rows


class _TableParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[list[list[str]]] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._span = 1

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self._row = []
        elif tag in {"td", "th"} and self._row is not None:
            self._cell = []
            self._span = int(dict(attrs).get("colspan") or 1)
        elif tag == "br" and self._cell is not None:
            self._cell.append(" ")

    def handle_endtag(self, tag):
        if tag in {"td", "th"} and self._cell is not None and self._row is not None:
            self._row.extend(["".join(self._cell).strip()] + [""] * (self._span - 1))
            self._cell = None
        elif tag == "tr" and self._row is not None and self.tables:
            self.tables[-1].append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def read_html(path: Path, info: FileInfo, encoding: str | None, vocabulary: frozenset[str]) -> ReadResult:
    name = path.name
    raw = path.read_bytes()
    for codec in ([encoding] if encoding else []) + ["utf-8-sig", "gb18030"]:
        try:
            text = raw.decode(codec)
            info.encoding = codec
            break
        except UnicodeDecodeError:
            continue
    else:
        raise InputError(
            f"{name}: HTML export is neither UTF-8 nor GB18030; pass {{encoding}}", arguments=("encoding",)
        )
    parser = _TableParser()
    parser.feed(text)
    tables = []
    for number, rows in enumerate(t for t in parser.tables if t):
        header_index = detect_header_row(rows, vocabulary)
        if header_index is None:
            continue
        columns = unique_headers(rows[header_index])
        width = len(columns)
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
