"""How a raw header is compared with the names an adapter knows.

Platforms rename columns between versions and let users pick which indicators
go into a download, so exact header signatures break: `支付金额` arrives as
`支付金额(元)` or `支付金额（元）`, `访客数` as `商品访客数` or `店铺访客数`, and a
`支付金额-环比` or `较前一日` companion column sits next to its metric. Every
header is reduced to a key (width, spaces, case and a unit in brackets folded
away) and a bare key (a platform prefix such as 商品/店铺/全店 removed);
companion columns are recognised and kept out of the canonical frame.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Columns that describe another column's change or rank, never a value of their own.
COMPANION = re.compile(
    r"(环比|同比|较上周期|较上一周期|较前一日|较前一天|较上期|较上周|较上月|较昨日|排名|增幅|增长率|变化率)"
)
# A unit in brackets at the end of a header: 支付金额(元), 支付转化率(%), 支付件数(件).
UNIT = re.compile(r"\((元|%|件|人|个|次|秒|笔|单|rmb|cny|¥)\)$")
# Prefixes that say whose metric it is (商品访客数, 店铺访客数) but not what it measures; they are
# dropped only before a measure (商品ID and 店铺ID stay apart).
PREFIXES = ("全店", "店铺", "商品", "宝贝", "单品")
MEASURE = re.compile(r"(数|量|额|率|时长|价)$")
HOW_EXACT, HOW_NORMALIZED, HOW_PREFIX = "exact", "normalized", "prefix"


@dataclass(frozen=True)
class HeaderKey:
    """A header as ecomplan compares it."""

    raw: str
    key: str  # width, spaces and case folded, unit dropped
    bare: str  # `key` without a platform prefix
    unit: str | None  # the unit that stood in brackets, e.g. "%" (values may then lack the % sign)
    companion: bool  # a change or rank column (环比, 排名 ...)


@lru_cache(maxsize=8192)
def header_key(raw: str) -> HeaderKey:
    text = unicodedata.normalize("NFKC", str(raw))
    text = re.sub(r"\s+", "", text).lower()
    unit = None
    found = UNIT.search(text)
    if found:
        unit = found.group(1)
        text = text[: found.start()]
    bare = text
    for prefix in PREFIXES:
        if bare.startswith(prefix) and len(bare) > len(prefix) + 1 and MEASURE.search(bare):
            bare = bare[len(prefix) :]
            break
    return HeaderKey(str(raw), text, bare, unit, bool(COMPANION.search(text)))


class HeaderIndex:
    """A table's headers, indexed once for every adapter that asks (a 10,000-column header is no slower
    to match than a 10-column one per alias)."""

    def __init__(self, headers: list[str]) -> None:
        self.keys = [header_key(h) for h in headers]
        self._by: dict[str, dict[str, list[str]]] = {HOW_EXACT: {}, HOW_NORMALIZED: {}, HOW_PREFIX: {}}
        for k in self.keys:
            if k.companion:
                continue
            self._by[HOW_EXACT].setdefault(k.raw.strip().lower(), []).append(k.raw)
            self._by[HOW_NORMALIZED].setdefault(k.key, []).append(k.raw)
            self._by[HOW_PREFIX].setdefault(k.bare, []).append(k.raw)

    @property
    def companions(self) -> list[str]:
        return [k.raw for k in self.keys if k.companion]

    @property
    def units(self) -> dict[str, str]:
        return {k.raw: k.unit for k in self.keys if k.unit}

    def find(
        self, alias: str, taken: set[str] | frozenset[str] = frozenset(), how: str | None = None
    ) -> tuple[str, str] | None:
        """The header that carries `alias`, and how it matched, or None.

        An exact match wins over a normalized one, which wins over a prefix one (`how` asks for one
        kind only); a companion column never matches, nor a header already `taken` by another field.
        """
        wanted = header_key(alias)
        lookups = ((HOW_EXACT, alias.strip().lower()), (HOW_NORMALIZED, wanted.key), (HOW_PREFIX, wanted.bare))
        for kind, value in lookups:
            if how is not None and kind != how:
                continue
            for raw in self._by[kind].get(value, ()):
                if raw not in taken:
                    return raw, kind
        return None
