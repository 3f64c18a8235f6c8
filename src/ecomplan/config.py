"""`ecomplan.toml` (and the targets file it names): one typed model, validated once.

Paths and glob patterns are relative to the config file, so the same config
works from cron in any directory. Unknown keys are errors (a typo must not be
silently ignored), and every error names the file and the key path
(`shop.toml: inventory.service_level: ...`). Every command and the weekly job
read their part of the file from the one `Settings` value `load_settings` returns.
"""

from __future__ import annotations

import os
import string
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator, model_validator

from ecomplan.core.errors import ConfigError
from ecomplan.core.periods import Campaign
from ecomplan.ingest.options import DEFAULT_TZ, ReadOptions
from ecomplan.ingest.reading.limits import DEFAULT_LIMITS, ReadLimits

SECTIONS = ("kpis", "funnel", "channels", "products", "ads", "targets", "signals", "rfm", "inventory", "experiments")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class StrictTyped(Strict):
    """Tables whose numbers must be numbers as written: "28d" or true is not a count of days."""

    model_config = ConfigDict(extra="forbid", strict=True)


class Source(Strict):
    """Export files of one platform (or auto-detected when `platform` is omitted)."""

    platform: str | None = None
    files: list[str]
    mapping: str | None = None
    encoding: str | None = None
    sheet: str | None = None
    password: str | None = None


class OrdersSource(Strict):
    """`[orders]`: the order lines. With `engine = "spark"` the files are paths or URIs Spark reads (or a
    `table`), and `spark_remote` may name a Spark Connect server."""

    files: list[str] = []
    platform: str | None = None
    mapping: str | None = None
    engine: Literal["duckdb", "spark"] = "duckdb"
    table: str | None = None
    spark_remote: str | None = None

    @model_validator(mode="after")
    def _one_source(self) -> OrdersSource:
        if self.engine == "duckdb" and (self.table or self.spark_remote):
            raise ValueError('table and spark_remote need engine = "spark"')
        if self.engine == "spark" and self.platform:
            raise ValueError('platform names a local export\'s adapter; with engine = "spark" use a mapping')
        if bool(self.files) == bool(self.table):
            raise ValueError("give files (or, with the Spark engine, a table), not both and not neither")
        return self


class RfmSettings(Strict):
    """`[rfm]`: scheme and (fixed) cn8 thresholds; the command line overrides them."""

    scheme: Literal["cn8", "rfm11"] = "cn8"
    variant: Literal["A", "B"] = "A"  # rfm11 code table
    threshold: Literal["mean", "median", "fixed"] = "mean"
    recency_days: float | None = Field(default=None, gt=0)  # recent when R < recency_days
    frequency: float | None = Field(default=None, ge=0)  # frequent when F > frequency
    monetary: float | None = Field(default=None, ge=0)  # high spend when M > monetary

    @model_validator(mode="after")
    def _fixed_values(self) -> RfmSettings:
        given = {k: getattr(self, k) for k in ("recency_days", "frequency", "monetary")}
        if self.threshold == "fixed":
            missing = [k for k, v in given.items() if v is None]
            if missing:
                raise ValueError(f'threshold = "fixed" needs {", ".join(missing)}')
        elif any(v is not None for v in given.values()):
            raise ValueError('recency_days, frequency and monetary are only used with threshold = "fixed"')
        return self

    def fixed(self) -> dict[str, float] | None:
        """The fixed thresholds, or None when they come from the data (mean, median)."""
        if self.threshold != "fixed":
            return None
        assert self.recency_days is not None and self.frequency is not None and self.monetary is not None
        return {"recency_days": self.recency_days, "frequency": self.frequency, "monetary": self.monetary}


class PricingSettings(StrictTyped):
    """`[inventory.pricing]`: when to suggest a markdown or stopping a promotion (None: the default)."""

    markdown_pct: float | dict[str, float] | None = None  # 0.2, or per status {overstock = 0.1, ...}
    markdown_min_cover_days: float | None = None
    stop_promotion_in_campaigns: bool | None = None


class InventorySettings(StrictTyped):
    """`[inventory]`: the stock and sales files and the policy thresholds (None: the default)."""

    stock: str | None = None
    sales: list[str] = []
    lead_time_days: float | None = None
    lead_time_std_days: float | None = None
    service_level: float | None = None
    window_days: int | None = None
    target_cover_days: float | None = None
    overstock_days: float | None = None
    slow_moving_days: int | None = None
    slow_moving_units: float | None = None
    dead_days: int | None = None
    abc_cutoffs: list[float] | None = Field(default=None, min_length=2, max_length=2)
    abc_days: int | None = None
    xyz_cutoffs: list[float] | None = Field(default=None, min_length=2, max_length=2)
    xyz_weeks: int | None = None
    pricing: PricingSettings = PricingSettings()

    @field_validator("sales", mode="before")
    @classmethod
    def _one_or_many(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value

    def thresholds(self) -> dict[str, Any]:
        """The policy values the file sets (the rest keep their defaults)."""
        fields = [key for key in type(self).model_fields if key not in {"stock", "sales", "pricing"}]
        values = {key: getattr(self, key) for key in fields if getattr(self, key) is not None}
        return {key: tuple(value) if isinstance(value, list) else value for key, value in values.items()}


class ExperimentSettings(Strict):
    """One `[[experiments]]` table: an experiment export the weekly report evaluates."""

    name: str = Field(min_length=1)
    file: str = Field(min_length=1)
    control: str | None = None
    metric: Literal["conversion", "revenue", "aov", "all"] = "conversion"
    alpha: float = Field(default=0.05, gt=0, lt=0.5, strict=True)
    weights: list[float] | None = Field(default=None, min_length=1)
    correction: Literal["holm", "bh", "none"] = "holm"
    status: str = "running"  # "running" or "stopped"; other words are shown as written

    @field_validator("weights")
    @classmethod
    def _positive(cls, value: list[float] | None) -> list[float] | None:
        if value is not None and any(w <= 0 for w in value):
            raise ValueError("weights must be positive numbers like [50, 50]")
        return value


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

    @field_validator("title")
    @classmethod
    def _placeholders(cls, value: str | None) -> str | None:
        """Only {shop} and {week} may stand in the title: anything else would fail when the report is built."""
        if value is None:
            return value
        try:
            fields = [field for _, field, _, _ in string.Formatter().parse(value) if field is not None]
        except ValueError as exc:
            raise ValueError(f"{value!r} is not a valid title ({exc}); write a brace as {{{{ or }}}}") from None
        wrong = [f for f in fields if f not in TITLE_FIELDS]
        if wrong:
            raise ValueError(f"unknown placeholder {{{wrong[0]}}} in {value!r}; use {{shop}} and {{week}}")
        try:  # a format spec may hold its own fields ({shop:>{x}}) or not fit text ({shop:d})
            value.format(**dict.fromkeys(TITLE_FIELDS, "x"))
        except (KeyError, IndexError, ValueError) as exc:
            raise ValueError(
                f"{value!r} is not a valid title ({exc!s}); use {{shop}} and {{week}} as they are"
            ) from None
        return value


TITLE_FIELDS = ("shop", "week")


class NotifySettings(Strict):
    """`[notify]`: the group robots `report weekly` pushes its summary to (webhook URLs, signing secrets)."""

    dingtalk: str | None = None
    dingtalk_secret: str | None = None
    wecom: str | None = None
    feishu: str | None = None
    feishu_secret: str | None = None

    @field_validator("dingtalk", "wecom", "feishu")
    @classmethod
    def _webhook(cls, value: str | None, info: ValidationInfo) -> str | None:
        from ecomplan.notify import NotifyError, Target

        if value is not None:
            try:
                Target(str(info.field_name), value)  # the one rule of what a webhook is
            except NotifyError as exc:
                raise ValueError(str(exc)) from None
        return value

    def secret(self, kind: str) -> str | None:
        return {"dingtalk": self.dingtalk_secret, "feishu": self.feishu_secret}.get(kind)


class Settings(Strict):
    """The whole ecomplan.toml. `source` and `base_dir` say where it was read from."""

    shop: str = ""
    timezone: str = DEFAULT_TZ
    currency: str = "¥"
    lang: Literal["zh", "en"] = "zh"
    output_dir: str = "reports"
    targets: str | None = None
    sources: list[Source] = []
    orders: OrdersSource | None = None
    inventory: InventorySettings | None = None
    rfm: RfmSettings = RfmSettings()
    kpi: KpiSettings = KpiSettings()
    report: ReportSettings = ReportSettings()
    notify: NotifySettings = NotifySettings()
    campaigns: list[Campaign] = []
    experiments: list[ExperimentSettings] = []
    base_dir: Path = Field(default=Path("."), exclude=True)
    source: str = Field(default="config", exclude=True)

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

    def read_options(
        self, source: Source | OrdersSource, limits: ReadLimits = DEFAULT_LIMITS, allow_skipped: bool = False
    ) -> ReadOptions:
        """How to read the files of one `[[sources]]` or `[orders]` table: its options, the shop's time zone,
        the readers' caps, whether rows left out of a file are let go (`ReadOptions.allow_skipped`)."""
        return ReadOptions(
            platform=source.platform,
            mapping=self.path(source.mapping) if source.mapping else None,
            encoding=getattr(source, "encoding", None),
            sheet=getattr(source, "sheet", None),
            password=getattr(source, "password", None),
            tz=self.timezone,
            limits=limits,
            allow_skipped=allow_skipped,
        )

    def files(self, patterns: list[str], what: str) -> list[Path]:
        """Files matching the glob patterns, sorted; a pattern that matches nothing is an error."""
        found: list[Path] = []
        for pattern in patterns:
            matches = expand_glob(self.path(pattern), what)
            if not matches:
                raise ConfigError(f"{what}: no file matches {pattern!r} (looked in {self.base_dir})")
            found.extend(m for m in matches if m not in found)
        return found


# Bounds on a config glob: `**` from the file-system root would walk every disk for minutes.
GLOB_MAX_FOLDERS = 10_000  # folders a pattern may walk through (~5 s on a slow disk)
GLOB_MAX_DEPTH = 12  # folder levels below the pattern's fixed part
GLOB_MAX_MATCHES = 10_000


def expand_glob(pattern: str | Path, what: str = "config") -> list[Path]:
    """The files a glob pattern names, sorted (`*`, `?`, `[…]` within a folder, `**` across folders),
    walking at most GLOB_MAX_FOLDERS folders GLOB_MAX_DEPTH deep and returning at most GLOB_MAX_MATCHES
    files; a pattern that would go further is a ConfigError saying which bound it hit. Links to folders
    are not followed (no loops); a link to a file is kept when it resolves."""
    import fnmatch
    import glob as globbing  # has_magic: what counts as a pattern, as glob itself says

    text = str(pattern)
    if not globbing.has_magic(text):
        return [Path(text)] if Path(text).is_file() else []
    parts = Path(text).parts
    fixed = next(i for i, part in enumerate(parts) if globbing.has_magic(part))
    root, rest = Path(*parts[:fixed]) if fixed else Path("."), parts[fixed:]

    def matches(names: tuple[str, ...], pieces: tuple[str, ...]) -> bool:
        if not pieces:
            return not names
        if pieces[0] == "**":
            return any(matches(names[i:], pieces[1:]) for i in range(len(names) + 1))
        return bool(names) and fnmatch.fnmatchcase(names[0], pieces[0]) and matches(names[1:], pieces[1:])

    def unreadable(exc: OSError) -> None:
        """A missing root matches nothing; a root that cannot be listed is said; below it, a folder that
        cannot be listed is passed over, as glob does (`/**` meets /proc)."""
        if not isinstance(exc, FileNotFoundError) and Path(exc.filename or "") == root:
            raise ConfigError(f"{what}: {text!r}: cannot list {exc.filename} ({exc.strerror})")

    deep = "**" in rest
    depth_limit = GLOB_MAX_DEPTH if deep else len(rest) - 1
    found: list[Path] = []
    for folders, (folder, subfolders, files) in enumerate(
        os.walk(root, onerror=unreadable, followlinks=False), start=1
    ):
        if folders > GLOB_MAX_FOLDERS:
            raise ConfigError(
                f"{what}: {text!r} walks more than {GLOB_MAX_FOLDERS:,} folders; start it from a narrower folder"
            )
        level = len(Path(folder).relative_to(root).parts)
        if level >= depth_limit:
            subfolders.clear()  # not deeper than the pattern can reach (or GLOB_MAX_DEPTH for `**`)
        if not deep:  # prune folders the pattern's next part cannot match
            subfolders[:] = [d for d in subfolders if fnmatch.fnmatchcase(d, rest[level])]
        if not any(piece.startswith(".") for piece in rest):  # as glob: hidden names only when asked for
            subfolders[:] = [d for d in subfolders if not d.startswith(".")]
            files = [f for f in files if not f.startswith(".")]
        for name in files:
            relative = Path(folder, name).relative_to(root).parts
            if matches(relative, rest) and Path(folder, name).is_file():
                found.append(Path(folder, name))
                if len(found) > GLOB_MAX_MATCHES:
                    raise ConfigError(f"{what}: {text!r} matches more than {GLOB_MAX_MATCHES:,} files; narrow it")
    return sorted(found)


def read_toml(path: str | Path, what: str = "config file") -> dict[str, Any]:
    """A TOML file as a dict; a missing or malformed file is a ConfigError naming it."""
    path = Path(path)
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: {what} not found") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None


def load_settings(path: str | Path | None) -> Settings:
    """Defaults, overlaid by the TOML file when given; ConfigError naming the file and the key path."""
    if path is None:
        return Settings()
    path = Path(path)
    return parse_settings(read_toml(path), path.resolve().parent, str(path))


def parse_settings(data: dict[str, Any], base_dir: str | Path = ".", source: str = "config") -> Settings:
    """Validate an already parsed ecomplan.toml document (`source` names it in errors)."""
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(top level)"
        message = first["msg"].removeprefix("Value error, ")
        if first["type"] in {"model_type", "dataclass_type", "dict_type", "model_attributes_type"}:
            message = f"expected a [{where}] table, got {first['input']!r}"
        raise ConfigError(f"{source}: {where}: {message}") from None
    settings.base_dir = Path(base_dir)
    settings.source = source
    return settings
