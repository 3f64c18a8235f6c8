"""`ecomplan.toml`: where the exports are, the shop's calendar and report settings.

Paths and glob patterns are relative to the config file, so the same config
works from cron in any directory. Unknown keys are errors (a typo must not be
silently ignored); the `[rfm]`, `[inventory]` and `[[experiments]]` tables
are validated by their own modules.
"""

from __future__ import annotations

import datetime as dt
import glob
import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ecomplan.core.errors import ConfigError

SECTIONS = ("kpis", "funnel", "channels", "products", "ads", "targets", "signals", "rfm", "inventory", "experiments")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Source(Strict):
    """Export files of one platform (or auto-detected when `platform` is omitted)."""

    platform: str | None = None
    files: list[str]
    mapping: str | None = None
    encoding: str | None = None
    sheet: str | None = None
    password: str | None = None


class Orders(Strict):
    files: list[str]
    platform: str | None = None
    mapping: str | None = None


class CampaignWindow(Strict):
    name: str
    start: dt.date
    end: dt.date

    @field_validator("end")
    @classmethod
    def _order(cls, end: dt.date, info) -> dt.date:
        if "start" in info.data and end < info.data["start"]:
            raise ValueError("campaign end is before its start")
        return end


class KpiSettings(Strict):
    alpha: float = Field(0.05, gt=0, lt=0.5)  # significance for conversion changes
    anomaly_z: float = Field(3.0, gt=0)  # robust z-score that flags a GMV day
    anomaly_weeks: int = Field(6, ge=3, le=26)  # same-weekday history for the baseline
    min_product_visitors: float = Field(50, ge=0)  # "traffic but no sales" threshold
    min_wasted_spend: float = Field(100, ge=0)  # ad spend without orders worth flagging
    top: int = Field(10, ge=1, le=100)  # rows in top/mover tables
    stale_days: int = Field(0, ge=0)  # how many days before the period end a source may stop


class ReportSettings(Strict):
    sections: list[str] = list(SECTIONS)
    title: str | None = None  # e.g. "{shop} 周报 {week}"; default: the built-in title in the report's language

    @field_validator("sections")
    @classmethod
    def _known(cls, value: list[str]) -> list[str]:
        unknown = [s for s in value if s not in SECTIONS]
        if unknown:
            raise ValueError(f"unknown section(s) {', '.join(unknown)}; choose from {', '.join(SECTIONS)}")
        return value


class Settings(Strict):
    shop: str = ""
    timezone: str = "Asia/Shanghai"
    currency: str = "¥"
    lang: Literal["zh", "en"] = "zh"
    output_dir: str = "reports"
    targets: str | None = None
    sources: list[Source] = []
    orders: Orders | None = None
    inventory: dict | None = None
    rfm: dict = {}
    kpi: KpiSettings = KpiSettings()
    report: ReportSettings = ReportSettings()
    campaigns: list[CampaignWindow] = []
    experiments: list[dict] = []
    base_dir: Path = Field(default=Path("."), exclude=True)

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (use an IANA name such as Asia/Shanghai)") from None
        return value

    def path(self, relative: str) -> Path:
        candidate = Path(relative).expanduser()
        return candidate if candidate.is_absolute() else self.base_dir / candidate

    def files(self, patterns: list[str], what: str) -> list[Path]:
        """Files matching the glob patterns, sorted; a pattern that matches nothing is an error."""
        found: list[Path] = []
        for pattern in patterns:
            matches = sorted(Path(p) for p in glob.glob(str(self.path(pattern)), recursive=True))
            matches = [p for p in matches if p.is_file()]
            if not matches:
                raise ConfigError(f"{what}: no file matches {pattern!r} (looked in {self.base_dir})")
            found.extend(m for m in matches if m not in found)
        return found


def read_toml(path: str | Path, what: str = "config file") -> dict:
    """A TOML file as a dict; a missing or malformed file is a ConfigError naming it."""
    path = Path(path)
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: {what} not found") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None


def timezone_of(path: str | Path | None) -> str:
    """The shop's time zone from a config file (commands that read only part of the config)."""
    return load_settings(path).timezone if path is not None else Settings().timezone


def load_settings(path: str | Path | None) -> Settings:
    """Defaults, overlaid by the TOML file when given."""
    if path is None:
        return Settings()
    path = Path(path)
    data = read_toml(path)
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ConfigError(f"{path}: {where}: {first['msg']}") from None
    settings.base_dir = path.resolve().parent
    return settings
