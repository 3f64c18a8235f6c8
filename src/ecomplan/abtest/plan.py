"""Plan an A/B test: visitors per variant, total, and how many whole weeks it runs.

Whole weeks because shop traffic and conversion swing by weekday: a test
stopped on day 10 over-weights the days it saw twice.
"""

from __future__ import annotations

import math
from typing import Literal

from pydantic import BaseModel

from ecomplan.abtest import stats as S
from ecomplan.core.errors import ArgumentError, UsageError


class Plan(BaseModel):
    metric: Literal["conversion", "mean"]
    baseline: float
    std: float | None = None
    mde_absolute: float | None
    mde_relative: float | None
    alpha: float
    alpha_per_comparison: float  # Bonferroni over the comparisons with control
    power: float
    alternative: str
    variants: int
    per_variant: int | None  # visitors each variant needs (rounded up)
    per_variant_exact: float | None
    total: int | None
    daily_visitors: float | None = None
    days_needed: int | None = None  # before rounding up to whole weeks
    days: int | None = None
    weeks: int | None = None
    sample_size: int | None = None  # visitors per variant the user has (MDE / power mode)
    power_at_sample_size: float | None = None


def parse_amount(text: str | float, argument: str) -> float:
    """'10%' → 0.10, '0.1' → 0.1."""
    raw = str(text).strip()
    try:
        return float(raw.rstrip("%")) / (100 if raw.endswith("%") else 1)
    except ValueError:
        raise ArgumentError(argument, f"must be a number or a percentage like 10%, got {text!r}") from None


def plan(
    baseline: str | float,
    mde: str | float | None = None,
    *,
    relative: bool = True,
    alpha: float = 0.05,
    power: float = 0.8,
    variants: int = 2,
    daily_visitors: float | None = None,
    std: float | None = None,
    sample_size: int | None = None,
    alternative: str = "two-sided",
) -> Plan:
    """Sample size per variant for a minimum detectable effect, or the MDE (and
    power) for a given sample size.

    Conversion rates (no `std`) use Evan Miller's formula; means (with `std`,
    e.g. revenue per visitor) the normal formula 2σ²(z_α + z_β)²/δ². With
    more than two variants each comparison gets α/(variants − 1)
    (Bonferroni, the first step of the Holm correction `evaluate` uses).
    """
    p = parse_amount(baseline, "baseline")
    if not 0 < alpha < 0.5:
        raise ArgumentError("alpha", f"must be between 0 and 0.5, got {alpha}")
    if not alpha < power < 1:
        raise ArgumentError("power", f"must be between alpha and 1 (e.g. 0.8), got {power}")
    if variants < 2:
        raise ArgumentError("variants", f"counts all groups including control; at least 2, got {variants}")
    if alternative not in S.ALTERNATIVES:
        raise ArgumentError("alternative", f"must be one of {', '.join(S.ALTERNATIVES)}, got {alternative!r}")
    if daily_visitors is not None and not daily_visitors > 0:
        raise ArgumentError("daily_visitors", f"must be positive, got {daily_visitors}")
    if mde is None and sample_size is None:
        raise UsageError(
            "give {mde} (to get the sample size) or {sample_size} (to get the detectable effect)",
            arguments=("mde", "sample_size"),
        )
    if sample_size is not None and sample_size < 2:
        raise ArgumentError("sample_size", f"is visitors per variant; at least 2, got {sample_size}")
    if std is not None and not std > 0:
        raise ArgumentError("std", f"must be positive, got {std}")
    if std is None and not 0 < p < 1:
        raise ArgumentError("baseline", f"is a conversion rate between 0 and 1 (e.g. 0.05 or 5%), got {baseline}")
    if std is not None and relative and p == 0 and mde is not None:
        raise UsageError(
            "a relative {mde} needs a non-zero {baseline} mean; use {absolute}",
            arguments=("mde", "baseline", "absolute"),
        )
    alpha_each = alpha / (variants - 1)
    direction = -1 if alternative == "less" else 1
    mde_abs = None
    if mde is not None:
        amount = parse_amount(mde, "mde")
        if amount <= 0:
            raise ArgumentError("mde", f"must be positive, got {mde}")
        mde_abs = direction * (amount * abs(p) if relative else amount)
        if std is None and not 0 < p + mde_abs < 1:
            raise UsageError(
                f"baseline {p:g} {'+' if direction > 0 else '-'} MDE {abs(mde_abs):g} leaves 0..1; "
                f"a conversion rate cannot get there"
            )
    size = _size(p, mde_abs, std, alpha_each, power, alternative) if mde_abs is not None else None
    power_at = None
    if sample_size is not None and mde_abs is not None:
        power_at = (
            S.power_means(std, mde_abs, sample_size, alpha_each, alternative)
            if std is not None
            else S.power_proportions(p, mde_abs, sample_size, alpha_each, alternative)
        )
    elif sample_size is not None:
        mde_abs = (
            direction * S.mde_means(std, sample_size, alpha_each, power, alternative)
            if std is not None
            else S.mde_proportions(p, sample_size, alpha_each, power, alternative, direction)
        )
    per_variant = math.ceil(size - 1e-9) if size is not None else sample_size
    total = per_variant * variants if per_variant is not None else None
    days_needed = math.ceil(total / daily_visitors) if total and daily_visitors else None
    days = 7 * math.ceil(days_needed / 7) if days_needed else None
    return Plan(
        metric="mean" if std is not None else "conversion",
        baseline=p,
        std=std,
        mde_absolute=mde_abs,
        mde_relative=(mde_abs / abs(p) if mde_abs is not None and p else None),
        alpha=alpha,
        alpha_per_comparison=alpha_each,
        power=power,
        alternative=alternative,
        variants=variants,
        per_variant=per_variant,
        per_variant_exact=size,
        total=total,
        daily_visitors=daily_visitors,
        days_needed=days_needed,
        days=days,
        weeks=days // 7 if days else None,
        sample_size=sample_size,
        power_at_sample_size=power_at,
    )


def _size(p: float, delta: float, std: float | None, alpha: float, power: float, alternative: str) -> float:
    if std is not None:
        return S.sample_size_means(std, delta, alpha, power, alternative)
    return S.sample_size_proportions(p, delta, alpha, power, alternative)
