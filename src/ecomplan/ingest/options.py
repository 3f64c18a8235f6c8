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
    `limits` caps what one hostile file may cost (cells, spans, decompressed bytes);
    `head_bytes`: read at most this many bytes of a text file's rows (whole rows, from the top), to
    look at a large file quickly; None reads them all. `FileInfo.head_bytes_read` says whether it did.
    `allow_skipped`: go on when data rows had to be left out (malformed, swallowed by a quote, without
    a required field), which is otherwise an error (`ingest.load.check_row_accounting`).
    """

    platform: str | None = None
    mapping: Path | None = None
    encoding: str | None = None
    sheet: str | None = None
    password: str | None = None
    tz: str = DEFAULT_TZ
    limits: ReadLimits = DEFAULT_LIMITS
    head_bytes: int | None = None
    allow_skipped: bool = False

    def __post_init__(self) -> None:
        if self.head_bytes is not None and (isinstance(self.head_bytes, bool) or self.head_bytes < 1):
            raise ValueError(
                f"ReadOptions.head_bytes must be a positive number of bytes or None, got {self.head_bytes!r}"
            )
