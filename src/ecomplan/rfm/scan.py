"""Large canonical order CSVs read by DuckDB itself: the fast path of `ecomplan rfm`.

The loader (`ecomplan.ingest.load`) reads any export: it detects header rows, parses
decorated numbers and a dozen date formats and reports every bad cell by row.
On a 10-million-line file that costs ~5 s, and the RFM SQL then converts the
loaded frame back into DuckDB's types. A plain CSV with the canonical column
names (`order_id,customer_id,paid_at,amount,status,...`, what scripts and
other tools write for ecomplan) needs none of that: DuckDB reads it in
parallel and collapses its lines into orders in the same pass
(`metrics.create_orders`, the rules' first step for a loaded frame too), and
`metrics.measure` takes it from there.

The scan reads each cell as the loader does: IDs stay text (leading zeros
kept) and are trimmed the way the loader trims them, the loader's missing-value
tokens are NULL, statuses go through the generic adapter's own mapping code,
plain numbers and timestamps parse to the same values. A file qualifies only
when it is a local CSV, UTF-8 or GB18030/GBK (transcoded to a temporary UTF-8
copy), whose first line is a comma-separated header that selects the generic
canonical orders adapter. Anything the scan cannot read exactly as the loader
would (a decorated amount like "1,234", another date format, a summary row, a
row without order id, a ragged row, ...) makes `scan_orders` return None and
the caller takes the loader, which reads and reports those cells.

The status words are mapped from the first megabyte; the words of excluded
lines come out of the same pass, so a word seen only later is found, and in
the rare case that it means a sale the file is read again. IDs that need the
loader's cleaning (padded, or a missing-value token) are found in the orders
and read again with it.
"""

from __future__ import annotations

import codecs
import csv
import itertools
import mmap
import multiprocessing
import os
import re
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from ecomplan.core.errors import EcomplanError, Issue
from ecomplan.ingest.options import ReadOptions
from ecomplan.ingest.reading.detect import sniff
from ecomplan.ingest.reading.header import detect_header_row, unique_headers
from ecomplan.ingest.reading.tables import SUMMARY_LABELS, RawTable
from ecomplan.ingest.reading.text import HEAD_BYTES, detect_delimiter, detect_encoding
from ecomplan.ingest.reading.values import MISSING_TOKENS, clean_text
from ecomplan.ingest.sources import Context, adapters_for, select, vocabulary
from ecomplan.ingest.sources.base import report_unknown_statuses, status_mapper
from ecomplan.ingest.sources.generic import COMMON_STATUS
from ecomplan.ingest.validate import LARGEST
from ecomplan.rfm.metrics import CONTACTS, ORDER_COLUMNS, SOLD_STATUSES, ScannedOrders, create_orders, status_word

# Timestamp layouts DuckDB reads here; the loader reads these plain forms to the same values.
TIMESTAMP_FORMATS = (
    (re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$"), "%Y-%m-%d %H:%M:%S"),
    (re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"), "%Y-%m-%d"),
)
GB_CODECS = frozenset(codecs.lookup(name).name for name in ("gb18030", "gbk", "gb2312"))
ASCII_SPACE = " \t\n\r\x0b\x0c"  # what the loader's ID cleaning trims (Arrow's ascii_trim_whitespace)
# What the loader's text cleaning trims (Arrow's utf8_trim_whitespace = Python's str.isspace).
UNICODE_SPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
# The loader reads "1970-01-01 08:00:00" (a Unix 0 shown in Beijing time) as a missing time; the scan
# leaves files holding it to the loader.
UNIX_ZERO_PLACEHOLDER = "1970-01-01 08:00:00"
# pandas stores datetime64[ns]: the loader cannot hold times outside these bounds.
TIMESTAMP_RANGE = ("1677-09-22", "2262-04-11")
EXCEL_PREFIXES = ("'", "`", '="')  # what Excel-proof exports put before IDs; the loader strips them
QUOTE_SCAN_BYTES = 1 << 26  # block of the file searched at a time for spaces beside quotes
CHUNK_BYTES = 1 << 20  # transcoding block: decoding is fastest on about a megabyte
PIECE_BYTES = 1 << 25  # files larger than two pieces are transcoded in parallel


@dataclass(frozen=True)
class _Plan:
    """What the header and the first megabyte say about the file."""

    codec: str
    body: int  # byte offset of the first data row
    width: int  # columns in the header
    positions: dict[str, int]  # canonical column -> position in the file, for the columns RFM reads
    timestamp_format: str
    words: frozenset[str]  # status words of the first megabyte

    @property
    def time_column(self) -> str:
        return "paid_at" if "paid_at" in self.positions else "created_at"

    @property
    def first_column(self) -> str:
        """The canonical column in the file's first position: where the loader looks for 合计 rows."""
        return min(self.positions, key=self.positions.__getitem__)


class _NotExact(Exception):
    """The file holds something only the loader reads and reports exactly."""


def read_orders(
    files: Sequence[str | Path], options: ReadOptions | None = None
) -> tuple[pd.DataFrame | ScannedOrders, list[Issue]]:
    """The order lines RFM reads from `files`, and the findings on the way.

    One canonical CSV is scanned by DuckDB (`scan_orders`); anything else, or
    a file the scan gives way on, is read by `ecomplan.ingest.load` (the columns RFM
    needs only). Either result goes to `rfm.segment` / `rfm.measure`.
    """
    if len(files) == 1:
        scanned = scan_orders(files[0], options)
        if scanned is not None:
            return scanned, list(scanned.issues)
    from ecomplan.ingest.load import load

    loaded = load(files, "orders", options, columns=list(ORDER_COLUMNS))
    return loaded.frame, list(loaded.issues)


def currency_columns(orders: pd.DataFrame | ScannedOrders) -> pd.DataFrame:
    """What `rfm.currency_symbol` reads: the frame itself, or the scanned file's distinct currencies."""
    return orders.currency_frame() if isinstance(orders, ScannedOrders) else orders


def scan_orders(path: str | Path, options: ReadOptions | None = None) -> ScannedOrders | None:
    """The orders of a canonical CSV collapsed by DuckDB, or None when the loader must read the file.

    The options are `ecomplan.ingest.load`'s (sheet and password mean nothing to a CSV). A mapping
    file, another platform's adapter, a spreadsheet, a compressed file, or any cell the loader would
    read or report differently gives None.
    """
    import duckdb

    path = Path(path)
    options = options or ReadOptions()
    plan = _plan(path, options.platform, options.mapping, options.encoding, options.tz)
    if plan is None or _spaces_around_quotes(path, plan.body):
        return None
    try:
        with _utf8_sources(path, plan) as (sources, header):  # transcoding forks before DuckDB has threads
            db = duckdb.connect()
            try:
                db.execute("SET enable_progress_bar = false")
                db.execute("SET preserve_insertion_order = false")
                db.execute(f"SET threads = {(os.cpu_count() or 1) + 1}")  # one more than the cores: ~10% faster
                return _scan(db, _Source(sources, header, plan), path.name)
            except BaseException:
                db.close()
                raise
    except (_NotExact, UnicodeDecodeError, duckdb.ConversionException, duckdb.InvalidInputException):
        return None  # cells only the loader reads (and reports) exactly
    except (OSError, duckdb.IOException):
        return None  # no room for the UTF-8 copy, a file that changed: the loader reads it or says why


def _plan(path: Path, platform: str | None, mapping, encoding: str | None, tz: str) -> _Plan | None:
    """Qualify the file from its first megabyte, as `reading.text` reads it: None unless it is a
    plain comma-separated text file whose first line is a header the canonical orders adapter takes."""
    if mapping is not None or not path.is_file():
        return None
    with path.open("rb") as stream:
        head = stream.read(HEAD_BYTES)
    if sniff(head[:8192]) != "text" or b"\n" not in head:
        return None
    complete = len(head) < HEAD_BYTES
    try:
        _, codec, bom = detect_encoding(head, complete, encoding, path.name)
        adapters = adapters_for(platform, None)
    except (EcomplanError, LookupError):
        return None
    codec = codecs.lookup(codec).name
    if codec not in {"utf-8", *GB_CODECS}:
        return None
    text = codecs.getincrementaldecoder(codec)(errors="replace").decode(head[bom:], final=complete)
    if not complete:
        text = text[: text.rfind("\n") + 1]
    first_line = text.split("\n", 1)[0]
    if not first_line.strip() or first_line.lstrip().startswith("#") or detect_delimiter(text) != ",":
        return None
    try:
        records = list(csv.reader(text.splitlines(keepends=True)))
    except csv.Error:  # an unclosed quote: the loader reports it
        return None
    if (
        not records
        or detect_header_row(records[:60], _vocabulary()) != 0
        or any("\n" in cell or "\r" in cell for cell in records[0])
    ):
        return None
    names = unique_headers(records[0])
    if len({name.strip() for name in records[0]}) != len(records[0]):
        return None  # a header that stands twice: the loader says which column it reads
    table = RawTable(
        "main",
        pd.DataFrame(columns=names),
        np.zeros(0, dtype=np.int64),
        1,  # header only: no dtypes
    )
    try:
        chosen = select(table, Context(path.name, {}, [], tz), adapters)
    except EcomplanError:
        return None
    if chosen is None or (chosen[0].platform, chosen[0].report) != ("generic", "canonical_orders"):
        return None
    positions = {c: names.index(chosen[1][c]) for c in ORDER_COLUMNS if c in chosen[1]}
    if "order_id" not in positions or "amount" not in positions or not {"paid_at", "created_at"} & set(positions):
        return None  # the loader's path reports what is missing
    if min(positions, key=positions.__getitem__) in CONTACTS:
        return None  # a summary row would hide in a column the scan does not keep
    timestamp_format = _timestamp_format(
        records[1:61], [positions[c] for c in ("paid_at", "created_at") if c in positions]
    )
    if timestamp_format is None:
        return None
    status = positions.get("status")
    words = frozenset(row[status] for row in records[1:] if status is not None and status < len(row))
    return _Plan(codec, head.index(b"\n") + 1, len(names), positions, timestamp_format, words)


def _spaces_around_quotes(path: Path, start: int) -> bool:
    """Whether a quote stands next to a space or tab in the data rows: DuckDB drops the spaces around a
    quoted cell (`, "C1"` reads as C1), the loader keeps them. One memchr pass when the file holds no
    quote; GB18030 never uses these bytes inside a character."""
    with path.open("rb") as stream, mmap.mmap(stream.fileno(), 0, access=mmap.ACCESS_READ) as view:
        if view.find(b'"', start) < 0:
            return False
        data = np.frombuffer(view, dtype=np.uint8)
        try:
            for first in range(start, len(data), QUOTE_SCAN_BYTES):
                chunk = data[first - 1 : first + QUOTE_SCAN_BYTES + 1]  # a byte either side of the block
                quotes = np.flatnonzero(chunk == ord('"'))
                beside = np.concatenate([quotes - 1, quotes + 1])
                beside = beside[(beside >= 0) & (beside < len(chunk))]
                if np.isin(chunk[beside], (ord(" "), ord("\t"))).any():
                    return True
            return False
        finally:
            data = chunk = np.empty(0, dtype=np.uint8)  # the map closes only when no array looks into it


@lru_cache(maxsize=1)
def _vocabulary() -> frozenset[str]:
    return vocabulary()


def _timestamp_format(rows: list[list[str]], positions: list[int]) -> str | None:
    """The one layout of the sampled purchase times (None: mixed or another layout)."""
    found = set()
    for row in rows:
        for position in positions:
            value = row[position].strip() if position < len(row) else ""
            if value in MISSING_TOKENS:
                continue
            formats = [fmt for pattern, fmt in TIMESTAMP_FORMATS if pattern.match(value)]
            if not formats:
                return None
            found.update(formats)
    if len(found) > 1:
        return None
    return found.pop() if found else TIMESTAMP_FORMATS[0][1]


@contextmanager
def _utf8_sources(path: Path, plan: _Plan) -> Iterator[tuple[list[Path], bool]]:
    """The file itself when it is UTF-8 (header included), else temporary UTF-8 copies of its
    data rows, decoded with Python's codec in parallel pieces and deleted afterwards."""
    if plan.codec == "utf-8":
        yield [path], True
        return
    _remove_orphaned_workdirs()
    with tempfile.TemporaryDirectory(prefix=f"{WORKDIR_PREFIX}{os.getpid()}-") as directory:  # mode 700
        yield _transcode(path, plan, Path(directory)), False


WORKDIR_PREFIX = "ecomplan-"


def _remove_orphaned_workdirs() -> None:
    """Transcoded copies hold customer data: a killed run's folder (its process is gone) is removed by the
    next run, so no copy outlives its process by more than that."""
    import shutil

    for folder in Path(tempfile.gettempdir()).glob(f"{WORKDIR_PREFIX}*-*"):
        pid = folder.name.removeprefix(WORKDIR_PREFIX).split("-", 1)[0]
        if not pid.isdigit() or folder.is_symlink() or not folder.is_dir() or folder.stat().st_uid != os.getuid():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
        except PermissionError:
            continue  # a live process of another user


def _transcode(path: Path, plan: _Plan, directory: Path) -> list[Path]:
    """UTF-8 copies of the data rows, one per piece of the file, pieces decoded by forked workers.

    GB18030 never uses the newline or quote byte inside a character, so pieces
    cut after a newline decode on their own. A file with quoted cells (which
    may hold line breaks) is decoded again in one piece. A byte that is not
    valid text raises UnicodeDecodeError (the loader then reports it).
    """
    size = path.stat().st_size
    parallel = sys.platform == "linux" and (os.cpu_count() or 1) > 1 and size - plan.body > 2 * PIECE_BYTES
    bounds = _piece_bounds(path, plan.body, size, (os.cpu_count() or 1) if parallel else 1)
    jobs = [
        (path, start, end, plan.codec, directory / f"part{i}.csv")
        for i, (start, end) in enumerate(itertools.pairwise(bounds))
    ]
    if len(jobs) == 1:
        _decode_piece(*jobs[0])
        return [jobs[0][-1]]
    with multiprocessing.get_context("fork").Pool(len(jobs)) as pool:
        quotes = pool.starmap(_decode_piece, jobs)
    if any(quotes):  # a cut may be inside a quoted cell (a line break in a name): one piece
        job = (path, plan.body, size, plan.codec, directory / "whole.csv")
        _decode_piece(*job)
        return [job[-1]]
    return [job[-1] for job in jobs]


def _piece_bounds(path: Path, body: int, size: int, pieces: int) -> list[int]:
    """Byte offsets cutting the data rows into about equal pieces, each cut just after a newline."""
    bounds = [body]
    with open(path, "rb") as stream:
        for k in range(1, pieces):
            stream.seek(body + k * (size - body) // pieces)
            block = stream.read(CHUNK_BYTES)
            newline = block.find(b"\n")
            if newline >= 0 and stream.tell() - len(block) + newline + 1 > bounds[-1]:
                bounds.append(stream.tell() - len(block) + newline + 1)
    return [*bounds, size]


def _decode_piece(path: Path, start: int, end: int, codec: str, target: Path) -> int:
    """Write bytes start..end of `path`, decoded from `codec`, to `target` as UTF-8; the number of quote bytes."""
    quotes, rest = 0, b""
    with open(path, "rb") as source, open(target, "wb") as out:
        source.seek(start)
        remaining = end - start
        while remaining > 0:
            data = source.read(min(CHUNK_BYTES, remaining))
            if not data:
                break
            remaining -= len(data)
            block = rest + data
            cut = len(block) if remaining <= 0 else block.rfind(b"\n") + 1
            block, rest = block[:cut], block[cut:]
            quotes += block.count(b'"')
            out.write(block.decode(codec).encode("utf-8"))
        quotes += rest.count(b'"')
        out.write(rest.decode(codec).encode("utf-8"))
    return quotes


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _sql_tuple(values) -> str:
    return "(" + ", ".join(_sql_text(v) for v in sorted(values)) + ")"


@dataclass(frozen=True)
class _Source:
    """The UTF-8 files DuckDB reads and what the plan says of them."""

    files: list[Path]
    header: bool  # the files start with the header line
    plan: _Plan

    def read_csv(self, columns: list[int]) -> str:
        """SQL reading the cells of the file positions `columns` as text (`c<position>`)."""
        plan = self.plan
        types = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(plan.width)) + "}"
        files = "[" + ", ".join(_sql_text(str(p)) for p in self.files) + "]"
        return (
            f"(SELECT {', '.join(f'c{i}' for i in columns)} FROM read_csv({files}, "
            f"header = {str(self.header).lower()}, auto_detect = false, delim = ',', quote = '\"', "
            f"escape = '\"', columns = {types}, strict_mode = true, null_padding = false, encoding = 'utf-8'))"
        )


def _scan(db, source: _Source, file: str) -> ScannedOrders:
    """Collapse the file into `orders` with the rules of `metrics.create_orders`, then check what
    the loader would have read differently; read again when status words or IDs need it."""
    plan = source.plan
    words = {"": None, **_map_words(plan.words)}  # '' = an empty cell: no status
    ids: dict[str, str] = {c: "{}" for c in ("order_id", "customer_id") if c in plan.positions}
    # A second pass, when needed, finds nothing new: the first pass's excluded lines hold every word the
    # first megabyte did not show, and cleaned IDs need no more cleaning.
    for _ in range(2):
        create_orders(
            db,
            _lines_sql(source, ids),
            _text(plan, words),
            plan.time_column,
            "refund" in plan.positions,
            [c for c in CONTACTS if c in plan.positions],
        )
        new_words = _check_words(db, words, check_summary=plan.first_column == "status")
        if not (_check_ids(db, plan, ids) or new_words):
            break
    issues = _unknown_status_issues(db, words, file)
    currencies = _currencies(db, source) if "currency" in plan.positions else None
    lines = db.execute("SELECT coalesce(sum(lines), 0) FROM orders").fetchall()[0][0]
    return ScannedOrders(db, frozenset(plan.positions), int(lines), file, issues, currencies, words)


def _map_words(words) -> dict[str, str | None]:
    """Canonical status of each status word, by the generic adapter's own mapping code."""
    raw = sorted(words)
    if not raw:
        return {}
    cleaned = clean_text(pd.Series(raw, dtype="str").astype("category"))
    canonical = status_mapper(COMMON_STATUS)(cleaned).astype("object")
    return dict(zip(raw, canonical.where(canonical.notna(), None), strict=False))


def _text(plan: _Plan, words: dict[str, str | None]) -> dict[str, str]:
    """The SQL `create_orders` reads each text column with: the status maps the file's words (a word
    the map does not know is not a sale, and is found among the excluded words afterwards)."""
    text = {c: c for c in ("order_id", "customer_id", *CONTACTS) if c in plan.positions}
    if "status" in plan.positions:
        cases = " ".join(
            f"WHEN {_sql_text(word)} THEN {_sql_text(status) if status else 'NULL'}" for word, status in words.items()
        )
        text["status"] = f"(CASE status {cases} ELSE (CASE WHEN status IS NULL THEN NULL ELSE '?' END) END)"
        text["status_word"] = "status"
    return text


def _lines_sql(source: _Source, ids: dict[str, str]) -> str:
    """The file's lines with the cells the rules read converted as the loader converts them.

    A missing-value token (`-`, `N/A`, ...) is NULL as in the loader; anything
    else that is not a plain finite number or a timestamp of the file's layout
    in pandas' range raises an error (and the loader takes over). DuckDB would
    read `1_000` as 1000, which the loader rejects. An order time besides the
    payment time is still converted and checked, as the loader converts (and
    reports) it.
    """
    plan = source.plan
    cell = {name: f"c{position}" for name, position in plan.positions.items()}
    tokens = _sql_tuple(MISSING_TOKENS)
    low, high = (f"TIMESTAMP '{day}'" for day in TIMESTAMP_RANGE)

    def missing_or_error(value: str, what: str) -> str:
        return f"CASE WHEN {value} IS NULL OR {value} IN {tokens} THEN NULL ELSE error('scan: not {what}') END"

    def timestamp(value: str) -> str:
        return (
            f"coalesce(try_strptime({value}, {_sql_text(plan.timestamp_format)}), "
            f"{missing_or_error(value, 'a timestamp')})"
        )

    def number(value: str) -> str:
        return (
            f"coalesce(CASE WHEN contains({value}, '_') THEN error('scan: underscore in a number') "
            f"ELSE TRY_CAST({value} AS DOUBLE) END, {missing_or_error(value, 'a number')})"
        )

    converted = [f"{ids[c].replace('{}', cell[c])} AS {c}" for c in ids]
    if "status" in cell:
        converted.append(f"{cell['status']} AS status")
    converted += [f"{timestamp(cell[c])} AS {c}" for c in ("paid_at", "created_at") if c in cell]
    converted += [f"{number(cell[c])} AS {c}" for c in ("amount", "refund") if c in cell]
    for contact in (c for c in CONTACTS if c in cell):
        trimmed = f"trim({cell[contact]}, {_sql_text(UNICODE_SPACE)})"
        converted.append(f"CASE WHEN {trimmed} IN {tokens} THEN NULL ELSE {trimmed} END AS {contact}")

    def in_range(name: str, placeholder: bool) -> str:
        bad = f"{name} < {low} OR {name} >= {high}"
        if placeholder:  # the loader reads a Unix 0 in Beijing time as missing
            bad += f" OR {name} = TIMESTAMP '{UNIX_ZERO_PLACEHOLDER}'"
        return f"CASE WHEN {bad} THEN error('scan: a time pandas cannot hold') ELSE {name} END"

    def finite(name: str) -> str:
        # beyond the loader's LARGEST the loader reports the cell: give way to it
        return (
            f"CASE WHEN isfinite({name}) IS FALSE OR abs({name}) > {LARGEST} "
            f"THEN error('scan: not a finite number in range') ELSE {name} END"
        )

    checked = [c for c in ("order_id", "customer_id", "status", *CONTACTS) if c in cell]
    time = plan.time_column
    checked.append(f"{in_range(time, placeholder=True)} AS {time}")
    if time == "paid_at" and "created_at" in cell:
        # The order time is converted and checked (an error when it is not a time), never used: a condition
        # that is never true makes DuckDB evaluate it on every line.
        checked[-1] = (
            f"CASE WHEN ({in_range('created_at', placeholder=False)}) IS NULL "
            f"AND created_at IS NOT NULL THEN NULL ELSE {checked[-1].rsplit(' AS ', 1)[0]} END AS {time}"
        )
    checked += [f"{finite(c)} AS {c}" for c in ("amount", "refund") if c in cell]
    return (
        f"(SELECT {', '.join(checked)} FROM (SELECT {', '.join(converted)} "
        f"FROM {source.read_csv(sorted(plan.positions.values()))}))"
    )


def _check_words(db, words: dict[str, str | None], check_summary: bool) -> bool:
    """Add the status words the first megabyte did not show to `words`. Such a word was read as not
    sold; True when one means a sale (or no status), and the orders must be read again."""
    found = [
        status_word(excluded)
        for (excluded,) in db.execute("SELECT DISTINCT excluded FROM orders WHERE excluded IS NOT NULL").fetchall()
    ]
    found = [word for word in found if word is not None]
    if check_summary and _has_summary_label(found):
        raise _NotExact
    new = _map_words(set(found) - set(words))
    words.update(new)
    return any(status is None or status in SOLD_STATUSES for status in new.values())


def _check_ids(db, plan: _Plan, ids: dict[str, str]) -> bool:
    """Whether the ID columns must be read again with the loader's cleaning (added to `ids`).

    The loader trims a column when any of its values starts or ends with a
    space or tab, and reads the missing-value tokens as missing. Rows without
    order id (the loader skips and reports them), summary rows and the
    prefixes Excel-proof exports add (`'`, `="`) are left to the loader.
    """
    tokens = _sql_tuple(MISSING_TOKENS)
    first = plan.first_column
    # Cheap tests first, one pass; a column that may need cleaning is looked at closely below.
    checks = ["count(*) FILTER (order_id IS NULL)"]
    checks += [
        f"coalesce(bool_or(ascii({c}) IN (9, 32, 39, 61, 96) OR contains({c}, ' ') OR contains({c}, chr(9)) "
        f"OR CASE WHEN strlen({c}) <= 9 THEN {c} IN {tokens} END), FALSE)"
        for c in ids
    ]
    if first in ids:  # the loader looks for 合计 rows in its first column (WHERE: the trim only when padded)
        labels = _sql_tuple(SUMMARY_LABELS)
        spaces = "(" + ", ".join(str(ord(space)) for space in UNICODE_SPACE) + ")"
        padded = f"(ascii({first}) IN {spaces} OR ascii(right({first}, 1)) IN {spaces})"
        checks.append(
            f"(SELECT count(*) FROM orders WHERE {first} IN {labels} "
            f"OR ({padded} AND trim({first}, {_sql_text(UNICODE_SPACE)}) IN {labels}))"
        )
    found = list(db.execute(f"SELECT {', '.join(checks)} FROM orders").fetchall()[0])
    missing_order, suspect = found[0], dict(zip(ids, found[1:], strict=False))
    if first in ids and found[-1]:
        raise _NotExact
    cleaning = {}
    for c in (c for c in ids if suspect[c]):
        prefixes = " OR ".join(f"starts_with({c}, {_sql_text(prefix)})" for prefix in EXCEL_PREFIXES)
        padded, token, prefixed = db.execute(f"""
            SELECT coalesce(bool_or(starts_with({c}, ' ') OR starts_with({c}, chr(9)) OR suffix({c}, ' ')
                                    OR suffix({c}, chr(9))), FALSE),
                   coalesce(bool_or({c} IN {tokens}), FALSE), coalesce(bool_or({prefixes}), FALSE)
            FROM orders""").fetchall()[0]
        if prefixed:
            raise _NotExact
        if (padded or token) and ids[c] == "{}":
            cleaning[c] = _clean_id_sql(padded)
    if missing_order and not cleaning:
        raise _NotExact
    ids.update(cleaning)
    return bool(cleaning)


def _clean_id_sql(padded: bool) -> str:
    """SQL template of `reading.values.clean_id` for an ID column: trimmed when a value is padded,
    missing-value tokens read as missing."""
    value = f"trim({{}}, {_sql_text(ASCII_SPACE)})" if padded else "{}"
    return f"CASE WHEN {value} IN {_sql_tuple(MISSING_TOKENS)} THEN NULL ELSE {value} END"


def _unknown_status_issues(db, words: dict[str, str | None], file: str) -> list[Issue]:
    """The loader's "unknown order status" findings, counted per cleaned word. When two unknown words
    have the same count, their order in that list is the file's, which only the loader knows."""
    unknown = [word for word, status in words.items() if status == "unknown"]
    if not unknown:
        return []
    marked = _sql_tuple("=" + word for word in unknown)
    counts = {
        status_word(excluded): n
        for excluded, n in db.execute(
            f"SELECT excluded, sum(lines) FROM orders WHERE excluded IN {marked} GROUP BY excluded"
        ).fetchall()
    }
    cleaned = clean_text(pd.Series(unknown, dtype="str"))
    per_word = pd.Series([int(counts.get(w, 0)) for w in unknown], index=cleaned.astype("object").tolist())
    per_word = per_word[per_word > 0].groupby(level=0).sum()
    if per_word.duplicated().any():
        raise _NotExact
    frame = pd.DataFrame(
        {
            "status": pd.Categorical(["unknown"] * int(per_word.sum()), categories=["unknown"]),
            "status_raw": np.repeat(per_word.index.to_numpy(dtype=object), per_word.to_numpy(dtype=np.int64)),
        }
    )
    context = Context(file, {}, [], "")
    report_unknown_statuses(frame, context)
    return list(context.issues)


def _currencies(db, source: _Source) -> tuple[str, ...]:
    """The file's distinct currency values, as the loader cleans them (one more pass over the file)."""
    position = source.plan.positions["currency"]
    values = [v for (v,) in db.execute(f"SELECT DISTINCT c{position} FROM {source.read_csv([position])}").fetchall()]
    if source.plan.first_column == "currency" and _has_summary_label(values):
        raise _NotExact
    return tuple(clean_text(pd.Series([v for v in values if v is not None], dtype="str")).dropna().unique().tolist())


def _has_summary_label(values) -> bool:
    return any(v is not None and v.strip() in SUMMARY_LABELS for v in values)
