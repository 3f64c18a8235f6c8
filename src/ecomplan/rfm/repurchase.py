"""复购率, 回购率 and monthly first-purchase cohorts (`docs/rfm.md` §4).

- 复购率 (repurchase rate, by customers): buyers with at least 2 purchases in
  the window / buyers in the window. "Purchases" follows `--frequency`:
  orders (按天非去重) or distinct purchase days (按天去重). The by-transactions
  variant, repeat purchases / all purchases = (purchases - buyers) /
  purchases, is reported next to it.
- 回购率 (buy-back rate): buyers of the previous window of the same length
  who bought again in this window / buyers of the previous window; and the
  same month by month (buyers of month m-1 who bought in month m).
- Cohorts: a customer's cohort is the calendar month of the first purchase
  (all history up to the as-of date); retention(cohort, k) = cohort
  customers who bought in month cohort+k / cohort size. Cohorts shown are
  those that start in the window (all of them without a window), at most
  the last 63 months.

All figures are recomputed from counts of customers, never averaged.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ecomplan.rfm.metrics import ACTIVITY_MONTHS, Snapshot


def month_index(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def month_label(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass
class Repurchase:
    as_of: dt.date
    window_days: int | None
    window_start: dt.date | None
    frequency: str
    buyers: int
    repeat_buyers: int  # >= 2 purchases (orders or days) in the window
    purchases: int  # orders or purchase days, per `frequency`
    previous_buyers: int
    returning_buyers: int
    first_sale: dt.date | None
    monthly: pd.DataFrame  # month, previous_buyers, returning_buyers, buyback_rate, complete
    cohorts: pd.DataFrame  # cohort, size, then one column per month offset 0..K (customers)
    cohorts_truncated: int  # customers whose cohort is older than the months kept

    @property
    def repurchase_rate(self) -> float | None:
        return rate(self.repeat_buyers, self.buyers)

    @property
    def repeat_purchase_share(self) -> float | None:
        return rate(self.purchases - self.buyers, self.purchases)

    @property
    def buyback_rate(self) -> float | None:
        return rate(self.returning_buyers, self.previous_buyers)

    @property
    def previous_window(self) -> tuple[dt.date, dt.date] | None:
        """First and last day of the window before this one (None without a window)."""
        if self.window_start is None:
            return None
        assert self.window_days is not None  # window_start is set only with a window (metrics._snapshot)
        return (self.window_start - dt.timedelta(days=self.window_days), self.window_start - dt.timedelta(days=1))

    @property
    def previous_window_complete(self) -> bool | None:
        """False when the data start after the previous window starts: its buyers are undercounted."""
        if self.previous_window is None or self.first_sale is None:
            return None
        return self.first_sale <= self.previous_window[0]

    @property
    def offsets(self) -> list[int]:
        return [c for c in self.cohorts.columns if isinstance(c, int)]

    def retention(self) -> pd.DataFrame:
        """The cohort matrix as shares of each cohort's size (month 0 = 1.0; months not yet reached empty)."""
        out = self.cohorts.copy()
        sizes = out["size"].to_numpy(dtype="float64")
        for k in self.offsets:
            out[k] = out[k].astype("Float64") / sizes
        return out

    def to_dict(self) -> dict:
        offsets = self.offsets
        retention = self.retention()
        return {
            "as_of": self.as_of,
            "window_days": self.window_days,
            "window_start": self.window_start,
            "frequency": self.frequency,
            "buyers": self.buyers,
            "repeat_buyers": self.repeat_buyers,
            "repurchase_rate": self.repurchase_rate,
            "purchases": self.purchases,
            "repeat_purchase_share": self.repeat_purchase_share,
            "buyback": {
                "previous_window_start": self.previous_window[0] if self.previous_window else None,
                "previous_window_end": self.previous_window[1] if self.previous_window else None,
                "previous_window_complete": self.previous_window_complete,
                "previous_buyers": self.previous_buyers,
                "returning_buyers": self.returning_buyers,
                "rate": self.buyback_rate,
            },
            "buyback_monthly": self.monthly.to_dict("records"),
            "cohorts": [
                {
                    "cohort": row["cohort"],
                    "size": int(row["size"]),
                    "customers": [int(row[k]) for k in offsets if not pd.isna(row[k])],
                    "retention": [float(share[k]) for k in offsets if not pd.isna(share[k])],
                }
                for (_, row), (_, share) in zip(self.cohorts.iterrows(), retention.iterrows(), strict=False)
            ],
            "cohorts_truncated": self.cohorts_truncated,
        }


def repurchase(snapshot: Snapshot, activity: pd.DataFrame) -> Repurchase:
    """Repurchase, buy-back and cohorts from a snapshot and the monthly activity of the same as-of date."""
    customers = snapshot.customers
    cohorts, truncated = cohort_counts(activity, snapshot.as_of, snapshot.window_start)
    return Repurchase(
        as_of=snapshot.as_of,
        window_days=snapshot.window_days,
        window_start=snapshot.window_start,
        frequency=snapshot.frequency,
        buyers=len(customers),
        repeat_buyers=int((customers["frequency"] >= 2).sum()),
        purchases=int(customers["frequency"].sum()),
        previous_buyers=snapshot.previous_buyers,
        returning_buyers=snapshot.returning_buyers,
        first_sale=snapshot.first_sale,
        monthly=monthly_buyback(activity, snapshot.as_of, snapshot.window_start),
        cohorts=cohorts,
        cohorts_truncated=truncated,
    )


def _cohort_offsets(activity: pd.DataFrame, as_of: dt.date) -> np.ndarray:
    """Months from each customer's first-purchase month to the as-of month."""
    first = activity["first_purchase"]
    return month_index(as_of) - (first.dt.year.to_numpy() * 12 + first.dt.month.to_numpy() - 1)


def cohort_counts(activity: pd.DataFrame, as_of: dt.date, since: dt.date | None) -> tuple[pd.DataFrame, int]:
    """Customers of each cohort active in month cohort+k; oldest cohort first.

    `activity.months` has bit j set when the customer bought j months before
    the as-of month, so cohort c (c months back) is active at offset k when
    bit c-k is set.
    """
    offsets = _cohort_offsets(activity, as_of)
    months = activity["months"].to_numpy(dtype="int64")
    oldest = ACTIVITY_MONTHS - 1
    if since is not None:
        oldest = min(oldest, month_index(as_of) - month_index(since))
    kept = offsets <= oldest
    truncated = int((offsets > ACTIVITY_MONTHS - 1).sum())
    if not kept.any():
        return pd.DataFrame(columns=["cohort", "size"]), truncated
    span = int(offsets[kept].max())
    counts = np.zeros((span + 1, span + 1), dtype="int64")
    for k in range(span + 1):
        eligible = kept & (offsets >= k)
        shift = np.where(eligible, offsets - k, 0)
        active = eligible & (((months >> shift) & 1) == 1)
        counts[:, k] = np.bincount(offsets[active], minlength=span + 1)[: span + 1]
    last = month_index(as_of)
    rows: list[dict[str | int, str | int]] = []  # "cohort", "size", then month offsets 0..span
    for c in range(span, -1, -1):  # oldest cohort first
        rows.append(
            {
                "cohort": month_label(last - c),
                "size": int(counts[c, 0]),
                **{k: int(counts[c, k]) for k in range(span + 1)},
            }
        )
    frame = pd.DataFrame(rows)
    for k in range(span + 1):  # months after the as-of month are not observed yet
        frame[k] = frame[k].astype("Int64").mask(frame.index > span - k)
    return frame[frame["size"] > 0].reset_index(drop=True), truncated


def monthly_buyback(activity: pd.DataFrame, as_of: dt.date, since: dt.date | None) -> pd.DataFrame:
    """Buyers of each previous calendar month who bought again in the month."""
    months = activity["months"].to_numpy(dtype="int64")
    if len(months) == 0:
        return pd.DataFrame(columns=["month", "previous_buyers", "returning_buyers", "buyback_rate", "complete"])
    earliest = int(_cohort_offsets(activity, as_of).max())
    earliest = min(earliest, ACTIVITY_MONTHS - 1)
    if since is not None:
        earliest = min(earliest, month_index(as_of) - month_index(since))
    last = month_index(as_of)
    complete_through = last if (as_of + dt.timedelta(days=1)).day == 1 else last - 1
    rows = []
    for j in range(earliest, 0, -1):  # month j back is the previous month of month j-1 back
        previous = ((months >> j) & 1) == 1
        returning = previous & (((months >> (j - 1)) & 1) == 1)
        n_previous, n_returning = int(previous.sum()), int(returning.sum())
        rows.append(
            {
                "month": month_label(last - j + 1),
                "previous_buyers": n_previous,
                "returning_buyers": n_returning,
                "buyback_rate": rate(n_returning, n_previous),
                "complete": last - j + 1 <= complete_through,
            }
        )
    return pd.DataFrame(rows, columns=["month", "previous_buyers", "returning_buyers", "buyback_rate", "complete"])
