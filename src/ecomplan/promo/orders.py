"""The order values 满减 tiers are designed on, by RFM's rules of what a sold order is."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ecomplan.core.errors import ArgumentError, InputError
from ecomplan.core.periods import Period
from ecomplan.core.text import platform_name, t


def paid_order_values(
    lines: pd.DataFrame, period: Period | None, platform: str | None, file: str, lang: str
) -> tuple[np.ndarray, str]:
    """Net values of the sold, paid orders of `lines` (`rfm.read_orders`), those paid in `period` and of
    `platform` when given; and a line saying which orders these are."""
    from ecomplan.rfm.metrics import order_values

    if platform is not None:
        if "platform" not in lines:
            raise ArgumentError("for_platform", f"{platform!r}: the order files carry no platform column")
        known = sorted(str(p) for p in lines["platform"].dropna().unique())
        if platform not in known:
            raise ArgumentError("for_platform", f"{platform!r}: the orders are of {', '.join(known) or 'no platform'}")
        lines = lines[lines["platform"].astype("str") == platform]
    orders, _, _ = order_values(lines, file)
    if period is not None:
        days = orders["day"]
        orders = orders[(days >= pd.Timestamp(period.start)) & (days <= pd.Timestamp(period.end))]
    if orders.empty:
        raise InputError(f"{file}: no sold, paid order with a positive amount in the chosen orders")
    first, last = orders["day"].min().date(), orders["day"].max().date()
    scope = t(
        "promo.scope",
        lang,
        platform=platform_name(platform, lang) if platform else t("promo.scope_all", lang),
        start=first,
        end=last,
    )
    return orders["net"].to_numpy(dtype=float), scope
