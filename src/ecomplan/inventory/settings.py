"""Inventory policy parameters and the `[inventory]` table of ecomplan.toml.

Every threshold an operator may want to tune lives in `Settings`, with the
defaults documented in the README. `read_config` validates the TOML strictly
(unknown keys are errors) so a typo such as `servce_level` never falls back
to a default silently.
"""

from __future__ import annotations

import datetime as dt
import glob
from dataclasses import dataclass, field, replace
from pathlib import Path

from ecomplan.core.errors import ConfigError

EXCESS_STATUSES = ("overstock", "slow_moving", "dead")


@dataclass(frozen=True)
class Campaign:
    """A sales campaign (双11, 618 ...) from the config's `[[campaigns]]` tables; both ends inclusive."""

    name: str
    start: dt.date
    end: dt.date

    def covers(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class PricingRules:
    """Price suggestions; ecomplan never changes a price, it only says what to consider.

    `markdown_pct` maps an excess status to a suggested markdown (0.2 = 20% off);
    a markdown is suggested only when the stock would last longer than
    `markdown_min_cover_days` (or the SKU does not sell at all), so a slow
    mover with a few weeks of stock is not discounted.
    """

    markdown_pct: dict[str, float] = field(default_factory=lambda: {s: 0.20 for s in EXCESS_STATUSES})
    markdown_min_cover_days: float = 60.0
    stop_promotion_in_campaigns: bool = True


@dataclass(frozen=True)
class Settings:
    """Defaults for SKUs whose stock sheet does not say otherwise, and the status thresholds."""

    lead_time_days: float = 14.0
    lead_time_std_days: float = 0.0
    service_level: float = 0.95
    window_days: int = 28
    target_cover_days: float = 30.0
    overstock_days: float = 90.0
    slow_moving_days: int = 180
    slow_moving_units: float = 100.0
    dead_days: int = 90
    abc_cutoffs: tuple[float, float] = (0.80, 0.95)
    abc_days: int = 90
    xyz_cutoffs: tuple[float, float] = (0.5, 1.0)
    xyz_weeks: int = 13
    pricing: PricingRules = field(default_factory=PricingRules)
    campaigns: tuple[Campaign, ...] = ()

    def __post_init__(self) -> None:
        check_settings(self)

    def with_overrides(self, **values) -> Settings:
        """A copy with the given values replaced; None means 'keep'."""
        return replace(self, **{k: v for k, v in values.items() if v is not None})

    def active_campaign(self, day: dt.date) -> Campaign | None:
        return next((c for c in self.campaigns if c.covers(day)), None)


def check_settings(s: Settings) -> None:
    """Reject values that would make every number wrong; raised as ConfigError with the key's name."""
    checks = [
        ("lead_time_days", s.lead_time_days >= 0, "a number of days >= 0"),
        ("lead_time_std_days", s.lead_time_std_days >= 0, "a number of days >= 0"),
        ("service_level", 0.5 <= s.service_level < 1, "a fraction from 0.5 to below 1, e.g. 0.95"),
        ("window_days", isinstance(s.window_days, int) and s.window_days >= 2, "a whole number of days >= 2"),
        ("target_cover_days", s.target_cover_days >= 0, "a number of days >= 0"),
        ("overstock_days", s.overstock_days > 0, "a number of days > 0"),
        (
            "slow_moving_days",
            isinstance(s.slow_moving_days, int) and s.slow_moving_days >= 1,
            "a whole number of days >= 1",
        ),
        ("slow_moving_units", s.slow_moving_units >= 0, "a number of units >= 0"),
        ("dead_days", isinstance(s.dead_days, int) and s.dead_days >= 1, "a whole number of days >= 1"),
        (
            "abc_cutoffs",
            len(s.abc_cutoffs) == 2 and 0 < s.abc_cutoffs[0] < s.abc_cutoffs[1] <= 1,
            "two cumulative revenue shares like [0.8, 0.95]",
        ),
        ("abc_days", isinstance(s.abc_days, int) and s.abc_days >= 1, "a whole number of days >= 1"),
        (
            "xyz_cutoffs",
            len(s.xyz_cutoffs) == 2 and 0 < s.xyz_cutoffs[0] < s.xyz_cutoffs[1],
            "two coefficients of variation like [0.5, 1.0]",
        ),
        ("xyz_weeks", isinstance(s.xyz_weeks, int) and s.xyz_weeks >= 4, "a whole number of weeks >= 4"),
        ("pricing.markdown_min_cover_days", s.pricing.markdown_min_cover_days >= 0, "a number of days >= 0"),
    ]
    for key, ok, expected in checks:
        if not ok:
            raise ConfigError(f"inventory setting {key} must be {expected} (got {getattr(s, key, None)!r})")
    for status, pct in s.pricing.markdown_pct.items():
        if status not in EXCESS_STATUSES or not 0 < pct < 1:
            raise ConfigError(
                f"inventory setting pricing.markdown_pct: {status} = {pct!r}; expected statuses "
                f"{', '.join(EXCESS_STATUSES)} with a fraction between 0 and 1 (0.2 = 20% off)"
            )


@dataclass(frozen=True)
class InventoryConfig:
    """What an ecomplan.toml says about inventory: the policy and where the files are."""

    settings: Settings
    stock: Path | None = None
    sales: tuple[Path, ...] = ()
    currency: str = "¥"


_NUMBER_KEYS = {
    "lead_time_days",
    "lead_time_std_days",
    "service_level",
    "target_cover_days",
    "overstock_days",
    "slow_moving_units",
}
_INT_KEYS = {"window_days", "slow_moving_days", "dead_days", "abc_days", "xyz_weeks"}
_PAIR_KEYS = {"abc_cutoffs", "xyz_cutoffs"}
_FILE_KEYS = {"stock", "sales"}
_PRICING_KEYS = {"markdown_pct", "markdown_min_cover_days", "stop_promotion_in_campaigns"}


def read_config(path: str | Path) -> InventoryConfig:
    """The `[inventory]` table and `[[campaigns]]` of an ecomplan.toml; paths relative to the file."""
    from ecomplan.config import read_toml

    path = Path(path)
    return config_from_mapping(read_toml(path), path.parent, str(path))


def config_from_mapping(data: dict, base_dir: str | Path = ".", source: str = "config") -> InventoryConfig:
    """Build the inventory config from an already parsed TOML document (the weekly report reuses this)."""
    table = data.get("inventory", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{source}: [inventory] must be a table")
    valid = _NUMBER_KEYS | _INT_KEYS | _PAIR_KEYS | _FILE_KEYS | {"pricing"}
    unknown = sorted(set(table) - valid)
    if unknown:
        raise ConfigError(
            f"{source}: [inventory] has unknown key(s) {', '.join(unknown)}; valid keys: {', '.join(sorted(valid))}"
        )
    values: dict = {}
    for key in _NUMBER_KEYS & set(table):
        values[key] = _number(table[key], f"{source}: [inventory] {key}")
    for key in _INT_KEYS & set(table):
        value = table[key]
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{source}: [inventory] {key} must be a whole number (got {value!r})")
        values[key] = value
    for key in _PAIR_KEYS & set(table):
        pair = table[key]
        if not isinstance(pair, list) or len(pair) != 2:
            raise ConfigError(f"{source}: [inventory] {key} must be a list of two numbers (got {pair!r})")
        values[key] = tuple(_number(v, f"{source}: [inventory] {key}") for v in pair)
    if "pricing" in table:
        values["pricing"] = _pricing(table["pricing"], source)
    values["campaigns"] = _campaigns(data.get("campaigns", []), source)
    try:
        settings = Settings(**values)
    except ConfigError as exc:
        raise ConfigError(f"{source}: {exc}") from None
    base = Path(base_dir)
    stock = base / table["stock"] if isinstance(table.get("stock"), str) else None
    if "stock" in table and stock is None:
        raise ConfigError(f"{source}: [inventory] stock must be a file path (got {table['stock']!r})")
    sales = table.get("sales", [])
    if isinstance(sales, str):
        sales = [sales]
    if not isinstance(sales, list) or not all(isinstance(s, str) for s in sales):
        raise ConfigError(f"{source}: [inventory] sales must be a list of file paths or globs (got {sales!r})")
    currency = data.get("currency", "¥")
    if not isinstance(currency, str):
        raise ConfigError(f'{source}: currency must be a text like "¥" (got {currency!r})')
    return InventoryConfig(
        settings, stock, tuple(p for pattern in sales for p in _expand(base, pattern, source)), currency
    )


def _expand(base: Path, pattern: str, source: str) -> list[Path]:
    if any(ch in pattern for ch in "*?["):
        found = sorted(Path(p) for p in glob.glob(str(base / pattern)))
        if not found:
            raise ConfigError(f"{source}: [inventory] sales pattern {pattern!r} matches no file in {base}")
        return found
    return [base / pattern]


def _number(value, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConfigError(f"{where} must be a number (got {value!r})")
    return float(value)


def _pricing(table, source: str) -> PricingRules:
    where = f"{source}: [inventory.pricing]"
    if not isinstance(table, dict):
        raise ConfigError(f"{where} must be a table")
    unknown = sorted(set(table) - _PRICING_KEYS)
    if unknown:
        raise ConfigError(
            f"{where} has unknown key(s) {', '.join(unknown)}; valid keys: {', '.join(sorted(_PRICING_KEYS))}"
        )
    defaults = PricingRules()
    markdown = table.get("markdown_pct", defaults.markdown_pct)
    if isinstance(markdown, (int, float)) and not isinstance(markdown, bool):
        markdown = {s: float(markdown) for s in EXCESS_STATUSES}
    elif isinstance(markdown, dict):
        markdown = {str(k): _number(v, f"{where} markdown_pct.{k}") for k, v in markdown.items()}
    else:
        raise ConfigError(
            f"{where} markdown_pct must be a fraction (0.2) or a table like "
            f"{{ overstock = 0.1, slow_moving = 0.2, dead = 0.3 }} (got {markdown!r})"
        )
    stop = table.get("stop_promotion_in_campaigns", defaults.stop_promotion_in_campaigns)
    if not isinstance(stop, bool):
        raise ConfigError(f"{where} stop_promotion_in_campaigns must be true or false (got {stop!r})")
    min_cover = _number(
        table.get("markdown_min_cover_days", defaults.markdown_min_cover_days), f"{where} markdown_min_cover_days"
    )
    return PricingRules(markdown, min_cover, stop)


def _campaigns(entries, source: str) -> tuple[Campaign, ...]:
    if not isinstance(entries, list):
        raise ConfigError(f"{source}: campaigns must be [[campaigns]] tables with name, start and end")
    out = []
    for i, entry in enumerate(entries, start=1):
        where = f"{source}: [[campaigns]] #{i}"
        if not isinstance(entry, dict) or not {"name", "start", "end"} <= set(entry):
            raise ConfigError(f"{where} needs name, start and end (got {entry!r})")
        start, end = (_day(entry[k], f"{where} {k}") for k in ("start", "end"))
        if end < start:
            raise ConfigError(f"{where} ({entry['name']}): end {end} is before start {start}")
        out.append(Campaign(str(entry["name"]), start, end))
    return tuple(out)


def _day(value, where: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ConfigError(f"{where} must be a date like 2026-11-11 (got {value!r})")
