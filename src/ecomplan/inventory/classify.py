"""ABC and XYZ classes, and the one status each SKU gets.

Status resolution. Every rule is evaluated on its own and the true ones are
kept as `flags`; the SKU's `status` is the first true rule in this order:

    stockout > urgent > reorder > dead > slow_moving > overstock > ok

Running short comes first because it costs sales within days and can still
be prevented; among the excess states the stronger diagnosis wins: dead
(no sale in N days) says more than slow_moving (few sales over a long
period), which says more than overstock (too many days of cover at the
current rate). So a SKU that is both overstock and slow_moving is
`slow_moving`, with `overstock` among its flags.

`inactive` sits outside that order: no stock, nothing in transit and no sale
for longer than the dead-stock horizon is a discontinued SKU left in the
ERP sheet, not a stock-out to alert on every morning.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ecomplan.inventory.settings import InventoryPolicy

# Display order of the status scale: shortage, normal, excess (the order), then inactive.
STATUSES = ("stockout", "urgent", "reorder", "ok", "overstock", "slow_moving", "dead", "inactive")
PRECEDENCE = ("stockout", "urgent", "reorder", "dead", "slow_moving", "overstock")
SHORTAGE = ("stockout", "urgent", "reorder")
EXCESS = ("overstock", "slow_moving", "dead")
ALERTS = ("stockout", "urgent")  # what --fail-on-alerts exits 3 for
# Order of rows in lists: act first on what runs out, then on what to clear.
PRIORITY = {
    status: rank
    for rank, status in enumerate(
        ("stockout", "urgent", "reorder", "dead", "slow_moving", "overstock", "ok", "inactive")
    )
}


def abc_classes(values, cutoffs: tuple[float, float] = (0.80, 0.95)) -> np.ndarray:
    """A/B/C by share of the total: sorted by value (ties by position), a SKU is A while the share of
    the SKUs ranked above it is below the first cut-off, B below the second, C otherwise.

    Counting the share *before* the SKU puts the SKU that crosses 80% in A,
    so a single SKU with 90% of revenue is A, not B. SKUs with no value are C.
    """
    values = np.nan_to_num(np.asarray(values, dtype="float64"), nan=0.0)
    classes = np.full(len(values), "C", dtype=object)
    total = values[values > 0].sum()
    if total <= 0:
        return classes
    order = np.lexsort((np.arange(len(values)), -values))
    ranked = values[order]
    before = (np.cumsum(ranked) - ranked) / total
    ranked_classes = np.where(before < cutoffs[0], "A", np.where(before < cutoffs[1], "B", "C"))
    ranked_classes = np.where(ranked > 0, ranked_classes, "C")
    classes[order] = ranked_classes
    return classes


def xyz_classes(cv, cutoffs: tuple[float, float] = (0.5, 1.0)) -> np.ndarray:
    """X (steady) when CV < first cut-off, Y up to and including the second, Z above; None without a CV."""
    cv = np.asarray(cv, dtype="float64")
    classes = np.where(cv < cutoffs[0], "X", np.where(cv <= cutoffs[1], "Y", "Z")).astype(object)
    classes[np.isnan(cv)] = None
    return classes


def status_flags(
    items: pd.DataFrame, settings: InventoryPolicy, slow_evaluated: bool, dead_evaluated: bool
) -> pd.DataFrame:
    """Each status rule as a boolean column; `items` needs the policy columns built in `alerts()`.

    A rule that the sales history is too short to judge (slow_moving needs
    `slow_moving_days` of data, dead `dead_days`) is false for every SKU.
    """
    d = items["avg_daily_demand"].to_numpy()
    available = items["available"].to_numpy()
    position = items["inventory_position"].to_numpy()
    lead = items["lead_time_days"].to_numpy()
    since_last = items["days_since_last_sale"].to_numpy()
    since_first = items["days_since_first_sale"].to_numpy()
    never_sold = np.isnan(since_last)
    no_recent_sale = never_sold | (since_last > settings.dead_days)
    has_stock = available > 0
    inactive = dead_evaluated & ~has_stock & (items["in_transit"].to_numpy() <= 0) & (d <= 0) & no_recent_sale
    flags = pd.DataFrame(index=items.index)
    flags["inactive"] = inactive
    flags["stockout"] = ~has_stock & ~inactive
    flags["urgent"] = (d > 0) & (position < d * lead)
    flags["reorder"] = (d > 0) & (position <= items["reorder_point"].to_numpy())
    flags["overstock"] = has_stock & (items["days_of_cover"].to_numpy() > settings.overstock_days)
    established = never_sold | (since_first >= settings.slow_moving_days)
    flags["slow_moving"] = (
        slow_evaluated & has_stock & established & (items["units_slow_window"].to_numpy() < settings.slow_moving_units)
    )
    flags["dead"] = dead_evaluated & has_stock & no_recent_sale
    return flags


def resolve_status(flags: pd.DataFrame) -> np.ndarray:
    """The first true rule in `PRECEDENCE`; `inactive` when flagged so; `ok` when no rule holds."""
    status = np.full(len(flags), "ok", dtype=object)
    for name in reversed(PRECEDENCE):
        status = np.where(flags[name].to_numpy(), name, status)
    return np.where(flags["inactive"].to_numpy(), "inactive", status).astype(object)


def flag_lists(flags: pd.DataFrame) -> list[list[str]]:
    """The true rules of each SKU, in precedence order (one short list per SKU, built column-wise)."""
    names = [n for n in (*PRECEDENCE, "inactive")]
    matrix = flags[names].to_numpy()
    lists: list[list[str]] = [[] for _ in range(len(flags))]
    for column, name in enumerate(names):
        for row in np.flatnonzero(matrix[:, column]):
            lists[row].append(name)
    return lists
