"""Price and promotion suggestions from the config's rules. Suggestions only: nothing is ever applied.

- markdown: for SKUs whose status has a `markdown_pct` (overstock,
  slow_moving, dead by default, 20%), when the stock would last longer than
  `markdown_min_cover_days` or does not sell at all;
- stop promotion: during a campaign from `[[campaigns]]`, for SKUs whose
  days of cover are shorter than their lead time: promoting them sells out
  stock that cannot be replaced before the campaign is over.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from ecomplan.inventory.settings import InventoryPolicy


def price_suggestions(items: pd.DataFrame, settings: InventoryPolicy, as_of: dt.date) -> pd.DataFrame:
    """Columns `markdown_pct` (NaN: none) and `stop_promotion` (bool) for `items` (needs status,
    days_of_cover, avg_daily_demand, lead_time_days)."""
    rules = settings.pricing
    status = items["status"].to_numpy()
    cover = items["days_of_cover"].to_numpy()
    d = items["avg_daily_demand"].to_numpy()
    pct = pd.Series(status).map(rules.markdown_pct).to_numpy(dtype="float64")
    lasts_long = (cover > rules.markdown_min_cover_days) | (d <= 0)
    markdown = np.where(lasts_long, pct, np.nan)
    campaign = settings.active_campaign(as_of) if rules.stop_promotion_in_campaigns else None
    stop = (
        np.zeros(len(items), dtype=bool)
        if campaign is None
        else ((d > 0) & (cover < items["lead_time_days"].to_numpy()))
    )
    return pd.DataFrame({"markdown_pct": markdown, "stop_promotion": stop}, index=items.index)
