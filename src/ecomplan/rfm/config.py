"""The `[rfm]` table of `--config ecomplan.toml`: scheme and (fixed) cn8 thresholds.

    [rfm]
    scheme = "cn8"          # cn8 | rfm11 (the weekly report uses it too)
    variant = "A"           # rfm11 code table: A | B
    threshold = "fixed"     # mean | median | fixed
    recency_days = 30       # recent when R < 30 days
    frequency = 2           # frequent when F > 2
    monetary = 500          # high spend when M > 500

Other tables of the file belong to other commands and are not read here;
unknown keys inside `[rfm]` are errors, so a typo never silently falls back
to the mean. Precedence: command-line option > config file > default (mean).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ecomplan.core.errors import ConfigError


class RfmConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    scheme: Literal["cn8", "rfm11"] = "cn8"
    variant: Literal["A", "B"] = "A"
    threshold: Literal["mean", "median", "fixed"] = "mean"
    recency_days: float | None = Field(None, gt=0)
    frequency: float | None = Field(None, ge=0)
    monetary: float | None = Field(None, ge=0)

    @model_validator(mode="after")
    def _fixed_values(self) -> RfmConfig:
        given = {k: getattr(self, k) for k in ("recency_days", "frequency", "monetary")}
        if self.threshold == "fixed":
            missing = [k for k, v in given.items() if v is None]
            if missing:
                raise ValueError(f'threshold = "fixed" needs {", ".join(missing)}')
        elif any(v is not None for v in given.values()):
            raise ValueError('recency_days, frequency and monetary are only used with threshold = "fixed"')
        return self

    def fixed(self) -> dict[str, float] | None:
        if self.threshold != "fixed":
            return None
        return {"recency_days": self.recency_days, "frequency": self.frequency, "monetary": self.monetary}


def load_config(path: str | Path | None) -> RfmConfig:
    """The `[rfm]` settings of `path` (defaults without a file); ConfigError naming file and key."""
    if path is None:
        return RfmConfig()
    from ecomplan.config import read_toml

    return parse_config(read_toml(path).get("rfm", {}), str(path))


def parse_config(table: object, source: str) -> RfmConfig:
    """Validate an `[rfm]` table read from `source` (for the error message)."""
    if not isinstance(table, dict):
        raise ConfigError(f"{source}: rfm: expected a [rfm] table")
    try:
        return RfmConfig.model_validate(table)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(["rfm", *(str(part) for part in error["loc"])])
        message = error["msg"].removeprefix("Value error, ")
        raise ConfigError(f"{source}: {where}: {message}") from None
