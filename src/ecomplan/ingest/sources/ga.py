"""Google Analytics 4 and Universal Analytics CSV downloads (`docs/formats.md` §3-4).

Both are `#`-commented files holding several tables; the reader splits them
and keeps each table's `# Start date:`/`# End date:` (GA4) or the preamble's
`YYYYMMDD-YYYYMMDD` (UA). Time-series tables become daily traffic rows;
channel tables become one row per channel for the whole period; the rest
(pages, events, countries...) are recognised and reported but not used.
"""

from __future__ import annotations

import pandas as pd

from ecomplan.ingest.reading import RawTable
from ecomplan.ingest.sources.base import Adapter, Context

METRICS = {
    "users": ("Active users", "Users", "Total users"),
    "new_users": ("New users", "New Users"),
    "sessions": ("Sessions",),
    "engaged_sessions": ("Engaged sessions",),
    "pageviews": ("Views", "Pageviews", "Screen page views"),
    "revenue": ("Total revenue", "Purchase revenue", "Revenue"),
    "purchases": ("Ecommerce purchases", "Purchases", "Transactions"),
    "add_to_carts": ("Add to carts",),
    "checkouts": ("Checkouts",),
    "key_events": ("Key events", "Conversions", "Goal Completions"),
    "event_count": ("Event count", "Total Events"),
    "avg_engagement_seconds": (
        "Average engagement time per active user",
        "Average engagement time",
        "Average engagement time per session",
        "Avg. Session Duration",
    ),
}
CHANNEL_COLUMNS = (
    "Session primary channel group (Default Channel Group)",
    "Session default channel group",
    "Default Channel Grouping",
    "Channel Grouping",
)
SOURCE_COLUMNS = ("Session source / medium", "Source / Medium", "Session source", "Source")
_TIME_AXES = ("Nth day", "Nth week", "Date", "Day Index")


def is_ga4(table: RawTable, ctx: Context) -> bool:
    return "property" in ctx.meta or ctx.meta.get("report_title") in {"Report CSV Export", "Reports snapshot"}


def is_ua(table: RawTable, ctx: Context) -> bool:
    return "view" in ctx.meta or (
        "start_date" in ctx.meta
        and "property" not in ctx.meta
        and ctx.meta.get("report_title") not in {"Report CSV Export", "Reports snapshot"}
    )


def _dated(table: RawTable, ctx: Context) -> RawTable:
    """Resolve the time axis to dates: `Nth day`/`Nth week` are offsets from
    `# Start date`, `Date` is YYYYMMDD, UA `Day Index` is a locale date."""
    frame = table.frame
    axis = next(c for c in _TIME_AXES if c in frame.columns)
    values = frame[axis].astype("str").str.strip()
    if axis in {"Nth day", "Nth week"}:
        start, end = ctx.period() or (None, None)
        if start is None:
            raise_no_start(ctx)
        offset = pd.to_numeric(values, errors="coerce")
        step = 7 if axis == "Nth week" else 1
        first = pd.Timestamp(start) + pd.to_timedelta(offset * step, unit="D")
        frame["__date"] = first.dt.strftime("%Y-%m-%d")
        if step == 7:
            last = (first + pd.Timedelta(days=6)).clip(upper=pd.Timestamp(end))
            frame["__date_end"] = last.dt.strftime("%Y-%m-%d")
    else:
        frame["__date"] = values
    table.frame = frame
    return table


def raise_no_start(ctx: Context) -> None:
    from ecomplan.core.errors import SchemaError

    raise SchemaError(
        f"{ctx.file}: 'Nth day' table without a '# Start date:' line above it; re-download the report from GA"
    )


def _period(frame: pd.DataFrame, ctx: Context) -> pd.DataFrame:
    """Channel tables cover the whole report range: one row per channel."""
    period = ctx.period()
    if period is None:
        from ecomplan.ingest.sources.base import raise_missing_period

        raise_missing_period(ctx)
    frame.insert(0, "date", pd.Timestamp(period[0]))
    frame.insert(1, "date_end", pd.Timestamp(period[1]))
    return frame


def _has_metric(table: RawTable) -> bool:
    headers = {c.lower() for c in table.columns}
    return any(alias.lower() in headers for aliases in METRICS.values() for alias in aliases)


def _time_series(table: RawTable, ctx: Context) -> bool:
    first = table.columns[0]
    if first not in _TIME_AXES or not _has_metric(table):
        return False
    if first == "Date":  # the retention table's "Date" holds "Jun 14 - Jun 20" labels
        sample = table.frame[first].astype("str").head(5)
        return bool(sample.str.fullmatch(r"\d{8}").all())
    return not {"30 days", "7 days"} & set(table.columns)


def _daily_adapter(platform: str, accepts) -> Adapter:
    return Adapter(
        platform,
        "daily",
        "traffic",
        title_zh="GA 按日流量",
        title_en="GA traffic by day",
        columns={
            "date": "__date",
            "date_end": "__date_end",
            **METRICS,
            "segment": ("Operating System", "Device category", "Browser", "Country", "City"),
        },
        accepts=lambda t, c: (
            (accepts(t, c) and _time_series(t, c))
            or (
                accepts(t, c)
                and "Date" in t.columns
                and t.columns[0] != "Date"
                and _has_metric(t)
                and bool(t.frame["Date"].astype("str").head(5).str.fullmatch(r"\d{8}").all())
            )
        ),
        prepare=_dated,
    )


def _channel_adapter(platform: str, accepts) -> Adapter:
    return Adapter(
        platform,
        "channels",
        "traffic",
        title_zh="GA 流量获取 (渠道)",
        title_en="GA traffic acquisition by channel",
        signature=(CHANNEL_COLUMNS + SOURCE_COLUMNS,),
        columns={"channel": CHANNEL_COLUMNS, "source": SOURCE_COLUMNS, **METRICS},
        accepts=lambda t, c: accepts(t, c) and t.columns[0] in CHANNEL_COLUMNS + SOURCE_COLUMNS and _has_metric(t),
        finish=_period,
    )


def _recognised(platform: str, report: str, first_columns: tuple[str, ...], accepts, title: str) -> Adapter:
    """Reports we recognise (for `inspect`) but that feed no canonical table."""
    return Adapter(
        platform,
        report,
        None,
        columns={},
        title_en=title,
        title_zh=title,
        accepts=lambda t, c: accepts(t, c) and t.columns[0] in first_columns,
    )


_OTHER = (
    ("events", ("Event name", "Event Label", "Event Category", "Event Action"), "Events"),
    (
        "pages",
        ("Page title and screen class", "Page title", "Page path and screen class", "Page", "Page Title"),
        "Pages and screens",
    ),
    ("countries", ("Country", "Country ID"), "Countries"),
    ("cities", ("City",), "Cities"),
    ("items", ("Item name", "Product"), "E-commerce items"),
    ("platforms", ("Platform", "Device category", "Operating System", "Browser"), "Platforms and devices"),
    ("retention", ("Date",), "User retention cohorts"),
    ("active_users_trend", ("Nth day", "Nth week"), "Active users over 30/7/1 days"),
    (
        "first_user_channels",
        (
            "First user primary channel group (Default Channel Group)",
            "First user default channel group",
            "First user source / medium",
        ),
        "New users by first channel",
    ),
    (
        "engagement",
        ("Session Duration", "Page Depth", "Count of Sessions", "Days Since Last Session"),
        "Engagement distribution",
    ),
)

ADAPTERS = []
for _platform, _accepts in (("ga4", is_ga4), ("ga_ua", is_ua)):
    ADAPTERS.append(_daily_adapter(_platform, _accepts))
    ADAPTERS.append(_channel_adapter(_platform, _accepts))
    ADAPTERS.extend(_recognised(_platform, r, cols, _accepts, title) for r, cols, title in _OTHER)
ADAPTERS.append(
    Adapter(
        "ga4",
        "table",
        None,
        columns={},
        title_en="Unrecognised GA4 table",
        title_zh="未识别的 GA4 表",
        accepts=is_ga4,
        priority=-1,
    )
)
ADAPTERS.append(
    Adapter(
        "ga_ua",
        "table",
        None,
        columns={},
        title_en="Unrecognised UA table",
        title_zh="未识别的 UA 表",
        accepts=is_ua,
        priority=-1,
    )
)
