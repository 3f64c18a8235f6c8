"""Replenishment formulas as small vectorized functions (scalars or NumPy arrays in, arrays out).

- safety stock with demand and lead-time variability (law of total variance):
  `SS = z · √(L · σd² + d² · σL²)`; with a fixed lead time (σL = 0) it is
  the textbook `z · σd · √L`;
- reorder point `ROP = d · L + SS`;
- days of cover `stock / d` (0 when stock ≤ 0, infinite when d = 0 and
  there is stock: no sales means the stock never runs out at this rate);
- an (s, S) order: when the inventory position (available + in transit)
  is at or below the reorder point, order up to `ROP + d · target cover`, so
  that when the goods arrive after the lead time there are `target cover`
  days of demand on hand on top of the safety stock; the quantity is
  rounded up to the MOQ and then to whole case packs.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import ndtri

MAX_PROJECTION_DAYS = 3650  # a stock-out date further out than ten years is not a date anyone plans for
_TOLERANCE = 1e-9  # 10.000000001 units still fill 10 units, not 11


def z_score(service_level):
    """The standard normal quantile for a cycle service level: 0.95 -> 1.6449 (tables round it to 1.65)."""
    level = np.asarray(service_level, dtype="float64")
    if np.any((level <= 0) | (level >= 1)):
        raise ValueError("service level must be strictly between 0 and 1")
    return ndtri(level)


def safety_stock(z, avg_daily, std_daily, lead_time_days, lead_time_std_days=0.0):
    """`z · √(L · σd² + d² · σL²)`: demand uncertainty over the lead time plus lead-time uncertainty."""
    z, d, sd, lead, lead_sd = np.broadcast_arrays(
        *(np.asarray(v, dtype="float64") for v in (z, avg_daily, std_daily, lead_time_days, lead_time_std_days))
    )
    return z * np.sqrt(lead * sd**2 + d**2 * lead_sd**2)


def reorder_point(avg_daily, lead_time_days, safety):
    """`d · L + SS`: expected demand until a new order arrives, plus the buffer."""
    return np.asarray(avg_daily, dtype="float64") * np.asarray(lead_time_days, dtype="float64") + np.asarray(safety)


def days_of_cover(stock, avg_daily):
    """How many days `stock` lasts at `avg_daily` units a day: 0 for no or negative stock, inf without sales."""
    stock, d = np.broadcast_arrays(np.asarray(stock, dtype="float64"), np.asarray(avg_daily, dtype="float64"))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        cover = np.where(d > 0, stock / np.where(d > 0, d, 1.0), np.inf)
    return np.where(stock <= 0, 0.0, cover)


def stockout_dates(as_of: pd.Timestamp, cover) -> np.ndarray:
    """The day stock runs out: as-of plus the whole days of cover (as-of itself when there is no stock).

    Stock counted on the morning of as-of with 2.5 days of cover lasts through
    as-of and the next day and runs out on as-of + 2. Infinite cover, or more
    than `MAX_PROJECTION_DAYS`, gives NaT.
    """
    cover = np.asarray(cover, dtype="float64")
    finite = np.isfinite(cover) & (cover <= MAX_PROJECTION_DAYS)
    days = np.floor(np.where(finite, cover, 0.0) + _TOLERANCE).astype("int64")
    start = np.datetime64(pd.Timestamp(as_of).normalize().to_datetime64(), "D")
    dates = (start + days.astype("timedelta64[D]")).astype("datetime64[ns]")
    return np.where(finite, dates, np.datetime64("NaT", "ns"))


def order_quantity(needed, moq=0.0, case_pack=1.0):
    """Round a needed quantity up to whole units, at least the MOQ, then up to whole case packs.

    Nothing needed (≤ 0) orders nothing; an MOQ that is not a multiple of the
    case pack rounds up with it, so the result is always a multiple of the
    case pack and at least the MOQ.
    """
    needed, moq, pack = np.broadcast_arrays(*(np.asarray(v, dtype="float64") for v in (needed, moq, case_pack)))
    moq = np.where(np.isfinite(moq) & (moq > 0), moq, 0.0)
    pack = np.where(np.isfinite(pack) & (pack > 0), pack, 1.0)
    units = np.ceil(np.maximum(needed, 0.0) - _TOLERANCE)
    units = np.where(units > 0, np.maximum(units, moq), 0.0)
    return np.ceil(units / pack - _TOLERANCE) * pack + 0.0  # + 0.0 turns -0.0 into 0.0


def order_up_to_level(reorder_pt, avg_daily, target_cover_days):
    """S of the (s, S) policy: the reorder point plus `target cover` days of demand."""
    return np.asarray(reorder_pt, dtype="float64") + np.asarray(avg_daily, dtype="float64") * target_cover_days


def suggested_order(position, reorder_pt, avg_daily, target_cover_days, moq=0.0, case_pack=1.0, needs_order=None):
    """Units to order now: up to the order-up-to level when the position is at or below the reorder point.

    `needs_order` (bool array) overrides the trigger, e.g. to order for a
    SKU that is out of stock with no measured demand but has backorders.
    """
    position = np.asarray(position, dtype="float64")
    trigger = position <= np.asarray(reorder_pt) if needs_order is None else np.asarray(needs_order, dtype=bool)
    needed = np.where(trigger, order_up_to_level(reorder_pt, avg_daily, target_cover_days) - position, 0.0)
    return order_quantity(needed, moq, case_pack)
