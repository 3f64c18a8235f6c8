"""How to read export files: what a user knows that detection cannot find out."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ecomplan.ingest.reading.limits import DEFAULT_LIMITS, ReadLimits

DEFAULT_TZ = "Asia/Shanghai"


@dataclass(frozen=True)
class ReadOptions:
    """Options every reader takes, in one value instead of keyword chains.

    `platform` forces an adapter (sycm, jd, ga4, ...) instead of detection;
    `mapping` is a TOML column mapping for exports ecomplan does not know;
    `encoding`, `sheet` and `password` override what the file itself says;
    `tz` is the shop's time zone, for timestamps without one;
    `limits` caps what one hostile file may cost (cells, spans, decompressed bytes).
    """

    platform: str | None = None
    mapping: Path | None = None
    encoding: str | None = None
    sheet: str | None = None
    password: str | None = None
    tz: str = DEFAULT_TZ
    limits: ReadLimits = DEFAULT_LIMITS
