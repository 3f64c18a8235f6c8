"""Large canonical order CSVs read by DuckDB itself: the fast path of `ecomplan rfm`.

The loader (`ecomplan.load`) reads any export: it detects header rows, parses
decorated numbers and a dozen date formats and reports every bad cell by row.
On a 10-million-line file that costs ~5 s, and the RFM SQL then converts the
loaded frame back into DuckDB's types. A plain CSV with the canonical column
names (`order_id,customer_id,paid_at,amount,status,...`, what scripts and
other tools write for ecomplan) needs none of that: DuckDB reads it in
parallel into the relation `input_lines` that `metrics.measure` applies the
RFM rules to, the same SQL as for a loaded frame.

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

Lines that agree on every column the rules read (order, customer, raw status,
purchase time, contacts) are merged while reading, with their amounts summed
and their number kept in `line_count`: the rules give the same figures on
merged lines, and 10 million lines become about one row per order.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import math
import multiprocessing
import os
import re
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import EcomplanError, Issue
from ..reading.header import detect_header_row, unique_headers
from ..reading.tables import SUMMARY_LABELS, RawTable, sniff
from ..reading.text import HEAD_BYTES, detect_delimiter, detect_encoding
from ..reading.values import MISSING_TOKENS, clean_text
from ..sources import Context, adapters_for, select, vocabulary
from ..sources.base import report_unknown_statuses, status_mapper
from ..sources.generic import COMMON_STATUS
from .metrics import CONTACTS, ORDER_COLUMNS

# Timestamp layouts DuckDB reads here; the loader reads these plain forms to the same values.
TIMESTAMP_FORMATS = (
    (re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$"), "%Y-%m-%d %H:%M:%S"),
    (re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"), "%Y-%m-%d"),
)
GB_CODECS = frozenset(codecs.lookup(name).name for name in ("gb18030", "gbk", "gb2312"))
ASCII_SPACE = " \t\n\r\x0b\x0c"  # what the loader's ID cleaning trims (Arrow's ascii_trim_whitespace)
# What the loader's text cleaning trims (Arrow's utf8_trim_whitespace = Python's str.isspace).
UNICODE_SPACE = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
                 "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
# The loader reads "1970-01-01 08:00:00" (a Unix 0 shown in Beijing time) as a missing time; the scan
# leaves files holding it to the loader.
UNIX_ZERO_PLACEHOLDER = "1970-01-01 08:00:00"
# pandas stores datetime64[ns]: the loader cannot hold times outside these bounds.
TIMESTAMP_RANGE = ("1677-09-22", "2262-04-11")
TEXT_KEYS = ("order_id", "customer_id", "status", *CONTACTS, "currency")
CHUNK_BYTES = 1 << 20  # transcoding block: decoding is fastest on about a megabyte
PIECE_BYTES = 1 << 25  # files larger than two pieces are transcoded in parallel


@dataclass
class ScannedOrders:
    """Order lines DuckDB read from one CSV: table `input_lines` of `connection`, for `metrics.measure`.

    `columns` are the canonical columns of `input_lines` (besides `line_count`);
    its text columns hold the file's cells, read through the SQL of `text`.
    `lines` is the number of data rows of the file, `issues` what the loader
    would have reported (unknown statuses). Close it (or use `with`) to free
    the memory.
    """

    connection: object
    columns: frozenset[str]
    text: dict[str, str]  # SQL reading each text column as the loader cleans it (status: canonical)
    lines: int
    file: str
    issues: list[Issue]
    currencies: tuple[str, ...] | None  # distinct currency values; None without a currency column

    def __len__(self) -> int:
        return self.lines

    def currency_frame(self) -> pd.DataFrame:
        """The columns `rfm.currency_symbol` reads: the platform, and each distinct currency."""
        if self.currencies is None:
            return pd.DataFrame({"platform": ["generic"]})
        values = list(self.currencies) or [None]
        return pd.DataFrame({"platform": ["generic"] * len(values), "currency": pd.Series(values, dtype="object")})

    def close(self) -> None:
        self.connection.close()

    def __enter__(self) -> ScannedOrders:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


@dataclass(frozen=True)
class _Plan:
    """What the header and the first rows say about the file."""

    codec: str
    body: int  # byte offset of the first data row
    width: int  # columns in the header
    positions: dict[str, int]  # canonical column -> position in the file, for the columns RFM reads
    timestamp_format: str

    @property
    def time_column(self) -> str:
        return "paid_at" if "paid_at" in self.positions else "created_at"


class _NotExact(Exception):
    """The file holds something only the loader reads and reports exactly."""


def read_orders(files: list[str | Path], *, platform: str | None = None, mapping: str | Path | None = None,
                encoding: str | None = None, sheet: str | None = None, password: str | None = None,
                tz: str = "Asia/Shanghai") -> tuple[pd.DataFrame | ScannedOrders, list[Issue]]:
    """The order lines RFM reads from `files`, and the findings on the way.

    One canonical CSV is scanned by DuckDB (`scan_orders`); anything else, or
    a file the scan gives way on, is read by `ecomplan.load` (the columns RFM
    needs only). Either result goes to `rfm.segment` / `rfm.measure`.
    """
    if len(files) == 1:
        scanned = scan_orders(files[0], platform=platform, mapping=mapping, encoding=encoding, tz=tz)
        if scanned is not None:
            return scanned, list(scanned.issues)
    from ..load import load

    loaded = load(files, "orders", platform=platform, mapping=mapping, encoding=encoding, sheet=sheet,
                  password=password, columns=list(ORDER_COLUMNS), tz=tz)
    return loaded.frame, list(loaded.issues)


def currency_columns(orders: pd.DataFrame | ScannedOrders) -> pd.DataFrame:
    """What `rfm.currency_symbol` reads: the frame itself, or the scanned file's distinct currencies."""
    return orders.currency_frame() if isinstance(orders, ScannedOrders) else orders


def scan_orders(path: str | Path, *, platform: str | None = None, mapping: str | Path | None = None,
                encoding: str | None = None, tz: str = "Asia/Shanghai") -> ScannedOrders | None:
    """The order lines of a canonical CSV read by DuckDB, or None when the loader must read the file.

    The options are `ecomplan.load`'s. A mapping file, another platform's
    adapter, a spreadsheet, a compressed file, or any cell the loader would
    read or report differently gives None.
    """
    import duckdb

    path = Path(path)
    plan = _plan(path, platform, mapping, encoding, tz)
    if plan is None:
        return None
    try:
        with _utf8_sources(path, plan) as (sources, header):  # transcoding forks before DuckDB has threads
            db = duckdb.connect()
            try:
                db.execute("SET enable_progress_bar = false")
                db.execute("SET preserve_insertion_order = false")
                db.execute(f"SET threads = {(os.cpu_count() or 1) + 1}")  # one more than the cores: ~10% faster
                db.execute(_merge_sql(sources, header, plan))
                return _finish(db, plan, path.name)
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
    records = []
    for record in csv.reader(text.splitlines(keepends=True)):
        records.append(record)
        if len(records) >= 60:
            break
    if not records or detect_header_row(records, _vocabulary()) != 0 \
            or any("\n" in cell or "\r" in cell for cell in records[0]):
        return None
    names = unique_headers(records[0])
    table = RawTable("main", pd.DataFrame({n: pd.Series([], dtype="str") for n in names}),
                     np.zeros(0, dtype=np.int64), 1)
    try:
        chosen = select(table, Context(path.name, {}, [], tz), adapters)
    except EcomplanError:
        return None
    if chosen is None or (chosen[0].platform, chosen[0].report) != ("generic", "canonical_orders"):
        return None
    positions = {c: names.index(chosen[1][c]) for c in ORDER_COLUMNS if c in chosen[1]}
    if "order_id" not in positions or "amount" not in positions or not {"paid_at", "created_at"} & set(positions):
        return None  # the loader's path reports what is missing
    timestamp_format = _timestamp_format(records[1:], [positions[c] for c in ("paid_at", "created_at")
                                                        if c in positions])
    if timestamp_format is None:
        return None
    return _Plan(codec, head.index(b"\n") + 1, len(names), positions, timestamp_format)


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
    with tempfile.TemporaryDirectory(prefix="ecomplan-") as directory:
        yield _transcode(path, plan, Path(directory)), False


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
    jobs = [(path, start, end, plan.codec, directory / f"part{i}.csv")
            for i, (start, end) in enumerate(zip(bounds, bounds[1:]))]
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


def _merge_sql(sources: list[Path], header: bool, plan: _Plan) -> str:
    """Read the file and merge the lines that agree on every column the rules read.

    Cells are read as text and converted in SQL: a missing-value token (`-`,
    `N/A`, ...) is NULL as in the loader, anything else that is not a plain
    number or a timestamp of the file's layout raises an error (and the loader
    takes over). DuckDB would read `1_000` as 1000, which the loader rejects.
    An order time besides the payment time is still converted, as the loader
    converts (and reports) it.
    """
    column = {name: f"c{position}" for name, position in plan.positions.items()}
    types = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(plan.width)) + "}"
    files = "[" + ", ".join(_sql_text(str(p)) for p in sources) + "]"
    source = (f"read_csv({files}, header = {str(header).lower()}, auto_detect = false, delim = ',', quote = '\"', "
              f"escape = '\"', columns = {types}, strict_mode = true, null_padding = false, encoding = 'utf-8')")
    tokens = _sql_tuple(MISSING_TOKENS)

    def missing_or_error(cell: str, what: str) -> str:
        return f"CASE WHEN {cell} IS NULL OR {cell} IN {tokens} THEN NULL ELSE error('scan: not {what}') END"

    def timestamp(cell: str) -> str:
        return (f"coalesce(try_strptime({cell}, {_sql_text(plan.timestamp_format)}), "
                f"{missing_or_error(cell, 'a timestamp')})")

    def number(cell: str) -> str:
        return (f"coalesce(CASE WHEN contains({cell}, '_') THEN error('scan: underscore in a number') "
                f"ELSE TRY_CAST({cell} AS DOUBLE) END, {missing_or_error(cell, 'a number')})")

    keys = [f"{column[c]} AS {c}" for c in TEXT_KEYS if c in column]
    keys.append(f"{timestamp(column[plan.time_column])} AS {plan.time_column}")
    sums = [f"sum({number(column[c])}) AS {c}" for c in ("amount", "refund") if c in column]
    if plan.time_column == "paid_at" and "created_at" in column:
        sums.append(f"min({timestamp(column['created_at'])}) AS created_at_checked")
    return f"""
        CREATE TEMP TABLE input_lines AS
        SELECT {', '.join(keys)}, {', '.join(sums)}, count(*) AS line_count
        FROM {source}
        GROUP BY ALL"""


def _finish(db, plan: _Plan, file: str) -> ScannedOrders:
    """Check the merged lines against the loader's reading; the SQL that reads their text columns."""
    present = set(plan.positions)
    ids = [c for c in ("order_id", "customer_id") if c in present]
    numbers = [c for c in ("amount", "refund") if c in present]
    times = [plan.time_column] + (["created_at_checked"] if plan.time_column == "paid_at" and "created_at" in present
                                  else [])
    tokens = _sql_tuple(MISSING_TOKENS)
    # Cheap tests first (one pass, separate aggregates); an ID column that may need the loader's
    # cleaning (a value padded with spaces, a missing-value token, a prefix) is looked at closely below.
    checks = ["coalesce(sum(line_count), 0)", "count(*) FILTER (order_id IS NULL)"]
    for c in ids:
        checks += [f"coalesce(bool_or(ascii({c}) IN (9, 32, 39, 61, 96)), FALSE)",
                   f"coalesce(bool_or(contains({c}, ' ') OR contains({c}, chr(9))), FALSE)",
                   f"coalesce(bool_or(CASE WHEN strlen({c}) <= 9 THEN {c} IN {tokens} END), FALSE)"]
    checks += [f"sum({c})" for c in numbers]
    checks += [f"{side}({t})" for t in times for side in ("min", "max")]
    checks.append(f"count(*) FILTER ({plan.time_column} = TIMESTAMP '{UNIX_ZERO_PLACEHOLDER}')")
    found = list(db.execute(f"SELECT {', '.join(checks)} FROM input_lines").fetchone())
    lines, missing_order = found.pop(0), found.pop(0)
    suspect = {c: any([found.pop(0) for _ in range(3)]) for c in ids}
    sums = [found.pop(0) for _ in numbers]
    low, high = (dt.datetime.fromisoformat(day) for day in TIMESTAMP_RANGE)
    outside = any(value is not None and not low <= value < high for value in found[:-1])
    if missing_order or found[-1] or outside or not all(v is None or math.isfinite(v) for v in sums):
        raise _NotExact  # rows without order id, non-finite numbers, times pandas cannot hold, 1970 placeholders
    text = {c: _clean_id(db, c) if suspect[c] else c for c in ids}
    if suspect["order_id"] and \
            db.execute(f"SELECT count(*) FROM input_lines WHERE {text['order_id']} IS NULL").fetchone()[0]:
        raise _NotExact  # the loader skips and reports rows without order id
    for contact in (c for c in CONTACTS if c in present):
        trimmed = f"trim({contact}, {_sql_text(UNICODE_SPACE)})"
        text[contact] = f"CASE WHEN {trimmed} IN {tokens} THEN NULL ELSE {trimmed} END"
    first = min(plan.positions, key=plan.positions.get)  # the loader looks for 合计 rows in its first column
    if first in ("order_id", "customer_id", *CONTACTS):
        _check_summary_rows(db, first)
    issues: list[Issue] = []
    if "status" in present:
        text["status"] = _status_sql(db, file, issues, check_summary=first == "status")
    currencies = None
    if "currency" in present:
        values = [v for (v,) in db.execute("SELECT DISTINCT currency FROM input_lines").fetchall()]
        if first == "currency" and _has_summary_label(values):
            raise _NotExact
        currencies = tuple(clean_text(pd.Series([v for v in values if v is not None], dtype="str"))
                           .dropna().unique().tolist())
    columns = frozenset(c for c in (*ids, "status", plan.time_column, *CONTACTS, *numbers) if c in present)
    return ScannedOrders(db, columns, text, int(lines), file, issues, currencies)


def _clean_id(db, column: str) -> str:
    """SQL of `reading.values.clean_id` for an ID column with padded or missing-token values.

    The loader trims a column when any of its values starts or ends with a
    space or tab. IDs with the prefixes Excel-proof exports add (`'`, `="`)
    are left to the loader.
    """
    padded = db.execute(f"SELECT coalesce(bool_or(starts_with({column}, ' ') OR starts_with({column}, chr(9)) "
                        f"OR ends_with({column}, ' ') OR ends_with({column}, chr(9))), FALSE) "
                        "FROM input_lines").fetchone()[0]
    value = f"trim({column}, {_sql_text(ASCII_SPACE)})" if padded else column
    cleaned = f"CASE WHEN {value} IN {_sql_tuple(MISSING_TOKENS)} THEN NULL ELSE {value} END"
    decorated = " OR ".join(f"starts_with({cleaned}, {_sql_text(prefix)})" for prefix in ("'", "`", '="'))
    if db.execute(f"SELECT count(*) FROM input_lines WHERE {decorated}").fetchone()[0]:
        raise _NotExact
    return cleaned


def _has_summary_label(values) -> bool:
    return any(v is not None and v.strip() in SUMMARY_LABELS for v in values)


def _check_summary_rows(db, column: str) -> None:
    """A 合计/Total row in the first column: the loader drops and reports it."""
    hint = " OR ".join(f"contains({column}, {_sql_text(part)})" for part in ("计", "总", "otal", "OTAL"))
    label = f"trim({column}, {_sql_text(UNICODE_SPACE)}) IN {_sql_tuple(SUMMARY_LABELS)}"
    if db.execute(f"SELECT count(*) FROM input_lines WHERE ({hint}) AND {label}").fetchone()[0]:
        raise _NotExact


def _status_sql(db, file: str, issues: list[Issue], check_summary: bool) -> str:
    """SQL mapping the file's status words to canonical statuses with the generic adapter's own code.

    Adds the loader's "unknown order status" findings. When two unknown words
    have the same count, their order in that list is the file's, which only
    the loader knows, so the scan gives way.
    """
    counts = db.execute("SELECT status, sum(line_count) AS n FROM input_lines GROUP BY status ORDER BY n DESC") \
        .fetchall()
    raw = [value for value, _ in counts if value is not None]
    if check_summary and _has_summary_label(raw):
        raise _NotExact
    if not raw:
        return "CAST(NULL AS VARCHAR)"
    cleaned = clean_text(pd.Series(raw, dtype="str").astype("category"))
    canonical = status_mapper(COMMON_STATUS)(cleaned)
    mapped = dict(zip(raw, canonical.astype("object").where(canonical.notna(), None)))
    lines, cleaned_word = dict(counts), dict(zip(raw, cleaned.astype("object")))
    unknown = [word for word in raw if mapped[word] == "unknown"]
    if unknown:  # counted per cleaned word, as the loader reports them
        per_word = pd.Series([lines[w] for w in unknown], index=[cleaned_word[w] for w in unknown])
        per_word = per_word.groupby(level=0).sum()
        if per_word.duplicated().any():
            raise _NotExact
        frame = pd.DataFrame({
            "status": pd.Categorical(["unknown"] * int(per_word.sum()), categories=canonical.cat.categories),
            "status_raw": np.repeat(per_word.index.to_numpy(dtype=object), per_word.to_numpy(dtype=np.int64)),
        })
        context = Context(file, {}, [], "")
        report_unknown_statuses(frame, context)
        issues.extend(context.issues)
    # Most frequent words first: each line is compared until its word matches.
    cases = " ".join(f"WHEN {_sql_text(word)} THEN {_sql_text(status)}" for word, status in mapped.items()
                     if status is not None)
    return f"(CASE status {cases} END)" if cases else "CAST(NULL AS VARCHAR)"
