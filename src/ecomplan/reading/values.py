"""Vectorized parsers for the decorated values platforms export.

`"10,095.00"`, `"0.45%"`, `"2.5万"`, `"¥1,299"`, `"$0.00"`, `"-"`, `"00:02:26"`,
`"20231010"`, `"2021-05-13 11:01:13 +0200"`, Excel serial dates... Each parser
takes a whole column and returns the parsed values plus a mask of cells that
were present but could not be parsed, so callers can report them by row
instead of silently turning them into 0 or NaN.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

# Cells that mean "no value". Never 0: a "-" conversion rate is undefined, not zero.
MISSING_TOKENS = frozenset(
    {"", "-", "--", "---", "—", "——", "–", "/", "N/A", "n/a", "NA", "na", "null", "NULL",
     "None", "none", "nan", "NaN", "#N/A", "#DIV/0!", "#VALUE!", "不适用", "无"}
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


def _as_text(values: pd.Series) -> pd.Series:
    """Stripped text with missing tokens as NA; works for str and mixed object columns."""
    text = values.astype("str") if values.dtype != "str" else values
    text = text.str.strip()
    return text.mask(text.isin(MISSING_TOKENS) | values.isna())


def parse_number(values: pd.Series) -> Parsed:
    """Parse numbers as platforms print them; `%`/`‰` give fractions, 万/亿 scale up.

    Accounting negatives `(1,234.00)` are negative. Cells that are already numbers
    (from Excel) pass through unchanged.
    """
    if pd.api.types.is_bool_dtype(values) or pd.api.types.is_numeric_dtype(values):
        return Parsed(values.astype("float64"), pd.Series(False, index=values.index))
    out = pd.Series(np.nan, index=values.index, dtype="float64")
    if values.dtype == object:
        is_number = values.map(_is_real_number).astype(bool)
        out.loc[is_number] = pd.to_numeric(values[is_number], errors="coerce").astype("float64")
        values = values.where(~is_number)
    text = _as_text(values)
    # Fast path: most cells of most files are plain numbers.
    out = out.where(out.notna(), pd.to_numeric(text, errors="coerce").astype("float64"))
    todo = text.notna() & out.isna()
    if todo.any():
        sub = text[todo]
        in_parens = sub.str.fullmatch(r"\(.*\)").fillna(False).astype(bool)
        sub = sub.where(~in_parens, sub.str.slice(1, -1))
        parts = sub.str.extract(_DECORATED)
        num = pd.to_numeric(parts["num"].str.replace(",", "", regex=False), errors="coerce")
        scale = parts["unit"].map(_SCALE).astype("float64")
        sign = np.where((parts["sign"] == "-").fillna(False).astype(bool) ^ in_parens, -1.0, 1.0)
        out.loc[todo] = (num.astype("float64") * scale * sign).to_numpy(dtype="float64", na_value=np.nan)
    out = out.mask(np.isinf(out))
    return Parsed(out, text.notna() & out.isna())


def _is_real_number(cell: object) -> bool:
    return isinstance(cell, (int, float, np.integer, np.floating)) and not isinstance(cell, bool)


def parse_duration(values: pd.Series) -> Parsed:
    """Seconds from `00:02:26`, `2:26`, plain seconds (`12.55`) or `12.55秒`."""
    if pd.api.types.is_numeric_dtype(values):
        return Parsed(values.astype("float64"), pd.Series(False, index=values.index))
    text = _as_text(values).str.lstrip("<>")  # UA prints "<00:00:01" for sub-second averages
    clock = text.str.extract(r"^(?:([0-9]+):)?([0-9]{1,2}):([0-9]{1,2}(?:\.[0-9]+)?)$")
    hours = pd.to_numeric(clock[0], errors="coerce").fillna(0)
    seconds = hours * 3600 + pd.to_numeric(clock[1], errors="coerce") * 60 + pd.to_numeric(clock[2], errors="coerce")
    plain = pd.to_numeric(text.str.replace(r"[ \t]*(秒|s|sec)$", "", regex=True), errors="coerce")
    out = seconds.astype("float64").where(clock[1].notna(), plain)
    if values.dtype == object:
        out = out.where(~values.map(_is_real_number), pd.to_numeric(values.where(values.map(_is_real_number)), errors="coerce"))
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
    "%d/%m/%Y",
    "%d.%m.%Y",
)
TZ_FORMATS = ("%Y-%m-%d %H:%M:%S %z", "%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S.%f%z")
_PLACEHOLDER_DATES = ("0000-00-00", "0000-00-00 00:00:00", "1970-01-01 08:00:00")


def parse_datetime(values: pd.Series, tz: str = "Asia/Shanghai") -> Parsed:
    """Naive local datetimes (wall clock in `tz`) from the formats platforms use.

    Timestamps carrying an offset (Shopify `+0200`, ISO `Z`) are converted to
    `tz`; naive ones are taken as already local. `0000-00-00` (Taobao's unpaid
    placeholder) is missing, not invalid. Excel cells may already be datetimes
    or serial numbers; `20231010` integers are read as dates.
    """
    index = values.index
    out = pd.Series(pd.NaT, index=index, dtype="datetime64[ns]")
    if pd.api.types.is_datetime64_any_dtype(values):
        converted = values.dt.tz_convert(tz).dt.tz_localize(None) if values.dt.tz is not None else values
        return Parsed(converted.astype("datetime64[ns]"), pd.Series(False, index=index))
    if values.dtype == object:
        is_dt = values.map(lambda v: isinstance(v, (dt.datetime, dt.date)))
        if is_dt.any():
            out.loc[is_dt] = pd.to_datetime(values[is_dt].map(_naive), errors="coerce")
        is_num = values.map(_is_real_number)
        if is_num.any():
            out.loc[is_num] = _from_number(pd.to_numeric(values[is_num]))
        rest = values.where(~(is_dt | is_num))
    elif pd.api.types.is_numeric_dtype(values):
        return Parsed(_from_number(values.astype("float64")), pd.Series(False, index=index) & values.isna())
    else:
        rest = values
    text = _as_text(rest)
    text = text.mask(text.isin(_PLACEHOLDER_DATES))
    todo = text.notna()
    if todo.any():
        out.loc[todo] = _parse_text_dates(text[todo], tz)
    return Parsed(out, text.notna() & out.isna())


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
    sample = remaining.iloc[: 2000]
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
            out.loc[hit[hit].index] = parsed[hit].astype("datetime64[ns]")
            remaining = remaining[~hit]
    return out


def clean_id(values: pd.Series) -> Parsed:
    """IDs as text: strip the TAB/apostrophe/`=` prefixes exports add against
    Excel's scientific notation, and the `.0` Excel adds to numeric IDs.

    `invalid` marks IDs stored as Excel numbers with more than 15 significant
    digits: Excel has already rounded them and the true ID is lost.
    """
    index = values.index
    lost = pd.Series(False, index=index)
    if values.dtype == object:
        numeric = values.map(_is_real_number)
        if numeric.any():
            nums = values[numeric]
            lost.loc[numeric] = nums.map(lambda v: abs(float(v)) >= 1e15)
            values = values.where(~numeric, nums.map(_integer_text))
    elif pd.api.types.is_numeric_dtype(values):
        lost = values.abs() >= 1e15
        values = values.map(_integer_text, na_action="ignore")
    text = values.astype("str") if values.dtype != "str" else values
    text = text.str.strip().str.replace(r'^(?:=")?[\t\'`]*|"$', "", regex=True).str.strip()
    text = text.mask(text.isin(MISSING_TOKENS) | values.isna())
    return Parsed(text, lost)


def _integer_text(value: object) -> str:
    number = float(value)
    return str(int(number)) if number.is_integer() else repr(number)


def clean_text(values: pd.Series) -> pd.Series:
    """Trimmed text with missing tokens as NA."""
    return _as_text(values)
