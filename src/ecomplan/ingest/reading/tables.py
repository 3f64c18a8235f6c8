"""`read_tables`: any supported file in, `RawTable`s of raw cells out."""

from __future__ import annotations

import gzip
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ecomplan.core.errors import InputError, Issue

SUMMARY_LABELS = frozenset(
    {"合计", "总计", "汇总", "总和", "全部合计", "Total", "Totals", "TOTAL", "Grand Total", "Grand total", "总体"}
)


@dataclass
class RawTable:
    """One table of raw cells as the export has it.

    `frame` columns are the export's own header names (made unique); `rows`
    holds, for each frame row, the 1-based row number the user sees in Excel
    or an editor, so messages can point at the exact row.
    """

    name: str
    frame: pd.DataFrame
    rows: np.ndarray
    header_row: int
    meta: dict[str, str] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    preamble: list[str] = field(default_factory=list)

    @property
    def columns(self) -> list[str]:
        return list(self.frame.columns)


@dataclass(frozen=True)
class ReadPlan:
    """What the caller needs from a text table, decided from its header alone.

    `columns`: read only these (None: all). `numeric` / `datetimes`: parse
    these as numbers / `YYYY-MM-DD[ HH:MM:SS]` while reading, in parallel; if
    any cell doesn't fit, the table is read again as text and the slower,
    forgiving parsers take over. `categorical`: few distinct values (statuses),
    kept dictionary-encoded.
    """

    columns: tuple[str, ...] | None = None
    numeric: frozenset[str] = frozenset()
    datetimes: frozenset[str] = frozenset()
    categorical: frozenset[str] = frozenset()
    quoted: bool = True  # cells may hold quoted line breaks (decided by the reader)


ReadPlanner = Callable[[list[str]], ReadPlan]


@dataclass
class FileInfo:
    """What a file really is, whatever its name says."""

    path: str
    file_type: str  # csv | xlsx | xls | html
    encoding: str | None = None  # text files only
    delimiter: str | None = None
    container: str | None = None  # gzip | zip (the data file inside)
    member: str | None = None
    sheet: str | None = None
    encrypted: bool = False
    size_bytes: int = 0
    notes: list[str] = field(default_factory=list)


@dataclass
class ReadResult:
    info: FileInfo
    tables: list[RawTable]


def sniff(head: bytes) -> str:
    """Real file type from the first bytes: xlsx/zip, ole2, gzip, pdf, html, text or binary."""
    if not head:
        return "empty"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole2"
    if head.startswith(b"\x1f\x8b"):
        return "gzip"
    if head.startswith(b"%PDF"):
        return "pdf"
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if stripped.startswith((b"<html", b"<!doctype html", b"<table", b"<?xml", b"<meta", b"<head")):
        return "html"
    if b"\x00" in head[:4096] and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "binary"
    return "text"


def read_tables(
    path: str | Path,
    *,
    encoding: str | None = None,
    sheet: str | None = None,
    password: str | None = None,
    vocabulary: frozenset[str] = frozenset(),
    plan: ReadPlanner | None = None,
) -> ReadResult:
    """Read every table in `path`: CSV/TSV text (any encoding we can detect,
    optionally .gz or .zip), xlsx, BIFF xls (also when named .csv), HTML tables
    saved as .xls, and GA/UA multi-table CSVs. Raises InputError with the file
    name and what to do when the file can't be read.

    `vocabulary` holds known column names; it makes header detection sure-footed.
    `plan`, given the header of a large text table, may name the only columns
    to read and those to parse as numbers while reading (see `ReadPlan`).
    """
    from ecomplan.ingest.reading import excel, htmltable, text

    path = Path(path)
    name = path.name
    if not path.exists():
        raise InputError(f"{path}: file not found")
    if path.is_dir():
        raise InputError(f"{path}: is a directory, expected an export file")
    size = path.stat().st_size
    with path.open("rb") as handle:
        head = handle.read(8192)
    kind = sniff(head)
    info = FileInfo(path=str(path), file_type="csv", size_bytes=size)

    if kind == "empty":
        raise InputError(f"{name}: the file is empty (0 bytes)")
    if kind == "pdf":
        raise InputError(f"{name}: is a PDF document, not a data export; download the report as Excel or CSV")
    if kind == "binary":
        raise InputError(f"{name}: is a binary file of unknown type, not a CSV or Excel export")
    if kind == "gzip":
        info.container = "gzip"
        return text.read_text(lambda: gzip.open(path, "rb"), info, encoding, vocabulary, plan)
    if kind == "zip":
        try:
            archive = zipfile.ZipFile(path)
        except zipfile.BadZipFile as exc:
            raise InputError(f"{name}: is a damaged or truncated zip/xlsx file ({exc})") from None
        with archive:
            names = archive.namelist()
            if "[Content_Types].xml" in names:
                info.file_type = "xlsx"
                return excel.read_workbook(path, info, sheet, password, vocabulary)
            members = [n for n in names if not n.endswith("/") and not n.startswith("__MACOSX")]
            if len(members) != 1:
                raise InputError(
                    f"{name}: zip archive holds {len(members)} files ({', '.join(members[:5])}); "
                    "expected exactly one export inside - unzip it and pass the files separately"
                )
            info.container, info.member = "zip", members[0]
            data = archive.read(members[0])
        inner = sniff(data[:8192])
        if inner in {"zip", "ole2"}:
            info.file_type = "xlsx" if inner == "zip" else "xls"
            return excel.read_workbook(io.BytesIO(data), info, sheet, password, vocabulary)
        return text.read_text(lambda: io.BytesIO(data), info, encoding, vocabulary, plan)
    if kind == "ole2":
        info.file_type = "xls"
        return excel.read_workbook(path, info, sheet, password, vocabulary)
    if kind == "html":
        info.file_type = "html"
        return htmltable.read_html(path, info, encoding, vocabulary)
    return text.read_text(lambda: path.open("rb"), info, encoding, vocabulary, plan)


def _labels_in(column: pd.Series, labels: frozenset[str]) -> np.ndarray:
    """Which cells are one of `labels`, ignoring surrounding spaces (Arrow kernels on big text columns)."""
    if isinstance(column.dtype, pd.StringDtype) and column.dtype.storage == "pyarrow":
        import pyarrow as pa
        import pyarrow.compute as pc

        array = column.array.__arrow_array__()
        hits = pc.is_in(array, value_set=pa.array(sorted(labels)))
        if pc.any(pc.starts_with(array, " ")).as_py() or pc.any(pc.ends_with(array, " ")).as_py():
            hits = pc.or_(hits, pc.is_in(pc.utf8_trim_whitespace(array), value_set=pa.array(sorted(labels))))
        return hits.to_numpy(zero_copy_only=False).astype(bool)
    if not (column.dtype == object or isinstance(column.dtype, pd.StringDtype)):
        return np.zeros(len(column), dtype=bool)
    return column.astype("str").str.strip().isin(labels).to_numpy()


def drop_summary_rows(table: RawTable, file: str) -> RawTable:
    """Drop 合计/总计/汇总/Total rows (first filled cell is the label): they would
    double-count when the rows are summed. Each dropped row is reported."""
    frame = table.frame
    if frame.empty:
        return table
    is_summary = _labels_in(frame.iloc[:, 0], SUMMARY_LABELS)
    if not is_summary.any():
        return table
    for row in table.rows[is_summary][:3]:
        table.issues.append(Issue(file, "summary row dropped (not data)", row=int(row), severity="info"))
    dropped = int(is_summary.sum())
    if dropped > 3:
        table.issues.append(Issue(file, f"{dropped - 3} more summary rows dropped", severity="info"))
    table.frame = frame.loc[~is_summary].reset_index(drop=True)
    table.rows = table.rows[~is_summary]
    return table
