"""The KPI registry: every metric the reports show, and how it rolls up.

Nothing is summed blindly. `sum` metrics add up over days and platforms;
`distinct` metrics (visitors, buyers) come from a period export when one
covers the period, otherwise they are the sum of daily values (person-days)
and say so; `ratio` metrics are recomputed from their summed numerator and
denominator; `mean_daily` follows Sycm, which reports multi-day 跳失率 as the
plain mean of the daily values.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from ecomplan.core.report import Format

Rollup = Literal["sum", "distinct", "ratio", "mean_daily"]


@dataclass(frozen=True)
class Metric:
    key: str
    rollup: Rollup
    fmt: Format
    sources: tuple[str, ...] = ()  # canonical traffic columns, first present wins (sum / distinct / mean_daily)
    numerator: str | None = None  # ratio metrics
    denominator: str | None = None
    higher_is_better: bool = True


METRICS: dict[str, Metric] = {
    m.key: m
    for m in [
        Metric("gmv", "sum", "money", ("pay_amount", "revenue")),
        Metric("refund_amount", "sum", "money", ("refund_amount",), higher_is_better=False),
        Metric("net_gmv", "ratio", "money"),  # gmv - refund_amount, computed from its parts
        Metric("visitors", "distinct", "int", ("visitors", "users")),
        Metric("pageviews", "sum", "int", ("pageviews",)),
        Metric("add_to_cart_buyers", "distinct", "int", ("add_to_cart_buyers",)),
        Metric("ordering_buyers", "distinct", "int", ("ordering_buyers",)),
        Metric("paying_buyers", "distinct", "int", ("paying_buyers",)),
        Metric("orders", "sum", "int", ("orders", "purchases")),
        Metric("units", "sum", "int", ("units",)),
        Metric("new_buyers", "distinct", "int", ("new_buyers",)),
        Metric("returning_buyers", "distinct", "int", ("returning_buyers",)),
        Metric("bounce_rate", "mean_daily", "pct", ("bounce_rate",), higher_is_better=False),
        Metric("conversion_rate", "ratio", "pct", numerator="paying_buyers", denominator="visitors"),
        Metric("aov", "ratio", "money", numerator="gmv", denominator="paying_buyers"),
        Metric("uv_value", "ratio", "money", numerator="gmv", denominator="visitors"),
        Metric("pv_per_visitor", "ratio", "num", numerator="pageviews", denominator="visitors"),
        Metric("refund_rate", "ratio", "pct", numerator="refund_amount", denominator="gmv", higher_is_better=False),
        Metric("returning_share", "ratio", "pct", numerator="returning_buyers", denominator="paying_buyers"),
        # Google Analytics
        Metric("sessions", "sum", "int", ("sessions",)),
        Metric("engaged_sessions", "sum", "int", ("engaged_sessions",)),
        Metric("engagement_rate", "ratio", "pct", numerator="engaged_sessions", denominator="sessions"),
        Metric("add_to_carts", "sum", "int", ("add_to_carts",)),
        Metric("checkouts", "sum", "int", ("checkouts",)),
        Metric("purchases", "sum", "int", ("purchases",)),
        Metric("revenue", "sum", "money", ("revenue",)),
        Metric("session_conversion_rate", "ratio", "pct", numerator="purchases", denominator="sessions"),
    ]
}

# The overview rows of the KPI table, in reading order.
HEADLINE = (
    "gmv",
    "net_gmv",
    "visitors",
    "paying_buyers",
    "conversion_rate",
    "aov",
    "uv_value",
    "orders",
    "pageviews",
    "pv_per_visitor",
    "refund_amount",
    "refund_rate",
    "new_buyers",
    "returning_buyers",
    "returning_share",
    "bounce_rate",
)
GA_HEADLINE = (
    "sessions",
    "engagement_rate",
    "add_to_carts",
    "checkouts",
    "purchases",
    "revenue",
    "session_conversion_rate",
)
# The site's own table (beside the shops'): GA4's measures, its users (`visitors`) after the sessions.
SITE_ROWS = (GA_HEADLINE[0], "visitors", *GA_HEADLINE[1:])
