"""Periods, ISO weeks across year ends, comparisons and campaign alignment."""

from __future__ import annotations

import datetime as dt

import pytest

from ecomplan.core.errors import UsageError
from ecomplan.core.periods import (
    Campaign,
    Period,
    campaign_aligned,
    parse_period,
    previous,
    year_over_year,
    year_over_year_weekday,
)

D = dt.date


@pytest.mark.parametrize(
    ("spec", "as_of", "start", "end", "label"),
    [
        ("last-week", D(2026, 11, 23), D(2026, 11, 16), D(2026, 11, 22), "2026-W47"),  # Monday: last week is done
        ("last-week", D(2026, 11, 22), D(2026, 11, 9), D(2026, 11, 15), "2026-W46"),  # Sunday: this week isn't
        ("this-week", D(2026, 11, 25), D(2026, 11, 23), D(2026, 11, 29), "2026-W48"),
        ("2026-W47", D(2030, 1, 1), D(2026, 11, 16), D(2026, 11, 22), "2026-W47"),
        ("2026W47", D(2030, 1, 1), D(2026, 11, 16), D(2026, 11, 22), "2026-W47"),
        ("2026-W53", D(2030, 1, 1), D(2026, 12, 28), D(2027, 1, 3), "2026-W53"),  # 2026 has 53 ISO weeks
        ("2025-W01", D(2030, 1, 1), D(2024, 12, 30), D(2025, 1, 5), "2025-W01"),  # week 1 starts in December
        ("last-week", D(2027, 1, 5), D(2026, 12, 28), D(2027, 1, 3), "2026-W53"),
        ("2026-11", D(2030, 1, 1), D(2026, 11, 1), D(2026, 11, 30), "2026-11"),
        ("2024-02", D(2030, 1, 1), D(2024, 2, 1), D(2024, 2, 29), "2024-02"),
        ("2026-Q4", D(2030, 1, 1), D(2026, 10, 1), D(2026, 12, 31), "2026-Q4"),
        ("2026-11-01..2026-11-22", D(2030, 1, 1), D(2026, 11, 1), D(2026, 11, 22), "2026-11-01..2026-11-22"),
        ("2026-11-20", D(2030, 1, 1), D(2026, 11, 20), D(2026, 11, 20), "2026-11-20"),
        ("last-month", D(2026, 1, 15), D(2025, 12, 1), D(2025, 12, 31), "2025-12"),
    ],
)
def test_parse_period(spec, as_of, start, end, label):
    period = parse_period(spec, as_of)
    assert (period.start, period.end, period.label) == (start, end, label)


@pytest.mark.parametrize(
    "spec", ["2025-W53", "2026-13", "2026-Q5", "2026-11-22..2026-11-01", "next week", "2026-02-30"]
)
def test_bad_periods_are_usage_errors(spec):
    with pytest.raises(UsageError):
        parse_period(spec, D(2026, 11, 23))


@pytest.mark.parametrize(
    ("spec", "start", "end", "label"),
    [
        ("2026-W01", D(2025, 12, 22), D(2025, 12, 28), "2025-W52"),
        ("2027-W01", D(2026, 12, 28), D(2027, 1, 3), "2026-W53"),
        ("2026-01", D(2025, 12, 1), D(2025, 12, 31), "2025-12"),
        ("2026-03", D(2026, 2, 1), D(2026, 2, 28), "2026-02"),
        ("2026-Q1", D(2025, 10, 1), D(2025, 12, 31), "2025-Q4"),
        ("2026-11-01..2026-11-10", D(2026, 10, 22), D(2026, 10, 31), "2026-10-22..2026-10-31"),
    ],
)
def test_previous_period(spec, start, end, label):
    other = previous(parse_period(spec, D(2030, 1, 1)))
    assert (other.start, other.end, other.label) == (start, end, label)


def test_year_over_year_by_weekday_keeps_weekdays():
    week = parse_period("2026-W47", D(2030, 1, 1))
    other = year_over_year_weekday(week)
    assert (other.start, other.end, other.label) == (D(2025, 11, 17), D(2025, 11, 23), "2025-W47")
    assert other.start.weekday() == 0 and (week.start - other.start).days == 364


def test_year_over_year_by_date_and_leap_day():
    assert year_over_year(Period(D(2028, 2, 29), D(2028, 3, 6), "x")).start == D(2027, 2, 28)
    month = year_over_year(parse_period("2026-11", D(2030, 1, 1)))
    assert (month.start, month.end, month.label) == (D(2025, 11, 1), D(2025, 11, 30), "2025-11")


def test_campaign_aligned_comparison_uses_the_same_campaign_day():
    campaigns = [
        Campaign("双11", D(2025, 10, 20), D(2025, 11, 11)),
        Campaign("双11", D(2026, 10, 15), D(2026, 11, 11)),
        Campaign("618", D(2026, 5, 20), D(2026, 6, 18)),
    ]
    aligned, now, before = campaign_aligned(Period(D(2026, 10, 15), D(2026, 10, 21), "2026-W42"), campaigns)
    assert (aligned.start, aligned.end) == (D(2025, 10, 20), D(2025, 10, 26))  # day 1-7 of each edition
    assert now.start == D(2026, 10, 15) and before.start == D(2025, 10, 20)
    assert campaign_aligned(Period(D(2026, 11, 16), D(2026, 11, 22), "x"), campaigns) is None
    assert campaign_aligned(Period(D(2026, 6, 1), D(2026, 6, 7), "x"), campaigns) is None  # no earlier 618


def test_complete_days_count_only_days_before_as_of():
    week = parse_period("2026-W48", D(2030, 1, 1))  # Mon 23 - Sun 29 Nov
    assert week.complete_days(D(2026, 11, 23)) == 0
    assert week.complete_days(D(2026, 11, 26)) == 3
    assert week.complete_days(D(2026, 12, 5)) == 7
