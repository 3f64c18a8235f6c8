"""Text exports: CSV/TSV in UTF-8 (with or without BOM), UTF-16 or GB18030,
with description rows above the header, and GA/UA files made of `#` comment
blocks and several tables."""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import statistics
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import BinaryIO

import numpy as np
import pandas as pd

from ecomplan.core.errors import InputError, Issue
from ecomplan.ingest.reading.header import detect_header_row, unique_headers
from ecomplan.ingest.reading.memory import release_unused
from ecomplan.ingest.reading.tables import FileInfo, RawTable, ReadPlan, ReadPlanner, ReadResult, drop_summary_rows
from ecomplan.ingest.reading.values import MISSING_TOKENS, PLACEHOLDER_DATES

HEAD_BYTES = 1 << 20
_PLAIN_NUMBER = re.compile(r"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$")
_PLAIN_DATETIME = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}( [0-9]{2}:[0-9]{2}:[0-9]{2})?$")
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig", "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16", "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16", "utf-16-be"),
)
_DELIMITERS = (",", "\t", ";", "|")
GB_CODECS = frozenset(codecs.lookup(name).name for name in ("gb18030", "gbk", "gb2312"))
GB_SAFE_DELIMITERS = (",", "\t", ";")  # `|` can be the second byte of a GBK character


def read_text(
    open_stream: Callable[[], BinaryIO],
    info: FileInfo,
    encoding: str | None,
    vocabulary: frozenset[str],
    planner: ReadPlanner | None = None,
    *,
    head_bytes: int | None = None,
    size: int | None = None,
) -> ReadResult:
    """The tables of a text export whose stream `open_stream` opens (once per pass, from the start).

    `size` is the stream's length in bytes (None: not known before reading it all). With `head_bytes`
    and a known size, only the first `head_bytes` bytes of rows are read, cut after the last whole row;
    `info.body_bytes` and `info.head_bytes_read` say how much there was and how much was read.
    """
    name = info.path.rsplit("/", 1)[-1]
    with open_stream() as stream:
        head = stream.read(HEAD_BYTES)
        complete = len(head) < HEAD_BYTES
    if not head.strip():
        raise InputError(f"{name}: the file has no content (only blank lines)")
    label, codec, bom = detect_encoding(head, complete, encoding, name)
    info.encoding = label
    try:
        head_text = codecs.getincrementaldecoder(codec)(errors="replace").decode(head[bom:], final=complete)
    except (UnicodeError, TypeError, ValueError):  # a codec without error replacement (idna, punycode ...)
        raise InputError(
            f"{name}: text is not valid {label}; pass another {{encoding}} (e.g. {{encoding}} gb18030)",
            arguments=("encoding",),
        ) from None
    first_line = next((line for line in head_text.splitlines() if line.strip()), "")
    if first_line.lstrip().startswith("#"):
        # GA/UA exports (`#` comment blocks, several small tables) are read whole, whatever `head_bytes` says
        if not complete:
            with open_stream() as stream:
                head_text = stream.read()[bom:].decode(codec, errors="replace")
        info.file_type = "csv"
        info.delimiter = ","
        return ReadResult(info, _read_commented(head_text, name))

    if not complete:  # only whole lines take part in header detection
        head_text = head_text[: head_text.rfind("\n") + 1]
    delimiter = detect_delimiter(head_text)
    info.delimiter = delimiter
    info.file_type = "tsv" if delimiter == "\t" else "csv"
    consumed = _CountingLines(head_text)
    records = []
    for record in csv.reader(consumed, delimiter=delimiter):
        records.append((record, consumed.chars))
        if len(records) >= 60:
            break
    header_index = detect_header_row([r for r, _ in records], vocabulary)
    if header_index is None:
        raise InputError(f"{name}: no table found (no row looks like a header with two or more columns)")
    header_cells, end_of_header = records[header_index]
    columns = unique_headers(header_cells)
    preamble = [delimiter.join(r).strip(delimiter + " ") for r, _ in records[:header_index]]
    offset = bom + len(head_text[:end_of_header].encode(codec))
    limit = _head_size(head_bytes, size, offset)
    plan = planner(columns) if planner else ReadPlan()
    scan = _scan_body(open_stream, size, offset, limit)
    plan = replace(plan, quoted=scan.quoted)
    if plan.numeric or plan.datetimes:  # only columns whose first rows are plain values are worth trying
        sample = [r for r, _ in records[header_index + 1 :]]

        def all_match(pattern: re.Pattern, i: int) -> bool:
            return all(
                pattern.match(r[i].strip())
                for r in sample
                if i < len(r) and r[i].strip() not in MISSING_TOKENS | set(PLACEHOLDER_DATES)
            )

        plan = replace(
            plan,
            numeric=frozenset(c for i, c in enumerate(columns) if c in plan.numeric and all_match(_PLAIN_NUMBER, i)),
            datetimes=frozenset(
                c for i, c in enumerate(columns) if c in plan.datetimes and all_match(_PLAIN_DATETIME, i)
            ),
        )
    frame, issues, read, skipped = _read_body(
        open_stream, offset, codec, delimiter, columns, name, header_index + 1, plan, limit
    )
    if codec == "utf-8" and frame is None:  # non-UTF-8 bytes after the first megabyte
        info.encoding, codec = "gb18030", "gb18030"
        offset = bom + len(head_text[:end_of_header].encode(codec))
        limit = _head_size(head_bytes, size, offset)
        frame, issues, read, skipped = _read_body(
            open_stream, offset, codec, delimiter, columns, name, header_index + 1, plan, limit
        )
    if frame is None:
        other = "utf-8" if codecs.lookup(codec).name in GB_CODECS else "gb18030"
        raise InputError(
            f"{name}: text is not valid {info.encoding} (a byte sequence below the header is no {info.encoding} "
            f"character); pass the file's encoding with {{encoding}} (e.g. {{encoding}} {other})",
            arguments=("encoding",),
        )
    info.body_bytes = None if size is None else size - offset
    info.head_bytes_read = read
    first, last = header_index + 2, header_index + 2 + len(frame)
    # row numbers (for findings) as int32 while they fit: 40 MB less for 10M lines, held for the whole run
    rows = np.arange(first, last, dtype=np.int32 if last < 2**31 else np.int64)
    # In an unquoted file every line is a row: the rows read are its non-empty lines but the skipped ones.
    # (Quoted cells may hold line breaks, where a row's line is not known without a quote-aware pass.)
    by_line = not scan.quoted and len("\n".encode(codec)) == 1
    if by_line and skipped is not None and (scan.empty_lines or skipped):
        lines = (
            _row_lines(open_stream, offset, read, first)
            if scan.empty_lines
            else np.arange(first, last + len(skipped), dtype=rows.dtype)
        )
        if skipped:
            lines = lines[~np.isin(lines, skipped)]
        if len(lines) == len(frame):  # else the reader and this count disagree: rows counted, as before
            rows = lines
    frame, rows = _drop_blank_rows(frame, rows)
    table = RawTable(
        "main", frame, rows, header_row=header_index + 1, issues=issues, preamble=[p for p in preamble if p]
    )
    return ReadResult(info, [drop_summary_rows(_drop_empty_columns(table), name)])


def detect_encoding(head: bytes, complete: bool, forced: str | None, name: str) -> tuple[str, str, int]:
    """(label shown to the user, codec to decode with, BOM length)."""
    for bom, label, codec in _BOMS:
        if head.startswith(bom):
            if forced and codecs.lookup(forced).name not in {codecs.lookup(codec).name, codecs.lookup(label).name}:
                break
            return label, codec, len(bom)
    if forced:
        try:
            found = codecs.lookup(forced)
        except LookupError:
            raise InputError(
                f"{name}: unknown encoding {forced!r} given with {{encoding}}", arguments=("encoding",)
            ) from None
        if not getattr(found, "_is_text_encoding", True):  # base64, hex, rot13, zlib: not a character set
            raise InputError(
                f"{name}: {forced!r} given with {{encoding}} is not a text encoding", arguments=("encoding",)
            )
        if found.name in {"utf-16", "utf-32"}:  # no byte order mark (else returned above): infer it
            return forced, _byte_order(head, found.name), 0
        return forced, forced, 0
    for codec in ("utf-8", "gb18030"):
        try:
            codecs.getincrementaldecoder(codec)().decode(head, final=complete)
            return codec, codec, 0
        except UnicodeDecodeError:
            continue
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        position = exc.start
    raise InputError(
        f"{name}: text is neither UTF-8 nor GB18030 (undecodable byte 0x{head[position]:02x} at offset "
        f"{position}); pass {{encoding}}, e.g. {{encoding}} latin-1",
        arguments=("encoding",),
    )


def _byte_order(head: bytes, codec: str) -> str:
    """`utf-16-le`/`-be` (or utf-32) for text without a byte order mark: ASCII characters have their zero
    byte after the code in little-endian, before it in big-endian; little-endian (Windows) on a tie."""
    width = 2 if codec == "utf-16" else 4
    first, last = head[0::width].count(0), head[width - 1 :: width].count(0)
    return f"{codec}-be" if first > last else f"{codec}-le"


def detect_delimiter(text: str) -> str:
    lines = [line for line in text.splitlines()[:60] if line.strip()][:30]
    best, best_score = ",", 0.0
    for delimiter in _DELIMITERS:
        counts = [line.count(delimiter) for line in lines]
        if not counts or max(counts) == 0:
            continue
        # Consistent counts over many lines beat a separator that shows up in prose.
        typical = statistics.median(counts)
        agreeing = sum(1 for c in counts if c == typical) / len(counts)
        score = typical * agreeing
        if score > best_score:
            best, best_score = delimiter, score
    return best


class _CountingLines:
    """Feeds csv.reader line by line and remembers how many characters it consumed,
    so the byte offset of the first data row is known exactly."""

    def __init__(self, text: str):
        self._lines = iter(text.splitlines(keepends=True))
        self.chars = 0

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self.chars += len(line)
        return line


def _head_size(head_bytes: int | None, size: int | None, offset: int) -> int | None:
    """How many bytes of rows to read when only a head is wanted and the rows hold more; None: all."""
    if head_bytes is None or size is None or size - offset <= head_bytes:
        return None
    return head_bytes


_QUOTE_SCAN_BLOCK = 1 << 20  # reused for every block: a small buffer stays in cache (16 MB: 0.05-1.0 s vs 0.03-0.3 s)


@dataclass(frozen=True)
class BodyScan:
    """What one pass over the bytes below the header found."""

    quoted: bool  # a `"` somewhere (or not known: a container's or a stream's rows): cells may hold line breaks
    empty_lines: bool = False  # a line with nothing on it, which the reader skips (looked for only unquoted)


def _scan_body(open_stream, size: int | None, offset: int, head: int | None = None) -> BodyScan:
    """Whether the data below the header (its first `head` bytes, when only they are read) holds a `"`
    byte (without one no cell can hold a line break, and pyarrow may split the file into blocks freely,
    ~40% faster) and, if not, an empty line (the reader skips it: the rows below it are a line further
    down than their count says). A file or a zip member (in memory) is scanned; a `.gz` stream, whose size
    is not known before it is decompressed, is not: it is read as if it held quotes."""
    if size is None or size <= offset:
        return BodyScan(quoted=True)
    # Block by block into one buffer: `find` of one byte is memchr (~5 GB/s); `mmap.find` compares byte by
    # byte (2.7 s of a 10M-line file's 14 s), and a new block each time is new memory (0.4 s against 0.27 s).
    left = None if head is None else head
    buffer = bytearray(_QUOTE_SCAN_BLOCK)
    view = memoryview(buffer)
    empty, tail = False, b"\n"  # the header's line break: a body that starts with one starts with an empty line
    with open_stream() as handle:
        _skip(handle, offset)
        while left is None or left > 0:
            read = handle.readinto(view[: _QUOTE_SCAN_BLOCK if left is None else min(left, _QUOTE_SCAN_BLOCK)])
            if not read:
                break
            if buffer.find(b'"', 0, read) >= 0:
                return BodyScan(quoted=True)
            if not empty:
                seam = bytearray(tail + bytes(view[: min(read, 2)]))  # an empty line across two blocks
                empty = _holds_empty_line(seam, len(seam)) or _holds_empty_line(buffer, read)
                tail = (tail + bytes(view[max(read - 2, 0) : read]))[-2:]
            if left is not None:
                left -= read
    # a last line of only a carriage return, without a line break after it, is an empty line too
    return BodyScan(quoted=False, empty_lines=empty or tail == b"\n\r")


def _holds_empty_line(buffer: bytearray, size: int) -> bool:
    """Whether the first `size` bytes of `buffer` hold an empty line (nothing, or a carriage return, between
    two line breaks), by RE2 (Arrow's regex kernel, on the buffer itself): 0.15 ms a megabyte, where
    `bytearray.find(b"\\n\\n")` takes 1 ms and Python's `re` 0.6."""
    import pyarrow as pa
    import pyarrow.compute as pc

    ends = pa.py_buffer(np.array([0, size], dtype=np.int64))
    cells = pa.Array.from_buffers(pa.large_binary(), 1, [None, ends, pa.py_buffer(buffer)])
    return pc.find_substring_regex(cells, r"\n\r?\n")[0].as_py() >= 0


def _row_lines(open_stream, offset: int, cut: int | None, first: int) -> np.ndarray:
    """The line number of each row of an unquoted body with empty lines: its non-empty lines, numbered
    from `first` (int32 while they fit)."""
    filled = list(_filled_lines(open_stream, offset, cut))
    lines = np.flatnonzero(np.concatenate(filled)) if filled else np.zeros(0, dtype=np.int64)
    return (lines + first).astype(np.int32 if first + len(lines) < 2**31 else np.int64)


def _filled_lines(open_stream, offset: int, cut: int | None) -> Iterator[np.ndarray]:
    """For each block of the rows (up to `cut`), whether each line ending in it holds anything (then, a last
    line without a line break). The reader skips an empty line: nothing, or only a carriage return, before
    its line break. Read block by block, so a 1 GB file is never held whole; numpy finds the breaks
    (0.7-1.9 ms a megabyte, where counting them and a regex for the empty ones took 8.7)."""
    start = 0  # where the line being read began, counted from the offset
    position = 0
    carry = b""  # the previous block's last byte: a line of one carriage return may begin there
    with open_stream() as stream:
        _skip(stream, offset)
        remaining = cut
        while chunk := stream.read(BLOCK_BYTES if remaining is None else min(BLOCK_BYTES, remaining)):
            if remaining is not None:
                remaining -= len(chunk)
            breaks = np.flatnonzero(np.frombuffer(chunk, dtype=np.uint8) == 10) + position
            if len(breaks):
                starts = np.concatenate(([start], breaks[:-1] + 1))
                lengths = breaks - starts
                only_return = lengths == 1
                if only_return.any():
                    at = starts[only_return] - (position - len(carry))
                    only_return[only_return] = np.frombuffer(carry + chunk, dtype=np.uint8)[at] == 13
                yield (lengths > 0) & ~only_return
                start = int(breaks[-1]) + 1
            position += len(chunk)
            carry = chunk[-1:]
    if position > start:  # a last line without a line break; empty if only a carriage return
        yield np.array([not (position - start == 1 and carry == b"\r")])


def _encoded(text: str, codec: str) -> bytes:
    """`text` in `codec`, without the byte order mark some codecs put first (`"\n"` is 2 bytes in UTF-16)."""
    mark = len(text.encode(codec)) * 2 - len((text + text).encode(codec))
    return text.encode(codec)[mark:]


def _is_last_row(text: str, data: bytes, cut: int, codec: str) -> bool:
    """Whether `text` (a row as pyarrow hands it over, without its line break) is the last row of
    `data[:cut]`, which ends with a line break."""
    newline = _encoded("\n", codec)
    end = cut - len(newline)
    carriage_return = _encoded("\r", codec)
    if data[max(end - len(carriage_return), 0) : end] == carriage_return:
        end -= len(carriage_return)
    row = _encoded(text, codec)
    start = end - len(row)
    return start >= 0 and data[start:end] == row and (start == 0 or data[start - len(newline) : start] == newline)


_MAX_WALK = 10_000  # line breaks to look back for one outside a quoted cell (a cell of more lines is not data)


def _row_ends(data: bytes, codec: str, quoted: bool, count: int = 3) -> list[int]:
    """Where whole rows of `data` (the first bytes below the header) may end, last first: just after a
    line break, and, when cells may be quoted, after an even number of quotes (after an odd number the
    line break is inside a quoted cell). [] when `data` holds no line break."""
    newline, quote = _encoded("\n", codec), _encoded('"', codec)
    width = len(newline)
    breaks: list[int] = []  # ends of lines, last first
    balanced: list[int] = []  # those outside quoted cells
    quotes, end = data.count(quote) if quoted else 0, len(data)  # quotes before `end`
    while len(breaks) < _MAX_WALK and len(balanced) < count:
        at = data.rfind(newline, 0, end)
        while at > 0 and at % width:  # UTF-16/32: the bytes of a line break across two characters
            at = data.rfind(newline, 0, at + width - 1)
        if at < 0:
            break
        if quoted:
            quotes -= data.count(quote, at + width, end)
        breaks.append(at + width)
        if quotes % 2 == 0:
            balanced.append(at + width)
        end = at
    # Quotes that never balance are stray quotes inside unquoted cells (`12" pizza`): any line break will do.
    return balanced or breaks[:count]


def _read_body(
    open_stream,
    offset: int,
    codec: str,
    delimiter: str,
    columns: list[str],
    name: str,
    header_row: int,
    plan: ReadPlan,
    head: int | None = None,
) -> tuple[pd.DataFrame | None, list[Issue], int | None, list[int] | None]:
    """Data rows below the header with pyarrow's multi-threaded reader.

    Cells are text, except the plan's numeric columns, which are tried as
    numbers first. `head`: read only the rows in that many bytes below the
    header. Returns the frame (None when the bytes are not valid `codec`),
    the findings, how many bytes of rows were read when only a head was
    (None: all of them), and the lines of the rows skipped as malformed
    (None: where they were is not known).
    """
    as_bytes = codecs.lookup(codec).name in GB_CODECS and delimiter in GB_SAFE_DELIMITERS
    data, ends = None, []
    if head is not None:
        with open_stream() as stream:
            _skip(stream, offset)
            data = stream.read(head)
        ends = _row_ends(data, codec, plan.quoted)
        if not ends:  # not one line break in the head: the rows are read whole
            data = None
    while True:
        try:
            return _read_arrow(
                open_stream, offset, codec, delimiter, columns, name, header_row, plan, as_bytes, data, ends
            )
        except _NotPlainNumbers:
            plan = replace(plan, numeric=frozenset(), datetimes=frozenset())
        except _NeedsText:
            as_bytes = False


class _NotPlainNumbers(Exception):
    pass


class _NeedsText(Exception):
    """A malformed row of a file read as bytes: the reader hands the skipped row over as text, so the
    file is read again decoded."""


def _read_arrow(open_stream, offset, codec, delimiter, columns, name, header_row, plan, as_bytes, data, ends):
    """One pass of pyarrow over the rows below the header: all of them from `open_stream`, or, when
    `data` holds the first bytes of the rows, those up to the first of `ends` (whole rows) that parses."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    issues: list[Issue] = []
    skipped: list[tuple[int | None, int]] = []  # (line after the header, cells): never the line's text
    head: list[int] = []  # where the rows handed to pyarrow end, when they are a head of the file's

    def on_bad_row(row) -> str:
        if head and _is_last_row(row.text, data, head[0], codec):
            head.clear()  # a head's last row, cut inside a quoted line break: the cut's doing, not the file's
            return "skip"
        skipped.append((row.number, row.actual_columns))
        return "skip"

    keys = [f"c{i}" for i in range(len(columns))]
    wanted = [k for k, c in zip(keys, columns, strict=False) if plan.columns is None or c in plan.columns]

    # GB18030/GBK text (`as_bytes`) is split into rows and cells as bytes (no trail byte of a Chinese
    # character is a comma, tab, semicolon, quote or line break) and only the cells with Chinese
    # characters are decoded, after the reader: Arrow's own transcoding decodes every byte on one core.
    text_type = pa.large_binary() if as_bytes else pa.large_string()  # large: what pandas stores, no copy

    def arrow_type(column: str):
        if column in plan.numeric:
            return pa.float64()
        if column in plan.datetimes:  # a day datetime64[ns] cannot hold (0001-01-01, 9999-12-31) is a conversion
            return pa.timestamp("ns")  # error: the column is read again as text and the cell reported
        if column in plan.categorical:  # statuses, channels: a few bytes a row instead of a string each
            return pa.dictionary(pa.int32(), text_type)
        return text_type

    types = {k: arrow_type(c) for k, c in zip(keys, columns, strict=False)}
    typed = plan.numeric | plan.datetimes
    convert = pacsv.ConvertOptions(
        column_types=types,
        include_columns=wanted,
        strings_can_be_null=False,
        quoted_strings_can_be_null=False,
        null_values=sorted(MISSING_TOKENS | set(PLACEHOLDER_DATES)) if typed else [""],
    )
    read_options = pacsv.ReadOptions(column_names=keys, encoding="utf8" if as_bytes else codec, block_size=16 << 20)
    # As bytes, a malformed row stops the read (it is read again as text): the handler gets the row as text,
    # which bytes are not.
    parse_options = pacsv.ParseOptions(
        delimiter=delimiter, newlines_in_values=plan.quoted, invalid_row_handler=None if as_bytes else on_bad_row
    )
    cuts: list[int | None] = list(ends) if data is not None else [None]
    for cut in cuts:
        skipped.clear()
        head[:] = [] if cut is None else [cut]
        try:
            if cut is None:
                with open_stream() as stream:
                    _skip(stream, offset)
                    table = pacsv.read_csv(
                        stream, read_options=read_options, parse_options=parse_options, convert_options=convert
                    )
            else:  # the head in memory, up to the end of a row
                table = pacsv.read_csv(
                    pa.BufferReader(pa.py_buffer(data).slice(0, cut)),
                    read_options=read_options,
                    parse_options=parse_options,
                    convert_options=convert,
                )
        except pa.ArrowInvalid as exc:
            message = str(exc)
            if as_bytes and "columns" in message:
                if cut is not None and cut != cuts[-1]:
                    continue  # the head's last row may be cut inside a quoted line break: one row less
                raise _NeedsText from None
            if "Empty CSV file" in message:
                return (
                    pd.DataFrame(
                        {c: pd.Series([], dtype="str") for k, c in zip(keys, columns, strict=False) if k in wanted}
                    ),
                    issues,
                    cut,
                    [],
                )
            if "UTF8" in message or "decode" in message.lower():
                return None, issues, cut, []
            if typed and "conversion error" in message.lower():
                raise _NotPlainNumbers from None
            first = message.splitlines()[0]
            if ": " in first and "columns" in first:  # "Expected 5 columns, got 3: <the row>": not the row
                first = first.rsplit(": ", 1)[0]
            raise InputError(f"{name}: CSV could not be parsed: {first}") from None
        except UnicodeError:  # UnicodeDecodeError, or a codec's own complaint
            if as_bytes:
                raise _NeedsText from None
            return None, issues, cut, []
        break
    names = dict(zip(keys, columns, strict=False))
    arrays = {key: table.column(key) for key in wanted}
    del table
    # The parser's blocks are freed but kept by the allocator (glibc keeps what its threads freed, ~0.5 GB
    # for a 1.3 GB file): handed back before the columns are converted, so the peak is the columns, not the
    # columns plus the reader's leftovers. 10M-line 千牛 GB18030, `rfm segment`: peak 1.66-1.68 GB -> 1.51 GB,
    # time no different (alternating runs); trimming again after the conversion cost ~1 s (pages re-faulted)
    release_unused()
    series = {}
    for key in wanted:  # each column is let go as it is converted: one column's copy at a time
        column = arrays.pop(key)
        if as_bytes:
            try:
                column = decode_column(column, codec)
            except UnicodeDecodeError:
                return None, issues, cut, []
        series[names[key]] = _to_pandas(column)
        del column
    frame = pd.DataFrame(series, copy=False)  # copy=False: no block consolidation (a copy of every column)
    unnumbered = bool(skipped) and all(number is None for number, _ in skipped)  # the parallel reader's
    # A quote may have swallowed rows only where the file has more non-empty lines than rows were read:
    # counted in blocks, so the rows are read again (once, for both checks) only when something is amiss.
    swallowing = (
        plan.quoted
        and len("\n".encode(codec)) == 1  # UTF-16/32: lines are not single bytes; not checked
        and _nonempty_lines(open_stream, offset, cut) > len(frame) + len(skipped)
    )
    body = b""
    if unnumbered or swallowing:
        body = _body(open_stream, offset, cut, None if swallowing else NUMBERING_BYTES + 1)
    if unnumbered and len(body) <= NUMBERING_BYTES:
        skipped = _number_malformed_rows(body, codec, delimiter, len(columns), skipped)
    for number, cells in skipped[:5]:  # the row's text may hold a phone number: it is never quoted
        issues.append(
            Issue(
                name,
                f"row skipped: it has {cells} cells, the header has {len(columns)} (header on row {header_row})",
                code="malformed_row",
                row=header_row + number if number is not None else None,
            )
        )
    if len(skipped) > 5:
        issues.append(
            Issue(name, f"{len(skipped) - 5} more malformed rows skipped", code="malformed_row", count=len(skipped) - 5)
        )
    if swallowing:
        issues.extend(_swallowed_rows(body, codec, delimiter, columns, name, header_row))
    numbers = [number for number, _ in skipped]
    return frame, issues, cut, None if None in numbers else [header_row + number for number in numbers]


# Files up to this size have their malformed rows found again by Python's csv module, for their row numbers.
NUMBERING_BYTES = 64 << 20
BLOCK_BYTES = 16 << 20  # lines are counted this many bytes at a time


def _body(open_stream, offset: int, cut: int | None, limit: int | None) -> bytes:
    """The bytes of the rows (after the header; up to `cut`, and at most `limit`)."""
    with open_stream() as stream:
        _skip(stream, offset)
        sizes = [n for n in (cut, limit) if n is not None]
        return stream.read(min(sizes) if sizes else -1)


def _nonempty_lines(open_stream, offset: int, cut: int | None) -> int:
    """Lines of the rows that are not empty (`_filled_lines`)."""
    return sum(int(np.count_nonzero(filled)) for filled in _filled_lines(open_stream, offset, cut))


def _csv_records(body: bytes, codec: str, delimiter: str) -> Iterator[tuple[int, int, list[str]]]:
    """(first line, last line, cells) of each row as Python's csv module splits it, the way the reader does
    (lines counted from the first row below the header)."""
    reader = csv.reader(io.StringIO(body.decode(codec, errors="replace"), newline=""), delimiter=delimiter)
    first_line = 1
    for record in reader:
        yield first_line, reader.line_num, record
        first_line = reader.line_num + 1


def _number_malformed_rows(
    body: bytes, codec: str, delimiter: str, width: int, skipped: list
) -> list[tuple[int | None, int]]:
    """(line after the header, cells) of each row the reader skipped, found again in `body`; `skipped` as it
    was when the two disagree."""
    found: list[tuple[int | None, int]] = [
        (first, len(record))
        for first, _, record in _csv_records(body, codec, delimiter)
        if record and len(record) != width
    ]
    return found if len(found) == len(skipped) else skipped


def _swallowed_rows(
    body: bytes, codec: str, delimiter: str, columns: list[str], name: str, header_row: int
) -> list[Issue]:
    """Rows a quote swallowed: a cell opened by `"` and not closed on its line takes the lines below into
    itself, up to the next quote or the end of the file. The merged row is kept (its cell count may
    still fit) or skipped; the rows inside the cell are gone either way. A line inside a cell that holds
    as many delimiters as a row is a swallowed row (a note typed over several lines is not)."""
    issues = []
    for first, last, record in _csv_records(body, codec, delimiter):
        spanned = last - first
        inside = [line for cell in record if "\n" in cell for line in cell.splitlines()[1:]]
        if spanned and any(line.count(delimiter) >= len(columns) - 2 for line in inside):
            row = header_row + first
            issues.append(
                Issue(
                    name,
                    f'a quote (") that starts a cell on row {row} is not closed on that row: '
                    + (f"row {row + 1} was" if spanned == 1 else f"rows {row + 1}-{row + spanned} were")
                    + " read into that cell, so they are missing; find the stray quote and double it or remove it",
                    code="unclosed_quote",
                    row=row,
                    count=spanned,
                )
            )
    return issues


def decode_column(column, codec: str):
    """A column (Arrow ChunkedArray) of GB18030/GBK bytes as UTF-8 text. ASCII cells (IDs, numbers,
    dates: most of an export) are reinterpreted without a copy; the others are decoded chunk by chunk,
    on every core (Arrow's kernels let go of the GIL), in one call of the codec per chunk over its
    cells joined by NUL (a byte no Chinese character contains); a chunk whose cells repeat (titles,
    statuses) decodes each distinct cell once. Raises UnicodeDecodeError on bytes that are not `codec`."""
    import pyarrow as pa

    if pa.types.is_dictionary(column.type):
        chunks = [
            pa.DictionaryArray.from_arrays(chunk.indices, _decode_chunk(chunk.dictionary, codec))
            for chunk in column.chunks
        ]
        return pa.chunked_array(chunks, pa.dictionary(pa.int32(), pa.large_string()))
    if not pa.types.is_large_binary(column.type):
        return column
    if column.num_chunks < 2:
        return pa.chunked_array([_decode_chunk(chunk, codec) for chunk in column.chunks], pa.large_string())
    from concurrent.futures import ThreadPoolExecutor

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    with ThreadPoolExecutor(min(cores, column.num_chunks)) as pool:  # the cores this process may use
        chunks = list(pool.map(lambda chunk: _decode_chunk(chunk, codec), column.chunks))
    return pa.chunked_array(chunks, pa.large_string())


def _decode_chunk(chunk, codec: str):
    """One Arrow array of `codec` bytes as large_string (see `decode_column`)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    text = chunk.view(pa.large_string())
    wide = pc.invert(pc.string_is_ascii(text))
    if not pc.any(wide).as_py():
        return text
    cells = pc.filter(chunk, wide)
    encoded = pc.dictionary_encode(cells)
    repeated = 2 * len(encoded.dictionary) <= len(cells)
    distinct = encoded.dictionary if repeated else cells
    decoded = _decode_cells(distinct, codec)
    return pc.replace_with_mask(text, wide, pc.take(decoded, encoded.indices) if repeated else decoded)


def _decode_cells(cells, codec: str):
    """Cells of `codec` bytes (an Arrow array without nulls) as large_string: one call of the codec over
    the cells joined by NUL, unless a cell holds a NUL itself."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if pc.any(pc.match_substring(cells.view(pa.large_string()), "\x00")).as_py():
        return pa.array([value.decode(codec) for value in cells.to_pylist()], pa.large_string())
    nul = pa.scalar(b"\x00", pa.large_binary())
    joined = pc.binary_join_element_wise(cells, pa.scalar(b"", pa.large_binary()), nul)
    whole = pa.ListArray.from_arrays(pa.array([0, len(joined)], pa.int32()), joined)
    utf8 = pc.binary_join(whole, pa.scalar(b"", pa.large_binary()))[0].as_py().decode(codec).encode("utf-8")
    decoded = pc.list_flatten(pc.split_pattern(pa.array([utf8], pa.large_binary()), b"\x00"))
    return decoded.slice(0, len(cells)).view(pa.large_string())


def _to_pandas(column) -> pd.Series:
    import pyarrow as pa

    if pa.types.is_dictionary(column.type):
        return column.to_pandas()  # a Categorical
    if pa.types.is_timestamp(column.type) or pa.types.is_floating(column.type):
        return column.to_pandas()  # one copy out of the chunks, none more
    return pd.Series(column, dtype="str")


def _skip(stream: BinaryIO, offset: int) -> None:
    try:
        stream.seek(offset)
    except (OSError, io.UnsupportedOperation):
        remaining = offset
        while remaining:
            chunk = stream.read(min(remaining, 1 << 20))
            if not chunk:
                break
            remaining -= len(chunk)


def _drop_blank_rows(frame: pd.DataFrame, rows: np.ndarray) -> tuple[pd.DataFrame, np.ndarray]:
    if frame.empty:
        return frame, rows

    def blank(column: pd.Series) -> np.ndarray | None:
        """Where the column's cells are missing, empty or all whitespace; None where none is (the usual
        answer, found without a row-sized array: each is fresh memory, slow on this VM at 10M rows)."""
        if isinstance(column.dtype, pd.CategoricalDtype) or column.dtype != "str":
            missing = column.isna()
            return missing.to_numpy() if missing.any() else None
        import pyarrow.compute as pc

        array = column.array.__arrow_array__()
        # Two cheap kernels instead of a stripped copy of the column.
        empty = pc.fill_null(pc.or_(pc.equal(array, ""), pc.utf8_is_space(array)), True)
        return empty.to_numpy(zero_copy_only=False) if pc.any(empty).as_py() else None

    empty = blank(frame.iloc[:, 0])
    if empty is None:
        return frame, rows
    empty = empty.copy()
    for column in frame.columns[1:]:  # only rows whose first cell is empty can be blank
        other = blank(frame[column])
        if other is None:
            return frame, rows
        empty &= other
        if not empty.any():
            return frame, rows
    filled = ~empty
    return frame.loc[filled].reset_index(drop=True), rows[filled]


def _drop_empty_columns(table: RawTable) -> RawTable:
    """Columns without a header and without any value: Excel's trailing-comma padding."""
    frame = table.frame
    empty = [
        c for c in frame.columns if c.startswith("column_") and not (frame[c].astype("str").str.strip() != "").any()
    ]
    if empty:
        table.frame = frame.drop(columns=empty)
    return table


# ---- GA4 / Universal Analytics: `#` comment blocks, several tables per file ----

_RULE = re.compile(r"^#\s*-{5,}")
_KEY_VALUE = re.compile(r"^#\s*(Start date|End date|Account|Property)\s*:\s*(.*)$", re.IGNORECASE)
_UA_RANGE = re.compile(r"^#\s*(\d{8})-(\d{8})\s*$")


def _read_commented(text: str, name: str) -> list[RawTable]:
    """Split a GA4/UA export into its tables.

    Each table gets the comment block above it (`# Start date:`, a card title)
    as metadata; the file's preamble (report kind, account, property or UA
    view/report/date range) is shared by all. UA totals rows (dimension cells
    empty) are dropped and reported.
    """
    file_meta: dict[str, str] = {}
    block: list[str] = []
    tables: list[RawTable] = []
    current: dict | None = None
    preamble_rules = 0
    resaved = False

    def close() -> None:
        nonlocal current
        if current is not None:
            tables.append(_finish_ga_table(current, name))
            current = None

    for number, record in enumerate(csv.reader(io.StringIO(text)), start=1):
        cells = [c.strip() for c in record]
        if len(record) > 1 and record[0].startswith("#") and not any(cells[1:]):
            resaved = True  # Excel pads comment lines with commas when it re-saves a CSV
        if cells and cells[0].startswith("#"):
            close()
            comment = ",".join(record).rstrip(",").strip()
            if _RULE.match(comment):
                preamble_rules += 1
                continue
            if preamble_rules == 1:  # inside the top rule pair: report kind, account, property
                match = _KEY_VALUE.match(comment)
                if match:
                    file_meta[match.group(1).lower().replace(" ", "_")] = match.group(2).strip()
                else:
                    file_meta.setdefault("report_lines", "")
                    file_meta["report_lines"] += comment.lstrip("# ").strip() + "\n"
                continue
            block.append(comment)
            continue
        if not any(cells):
            close()
            continue
        if current is None:
            meta = _block_meta(block)
            if not tables and "title" in meta and "segment" not in file_meta:
                # GA4 prints the segment or comparison ("All Users") above the first table.
                file_meta["segment"] = meta.pop("title")
            elif "title" in meta and meta["title"] == file_meta.get("segment"):
                meta.pop("title")
            current = {"header": cells, "header_row": number, "rows": [], "numbers": [], "meta": {**file_meta, **meta}}
            block = []
            continue
        current["rows"].append(record)
        current["numbers"].append(number)
    close()
    for table in tables:
        table.meta.update({k: v for k, v in _ua_meta(file_meta).items() if k not in table.meta})
        if resaved:
            table.issues.append(
                Issue(
                    name,
                    "the file was re-saved by Excel (comment lines padded with commas); "
                    "re-download the original export if numbers look rounded",
                    code="resaved_by_excel",
                    severity="info",
                )
            )
    if not tables:
        raise InputError(f"{name}: only comment lines, no table")
    return tables


def _block_meta(block: list[str]) -> dict[str, str]:
    meta: dict[str, str] = {}
    titles = []
    for comment in block:
        match = _KEY_VALUE.match(comment)
        if match:
            meta[match.group(1).lower().replace(" ", "_")] = match.group(2).strip()
        elif comment.lstrip("# ").strip():
            titles.append(comment.lstrip("# ").strip())
    if titles:
        meta["title"] = " / ".join(titles)
    return meta


def _ua_meta(file_meta: dict[str, str]) -> dict[str, str]:
    """UA preamble lines: view name, report name, `YYYYMMDD-YYYYMMDD`."""
    lines = [line for line in file_meta.get("report_lines", "").splitlines() if line]
    meta: dict[str, str] = {}
    for line in lines:
        match = _UA_RANGE.match("# " + line)
        if match:
            meta["start_date"], meta["end_date"] = match.group(1), match.group(2)
    named = [line for line in lines if not _UA_RANGE.match("# " + line)]
    if named:
        meta["report_title"] = named[0]
        if len(named) > 1:
            meta["view"], meta["report_title"] = named[0], named[1]
    return meta


def _finish_ga_table(current: dict, name: str) -> RawTable:
    header = current["header"]
    width = len(header)
    columns = unique_headers(header)
    rows = [(r + [""] * width)[:width] for r in current["rows"]]
    numbers = list(current["numbers"])
    issues: list[Issue] = []
    # UA: the main table ends with a totals row whose dimension cells are empty.
    kept_rows, kept_numbers = [], []
    for cells, number in zip(rows, numbers, strict=False):
        if not cells[0].strip() and any(c.strip() for c in cells[1:]):
            issues.append(Issue(name, "totals row dropped (not data)", code="summary_row", row=number, severity="info"))
            continue
        kept_rows.append(cells)
        kept_numbers.append(number)
    frame = (
        pd.DataFrame(kept_rows, columns=columns, dtype="str")
        if kept_rows
        else pd.DataFrame({c: pd.Series([], dtype="str") for c in columns})
    )
    table = RawTable(
        current["meta"].get("title") or ", ".join(c for c in header if c)[:60],
        frame,
        np.array(kept_numbers, dtype=np.int64),
        header_row=current["header_row"],
        meta=dict(current["meta"]),
        issues=issues,
    )
    table.meta.pop("report_lines", None)
    return _drop_empty_columns(table)
