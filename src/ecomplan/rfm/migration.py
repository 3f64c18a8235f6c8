"""Segment migration: who moved from which segment to which between two dates.

Each date is segmented on its own (its own window and thresholds), then
customers are matched by key. A customer scored at only one of the dates
moves from or to `None`: entered (first purchase, or back from a lapse) or
left (no purchase in the later window).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd


@dataclass
class Migration:
    before: dt.date
    after: dt.date
    order: list[str]  # segment names in display order
    pairs: pd.DataFrame  # key columns, segment_before, segment (None where not scored at that date)

    def matrix(self) -> pd.DataFrame:
        """Customers by segment at `before` (rows) and at `after` (columns); `NOT_SCORED` = no segment."""
        labels = [*self.order, NOT_SCORED]
        pairs = self.pairs[["segment_before", "segment"]].astype("object").fillna(NOT_SCORED)
        counts = pairs.groupby(["segment_before", "segment"]).size()
        grid = pd.DataFrame(0, index=labels, columns=labels, dtype="int64")
        for (source, target), n in counts.items():
            grid.loc[source, target] = int(n)
        return grid

    def cells(self) -> list[dict]:
        """Non-empty cells; `None` stands for "not scored at that date"."""
        grid = self.matrix()
        return [
            {"from": _none(source), "to": _none(target), "customers": int(grid.loc[source, target])}
            for source in grid.index
            for target in grid.columns
            if grid.loc[source, target]
        ]

    def changes(self) -> pd.DataFrame:
        """Per segment: customers before and after, net change, and the flows in and out."""
        grid = self.matrix()
        rows = []
        for name in self.order:
            stayed = int(grid.loc[name, name])
            before, after = int(grid.loc[name].sum()), int(grid[name].sum())
            rows.append(
                {
                    "segment": name,
                    "before": before,
                    "after": after,
                    "change": after - before,
                    "stayed": stayed,
                    "moved_in": after - stayed - int(grid.loc[NOT_SCORED, name]),
                    "entered": int(grid.loc[NOT_SCORED, name]),
                    "moved_out": before - stayed - int(grid.loc[name, NOT_SCORED]),
                    "left": int(grid.loc[name, NOT_SCORED]),
                }
            )
        return pd.DataFrame(rows)

    def to_dict(self) -> dict:
        return {
            "before": self.before,
            "after": self.after,
            "cells": self.cells(),
            "segments": self.changes().to_dict("records"),
        }


NOT_SCORED = "(not scored)"


def _none(label: str) -> str | None:
    return None if label == NOT_SCORED else label


def migrate(
    before: pd.DataFrame,
    after: pd.DataFrame,
    key: list[str],
    order: list[str],
    before_date: dt.date,
    after_date: dt.date,
) -> Migration:
    """Match the segmented customers of two dates (frames with `key` columns and `segment`)."""
    pairs = (
        before[[*key, "segment"]]
        .rename(columns={"segment": "segment_before"})
        .merge(after[[*key, "segment"]], on=key, how="outer")
    )
    return Migration(before_date, after_date, order, pairs)
