"""Vectorized parsers for the decorated values platforms export.

`"10,095.00"`, `"0.45%"`, `"2.5万"`, `"¥1,299"`, `"$0.00"`, `"-"`, `"00:02:26"`,
`"20231010"`, `"2021-05-13 11:01:13 +0200"`, Excel serial dates... Each parser
takes a whole column and returns the parsed values plus a mask of cells that
were present but could not be parsed, so callers can report them by row
instead of silently turning them into 0 or NaN.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

import numpy as np
import pandas as pd

# Cells that mean "no value". Never 0: a "-" conversion rate is undefined, not zero.
MISSING_TOKENS = frozenset(
    {
        "",
        "-",
        "--",
        "---",
        "—",
        "——",
        "–",
        "/",
        "N/A",
        "n/a",
        "NA",
        "na",
        "null",
        "NULL",
        "None",
        "none",
        "nan",
        "NaN",
        "#N/A",
        "#DIV/0!",
        "#VALUE!",
        "不适用",
        "无",
    }
)

_CURRENCY = r"(?:US\$|A\$|C\$|HK\$|NT\$|S\$|R\$|RMB|CNY|USD|EUR|GBP|[¥￥$£€₩₹])"
# A plain number, optionally with well-formed thousands separators. "0,45" does
# not match on purpose: a decimal comma must never be read as 45.
_NUMBER = r"[+-]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)?(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?"
_DECORATED = (
    rf"^[ \t]*(?P<sign>[+-]?)[ \t]*{_CURRENCY}?[ \t]*(?P<num>{_NUMBER})[ \t]*(?P<unit>[%‰万亿]?)[ \t]*(?:元|块)?[ \t]*$"
)
_SCALE = {"": 1.0, "%": 0.01, "‰": 0.001, "万": 1e4, "亿": 1e8}


@dataclass(frozen=True)
class Parsed:
    """Parsed column: `values` (NaN/NaT where missing or invalid) and `invalid`
    (True where a cell had text that is not a valid value of the expected kind)."""

    values: pd.Series
    invalid: pd.Series


def _arrow(values: pd.Series):
    """The column's Arrow array when it is Arrow-backed text (CSV columns), else None.

    Arrow's compute kernels do in ~10 ms per million cells what pandas string
    methods do in ~250 ms, which is what makes 10-million-line exports fast.
    """
    if isinstance(values.dtype, pd.StringDtype) and values.dtype.storage == "pyarrow":
        return values.array.__arrow_array__()  # large_string, as pandas stores it
    return None


def _arrow_text(values: pd.Series, unicode_trim: bool = False):
    """Trimmed Arrow text with missing tokens as null (or None for non-Arrow columns).

    IDs, numbers and dates need only ASCII trimming (4x faster than Unicode
    trimming on 10M cells); names and labels also lose full-width spaces.
    """
    import pyarrow.compute as pc

    array = _arrow(values)
    if array is None:
        return None
    if unicode_trim:
        array = pc.utf8_trim_whitespace(array)
    elif _any_edge(array, b" \t", b" \t"):
        array = pc.ascii_trim_whitespace(array)  # copied only when needed: ~200 MB for 10M IDs
    return null_where(array, pc.is_in(array, value_set=_missing_tokens()))


EDGE_SLICE = 1 << 18


def _any_edge(array, first: bytes, last: bytes) -> bool:
    """Whether any cell of Arrow text starts with one of the bytes `first` or ends with one of `last`:
    read off the text buffer at the cells' offsets, one gather instead of a kernel per byte. A null
    cell may answer yes (its bytes are not looked at otherwise): the caller then does the real work."""
    import pyarrow as pa

    chunks = array.chunks if isinstance(array, pa.ChunkedArray) else [array]
    # a long array (an Excel column, a combined one) in slices: the index arrays below are new memory,
    # ~1 s for 10M cells at once on a machine that is slow to hand out fresh pages, 0.1 s a slice at a time
    pieces = (chunk.slice(start, EDGE_SLICE) for chunk in chunks for start in range(0, len(chunk), EDGE_SLICE))
    for chunk in pieces:
        if len(chunk) == 0 or chunk.buffers()[2] is None:
            continue
        large = pa.types.is_large_string(chunk.type) or pa.types.is_large_binary(chunk.type)
        offsets: np.ndarray = np.frombuffer(chunk.buffers()[1], dtype=np.int64 if large else np.int32).astype(
            np.int64, copy=False
        )[chunk.offset : chunk.offset + len(chunk) + 1]
        data = np.frombuffer(chunk.buffers()[2], dtype=np.uint8)
        filled = offsets[1:] > offsets[:-1]
        for edge, wanted in ((offsets[:-1], first), (offsets[1:] - 1, last)):
            if wanted and np.isin(data[edge[filled]], np.frombuffer(wanted, dtype=np.uint8)).any():
                return True
    return False


def null_where(array, mask):
    """`array` (Arrow text, chunked or not) with the cells where `mask` is true made null. Only the
    validity bitmap is new: the text stays where it is (`if_else` would copy 10M IDs, ~0.8 s)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not pc.any(mask).as_py():
        return array
    if isinstance(array, pa.ChunkedArray):
        masks = mask.chunks if isinstance(mask, pa.ChunkedArray) else [mask]
        if [len(c) for c in masks] != [len(c) for c in array.chunks]:
            # `is_in` hands a chunked column's mask back in one piece: the mask is sliced along the
            # column's chunks (no copy) rather than the 10M cells copied into one (~0.8 s, 2 s with
            # what the copy costs the next kernels)
            whole = pa.chunked_array(masks, pa.bool_())
            starts = np.cumsum([0, *(len(c) for c in array.chunks)])
            masks = [whole.slice(start, len(c)) for start, c in zip(starts, array.chunks, strict=False)]
        return pa.chunked_array([null_where(a, m) for a, m in zip(array.chunks, masks, strict=True)], array.type)
    if isinstance(mask, pa.ChunkedArray):
        mask = mask.combine_chunks()
    keep = pc.and_not(pc.is_valid(array), pc.fill_null(mask, False))
    if array.offset or keep.offset:  # a slice: its buffers start elsewhere than its first cell
        return pc.if_else(keep, array, pa.scalar(None, array.type))
    validity = keep.buffers()[1]
    return pa.Array.from_buffers(array.type, len(array), [validity, *array.buffers()[1:]], null_count=-1)


@functools.lru_cache(maxsize=1)
def _missing_tokens():
    import pyarrow as pa

    return pa.array(sorted(MISSING_TOKENS))


def _from_arrow_text(array, index: pd.Index) -> pd.Series:
    return pd.Series(array, dtype="str", index=index)


def _per_category(values: pd.Series, parse) -> Parsed | None:
    """Parse a categorical column once per distinct value, then spread by code:
    a status or date column of 10M rows has a few hundred distinct values."""
    if not isinstance(values.dtype, pd.CategoricalDtype):
        return None
    categories = pd.Series(
        values.cat.categories, dtype=object if values.cat.categories.dtype == object else values.cat.categories.dtype
    )
    parsed = parse(categories)
    parsed = parsed if isinstance(parsed, Parsed) else Parsed(parsed, pd.Series(False, index=categories.index))
    codes = values.cat.codes.to_numpy()
    take = np.where(codes < 0, 0, codes)
    out = pd.Series(parsed.values.to_numpy()[take], index=values.index, dtype=parsed.values.dtype)
    out = out.mask(codes < 0) if len(categories) else out
    invalid = pd.Series(parsed.invalid.to_numpy()[take] & (codes >= 0), index=values.index)
    return Parsed(out, invalid)


def recategorize(values: pd.Series, new_categories: pd.Series, categories: list[str] | None = None) -> pd.Series:
    """A categorical column with each category replaced (several may merge, NA allowed).

    `categories` fixes the resulting category list (a superset of the new
    values). Works on the few categories plus one lookup over the codes, so
    10M rows cost one array take.
    """
    inverse, uniques = pd.factorize(new_categories, use_na_sentinel=True)
    final = pd.Index(categories if categories is not None else uniques, dtype="str")
    position = final.get_indexer(pd.Index(uniques, dtype="str"))
    if (position < 0).any():
        raise ValueError(f"categories {list(uniques[position < 0])} not in {list(final)}")
    # lookup[code] is the new code; the appended -1 serves code -1 (missing) by negative indexing.
    mapped = position[np.maximum(inverse, 0)] if len(position) else np.full(len(inverse), -1)
    # Codes as narrow as the categories allow (pandas would narrow wider ones with a copy): on this VM each
    # fresh megabyte costs, and 10M int32 codes were 40 MB where int8 codes are 10 MB.
    lookup = np.append(np.where(inverse < 0, -1, mapped), -1).astype(_code_type(len(final)))
    same = final.dtype == values.cat.categories.dtype and final.equals(values.cat.categories)
    unchanged = same and np.array_equal(lookup[:-1], np.arange(len(final)))
    if unchanged:
        # every category stays itself (text already clean): no pass over the rows; a new Series object
        # (its data shared until one side is changed: copy-on-write), never the caller's own
        return values.copy(deep=False)
    codes = values.cat.codes.to_numpy()
    new_codes = lookup[codes] if len(lookup) > 1 else np.full(len(codes), -1, dtype=lookup.dtype)
    dtype = pd.CategoricalDtype(final)
    return pd.Series(pd.Categorical.from_codes(new_codes, dtype=dtype, validate=False), index=values.index)


def _code_type(categories: int) -> type[np.signedinteger]:
    """The narrowest signed integer holding codes -1 .. categories - 1 (what pandas itself picks)."""
    return next((kind for kind in (np.int8, np.int16, np.int32) if categories < np.iinfo(kind).max), np.int64)


def _as_text(values: pd.Series) -> pd.Series:
    """Stripped text with missing tokens as NA; works for str and mixed object columns."""
    text = values.astype("str") if values.dtype != "str" else values
    text = text.str.strip()
    return text.mask(text.isin(MISSING_TOKENS) | values.isna())


def parse_number(values: pd.Series) -> Parsed:
    """Parse numbers as platforms print them; `%`/`‰` give fractions, 万/亿 scale up.

    Accounting negatives `(1,234.00)` are negative. Cells that are already numbers
    (from Excel) pass through unchanged; text cells, whatever the column held,
    go through one rule written in Arrow compute (`_number_from_text`).
    """
    if pd.api.types.is_bool_dtype(values) or pd.api.types.is_numeric_dtype(values):
        return Parsed(values.astype("float64"), pd.Series(False, index=values.index))
    by_category = _per_category(values, parse_number)
    if by_category is not None:
        return by_category
    numbers, text = _numbers_and_text(values)
    parsed, invalid = _number_from_text(_arrow_text(text))
    if numbers is not None:
        parsed = np.where(numbers.notna().to_numpy(), numbers.to_numpy(dtype="float64", na_value=np.nan), parsed)
    return Parsed(pd.Series(parsed, index=values.index, dtype="float64"), pd.Series(invalid, index=values.index))


def _numbers_and_text(values: pd.Series) -> tuple[pd.Series | None, pd.Series]:
    """An Excel column's cells that are already numbers (None: there are none) and its text cells as
    Arrow-backed text (missing where a cell is a number). Homogeneous columns are told apart without
    looking at each cell."""
    if _arrow(values) is not None:
        return None, values
    if values.dtype != object:
        return None, values.astype("str")
    kind = pd.api.types.infer_dtype(values, skipna=True)
    if kind in {"string", "empty"}:
        return None, values.astype("str")
    if kind in {"floating", "integer", "mixed-integer-float", "decimal"}:
        return pd.to_numeric(values, errors="coerce").astype("float64"), pd.Series(
            pd.NA, index=values.index, dtype="str"
        )
    is_number = values.map(_is_real_number).astype(bool)
    numbers = pd.to_numeric(values.where(is_number), errors="coerce").astype("float64")
    return numbers, values.where(~is_number).astype("str")


# Scale of each unit a decorated number may carry (`_DECORATED`'s `unit` group).
_UNITS = ("", "%", "‰", "万", "亿")
_PLAIN_NUMBER_TEXT = r"^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$"


def _number_from_text(array) -> tuple[np.ndarray, np.ndarray]:
    """Numbers from trimmed Arrow text (missing tokens already null): (values with NaN, invalid mask).

    Plain numbers take one cast; the decorated ones (`1,234`, `12.5%`, `¥8`, `(3.00)`, `2.5万`) are
    taken apart by `_DECORATED`. A cell that is present but no number is invalid, never 0."""
    import pyarrow as pa
    import pyarrow.compute as pc

    present = pc.is_valid(array).to_numpy(zero_copy_only=False)
    try:
        out = pc.cast(array, pa.float64()).to_numpy(zero_copy_only=False)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        parens = pc.and_(pc.starts_with(array, "("), pc.ends_with(array, ")"))
        inner = pc.if_else(parens, pc.utf8_slice_codeunits(array, 1, -1), array)
        parts = pc.extract_regex(inner, _DECORATED)  # null where the cell is no decorated number
        digits = pc.replace_substring(pc.struct_field(parts, "num"), ",", "")
        digits = pc.if_else(pc.match_substring_regex(digits, _PLAIN_NUMBER_TEXT), digits, pa.scalar(None, digits.type))
        scale = pc.take(
            pa.array([_SCALE[u] for u in _UNITS]), pc.index_in(pc.struct_field(parts, "unit"), pa.array(_UNITS))
        )
        negative = pc.xor(pc.equal(pc.struct_field(parts, "sign"), "-"), parens)
        sign = pc.if_else(negative, -1.0, 1.0)
        number = pc.multiply(pc.multiply(pc.cast(digits, pa.float64()), scale), sign)
        out = number.to_numpy(zero_copy_only=False).astype("float64")
    out = np.where(np.isinf(out), np.nan, out)
    return out, present & np.isnan(out)


def _is_real_number(cell: object) -> bool:
    return isinstance(cell, (int, float, np.integer, np.floating)) and not isinstance(cell, bool)


def parse_duration(values: pd.Series) -> Parsed:
    """Seconds from `00:02:26`, `2:26`, plain seconds (`12.55`) or `12.55秒`."""
    if pd.api.types.is_numeric_dtype(values):
        return Parsed(values.astype("float64"), pd.Series(False, index=values.index))
    by_category = _per_category(values, parse_duration)
    if by_category is not None:
        return by_category
    text = _as_text(values).str.lstrip("<>")  # UA prints "<00:00:01" for sub-second averages
    clock = text.str.extract(r"^(?:([0-9]+):)?([0-9]{1,2}):([0-9]{1,2}(?:\.[0-9]+)?)$")
    hours = pd.to_numeric(clock[0], errors="coerce").fillna(0)
    seconds = hours * 3600 + pd.to_numeric(clock[1], errors="coerce") * 60 + pd.to_numeric(clock[2], errors="coerce")
    plain = pd.to_numeric(text.str.replace(r"[ \t]*(秒|s|sec)$", "", regex=True), errors="coerce")
    out = seconds.astype("float64").where(clock[1].notna(), plain)
    if values.dtype == object:
        out = out.where(
            ~values.map(_is_real_number), pd.to_numeric(values.where(values.map(_is_real_number)), errors="coerce")
        )
    return Parsed(out, text.notna() & out.isna())


# Patterns avoid \d and \s: pandas sends those to Python's re (slow) instead of RE2.
# Tried in order on a sample; each format that matches something is used on the
# rest of the column, so one export mixing `2026-06-04` and `2026/6/4` still parses.
DATE_FORMATS = (
    "%Y-%m-%d",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y/%m/%d",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y%m%d",
    "%Y.%m.%d",
    "%Y年%m月%d日",
    "%Y年%m月%d日 %H:%M:%S",
    "%m/%d/%y",  # UA "Day Index" in the en-US locale: 6/1/20
    "%m/%d/%Y",
    "%m/%d/%Y %H:%M",  # the UCI Online Retail CSV as most copies have it: 12/1/2010 8:26
    "%m/%d/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
    "%d.%m.%Y",
)
TZ_FORMATS = ("%Y-%m-%d %H:%M:%S %z", "%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S.%f%z")
PLACEHOLDER_DATES = ("0000-00-00", "0000-00-00 00:00:00", "1970-01-01 08:00:00")


def parse_datetime(values: pd.Series, tz: str = "Asia/Shanghai") -> Parsed:
    """Naive local datetimes (wall clock in `tz`) from the formats platforms use.

    Timestamps carrying an offset (Shopify `+0200`, ISO `Z`) are converted to
    `tz`; naive ones are taken as already local. `0000-00-00` (Taobao's unpaid
    placeholder) is missing, not invalid. Excel cells may already be datetimes
    or serial numbers; `20231010` integers are read as dates.
    """
    index = values.index
    by_category = _per_category(values, lambda v: parse_datetime(v, tz))
    if by_category is not None:
        return by_category
    if pd.api.types.is_datetime64_any_dtype(values):  # typed by the reader: only the range is checked
        converted = values.dt.tz_convert(tz).dt.tz_localize(None) if values.dt.tz is not None else values
        if converted.dtype == "datetime64[ns]":  # nothing can be out of its own range
            return Parsed(converted, pd.Series(False, index=index))
        inside = to_ns(converted)
        return Parsed(inside, converted.notna() & inside.isna())
    out = pd.Series(pd.NaT, index=index, dtype="datetime64[ns]")
    kind = pd.api.types.infer_dtype(values, skipna=True) if values.dtype == object else None
    if kind in {"string", "empty"}:  # text from Excel: the text rules below, once, in Arrow where they can
        values = values.astype("str")
    elif kind in {"floating", "integer", "mixed-integer-float"}:
        numbers = pd.to_numeric(values, errors="coerce").astype("float64")
        return Parsed(_from_number(numbers), pd.Series(False, index=index))
    if values.dtype == object:
        is_dt = values.map(lambda v: isinstance(v, (dt.datetime, dt.date)))
        if is_dt.any():
            out.loc[is_dt] = to_ns(pd.to_datetime(values[is_dt].map(_naive), errors="coerce"))
        is_num = values.map(_is_real_number)
        if is_num.any():
            out.loc[is_num] = _from_number(pd.to_numeric(values[is_num]))
        rest = values.where(~(is_dt | is_num))
    elif pd.api.types.is_numeric_dtype(values):
        return Parsed(_from_number(values.astype("float64")), pd.Series(False, index=index) & values.isna())
    else:
        fast = _arrow_datetime(values)
        if fast is not None:
            return fast
        rest = values
    text = _as_text(rest)
    text = text.mask(text.isin(PLACEHOLDER_DATES))
    # pandas reads "now"/"today" as the current time whatever the format: never a date in an export.
    todo = text.notna() & ~text.str.lower().isin(["now", "today"])
    if todo.any():
        out.loc[todo] = _parse_text_dates(text[todo], tz)
    return Parsed(out, text.notna() & out.isna())


def _arrow_datetime(values: pd.Series) -> Parsed | None:
    """One naive format that parses every value (clean machine exports), via Arrow's strptime."""
    import pyarrow as pa
    import pyarrow.compute as pc

    text = _arrow_text(values)
    if text is None:
        return None
    text = null_where(text, pc.is_in(text, value_set=pa.array(PLACEHOLDER_DATES)))
    present = len(text) - text.null_count
    if present == 0:
        return Parsed(
            pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]"), pd.Series(False, index=values.index)
        )
    sample = pc.drop_null(text).slice(0, 200)
    for fmt in DATE_FORMATS:
        if "%y" in fmt or "%m/%d" in fmt or "%d/%m" in fmt or "%f" in fmt:
            continue  # ambiguous or fractional formats: leave them to pandas
        if pc.strptime(sample, format=fmt, unit="s", error_is_null=True).null_count:
            continue
        parsed = pc.strptime(text, format=fmt, unit="s", error_is_null=True)
        if parsed.null_count != text.null_count:
            return None
        try:
            parsed = pc.cast(parsed, pa.timestamp("ns"))
        except pa.ArrowInvalid:  # a day outside 1677-09-22 .. 2262-04-11 (9999-12-31): pandas reports it
            return None
        out = pd.Series(parsed.to_numpy(zero_copy_only=False), index=values.index)
        return Parsed(out.astype("datetime64[ns]"), pd.Series(False, index=values.index))
    return None


# What datetime64[ns] holds (1677-09-22 .. 2262-04-11); a day outside it is reported as a bad date.
_NS_FIRST, _NS_LAST = pd.Timestamp.min.ceil("s"), pd.Timestamp.max.floor("s")


def to_ns(values: pd.Series) -> pd.Series:
    """Datetimes of any unit as datetime64[ns]; those outside its range become NaT instead of an error."""
    if values.dtype == "datetime64[ns]":
        return values
    return values.where(values.between(_NS_FIRST, _NS_LAST)).astype("datetime64[ns]")


def _naive(value: dt.date) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    return dt.datetime(value.year, value.month, value.day)


def _from_number(numbers: pd.Series) -> pd.Series:
    """Excel serial days (1900 system) or yyyymmdd integers."""
    out = pd.Series(pd.NaT, index=numbers.index, dtype="datetime64[ns]")
    ymd = numbers.between(19000101, 21001231) & (numbers % 1 == 0)
    out.loc[ymd] = pd.to_datetime(numbers[ymd].astype("int64").astype(str), format="%Y%m%d", errors="coerce")
    serial = numbers.between(1, 80000) & ~ymd
    out.loc[serial] = pd.Timestamp("1899-12-30") + pd.to_timedelta(numbers[serial], unit="D")
    return out


def _parse_text_dates(text: pd.Series, tz: str) -> pd.Series:
    # Normalise separators that vary between exports of the same platform.
    if text.str.contains(r"[ \t][ \t]|\t", regex=True).any():
        text = text.str.replace(r"[ \t]+", " ", regex=True)
    if text.str.endswith("Z").any():
        text = text.str.replace(r"([0-9])Z$", r"\1+0000", regex=True)
    out = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    remaining = text
    sample = remaining.iloc[:2000]
    order = sorted(
        TZ_FORMATS + DATE_FORMATS,
        key=lambda f: -pd.to_datetime(sample, format=f, errors="coerce", utc=f in TZ_FORMATS).notna().sum(),
    )
    for fmt in order:
        if remaining.empty:
            break
        aware = fmt in TZ_FORMATS
        parsed = pd.to_datetime(remaining, format=fmt, errors="coerce", utc=aware)
        if aware:
            parsed = parsed.dt.tz_convert(tz).dt.tz_localize(None)
        hit = parsed.notna()
        if hit.any():
            out.loc[hit[hit].index] = to_ns(parsed[hit])
            remaining = remaining[~hit]
    return out


def clean_id(values: pd.Series) -> Parsed:
    """IDs as text: strip the guards exports put against Excel's scientific notation (`="…"`, a
    leading `'`, `` ` `` or TAB) and the `.0` Excel adds to numeric IDs.

    `invalid` marks IDs stored as Excel numbers with more than 15 significant
    digits: Excel has already rounded them and the true ID is lost.
    """
    index = values.index
    by_category = _per_category(values, clean_id)
    if by_category is not None:
        return by_category
    lost = pd.Series(False, index=index)
    if values.dtype == object:
        numbers, text = _numbers_and_text(values)
        if numbers is not None:
            numeric = numbers.notna()
            lost = numbers.abs().ge(1e15) & numeric
            values = text.where(~numeric, numbers[numeric].map(_integer_text))
        else:
            values = text
    elif pd.api.types.is_numeric_dtype(values):
        lost = values.abs() >= 1e15
        values = values.map(_integer_text, na_action="ignore")
    if _arrow(values) is None:
        values = values.astype("str")  # Arrow-backed text: the rule below is written once, in Arrow
    return Parsed(_from_arrow_text(_strip_excel_guards(_arrow_text(values)), index), lost)


def _strip_excel_guards(array):
    """`="00123"` -> 00123, `'00123` -> 00123 (also `` ` `` and TAB); a cell left empty is missing.
    Cell by cell: a lone trailing quote stays, whatever the other cells hold."""
    import pyarrow.compute as pc

    if not _any_edge(array, b"'`=\t", b""):
        return array
    array = pc.replace_substring_regex(array, r'^="(.*)"$', r"\1")
    array = pc.utf8_trim_whitespace(pc.replace_substring_regex(array, r"^[\t'`]+", ""))
    return null_where(array, pc.equal(array, ""))


def _integer_text(value: float) -> str:
    number = float(value)
    return str(int(number)) if number.is_integer() else repr(number)


def clean_text(values: pd.Series) -> pd.Series:
    """Trimmed text with missing tokens as NA."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        return recategorize(values, clean_text(pd.Series(values.cat.categories, dtype="str")))
    if _arrow(values) is None:
        values = values.astype("str")  # Arrow-backed text: the rule is written once, in Arrow
    return _from_arrow_text(_arrow_text(values, unicode_trim=True), values.index)
