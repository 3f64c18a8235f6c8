"""Platform adapters and their automatic selection from a table's headers."""

from __future__ import annotations

from dataclasses import dataclass

from ecomplan.core.errors import SchemaError
from ecomplan.ingest.reading import RawTable
from ecomplan.ingest.schemas import KINDS, fields
from ecomplan.ingest.sources import (
    cn_orders,
    douyin,
    erp,
    ga,
    generic,
    jd,
    online_retail,
    pdd,
    shop_orders,
    shopify,
    sycm,
)
from ecomplan.ingest.sources.base import Adapter, Context, Match
from ecomplan.ingest.sources.generic import mapping_adapter
from ecomplan.ingest.sources.vocabulary import HeaderIndex

ADAPTERS: list[Adapter] = [
    *sycm.ADAPTERS,
    *jd.ADAPTERS,
    *ga.ADAPTERS,
    *shopify.ADAPTERS,
    *cn_orders.ADAPTERS,
    *douyin.ADAPTERS,
    *pdd.ADAPTERS,
    *shop_orders.ADAPTERS,
    *erp.ADAPTERS,
    *online_retail.ADAPTERS,
    *generic.ADAPTERS,
]
PLATFORMS = tuple(dict.fromkeys(a.platform for a in ADAPTERS))
# Platforms whose money is always renminbi (reports then show ¥).
CNY_PLATFORMS = frozenset(
    {"sycm", "jd", "douyin", "pdd", "qianchuan", "youzan", "weidian", "jushuitan", "wangdiantong", "guanjiapo"}
)


def vocabulary() -> frozenset[str]:
    """Every header name any adapter knows, to steer header-row detection."""
    names = {f.name for kind in KINDS for f in fields(kind)}
    for adapter in ADAPTERS:
        for canonical in adapter.columns:
            names.update(a for a in adapter.aliases(canonical) if not a.startswith("__"))
        for entry in adapter.signature:
            names.update((entry,) if isinstance(entry, str) else entry)
    return frozenset(names)


@dataclass(frozen=True)
class Candidate:
    """One adapter weighed against one table: what it would read, and the evidence for it."""

    adapter: Adapter
    match: Match
    missing: tuple[str, ...]  # key headers (the signature) the table lacks
    titles_found: tuple[str, ...]  # the report's names that stand in the file name or the description rows
    refused: str | None = None  # why the table is not this report although its headers fit

    @property
    def eligible(self) -> bool:
        return not self.missing and self.refused is None

    @property
    def score(self) -> tuple[int, int, int, int]:
        """Title evidence first, then how many columns it reads and how closely, then the longer
        signature, then the adapter's priority."""
        adapter = self.adapter
        return (len(self.titles_found), self.match.quality(), len(adapter.signature), adapter.priority)

    def explain(self) -> dict[str, object]:
        """What `inspect` shows about this candidate."""
        return {
            "platform": self.adapter.platform,
            "report": self.adapter.report,
            "score": list(self.score),
            "titles_found": list(self.titles_found),
            "fields": {raw: {"canonical": c, "how": self.match.how[raw]} for c, raw in self.match.mapping.items()},
            "companions": list(self.match.companions),
            "missing": list(self.missing),
            "refused": self.refused,
        }


def rank(table: RawTable, ctx: Context, adapters: list[Adapter]) -> list[Candidate]:
    """Every adapter with a signature, best first: eligible ones (key headers present, not refused by the
    data) before the others, each group by `Candidate.score`."""
    evidence = " ".join([ctx.file, *ctx.preamble]).lower()
    candidates = []
    index = HeaderIndex(table.columns)
    for adapter in adapters:
        if not adapter.signature and adapter.accepts is None:
            continue
        match = adapter.match(index)
        missing = tuple(adapter.missing_signature(index))
        refused = None
        if not missing:
            if adapter.accepts is not None and not adapter.accepts(table, ctx):
                refused = "its values do not fit this report"
            else:
                refused = breakdown_rows(adapter, match, table)
        found = tuple(title for title in adapter.titles if title.lower() in evidence)
        candidates.append(Candidate(adapter, match, missing, found, refused))
    candidates.sort(key=lambda c: (c.eligible, c.score, len(c.match.mapping)), reverse=True)
    return candidates


def select(
    table: RawTable, ctx: Context, adapters: list[Adapter], ranked: list[Candidate] | None = None
) -> tuple[Adapter, dict[str, str]] | None:
    """The adapter that explains the table best (`rank`, or the `ranked` list already made), or None
    when none is eligible. A tie between two platforms is an error that asks for a platform.
    """
    ranked = [c for c in (ranked if ranked is not None else rank(table, ctx, adapters)) if c.eligible]
    if not ranked:
        return None
    best = ranked[0]
    rivals = [c.adapter for c in ranked[1:] if c.score == best.score and c.adapter.platform != best.adapter.platform]
    if rivals:
        names = ", ".join(f"{a.platform}/{a.report}" for a in [best.adapter, *rivals])
        raise SchemaError(
            f"{ctx.file}: the columns fit several exports equally well ({names}); pass {{platform}} to choose",
            arguments=("platform",),
        )
    return best.adapter, best.match.mapping


BREAKDOWN_FIELDS = frozenset({"channel", "source", "source_l1", "keyword", "segment", "sku", "campaign", "campaign_id"})


def breakdown_rows(adapter: Adapter, match: Match, table: RawTable) -> str | None:
    """Why a table of several rows per day, one per category, source or the like, is not an export of
    daily totals, or None. Seen in real downloads: a 品类罗盘 or 店铺流量来源 table whose headers also
    fit 商品宏观监控 / 交易概况 would otherwise be read with one row per day kept."""
    if adapter.kind != "traffic" or BREAKDOWN_FIELDS & set(adapter.columns) or "date" not in match.mapping:
        return None
    frame = table.frame
    date = match.mapping["date"]
    if len(frame) < 2 or date not in frame or not frame[date].duplicated().any():
        return None
    used = set(match.mapping.values()) | set(match.companions)
    repeated = frame[frame[date].duplicated(keep=False)]
    for column in frame.columns:
        if column in used or column == date:
            continue
        values = repeated[column].astype("str")
        if values.groupby(repeated[date].astype("str")).nunique().max() > 1:
            return f"several rows per date, one per {column!r}: a breakdown, not the shop's daily totals"
    return None


def adapters_for(platform: str | None, mapping: str | None) -> list[Adapter]:
    if mapping:
        return [mapping_adapter(mapping)]
    if platform in (None, "auto"):
        return ADAPTERS
    chosen = [a for a in ADAPTERS if a.platform == platform]
    if not chosen:
        raise SchemaError(f"unknown platform {platform!r}; choose one of: {', '.join(PLATFORMS)}")
    return chosen


__all__ = [
    "ADAPTERS",
    "BREAKDOWN_FIELDS",
    "PLATFORMS",
    "Adapter",
    "Candidate",
    "Context",
    "adapters_for",
    "rank",
    "select",
    "vocabulary",
]
