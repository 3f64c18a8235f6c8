"""The values the readers share: `RawTable`, `FileInfo`, `ReadPlan`, and the summary-row rule."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ecomplan.core.errors import Issue

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
    body_bytes: int | None = None  # text files: bytes of the rows below the header (None: not known, as in a .gz)
    head_bytes_read: int | None = None  # bytes of rows read when only a head of them was (None: all were read)
    notes: list[str] = field(default_factory=list)


@dataclass
class ReadResult:
    info: FileInfo
    tables: list[RawTable]


def labels_in(column: pd.Series, labels: frozenset[str]) -> np.ndarray:
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
    is_summary = labels_in(frame.iloc[:, 0], SUMMARY_LABELS)
    if not is_summary.any():
        return table
    for row in table.rows[is_summary][:3]:
        table.issues.append(
            Issue(file, "summary row dropped (not data)", code="summary_row", row=int(row), severity="info")
        )
    dropped = int(is_summary.sum())
    if dropped > 3:
        table.issues.append(
            Issue(file, f"{dropped - 3} more summary rows dropped", code="summary_row", severity="info")
        )
    table.frame = frame.loc[~is_summary].reset_index(drop=True)
    table.rows = table.rows[~is_summary]
    return table
