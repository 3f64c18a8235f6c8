"""Platform adapters and their automatic selection from a table's headers."""

from __future__ import annotations

from ecomplan.core.errors import SchemaError
from ecomplan.ingest.reading import RawTable
from ecomplan.ingest.schemas import KINDS, fields
from ecomplan.ingest.sources import cn_orders, ga, generic, jd, online_retail, shopify, sycm
from ecomplan.ingest.sources.base import Adapter, Context
from ecomplan.ingest.sources.generic import mapping_adapter

ADAPTERS: list[Adapter] = [
    *sycm.ADAPTERS,
    *jd.ADAPTERS,
    *ga.ADAPTERS,
    *shopify.ADAPTERS,
    *cn_orders.ADAPTERS,
    *online_retail.ADAPTERS,
    *generic.ADAPTERS,
]
PLATFORMS = tuple(dict.fromkeys(a.platform for a in ADAPTERS))


def vocabulary() -> frozenset[str]:
    """Every header name any adapter knows, to steer header-row detection."""
    names = {f.name for kind in KINDS for f in fields(kind)}
    for adapter in ADAPTERS:
        for canonical in adapter.columns:
            names.update(a for a in adapter.aliases(canonical) if not a.startswith("__"))
        for entry in adapter.signature:
            names.update((entry,) if isinstance(entry, str) else entry)
    return frozenset(names)


def select(table: RawTable, ctx: Context, adapters: list[Adapter]) -> tuple[Adapter, dict[str, str]] | None:
    """The adapter that explains most of the table's columns, or None.

    Adapters whose signature columns are missing, or whose `accepts` check
    fails, are out. Most mapped columns wins, then the longer signature, then
    priority; a tie between two platforms is an error that asks for a platform.
    """
    scored = []
    for adapter in adapters:
        if not adapter.signature and adapter.accepts is None:
            continue
        if adapter.missing_signature(table.columns):
            continue
        if adapter.accepts is not None and not adapter.accepts(table, ctx):
            continue
        mapping = adapter.mapping(table.columns)
        scored.append(((len(mapping), len(adapter.signature), adapter.priority), adapter, mapping))
    if not scored:
        return None
    scored.sort(key=lambda item: item[0], reverse=True)
    best_score, best, mapping = scored[0]
    rivals = [a for score, a, _ in scored[1:] if score == best_score and a.platform != best.platform]
    if rivals:
        names = ", ".join(f"{a.platform}/{a.report}" for a in [best, *rivals])
        raise SchemaError(
            f"{ctx.file}: the columns fit several exports equally well ({names}); pass {{platform}} to choose",
            arguments=("platform",),
        )
    return best, mapping


def adapters_for(platform: str | None, mapping: str | None) -> list[Adapter]:
    if mapping:
        return [mapping_adapter(mapping)]
    if platform in (None, "auto"):
        return ADAPTERS
    chosen = [a for a in ADAPTERS if a.platform == platform]
    if not chosen:
        raise SchemaError(f"unknown platform {platform!r}; choose one of: {', '.join(PLATFORMS)}")
    return chosen


__all__ = ["ADAPTERS", "PLATFORMS", "Adapter", "Context", "adapters_for", "select", "vocabulary"]
