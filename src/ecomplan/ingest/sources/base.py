"""Adapters: how one platform's report maps onto a canonical schema.

An adapter is mostly data (which raw headers feed which canonical column)
plus two optional hooks for the quirks of that export: `prepare` works on the
raw table (GA4's `Nth day` offsets, Shopify's order-level cells on the first
line only), `finish` on the typed canonical frame (status vocabularies, the
Sycm source hierarchy). Raw platform column names never leave `sources/`.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import NoReturn

import pandas as pd

from ecomplan.core.errors import Issue
from ecomplan.ingest.reading import RawTable
from ecomplan.ingest.schemas import ORDER_STATUSES
from ecomplan.ingest.sources.vocabulary import HOW_EXACT, HOW_NORMALIZED, HOW_PREFIX, HeaderIndex

Alias = str | tuple[str, ...]


@dataclass
class Context:
    """What an adapter may know about the file besides the table's cells."""

    file: str
    meta: dict[str, str]
    preamble: list[str]
    tz: str
    issues: list[Issue] = field(default_factory=list)

    def period(self) -> tuple[dt.date, dt.date] | None:
        """The date range the export covers, from GA/UA metadata, the description
        rows above the header (统计时间 2026-11-16 ~ 2026-11-22) or the file name
        (【生意参谋平台】无线店铺流量来源-2017-11-12_2017-11-12.xls)."""
        if "start_date" in self.meta and "end_date" in self.meta:
            start, end = _date(self.meta["start_date"]), _date(self.meta["end_date"])
            if start and end:
                return start, end
        for text in [*self.preamble, self.file]:
            for found in _RANGE.finditer(text):
                start, end = _date(found.group(1)), _date(found.group(2))
                if start and end and start <= end:
                    return start, end
        for text in self.preamble:
            single = _SINGLE.search(text)
            day = _date(single.group(1)) if single else None
            if day:
                return day, day
        return None


_DAY = r"(\d{4}[-/.]?\d{1,2}[-/.]?\d{1,2})"
_RANGE = re.compile(_DAY + r"\s*(?:~|～|至|到|_|--|—|-(?=\d{4}))\s*" + _DAY)
_SINGLE = re.compile(r"(?:统计日期|统计时间|日期)\s*[:：]?\s*" + _DAY)


def _date(text: str) -> dt.date | None:
    """A date from 20261116 / 2026-11-16 / 2026.11.16, or None (e.g. a 153000 time in a file name)."""
    digits = re.sub(r"[^\d]", " ", text).split()
    try:
        if len(digits) == 1:
            value = digits[0]
            return dt.date(int(value[:4]), int(value[4:6]), int(value[6:8]))
        return dt.date(int(digits[0]), int(digits[1]), int(digits[2]))
    except (ValueError, IndexError):
        return None


@dataclass(frozen=True)
class Match:
    """How an adapter reads a table's header: `mapping` canonical -> raw header; `how` raw header ->
    exact/normalized/prefix; `companions` the change/rank columns left out; `units` raw header -> the
    unit its name carried in brackets."""

    mapping: dict[str, str]
    how: dict[str, str]
    companions: list[str]
    units: dict[str, str]

    def quality(self) -> int:
        """Exact and normalized matches count 2, prefix matches 1: a closer reading wins."""
        return sum(1 if h == HOW_PREFIX else 2 for h in self.how.values())


@dataclass(frozen=True)
class Adapter:
    """One report of one platform.

    `columns` maps each canonical column to the raw header(s) that may carry
    it (versions of an export rename columns); the first alias present wins.
    `signature` lists headers that must all be present for the adapter to
    match (a tuple entry means any one of those names). `kind` None marks a
    report we recognise but that has no canonical use (GA4 page titles).
    """

    platform: str
    report: str
    kind: str | None
    columns: Mapping[str, Alias]
    signature: tuple[Alias, ...] = ()
    title_zh: str = ""
    title_en: str = ""
    prepare: Callable[[RawTable, Context], RawTable] | None = None
    finish: Callable[[pd.DataFrame, Context], pd.DataFrame] | None = None
    accepts: Callable[[RawTable, Context], bool] | None = None
    inferred: bool = False  # headers known from third-party code, not a real file
    titles: tuple[str, ...] = ()  # the report's name as it stands in file names and description rows
    priority: int = 0  # breaks ties between adapters that map the same number of columns

    def aliases(self, canonical: str) -> tuple[str, ...]:
        value = self.columns[canonical]
        return (value,) if isinstance(value, str) else tuple(value)

    def match(self, headers: list[str] | HeaderIndex) -> Match:
        """Which raw header carries each canonical column, and how each matched (see `vocabulary`)."""
        index = headers if isinstance(headers, HeaderIndex) else HeaderIndex(headers)
        taken: set[str] = set()
        found: dict[str, str] = {}
        how: dict[str, str] = {}
        for rank in (HOW_EXACT, HOW_NORMALIZED, HOW_PREFIX):  # a better match anywhere goes first
            for canonical in self.columns:
                if canonical in found:
                    continue
                for alias in self.aliases(canonical):
                    hit = index.find(alias, taken, rank)
                    if hit is not None:
                        found[canonical], how[hit[0]] = hit
                        taken.add(hit[0])
                        break
        ordered = {c: found[c] for c in self.columns if c in found}
        return Match(ordered, how, index.companions, index.units)

    def mapping(self, headers: list[str]) -> dict[str, str]:
        """canonical -> raw header present in `headers`."""
        return self.match(headers).mapping

    def missing_signature(self, headers: list[str] | HeaderIndex) -> list[str]:
        return [" or ".join(names) for names, found in self._signature(headers) if found is None]

    def signature_headers(self, headers: list[str] | HeaderIndex) -> list[str]:
        """The headers that carry the signature (the first alias found of each entry)."""
        return [found for _, found in self._signature(headers) if found is not None]

    def _signature(self, headers: list[str] | HeaderIndex) -> list[tuple[tuple[str, ...], str | None]]:
        """Each signature entry's aliases and the header that carries one of them (None: absent)."""
        index = headers if isinstance(headers, HeaderIndex) else HeaderIndex(headers)
        found = []
        for entry in self.signature:
            names = (entry,) if isinstance(entry, str) else entry
            hit = next((match for n in names if (match := index.find(n)) is not None), None)
            found.append((names, hit[0] if hit is not None else None))
        return found


def fill_period(kind: str) -> Callable[[pd.DataFrame, Context], pd.DataFrame]:
    """A `finish` hook for reports of the period chosen on the page (流量来源, 全站营销, 罗盘, 千川): `date`,
    and `date_end` where the kind has one, from the export's range in its description rows or file name."""
    from ecomplan.ingest.schemas import field_map

    has_end = "date_end" in field_map(kind)

    def finish(frame: pd.DataFrame, ctx: Context) -> pd.DataFrame:
        if "date" in frame:
            return frame
        period = ctx.period()
        if period is None:
            raise_missing_period(ctx)
        frame["date"] = pd.Timestamp(period[0])
        if has_end and period[1] != period[0]:
            frame["date_end"] = pd.Timestamp(period[1])
        return frame

    return finish


def raise_missing_period(ctx: Context) -> NoReturn:
    from ecomplan.core.errors import SchemaError

    raise SchemaError(
        f"{ctx.file}: the export has no date column and no date range in its description rows or file name; "
        "keep the platform's file name (…_2026-11-16_2026-11-22.xls) or add a date column (统计日期 / 日期)"
    )


def status_mapper(
    table: Mapping[str, str], prefixes: Mapping[str, str] | None = None
) -> Callable[[pd.Series], pd.Series]:
    """Vectorized raw-status -> canonical-status mapping; unknown strings -> 'unknown'.

    Words are compared with width and case folded (（删除） = (删除)); `prefixes` maps a leading
    marker to a status whatever follows it (JD's `(删除)等待出库` is a deleted order).
    """
    lowered = {_fold(k): v for k, v in table.items()}
    leading = {_fold(k): v for k, v in (prefixes or {}).items()}

    def canonical(word: object) -> str:
        folded = _fold(str(word))
        if folded in lowered:
            return lowered[folded]
        return next((status for mark, status in leading.items() if folded.startswith(mark)), "unknown")

    def apply(raw: pd.Series) -> pd.Series:
        # Map the few distinct values, not every row: 10M rows hold a handful of statuses.
        from ecomplan.ingest.reading.values import recategorize

        raw = raw if isinstance(raw.dtype, pd.CategoricalDtype) else raw.astype("category")
        names = [canonical(c) for c in raw.cat.categories]
        # Every canonical status is a category, so adapters can still set any of them.
        return recategorize(raw, pd.Series(names, dtype="str"), categories=list(ORDER_STATUSES))

    return apply


def _fold(word: str) -> str:
    return unicodedata.normalize("NFKC", word).strip().lower()


def report_unknown_statuses(frame: pd.DataFrame, ctx: Context, column: str = "status") -> None:
    if "status" not in frame or "status_raw" not in frame:
        return
    unknown = frame.loc[frame["status"] == "unknown", "status_raw"].value_counts()
    unknown = unknown[unknown > 0]  # categorical columns list every category
    for value, count in unknown.head(5).items():
        ctx.issues.append(
            Issue(
                ctx.file,
                "unknown order status; such orders are excluded from sales "
                "(map it with a generic mapping if it means paid)",
                code="unknown_status",
                column=column,
                value=str(value),
                count=int(count),
            )
        )


def first_line_only(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Keep order-level amounts on the first line of each order and 0 on the
    others, for exports that repeat them on every line (JD 订单导出)."""
    repeated = frame.duplicated("order_id", keep="first")
    for column in columns:
        if column in frame:
            frame[column] = frame[column].mask(repeated & frame[column].notna(), 0.0)
    return frame
