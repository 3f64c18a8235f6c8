"""满减 threshold design from the shop's own order values.

A tier set is a list of (threshold, discount): an order of value v gets the discount of the highest
threshold it reaches. The model, stated in every report:

- Orders already at or above a threshold get its discount without buying more (the cost of the tier).
- An order within reach of the next threshold up (its value at least `reach` × that threshold, 70% by
  default) tops up to exactly that threshold with probability `uptake`, and then gets its discount.
- Nothing else changes: no extra orders, no order splitting, no orders that would have been larger anyway.
- The net effect on gross margin = margin × the added sales − the discounts given.

Everything is a pure function of the order values and these assumptions.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ecomplan.core.errors import ArgumentError, InputError

PERCENTILES = (10, 25, 50, 75, 90, 95)


@dataclass(frozen=True)
class Assumptions:
    uptake: float = 0.3  # share of the orders within reach that top up to the next threshold
    margin: float = 0.45  # gross margin on the added sales
    budget: float = 0.05  # most the discounts may cost, as a share of GMV
    reach: float = 0.7  # an order of at least reach × threshold is within reach of it
    discount_rate: float = 0.1  # a tier's discount as a share of its threshold (rounded to `discount_step`)
    discount_step: float = 5.0

    def check(self) -> None:
        if not 0 <= self.uptake <= 1:
            raise ArgumentError("uptake", f"{self.uptake}: a share between 0 and 1")
        for name in ("margin", "budget", "reach", "discount_rate"):
            value = getattr(self, name)
            if not 0 < value <= 1:
                raise ArgumentError(name, f"{value}: a share above 0 and at most 1")
        if self.discount_step <= 0:
            raise ArgumentError("discount_step", f"{self.discount_step}: must be positive")

    def to_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass(frozen=True)
class TierEffect:
    """What a tier set does to the orders, over the period the order values cover."""

    tiers: tuple[tuple[float, float], ...]
    orders: int
    gmv: float
    share_above: float  # orders that reach the lowest threshold as they are
    share_in_reach: float  # orders within reach of the next threshold up (and below it)
    added_sales: float
    expected_aov_lift: float  # added sales per order
    discount_cost: float
    net_margin_effect: float

    @property
    def cost_share(self) -> float:
        return self.discount_cost / self.gmv if self.gmv else math.nan


def discount_for(threshold: float, assumptions: Assumptions) -> float:
    """A round discount: threshold × rate, to the nearest `discount_step` (满300减30, 满500减50)."""
    step = assumptions.discount_step
    return max(step, round(threshold * assumptions.discount_rate / step) * step)


def evaluate(values: np.ndarray, tiers: Sequence[tuple[float, float]], assumptions: Assumptions) -> TierEffect:
    """The effect of a tier set on `values` (order values) under `assumptions`."""
    values = np.asarray(values, float)
    ordered = sorted((float(t), float(d)) for t, d in tiers)
    thresholds = np.array([t for t, _ in ordered])
    discounts = np.array([d for _, d in ordered])
    n = len(values)
    if not n or not len(ordered):
        return TierEffect(tuple(ordered), n, float(values.sum()), 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
    reached = np.searchsorted(thresholds, values, side="right")  # tiers at or below each value
    current = np.where(reached > 0, discounts[np.maximum(reached - 1, 0)], 0.0)
    has_next = reached < len(thresholds)
    next_threshold = np.where(has_next, thresholds[np.minimum(reached, len(thresholds) - 1)], np.inf)
    next_discount = np.where(has_next, discounts[np.minimum(reached, len(thresholds) - 1)], 0.0)
    in_reach = has_next & (values >= assumptions.reach * next_threshold)
    top_up = np.where(in_reach, next_threshold - values, 0.0)
    u = assumptions.uptake
    added = u * float(top_up.sum())
    cost = float(np.where(in_reach, (1 - u) * current + u * next_discount, current).sum())
    return TierEffect(
        tiers=tuple(ordered),
        orders=n,
        gmv=float(values.sum()),
        share_above=float((values >= thresholds[0]).mean()),
        share_in_reach=float(in_reach.mean()),
        added_sales=added,
        expected_aov_lift=added / n,
        discount_cost=cost,
        net_margin_effect=assumptions.margin * added - cost,
    )


def candidate_thresholds(values: np.ndarray, reach: float) -> list[float]:
    """Round thresholds from the 25th percentile of order values up to where the 95th percentile order is
    just within reach (P95 / reach), in steps that suit the price level (¥10 below a ¥200 median order,
    ¥50 below ¥1,000, else ¥100; coarser when that would make more than 60)."""
    low, median, top = np.percentile(values, [25, 50, 95])
    high = top / reach
    step = 10.0 if median < 200 else 50.0 if median < 1000 else 100.0
    while True:
        first = max(math.ceil(low / step), 1) * step
        out = list(np.arange(first, max(high, first) + step / 2, step))
        if len(out) <= 60:
            return [float(x) for x in out]
        step *= 2


@dataclass
class ThresholdResult:
    orders: int
    gmv: float
    aov: float
    percentiles: dict[str, float]
    candidates: list[TierEffect]
    recommended: TierEffect | None
    assumptions: Assumptions
    histogram: list[dict] = field(default_factory=list)  # {start, end, orders}

    def to_dict(self) -> dict:
        def effect(e: TierEffect, single: bool) -> dict:
            out = {
                "share_above": e.share_above,
                "share_in_reach": e.share_in_reach,
                "expected_aov_lift": e.expected_aov_lift,
                "discount_cost": e.discount_cost,
                "discount_cost_share": e.cost_share,
                "net_margin_effect": e.net_margin_effect,
            }
            if single:
                return {"threshold": e.tiers[0][0], "discount": e.tiers[0][1], **out}
            return out

        return {
            "orders": self.orders,
            "gmv": self.gmv,
            "aov": self.aov,
            "percentiles": self.percentiles,
            "candidates": [effect(c, True) for c in self.candidates],
            "recommended": [{"threshold": t, "discount": d} for t, d in self.recommended.tiers]
            if self.recommended
            else [],
            "recommended_effect": effect(self.recommended, False) if self.recommended else None,
            "histogram": self.histogram,
            "assumptions": self.assumptions.to_dict(),
        }


def design(values, assumptions: Assumptions | None = None, max_tiers: int = 3) -> ThresholdResult:
    """Evaluate every candidate threshold alone, then build up to `max_tiers` tiers greedily: each step
    adds the higher threshold that raises the net margin effect most while the discounts stay within
    the budget. No tier set that loses margin is recommended."""
    assumptions = assumptions or Assumptions()
    assumptions.check()
    values = np.asarray(values, float)
    values = values[np.isfinite(values) & (values > 0)]
    if len(values) < 30:
        raise InputError(f"{len(values)} paid orders: too few to read a distribution of order values from (30+)")
    thresholds = candidate_thresholds(values, assumptions.reach)
    candidates = [evaluate(values, [(t, discount_for(t, assumptions))], assumptions) for t in thresholds]
    affordable = [c for c in candidates if c.cost_share <= assumptions.budget and c.net_margin_effect > 0]
    best = max(affordable, key=lambda c: c.net_margin_effect, default=None)
    while best is not None and len(best.tiers) < max_tiers:
        top = best.tiers[-1][0]
        tries = [
            evaluate(values, [*best.tiers, c.tiers[0]], assumptions)
            for c in candidates
            if c.tiers[0][0] >= top * 1.3 and c.tiers[0][1] > best.tiers[-1][1]  # tiers far enough apart
        ]
        better = [
            e for e in tries if e.cost_share <= assumptions.budget and e.net_margin_effect > best.net_margin_effect
        ]
        if not better:
            break
        best = max(better, key=lambda e: e.net_margin_effect)
    return ThresholdResult(
        orders=len(values),
        gmv=float(values.sum()),
        aov=float(values.mean()),
        percentiles={f"p{p}": float(v) for p, v in zip(PERCENTILES, np.percentile(values, PERCENTILES), strict=True)},
        candidates=candidates,
        recommended=best,
        assumptions=assumptions,
        histogram=_histogram(values),
    )


def _histogram(values: np.ndarray, bins: int = 30) -> list[dict]:
    """Order counts in round-width bins up to the 99th percentile (the long tail in the last bin)."""
    top = float(np.percentile(values, 99))
    raw = top / bins
    magnitude = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1
    width = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    edges = np.arange(0, top + width, width)
    counts = np.histogram(np.minimum(values, edges[-1] - 1e-9), bins=edges)[0]
    return [
        {"start": float(a), "end": float(b), "orders": int(c)}
        for a, b, c in zip(edges[:-1], edges[1:], counts, strict=True)
    ]
