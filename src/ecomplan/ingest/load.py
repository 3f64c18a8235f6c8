"""Read → adapt → validate: files in, canonical DataFrames and findings out.

`read(path)` gives one `Dataset` per table in the file (inspect shows them
all); `load(paths, kind)` gives the analysis one canonical frame of a kind,
with `platform`, `report` and `source_file` columns, from any mix of exports.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from ecomplan.core.errors import InputError, Issue, SchemaError
from ecomplan.ingest.options import ReadOptions
from ecomplan.ingest.reading import FileInfo, RawTable, read_tables
from ecomplan.ingest.reading.memory import release_unused
from ecomplan.ingest.reading.tables import SUMMARY_LABELS, ReadPlan, labels_in
from ecomplan.ingest.schemas import KINDS, field_map
from ecomplan.ingest.sources import (
    Adapter,
    Candidate,
    Context,
    adapters_for,
    rank,
    select,
    vocabulary,
)
from ecomplan.ingest.sources.base import Match
from ecomplan.ingest.validate import coerce

REPORT_KINDS = ("traffic", "products", "orders", "ads")  # what a mix of report exports may hold
DIMENSIONS = ("date", "date_end", "channel", "source", "keyword", "segment")
LOW_CARDINALITY = frozenset({"status", "channel", "currency", "category", "segment", "warehouse", "supplier", "scene"})


@dataclass
class Dataset:
    """One table of one file, as ecomplan understood it."""

    path: str
    table: str
    info: FileInfo
    header_row: int
    rows_read: int
    columns: dict[str, str | None]  # raw header -> canonical name (None: not used)
    platform: str | None = None
    report: str | None = None
    kind: str | None = None
    title: str = ""
    inferred: bool = False
    frame: pd.DataFrame | None = None
    rows: np.ndarray | None = None  # the user-visible row number of each frame row
    meta: dict[str, str] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)  # the adapters weighed, best first (inspect)

    @property
    def name(self) -> str:
        return Path(self.path).name


@dataclass
class Loaded:
    """All rows of one canonical kind from several files, and what was found on the way."""

    kind: str
    frame: pd.DataFrame
    datasets: list[Dataset]

    @property
    def issues(self) -> list[Issue]:
        return [issue for d in self.datasets for issue in d.issues]


@lru_cache(maxsize=1)
def _vocabulary() -> frozenset[str]:
    return vocabulary()


def read(
    path: str | Path,
    options: ReadOptions | None = None,
    *,
    columns: list[str] | None = None,
    stand_ins: Mapping[str, str] | None = None,
) -> list[Dataset]:
    """Every table of `path`, mapped to its canonical kind where one fits.

    `columns` (canonical names) lets a large CSV be read partly: only the
    columns that feed them (plus required ones) are parsed. `stand_ins` names
    columns wanted only in the absence of another (`{"created_at": "paid_at"}`:
    the order time only where there is no payment time).
    """
    options = options or ReadOptions()
    tz = options.tz
    adapters = adapters_for(options.platform, str(options.mapping) if options.mapping else None)
    name = Path(path).name
    planner = _planner(name, adapters, tz, columns, stand_ins or {})
    result = read_tables(
        path,
        encoding=options.encoding,
        sheet=options.sheet,
        password=options.password,
        vocabulary=_vocabulary(),
        plan=planner,
        limits=options.limits,
        head_bytes=options.head_bytes,
    )
    datasets = []
    for table in result.tables:
        ctx = Context(name, dict(table.meta), table.preamble, tz, list(table.issues))
        # The plan chose from the header alone; the description rows and the data (a breakdown is not
        # daily totals) have their say here.
        candidates = rank(table, ctx, adapters)
        chosen = select(table, ctx, adapters, candidates)
        if chosen is None:
            datasets.append(
                Dataset(
                    str(path),
                    table.name,
                    result.info,
                    table.header_row,
                    len(table.frame),
                    {c: None for c in table.columns},
                    meta=table.meta,
                    issues=ctx.issues,
                    candidates=candidates,
                )
            )
            continue
        dataset = _apply(chosen[0], table, ctx, result.info, str(path), stand_ins or {})
        dataset.candidates = candidates
        datasets.append(dataset)
    return _one_view_of_each_report(datasets)


def _one_view_of_each_report(datasets: list[Dataset]) -> list[Dataset]:
    """A workbook that holds one report twice, once whole and once split by a segment (生意参谋 店铺来源:
    sheets 全店流量来源 and 分载体流量来源), is counted once: the split view is shown but not loaded."""
    for split in datasets:
        whole = [
            d
            for d in datasets
            if d is not split
            and (d.platform, d.report, d.kind) == (split.platform, split.report, split.kind)
            and d.frame is not None
            and "segment" not in d.frame
        ]
        sheets = split.info.file_type in {"xlsx", "xls"}  # GA's CSV tables split on purpose (OS x date)
        if not sheets or split.kind is None or split.frame is None or "segment" not in split.frame or not whole:
            continue
        split.issues.append(
            Issue(
                split.name,
                f"table {split.table!r} splits table {whole[0].table!r} by segment: read once, from {whole[0].table!r}",
                code="duplicate_view",
                severity="info",
            )
        )
        split.kind, split.frame = None, None
    return datasets


def _planner(
    name: str,
    adapters: list[Adapter],
    tz: str,
    columns: list[str] | None,
    stand_ins: Mapping[str, str],
):
    """Decide from a CSV's header which adapter applies, which raw columns to
    read and which to parse as numbers while reading."""

    def plan(header: list[str]) -> ReadPlan:
        table = RawTable(
            "main",
            pd.DataFrame(columns=header),
            np.zeros(0, dtype=np.int64),
            1,  # header only: no dtypes
        )
        try:
            chosen = select(table, Context(name, {}, [], tz), adapters)
        except SchemaError:
            return ReadPlan()
        if chosen is None:
            return ReadPlan()
        adapter, mapping = chosen
        if adapter.kind is None or adapter.prepare is not None:
            return ReadPlan()
        schema = field_map(adapter.kind)

        def raw_of(types: set[str]) -> frozenset[str]:
            return frozenset(
                raw for canonical, raw in mapping.items() if canonical in schema and schema[canonical].col.type in types
            )

        numeric, datetimes = raw_of({"count", "number", "money"}), raw_of({"date", "datetime"})
        categorical = frozenset(raw for canonical, raw in mapping.items() if canonical in LOW_CARDINALITY)
        if columns is None:
            return ReadPlan(numeric=numeric, datetimes=datetimes, categorical=categorical)
        standing_in = {c for c in columns if c in mapping and stand_ins.get(c) in mapping}
        if adapter.missing_signature([h for h in header if h not in {mapping[c] for c in standing_in}]):
            standing_in = set()  # the adapter knows its export by that column: it is read (and then left out)
        keep = (set(columns) - standing_in) | {f for f, spec in schema.items() if spec.required}
        keep |= {c for c in mapping if c.startswith("__")}  # an adapter's own inputs (抖店 售后状态 marks refunds)
        raw = tuple(mapping[c] for c in mapping if c in keep)
        # the columns the adapter knows its export by are read too, or the partial table is not its export
        # any more (抖店's 子订单编号: `rfm segment` on a 抖店 订单导出 failed to recognise it)
        raw += tuple(h for h in adapter.signature_headers(header) if h not in raw)
        # a header that stands twice is read twice, so the repeat is reported (`_report_repeated_headers`)
        raw += tuple(h for h in header if (m := REPEATED.fullmatch(h)) is not None and m.group(1) in raw)
        return ReadPlan(raw, numeric & set(raw), datetimes & set(raw), categorical & set(raw))

    return plan


def _apply(
    adapter: Adapter, table: RawTable, ctx: Context, info: FileInfo, path: str, stand_ins: Mapping[str, str]
) -> Dataset:
    raw_columns = list(table.columns)
    dataset = Dataset(
        path,
        table.name,
        info,
        table.header_row,
        len(table.frame),
        {c: None for c in raw_columns},
        platform=adapter.platform,
        report=adapter.report,
        kind=adapter.kind,
        title=adapter.title_en,
        inferred=adapter.inferred,
        meta=table.meta,
        issues=ctx.issues,
    )
    if adapter.kind is None:
        return dataset
    if adapter.prepare is not None:
        table = adapter.prepare(table, ctx)
    match = adapter.match(list(table.columns))
    mapping = {
        canonical: raw for canonical, raw in match.mapping.items() if stand_ins.get(canonical) not in match.mapping
    }
    _report_repeated_headers(list(table.columns), mapping, ctx)
    table = _drop_labelled_totals(table, mapping, ctx)
    frame = pd.DataFrame({canonical: table.frame[raw] for canonical, raw in mapping.items()}, copy=False)
    typed, rows, issues = coerce(frame, adapter.kind, table.rows, ctx.file, raw_names=mapping, tz=ctx.tz)
    _percent_headers(typed, frame, match, adapter.kind)
    ctx.issues.extend(issues)
    if adapter.finish is not None:
        typed["_row"] = rows
        typed = adapter.finish(typed, ctx)
        rows = typed.pop("_row").to_numpy()
    typed = typed[[c for c in typed.columns if not c.startswith("_")]]
    schema = field_map(adapter.kind)
    for name in typed.columns:
        if name in schema and schema[name].col.type in {"date", "datetime"}:
            typed[name] = typed[name].astype("datetime64[ns]")
    missing = [f for f, spec in schema.items() if spec.required and f not in typed]
    if missing:
        wanted = ", ".join(f"{f} ({' / '.join(adapter.aliases(f))})" if f in adapter.columns else f for f in missing)
        raise SchemaError(
            f"{ctx.file}: {adapter.platform}/{adapter.report} export lacks required column(s): "
            f"{wanted}. Found: {', '.join(raw_columns[:25])}"
        )
    dataset.columns = {raw: None for raw in raw_columns}
    for canonical, raw in mapping.items():
        if raw in dataset.columns and not canonical.startswith("__"):
            dataset.columns[raw] = canonical
    dataset.frame = typed.reset_index(drop=True)
    dataset.rows = np.asarray(rows)
    return dataset


def _report_repeated_headers(columns: list[str], mapping: dict[str, str], ctx: Context) -> None:
    """A header that stands twice is kept twice, the second as `name (2)` (`reading.header.unique_headers`);
    the first is the one read. Said every time, so a dropped column is never silent."""
    present = set(columns)
    read = {raw: canonical for canonical, raw in mapping.items()}
    for raw in columns:
        found = REPEATED.fullmatch(raw)
        if not found or found.group(1) not in present:
            continue
        first = found.group(1)
        use = f"the first is read as {read[first]}" if first in read else "neither is read"
        ctx.issues.append(
            Issue(
                ctx.file,
                f"header {first!r} stands more than once (columns {columns.index(first) + 1} and "
                f"{columns.index(raw) + 1}): {use}, the other is left out; check which one is meant",
                code="duplicate_header",
                column=raw,
            )
        )


REPEATED = re.compile(r"(.+) \((\d+)\)")
# Columns that name what a row is about; a 合计/汇总 there marks a totals row wherever it stands.
IDENTITY = ("sku", "name", "product_name", "item_name", "keyword", "campaign", "channel", "source", "segment")


def _drop_labelled_totals(table: RawTable, mapping: dict[str, str], ctx: Context) -> RawTable:
    """Drop rows whose product, keyword, campaign or channel cell is 合计/汇总/Total: a JD 商品明细 puts its
    合计 row under 商品名称 (the reader drops only those labelled in the first column), and kept it
    would be a product named 合计 over the whole date range."""
    labelled = np.zeros(len(table.frame), dtype=bool)
    for canonical in IDENTITY:
        if canonical in mapping:
            labelled |= labels_in(table.frame[mapping[canonical]], SUMMARY_LABELS)
    if not labelled.any():
        return table
    for row in table.rows[labelled][:3]:
        ctx.issues.append(Issue(ctx.file, "summary row dropped (not data)", code="summary_row", row=int(row)))
    frame = table.frame.loc[~labelled].reset_index(drop=True)
    return replace(table, frame=frame, rows=table.rows[~labelled])


def _percent_headers(typed: pd.DataFrame, raw: pd.DataFrame, match: Match, kind: str) -> None:
    """A rate whose header says `(%)` and whose cells lack the % sign is in percent: 3.5 means 0.035."""
    schema = field_map(kind)
    for canonical, header in match.mapping.items():
        if match.units.get(header) != "%" or canonical not in typed or canonical not in schema:
            continue
        if schema[canonical].col.type != "rate":
            continue
        cells = raw[canonical]
        if not pd.api.types.is_numeric_dtype(cells) and cells.astype("str").str.contains("%", regex=False).any():
            continue
        typed[canonical] = typed[canonical] / 100


def load(
    paths: str | Path | Sequence[str | Path],
    kind: str,
    options: ReadOptions | None = None,
    *,
    columns: list[str] | None = None,
    stand_ins: Mapping[str, str] | None = None,
) -> Loaded:
    """All `kind` tables of `paths` as one canonical frame.

    Raises SchemaError naming the file when a file has no table of that kind,
    so a wrong file never turns into an empty report.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}")
    if isinstance(paths, (str, Path)):
        paths = [paths]
    frames, used = [], []
    for path in paths:
        datasets = read(path, options, columns=columns, stand_ins=stand_ins)
        matching = [d for d in datasets if d.kind == kind]
        if not matching:
            raise no_table_error(Path(path).name, (kind,), datasets)
        for frame in _combine_series(matching):
            frames.append(frame)
        used.extend(datasets)
    check_row_accounting(used, options or ReadOptions())
    frame = concat_canonical(frames)
    release_unused()  # the raw text columns' freed buffers, before the analysis starts
    return Loaded(kind, frame, used)


# Findings that mean data rows were left out (totals rows and blank lines are not data): what row
# accounting adds up. Each finding's `count` is the rows it stands for.
LOST_ROW_CODES = {
    "malformed_row": "with the wrong number of cells",
    "unclosed_quote": "swallowed by an unclosed quote",
    "missing_required": "without a required field",
}
SKIPPED_SHARE = 0.01  # above this share of a table's rows, lost rows are an error even without money


def lost_rows(dataset: Dataset) -> int:
    """How many of the table's data rows were left out, by the findings that say so."""
    return sum(i.count for i in dataset.issues if i.code in LOST_ROW_CODES)


def _rows_of(issue: Issue) -> str:
    """The rows a finding stands for: an unclosed quote's are the lines below the row it opens on."""
    assert issue.row is not None
    if issue.code != "unclosed_quote":
        return str(issue.row)
    first, last = issue.row + 1, issue.row + issue.count
    return str(first) if first == last else f"{first}-{last}"


def check_row_accounting(datasets: Sequence[Dataset], options: ReadOptions) -> None:
    """Rows in = rows used + rows reported: a table that lost a row carrying money (it maps an amount
    column), or more than 1% of its rows, is an error unless `options.allow_skipped`: the numbers
    would silently miss those rows."""
    if options.allow_skipped:
        return
    for d in datasets:
        lost = lost_rows(d)
        if d.kind is None or d.frame is None or not lost:
            continue
        schema = field_map(d.kind)
        money = any(c in schema and schema[c].col.type == "money" for c in d.columns.values() if c)
        if not money and lost <= SKIPPED_SHARE * (len(d.frame) + lost):
            continue
        reasons = []
        for code, why in LOST_ROW_CODES.items():
            found = [i for i in d.issues if i.code == code]
            if found:
                rows = [_rows_of(i) for i in found if i.row is not None]
                many = len(rows) > 1 or "-" in "".join(rows)
                where = (
                    f" ({'rows' if many else 'row'} {', '.join(rows[:3])}{', …' if len(rows) > 3 else ''})"
                    if rows
                    else ""
                )
                reasons.append(f"{sum(i.count for i in found):,} {why}{where}")
        raise InputError(
            f"{d.name}: {lost:,} of {len(d.frame) + lost:,} data rows were left out: {'; '.join(reasons)}. The "
            "numbers would miss them: fix the file, or pass {allow_skipped} to go on without them",
            arguments=("allow_skipped",),
        )


def concat_canonical(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Canonical frames of one kind stacked, keeping `platform`, `report` and `source_file` categorical."""
    if len(frames) == 1:
        return frames[0]
    frame = pd.concat(frames, ignore_index=True)
    for column in ("platform", "report", "source_file"):
        frame[column] = frame[column].astype("str").astype("category")
    return frame


def _combine_series(datasets: list[Dataset]) -> list[pd.DataFrame]:
    """GA snapshot files hold one table per metric over the same days; join
    tables that share their dimensions into one frame so a day is one row."""
    groups: dict[tuple, list[Dataset]] = {}
    for d in datasets:
        dim_key = tuple(c for c in DIMENSIONS if c in _canonical_frame(d).columns)
        key = (d.platform, d.report, dim_key) if d.platform in {"ga4", "ga_ua"} else (id(d),)
        groups.setdefault(key, []).append(d)
    frames = []
    for members in groups.values():
        dims = [c for c in DIMENSIONS if c in _canonical_frame(members[0]).columns]
        merged = _canonical_frame(members[0])
        for other in members[1:]:
            other_frame = _canonical_frame(other)
            extra = [c for c in other_frame.columns if c not in merged.columns or c in dims]
            if len(extra) == len(dims):
                continue
            merged = merged.merge(other_frame[extra], on=dims, how="outer") if dims else merged
        first = members[0]
        for column, value in (("platform", first.platform), ("report", first.report), ("source_file", first.name)):
            merged[column] = pd.Categorical.from_codes(np.zeros(len(merged), dtype=np.int8), [value])
        frames.append(merged)
    return frames


def _canonical_frame(dataset: Dataset) -> pd.DataFrame:
    """The frame of a dataset of a canonical kind: `_apply` always sets it."""
    assert dataset.frame is not None, f"{dataset.name}: {dataset.kind} table without a frame"
    return dataset.frame


def no_table_error(name: str, kinds: Sequence[str], datasets: list[Dataset]) -> SchemaError:
    """The error for a file that holds no table of the `kinds` asked for: what it was read as, or
    which columns would have made it one."""
    wanted = " or ".join(kinds)
    found = [d for d in datasets if d.platform]
    if found:
        what = ", ".join(sorted({f"{d.platform}/{d.report}" + (f" ({d.kind})" if d.kind else "") for d in found}))
        return SchemaError(f"{name}: has no {wanted} table; it was read as {what}. Pass a {wanted} export here.")
    headers = ", ".join(list(datasets[0].columns)[:15]) if datasets else ""
    required = "; ".join(
        (f"{kind}: " if len(kinds) > 1 else "") + ", ".join(f for f, spec in field_map(kind).items() if spec.required)
        for kind in kinds
    )
    near = [
        f"{c.adapter.platform}/{c.adapter.report} " + (f"lacks {', '.join(c.missing)}" if c.missing else f"{c.refused}")
        for d in datasets[:1]
        for c in d.candidates
        if c.adapter.kind in kinds and c.match.mapping
    ][:3]
    closest = f" Closest: {'; '.join(near)}." if near else ""
    return SchemaError(
        f"{name}: no known export matches its columns ({headers}).{closest} Expected a {wanted} export from a "
        f"supported platform, canonical column names (at least: {required}), or {{mapping}} FILE.toml "
        f"(see README 'Generic files'; `ecomplan inspect --write-mapping` writes one to start from)",
        arguments=("mapping",),
    )


def load_by_kind(paths: Sequence[str | Path], options: ReadOptions | None = None) -> dict[str, Loaded]:
    """Every canonical table of `paths`, grouped by kind, for commands that take any mix of exports.

    A file in which no table maps to a canonical kind is an error naming the
    file: a report silently missing a file's numbers would be wrong.
    """
    frames: dict[str, list[pd.DataFrame]] = {}
    used: dict[str, list[Dataset]] = {}
    for path in paths:
        datasets = read(path, options)
        canonical = [d for d in datasets if d.kind]
        if not canonical:
            raise no_table_error(Path(path).name, REPORT_KINDS, datasets)
        for kind in dict.fromkeys(d.kind for d in canonical if d.kind):  # all of them: `canonical` has a kind
            frames.setdefault(kind, []).extend(_combine_series([d for d in canonical if d.kind == kind]))
            used.setdefault(kind, []).extend(d for d in datasets if d.kind == kind)
    check_row_accounting([d for datasets in used.values() for d in datasets], options or ReadOptions())
    return {kind: Loaded(kind, concat_canonical(parts), used[kind]) for kind, parts in frames.items()}
