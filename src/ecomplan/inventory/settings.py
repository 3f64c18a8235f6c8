"""Inventory policy parameters, built from the `[inventory]` table of ecomplan.toml.

Every threshold an operator may want to tune lives in `InventoryPolicy`, with
the defaults documented in the README. The TOML itself is validated once, by
`ecomplan.config` (unknown keys are errors, so a typo such as `servce_level`
never falls back to a default silently); the value rules (a service level
below 1, cut-offs in order) are the policy's own and hold for values given on
the command line too.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from pathlib import Path

from ecomplan.config import InventorySettings, Settings, expand_glob
from ecomplan.core.errors import ConfigError
from ecomplan.core.periods import Campaign

EXCESS_STATUSES = ("overstock", "slow_moving", "dead")


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
class InventoryPolicy:
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

    def with_overrides(self, **values) -> InventoryPolicy:
        """A copy with the given values replaced; None means 'keep'."""
        return replace(self, **{k: v for k, v in values.items() if v is not None})

    def active_campaign(self, day: dt.date) -> Campaign | None:
        return next((c for c in self.campaigns if c.covers(day)), None)


def check_settings(s: InventoryPolicy) -> None:
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

    settings: InventoryPolicy
    stock: Path | None = None
    sales: tuple[Path, ...] = ()
    currency: str = "¥"


def from_settings(settings: Settings) -> InventoryConfig:
    """The inventory part of a validated ecomplan.toml: policy, campaigns and the files (globs expanded)."""
    table = settings.inventory or InventorySettings()
    source = settings.source
    pricing = PricingRules()
    given = table.pricing
    markdown = given.markdown_pct
    if markdown is not None:
        markdown_pct = (
            {s: float(markdown) for s in EXCESS_STATUSES} if isinstance(markdown, float | int) else dict(markdown)
        )
        pricing = replace(pricing, markdown_pct=markdown_pct)
    if given.markdown_min_cover_days is not None:
        pricing = replace(pricing, markdown_min_cover_days=given.markdown_min_cover_days)
    if given.stop_promotion_in_campaigns is not None:
        pricing = replace(pricing, stop_promotion_in_campaigns=given.stop_promotion_in_campaigns)
    try:
        policy = InventoryPolicy(**table.thresholds(), pricing=pricing, campaigns=tuple(settings.campaigns))
    except ConfigError as exc:
        raise ConfigError(f"{source}: {exc}") from None
    base = settings.base_dir
    stock = base / table.stock if table.stock is not None else None
    sales = tuple(path for pattern in table.sales for path in _expand(base, pattern, source))
    return InventoryConfig(policy, stock, sales, settings.currency)


def _expand(base: Path, pattern: str, source: str) -> list[Path]:
    if any(ch in pattern for ch in "*?["):
        found = expand_glob(base / pattern, f"{source}: inventory.sales")
        if not found:
            raise ConfigError(f"{source}: inventory.sales: pattern {pattern!r} matches no file in {base}")
        return found
    return [base / pattern]
