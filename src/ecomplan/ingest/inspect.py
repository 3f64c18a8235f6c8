"""`ecomplan inspect`: what a file really is and how ecomplan reads it.

The first thing to run when a report looks wrong: file type and encoding as
sniffed, header row, platform/report matched, column mapping, unused
columns, rows, date range and data-quality findings.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import BaseModel, PrivateAttr

from ecomplan.core.errors import EcomplanError, Issue
from ecomplan.core.formatting import megabytes
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
    # Only a head of a large text file read: `rows` and `rows_loaded` are estimates (rows of the head x bytes
    # of all rows / bytes read), the date range and the findings describe the head.
    rows_estimated: bool = False
    bytes_read: int | None = None  # bytes of rows read (text files; None: not known, as for a workbook)
    bytes_total: int | None = None  # bytes of all rows below the header (text files)
    date_start: dt.date | None = None
    date_end: dt.date | None = None
    columns: dict[str, str | None] = {}
    unmapped: list[str] = []
    inferred: bool = False
    error: str | None = None
    _exception: EcomplanError | None = PrivateAttr(default=None)
    _dataset: Dataset | None = PrivateAttr(default=None)
    issues: list[IssueModel] = []
    match: dict[str, Any] | None = None  # why this report: fields and how each matched, titles found, score
    runner_up: dict[str, Any] | None = None  # the next best report and what it lacks or why it was refused
    closest: list[dict[str, Any]] = []  # for a table no report fits: the nearest ones and what each lacks

    @property
    def ok(self) -> bool:
        return self.error is None and self.platform is not None

    def mapping_stub(self) -> str | None:
        """A `--mapping` file to start from for this table (`mapping_stub`), or None for an unreadable file."""
        return mapping_stub(self._dataset) if self._dataset is not None else None

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
        near = "; ".join(
            f"{c['platform']}/{c['report']} " + (f"lacks {', '.join(c['missing'])}" if c["missing"] else c["refused"])
            for c in _closest(d)
        )
        issues.append(
            Issue(
                d.name,
                "no known export matches these columns"
                + (f" (closest: {near})" if near else "")
                + "; use --platform, --mapping FILE.toml (`ecomplan inspect --write-mapping` writes one to start from) "
                "or canonical column names",
                code="not_recognised",
            )
        )
    rows, rows_loaded = d.rows_read, None if d.frame is None else len(d.frame)
    total, head = d.info.body_bytes, d.info.head_bytes_read
    estimated = head is not None and total is not None
    if estimated:
        assert head is not None and total is not None
        rows = _scaled(rows, head, total)
        rows_loaded = None if rows_loaded is None else _scaled(rows_loaded, head, total)
        issues.insert(0, head_only(d.name, head, total))
    chosen = next((c for c in d.candidates if c.adapter.report == d.report and c.adapter.platform == d.platform), None)
    others = [c for c in d.candidates if c is not chosen]
    inspection = TableInspection(
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
        rows=rows,
        rows_loaded=rows_loaded,
        rows_estimated=estimated,
        bytes_read=head if head is not None else total,
        bytes_total=total,
        date_start=start,
        date_end=end,
        columns=d.columns,
        unmapped=[raw for raw, canonical in d.columns.items() if canonical is None],
        inferred=d.inferred,
        issues=[IssueModel(**i.to_dict()) for i in issues],
        match=chosen.explain() if chosen is not None else None,
        runner_up=others[0].explain() if chosen is not None and others else None,
        closest=_closest(d) if d.platform is None else [],
    )
    inspection._dataset = d
    return inspection


def _scaled(rows: int, read: int, total: int) -> int:
    """Rows of all `total` bytes estimated from the `rows` in the first `read` bytes."""
    return round(rows * total / read)


def head_only(name: str, read: int, total: int) -> Issue:
    """The note on a table of which only a head was read (`ReadOptions.head_bytes`)."""
    return Issue(
        name,
        f"only the first {megabytes(read)} of {megabytes(total)} of rows were read: the row count is estimated "
        "from them, the date range and the findings describe those rows only",
        code="head_only",
        severity="info",
    )


def _closest(d: Dataset, limit: int = 3) -> list[dict[str, Any]]:
    """The reports nearest to an unrecognised table: most fields read first, each with what it lacks."""
    near = sorted(
        (c for c in d.candidates if c.adapter.kind and (c.missing or c.refused)),
        key=lambda c: (len(c.match.mapping), len(c.titles_found)),
        reverse=True,
    )
    return [c.explain() for c in near[:limit] if c.match.mapping]


def mapping_stub(d: Dataset) -> str:
    """A `--mapping` TOML for the table: every column with ecomplan's best guess, ready to be checked.

    The kind is the nearest known report's; a column's guess is the canonical field whose names (in any
    adapter of that kind) match the header; columns without a guess are listed as comments.
    """
    from ecomplan.ingest.schemas import field_map
    from ecomplan.ingest.sources import ADAPTERS
    from ecomplan.ingest.sources.vocabulary import HeaderIndex, header_key

    kind: str = d.kind or next((c.adapter.kind for c in d.candidates if c.adapter.kind), None) or "orders"
    index = HeaderIndex(list(d.columns))
    guesses: dict[str, tuple[str, str]] = {}  # canonical -> (raw, where the name comes from)
    for adapter in sorted(ADAPTERS, key=lambda a: a.report != d.report):
        if adapter.kind != kind:
            continue
        for canonical in adapter.columns:
            if canonical in guesses or canonical.startswith("__"):
                continue
            for alias in adapter.aliases(canonical):
                hit = index.find(alias, {raw for raw, _ in guesses.values()})
                if hit:
                    guesses[canonical] = (hit[0], f"{adapter.platform}/{adapter.report}, {hit[1]}")
                    break
    for raw in d.columns:  # canonical names used as headers
        name = header_key(raw).key
        if name in field_map(kind) and name not in guesses and raw not in {r for r, _ in guesses.values()}:
            guesses[name] = (raw, "canonical name")
    used = {raw for raw, _ in guesses.values()}
    required = [f for f, spec in field_map(kind).items() if spec.required and f not in guesses]
    lines = [
        f"# Mapping stub for {d.name} (table {d.table}), written by `ecomplan inspect --write-mapping`.",
        "# Check every line, fix or delete what is wrong, then read the file with --mapping.",
        f'kind = "{kind}"  # traffic, products, orders, refunds, inventory, ads or experiment',
        "",
        "[columns]  # canonical name = header in the file",
    ]
    lines += [f"{canonical} = {_toml_string(raw)}  # {source}" for canonical, (raw, source) in guesses.items()]
    if required:
        lines.append(f"# still needed for {kind}: {', '.join(required)}")
    refusals = {c.refused for c in d.candidates if c.refused and "breakdown" in c.refused}
    if refusals and kind == "traffic":
        lines.append(f"# {sorted(refusals)[0]}: map that column to channel, source, keyword or segment")
    lines += [f"# {_toml_string(raw)} has no guess" for raw in d.columns if raw not in used]
    return "\n".join(lines) + "\n"


def _toml_string(text: str) -> str:
    """A TOML basic string (its escapes are JSON's)."""
    return json.dumps(text, ensure_ascii=False)


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
