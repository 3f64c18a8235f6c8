"""`ecomplan inspect`: what a file really is and how ecomplan reads it.

The first thing to run when a report looks wrong: file type and encoding as
sniffed, header row, platform/report matched, column mapping, unused
columns, rows, date range and data-quality findings.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path

import pandas as pd
from pydantic import BaseModel, PrivateAttr

from ecomplan.core.errors import EcomplanError, Issue
from ecomplan.ingest.load import Dataset, read
from ecomplan.ingest.options import ReadOptions


class IssueModel(BaseModel):
    file: str
    row: int | None
    column: str | None
    value: str | None
    message: str
    severity: str
    count: int
    code: str


class TableInspection(BaseModel):
    """One table of one file (JSON keys are a documented contract)."""

    path: str
    table: str | None = None
    platform: str | None = None
    report: str | None = None
    kind: str | None = None
    title: str | None = None
    file_type: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    container: str | None = None
    sheet: str | None = None
    encrypted: bool = False
    header_row: int | None = None
    rows: int | None = None
    rows_loaded: int | None = None
    date_start: dt.date | None = None
    date_end: dt.date | None = None
    columns: dict[str, str | None] = {}
    unmapped: list[str] = []
    inferred: bool = False
    error: str | None = None
    _exception: EcomplanError | None = PrivateAttr(default=None)
    issues: list[IssueModel] = []

    @property
    def ok(self) -> bool:
        return self.error is None and self.platform is not None

    def name_arguments(self, name_of: Callable[[str], str]) -> None:
        """Show the arguments an error names as `name_of(argument)` (the CLI shows its flags)."""
        if self._exception is not None:
            self.error = self._exception.render(name_of)


def inspect_files(paths: Sequence[str | Path], options: ReadOptions | None = None) -> list[TableInspection]:
    """Inspect every file; a file that can't be read yields one entry with `error`."""
    results = []
    for path in paths:
        try:
            datasets = read(path, options)
        except EcomplanError as exc:
            failed = TableInspection(path=str(path), error=str(exc))
            failed._exception = exc
            results.append(failed)
            continue
        results.extend(_table(d) for d in datasets)
    return results


def _table(d: Dataset) -> TableInspection:
    issues = list(d.issues)
    start = end = None
    if d.frame is not None:
        start, end = _date_range(d.frame)
        issues.extend(findings(d))
    elif d.platform is None:
        issues.append(
            Issue(
                d.name,
                "no known export matches these columns; use --platform, --mapping FILE.toml or canonical column names",
                code="not_recognised",
            )
        )
    return TableInspection(
        path=d.path,
        table=d.table,
        platform=d.platform,
        report=d.report,
        kind=d.kind,
        title=d.title,
        file_type=d.info.file_type,
        encoding=d.info.encoding,
        delimiter=d.info.delimiter,
        container=d.info.container,
        sheet=d.info.sheet or (d.table if d.info.file_type in {"xlsx", "xls"} else None),
        encrypted=d.info.encrypted,
        header_row=d.header_row,
        rows=d.rows_read,
        rows_loaded=None if d.frame is None else len(d.frame),
        date_start=start,
        date_end=end,
        columns=d.columns,
        unmapped=[raw for raw, canonical in d.columns.items() if canonical is None],
        inferred=d.inferred,
        issues=[IssueModel(**i.to_dict()) for i in issues],
    )


def _date_range(frame: pd.DataFrame) -> tuple[dt.date | None, dt.date | None]:
    for start_col, end_col in (("date", "date_end"), ("paid_at", "paid_at"), ("created_at", "created_at")):
        if start_col in frame and frame[start_col].notna().any():
            start = frame[start_col].min()
            last = frame[end_col] if end_col in frame and frame[end_col].notna().any() else frame[start_col]
            end = max(last.max(), frame[start_col].max())
            return start.date(), end.date()
    return None, None


def findings(d: Dataset) -> list[Issue]:
    """Checks that catch the usual reasons a report looks wrong."""
    frame, out = d.frame, []
    # `_table` checks only datasets with a frame: a canonical kind read by `load._apply`, which sets the rows too
    assert frame is not None and d.kind is not None and d.rows is not None
    for raw, canonical in d.columns.items():
        if canonical and canonical in frame and len(frame) and frame[canonical].isna().all():
            out.append(Issue(d.name, "column is empty in every row", code="empty_column", column=raw))
    keys = {
        "traffic": [c for c in ("date", "date_end", "channel", "source", "keyword", "segment") if c in frame],
        "products": [c for c in ("date", "sku") if c in frame],
        "inventory": [c for c in ("sku", "warehouse") if c in frame],
        "ads": [c for c in ("date", "campaign_id", "item_id", "keyword") if c in frame],
    }.get(d.kind)
    if keys:
        duplicated = frame.duplicated(keys, keep="first")
        if duplicated.any():
            first = int(duplicated.to_numpy().argmax())
            out.append(
                Issue(
                    d.name,
                    f"duplicate rows for the same {' + '.join(keys)}; they would be counted twice",
                    code="duplicate_rows",
                    row=int(d.rows[first]),
                    count=int(duplicated.sum()),
                )
            )
    if d.kind == "traffic" and "date" in frame and not (set(frame) & {"channel", "source", "keyword", "segment"}):
        days = pd.DatetimeIndex(frame["date"].dropna().unique())
        if len(days) > 1 and "date_end" not in frame:
            expected = pd.date_range(days.min(), days.max(), freq="D")
            gaps = expected.difference(days)
            if len(gaps):
                out.append(
                    Issue(
                        d.name,
                        f"{len(gaps)} days missing between {days.min().date()} and {days.max().date()}",
                        code="missing_days",
                        value=str(gaps[0].date()),
                        count=len(gaps),
                    )
                )
    if d.kind == "orders":
        if "customer_id" in frame:
            missing = frame["customer_id"].isna()
            if missing.any():
                out.append(
                    Issue(
                        d.name,
                        "order lines without a customer ID (RFM counts them as unknown)",
                        code="missing_customer_id",
                        column=_raw(d, "customer_id"),
                        count=int(missing.sum()),
                    )
                )
        else:
            out.append(
                Issue(
                    d.name,
                    "no customer ID column: RFM and repurchase need one",
                    code="no_customer_id_column",
                    severity="info",
                )
            )
        for column in ("paid_at", "created_at"):
            if column in frame and frame[column].notna().any():
                future = frame[column] > pd.Timestamp.now() + pd.Timedelta(days=1)
                if future.any():
                    out.append(
                        Issue(
                            d.name,
                            "dates in the future",
                            code="future_dates",
                            column=_raw(d, column),
                            count=int(future.sum()),
                        )
                    )
    return out


def _raw(d: Dataset, canonical: str) -> str:
    return next((raw for raw, c in d.columns.items() if c == canonical), canonical)
