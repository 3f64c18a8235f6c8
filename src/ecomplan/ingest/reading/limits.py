"""Resource caps of the readers, in one value.

A hostile or broken file must fail with a message, not exhaust memory or time:
an HTML table whose `colspan` asks for a billion columns, a `.gz` or `.zip`
member that inflates to terabytes, a sheet whose last cell is XFD1048576.
The defaults are far above any real export; a caller who needs more passes a
larger `ReadLimits` (the command line reads it from environment variables).
Each error names the cap as `{max_...}`, the argument a caller raises.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReadLimits:
    """`max_cells`: cells of the HTML tables of one file, or rows x columns of one worksheet;
    `max_rows`: rows of one HTML table; `max_span`: a cell's colspan/rowspan
    (1000 is also the HTML standard's colspan limit); `max_decompressed_bytes`:
    one `.gz` file or `.zip` member after decompression."""

    max_cells: int = 50_000_000
    max_rows: int = 10_000_000
    max_span: int = 1000
    max_decompressed_bytes: int = 4 << 30

    def __post_init__(self) -> None:
        for name in ("max_cells", "max_rows", "max_span", "max_decompressed_bytes"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"ReadLimits.{name} must be a positive whole number, got {value!r}")


DEFAULT_LIMITS = ReadLimits()
