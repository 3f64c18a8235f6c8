"""`ecomplan kpi report`: everything the weekly KPI section needs, as data, JSON and a Report.

`analyse()` runs the pure computations of `kpi` on loaded frames; `to_json()`
gives the documented JSON; `sections()` the report text and tables in zh/en.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

from ecomplan.config import Settings
from ecomplan.core.errors import ArgumentError
from ecomplan.core.formatting import change as fmt_change
from ecomplan.core.formatting import money as fmt_money
from ecomplan.core.formatting import pct as fmt_pct
from ecomplan.core.periods import Campaign, Period, campaign_aligned, previous, year_over_year, year_over_year_weekday
from ecomplan.core.report import Chart, Column, Report, Section, Table
from ecomplan.core.text import enumerate_names, platform_name, t
from ecomplan.kpi import compute as kpi
from ecomplan.kpi.metrics import GA_HEADLINE, HEADLINE, METRICS, SITE_ROWS
from ecomplan.kpi.targets import Targets, rate_target, track_gmv

if TYPE_CHECKING:
    from ecomplan.rfm.metrics import Lines

COMPARISONS = ("previous_period", "year_over_year", "year_over_year_weekday", "campaign")
COMPARE_ALIASES = {
    "previous": "previous_period",
    "wow": "previous_period",
    "mom": "previous_period",
    "yoy": "year_over_year",
    "yoy-date": "year_over_year",
    "yoy-weekday": "year_over_year_weekday",
    "campaign": "campaign",
}
DEFAULT_COMPARE = ("previous_period", "year_over_year_weekday", "campaign")


def parse_compare(text: str | None) -> tuple[str, ...]:

    if not text:
        return DEFAULT_COMPARE
    if text.strip() == "all":
        return COMPARISONS
    names = []
    for item in text.split(","):
        key = COMPARE_ALIASES.get(item.strip(), item.strip())
        if key not in COMPARISONS:
            raise ArgumentError("compare", f"{item!r}: choose from previous, yoy, yoy-weekday, campaign or all")
        names.append(key)
    return tuple(dict.fromkeys(names))


@dataclass
class Comparison:
    name: str
    period: Period
    platforms: dict[str, kpi.Totals]
    total: kpi.Totals
    note: str | None = None
    site_total: kpi.Totals | None = None  # the analytics-measured site, beside the shops (see kpi.by_kind)


@dataclass
class KpiResult:
    period: Period
    as_of: dt.date
    platforms: list[str]
    current: dict[str, kpi.Totals]
    total: kpi.Totals
    comparisons: dict[str, Comparison]
    funnel: pd.DataFrame
    channels: pd.DataFrame
    products: pd.DataFrame
    no_sales: pd.DataFrame
    ad_campaigns: pd.DataFrame
    ad_keywords: pd.DataFrame
    wasted: pd.DataFrame
    ad_totals: pd.DataFrame  # spend, ad sales, ROI and spend share of GMV per platform and in total
    daily: pd.DataFrame
    targets: dict | None
    conversion_target: float | None
    orders: dict | None
    findings: list[dict] = field(default_factory=list)
    coverage: dict[str, dict] = field(default_factory=dict)
    currency: str = "¥"
    top: int = 10
    notes: list[str] = field(default_factory=list)  # data caveats found while computing (overlapping files)
    basis: dict[str, str] = field(default_factory=dict)  # per platform: "traffic" (an export) or "orders"
    site_total: kpi.Totals | None = None  # GA4-measured site beside shops: never added into `total`
    platform_targets: dict[str, dict] = field(default_factory=dict)  # code -> track_gmv of its own target
    # optional comparisons left out: (name, period, platforms lacking a de-duplicated export for it)
    dropped_comparisons: list[tuple[str, Period, list[str]]] = field(default_factory=list)

    @property
    def gmv_all_channels(self) -> float | None:
        """The shops' GMV plus the site's revenue: the one figure that adds both kinds, named as such."""
        parts = [v for totals in (self.total, self.site_total) if totals and (v := totals.get("gmv")) is not None]
        return float(sum(parts)) if parts else None


def analyse(
    traffic: pd.DataFrame,
    period: Period,
    as_of: dt.date,
    settings: Settings,
    products: pd.DataFrame | None = None,
    ads: pd.DataFrame | None = None,
    orders: Lines | None = None,
    targets: Targets | None = None,
    compare: tuple[str, ...] = DEFAULT_COMPARE,
    optional_compare: tuple[str, ...] = (),
) -> KpiResult:
    """All KPI computations for `period`; `traffic` is the canonical traffic frame of any platforms.

    With no traffic rows at all, the daily figures come from `orders` (`kpi.orders_traffic`):
    GMV, orders, buyers and AOV, no visitors; `basis` says so per platform."""
    from ecomplan.core.errors import EcomplanError

    campaigns = list(settings.campaigns)
    chosen = []
    for name in compare:
        other, note = _comparison_period(name, period, campaigns)
        if other is not None:
            chosen.append((name, other, note))
    basis = {str(p): "traffic" for p in traffic["platform"].unique()} if len(traffic) else {}
    # Only when there is no traffic at all: beside a traffic export the orders may be the same sales
    # under another platform name (Shopify orders of the site GA4 measures), and GMV would count twice.
    if traffic.empty and isinstance(orders, pd.DataFrame) and len(orders) and "platform" in orders:
        traffic = kpi.orders_traffic(orders, [period, *(other for _, other, _ in chosen)])
        basis = {str(p): "orders" for p in traffic["platform"].unique()}
    if traffic.empty and orders is not None and not isinstance(orders, pd.DataFrame):
        raise EcomplanError(
            "none of the files holds traffic/sales by day; orders Spark reads give the buyer figures only, "
            "the daily KPIs need a traffic export (Sycm 交易概况, JD 经营概况, GA4)"
        )
    if traffic.empty:
        raise EcomplanError("none of the files holds traffic/sales by day or orders; KPIs need one")
    daily, period_rows, notes = kpi.shop_level(traffic)
    platforms = sorted(set(daily["platform"].astype("str")) | set(period_rows["platform"].astype("str")))
    # An optional comparison is shown only when it leaves every platform's basis as it is: a week's
    # de-duplicated visitors must not turn into person-days because a compared period has no such export.
    dropped: list[tuple[str, Period, list[str]]] = []
    for name in optional_compare:
        other, note = _comparison_period(name, period, campaigns)
        if other is None or name in {n for n, _, _ in chosen}:
            continue
        before = kpi.period_export_use(period_rows, platforms, [period, *(o for _, o, _ in chosen)])
        after = kpi.period_export_use(period_rows, platforms, [period, *(o for _, o, _ in chosen), other])
        if before == after:
            chosen.append((name, other, note))
        else:
            dropped.append((name, other, [p for p in platforms if before[p] != after[p]]))
    chosen.sort(key=lambda item: COMPARISONS.index(item[0]))
    # One basis for the current period and every comparison (see kpi.totals_for).
    current, others = kpi.totals_for(daily, period_rows, platforms, period, [other for _, other, _ in chosen])
    # One basis per number: shops' visitors and buyers are never added to a site's GA4 users and sessions.
    shops, sites = kpi.by_kind(current)
    main_group, site_group = (shops, sites) if shops else (sites, [])

    def totals_of(group: list[str], totals: dict[str, kpi.Totals]) -> kpi.Totals | None:
        return kpi.combine([totals[p] for p in group]) if group else None

    comparisons = {
        name: Comparison(
            name, other, then, kpi.combine([then[p] for p in main_group]), note, totals_of(site_group, then)
        )
        for (name, other, note), then in zip(chosen, others, strict=False)
    }
    total = kpi.combine([current[p] for p in main_group])
    if all(value is None for value in total.values.values()):
        first, last = traffic["date"].min(), kpi.last_day(traffic)
        partial = sorted({row for totals in current.values() for row in totals.partial})
        if partial:
            rows = ", ".join(f"{a} – {b}" for a, b in partial[:4])
            raise EcomplanError(
                f"no row of the files fits inside {period.label} ({period.start} – {period.end}): their rows "
                f"span several days and these only partly fall in it: {rows}. A week's or month's visitors "
                f"cannot be split by day; ask for a period made of whole rows, e.g. "
                f"{partial[0][0]}..{partial[-1][1]}"
            )
        raise EcomplanError(
            f"no traffic or sales data in {period.label} ({period.start} – {period.end}); the "
            f"files cover {first.date()} – {last.date()}"
        )
    main = comparisons.get("previous_period") or next(iter(comparisons.values()), None)
    previous_period = main.period if main else previous(period)
    top = settings.kpi.top
    product_table = kpi.products(products, period, previous_period) if products is not None else pd.DataFrame()
    keywords = kpi.ads(ads, period, "keyword") if ads is not None else pd.DataFrame()
    ad_campaigns = kpi.ads(ads, period, "campaign") if ads is not None else pd.DataFrame()
    # Enough history for same-weekday baselines that skip campaign days, and for year-to-date targets.
    history_start = min(
        period.start - dt.timedelta(days=14 * settings.kpi.anomaly_weeks), dt.date(period.end.year, 1, 1)
    )
    series = kpi.daily_gmv(daily, history_start, period.end) if len(daily) else pd.DataFrame()
    result = KpiResult(
        period=period,
        as_of=as_of,
        platforms=platforms,
        current=current,
        total=total,
        comparisons=comparisons,
        funnel=kpi.funnel(  # orders alone have no funnel: no visitors, no carts
            {p: v for p, v in current.items() if basis.get(p) != "orders"}, main.platforms if main else None
        ),
        channels=kpi.channels(traffic, period, previous_period),
        products=product_table,
        no_sales=kpi.traffic_without_sales(product_table, settings.kpi.min_product_visitors).head(top),
        ad_campaigns=ad_campaigns,
        ad_keywords=keywords,
        wasted=kpi.wasted_spend(keywords, settings.kpi.min_wasted_spend),
        ad_totals=kpi.ad_totals(ad_campaigns if len(ad_campaigns) else keywords, current),
        daily=series,
        targets=track_gmv(targets.gmv, series["total"], period, as_of)
        if targets and targets.gmv and len(series)
        else None,
        conversion_target=rate_target(targets.conversion_rate if targets else None, period),
        platform_targets=_platform_targets(targets, series, period, as_of, notes),
        orders=orders_kpis(orders, period) if orders is not None else None,
        currency=settings.currency,
        top=top,
        notes=notes,
        basis=basis,
        site_total=totals_of(site_group, current),
        dropped_comparisons=dropped,
    )
    result.coverage = coverage(current, traffic, period)
    campaign_days = {d for c in campaigns for d in Period(c.start, c.end, c.name).dates()}
    result.findings = findings(result, settings, campaign_days)
    return result


def _platform_targets(
    targets: Targets | None, series: pd.DataFrame, period: Period, as_of: dt.date, notes: list[str]
) -> dict[str, dict]:
    """Each platform's own GMV target against that platform's daily GMV; a platform with a target but no
    data is named in the notes (a mistyped code would otherwise vanish)."""
    out: dict[str, dict] = {}
    for code, target in targets.platforms.items() if targets else []:
        if target.gmv is None:
            continue
        if code not in series:
            notes.append(f"targets: platform {code!r} has a GMV target but no data ({', '.join(map(str, series))})")
            continue
        tracked = track_gmv(target.gmv, series[code], period, as_of)
        if tracked is not None:
            out[code] = tracked
    return out


def _comparison_period(name: str, period: Period, campaigns: list[Campaign]) -> tuple[Period | None, str | None]:
    if name == "previous_period":
        return previous(period), None
    if name == "year_over_year":
        return year_over_year(period), None
    if name == "year_over_year_weekday":
        return year_over_year_weekday(period), None
    aligned = campaign_aligned(period, campaigns)
    if aligned is None:
        return None, None
    other, now, before = aligned
    return other, f"{now.name} {now.start}..{now.end} vs {before.start}..{before.end}"


def coverage(current: dict[str, kpi.Totals], traffic: pd.DataFrame, period: Period) -> dict[str, dict]:
    """Per platform: the newest day with data, the period days the counted rows cover (from the
    rows' own grain: a week counts 7 days), the first and last of them, the grain, and the rows
    that only partly overlap the period and were left out (stale sources and partial weeks show here)."""
    out = {}
    for platform, rows in traffic.groupby("platform", observed=True):
        derived = rows["report"].astype("str").eq("orders")
        if "date_end" in rows:
            derived &= rows["date_end"].notna()
        last = kpi.last_day(rows[~derived])  # orders_traffic's period rows span the asked periods, not the data
        totals = current.get(str(platform))
        partial = totals.partial if totals else []
        out[str(platform)] = {
            "last_date": last.date().isoformat() if pd.notna(last) else None,
            "days_covered": totals.days_covered if totals else 0,
            "days": period.days,
            "files": sorted(set(rows["source_file"].astype("str"))),
            **(
                {
                    "grain": totals.grain,
                    "covered_start": totals.covered[0].isoformat() if totals.covered else None,
                    "covered_end": totals.covered[1].isoformat() if totals.covered else None,
                    "partial": [
                        {
                            "start": a.isoformat(),
                            "end": b.isoformat(),
                            "days_in_period": (min(b, period.end) - max(a, period.start)).days + 1,
                        }
                        for a, b in partial
                    ],
                }
                if totals and (totals.grain != "day" or partial)
                else {}
            ),
        }
    return out


def orders_kpis(orders: Lines | None, period: Period) -> dict | None:
    """Buyers of the period (new = first purchase in the period) and the 90-day
    repurchase rate (buyers of the 90 days ending with the period who made two or
    more purchases, JD's 90天重复购买率), with the RFM module's rules for what a
    purchase is (sold, not fully refunded, keyed by platform and buyer)."""
    from ecomplan.core.errors import EcomplanError
    from ecomplan.rfm.metrics import measure

    if orders is None or not len(orders) or "customer_id" not in orders:
        return None
    try:
        now = measure(orders, [period.end], window_days=period.days).snapshots[0].customers
        window = measure(orders, [period.end], window_days=90).snapshots[0].customers
    except EcomplanError:
        return None  # no buyers or no purchase times: the section simply has no order figures
    new = int((now["first_purchase"] >= pd.Timestamp(period.start)).sum())
    repeat = int((window["orders"] >= 2).sum())
    return {
        "source": "order_export",  # not the platforms' own 支付买家数 / 支付订单数: another basis, named as such
        "buyers": len(now),
        "new_buyers": new,
        "returning_buyers": int(len(now) - new),
        "orders": int(now["orders"].sum()),
        "repurchase_rate_90d": repeat / len(window) if len(window) else None,
        "repurchase_buyers_90d": repeat,
        "buyers_90d": len(window),
    }


# ---------------------------------------------------------------------------------------------
# Findings: changes worth a sentence
# ---------------------------------------------------------------------------------------------


def findings(result: KpiResult, settings: Settings, campaign_days: set[dt.date]) -> list[dict]:
    """Plain-language findings, most important first; each carries zh and en text and its numbers."""
    from ecomplan.abtest.stats import two_proportion_ztest

    out: list[dict] = []
    main = result.comparisons.get("previous_period")
    for platform, now in result.current.items():
        info = result.coverage.get(platform, {})
        in_partial = sum(row["days_in_period"] for row in info.get("partial", []))
        if (
            info
            and info["days_covered"] + in_partial < result.period.complete_days(result.as_of)
            and now.visitors_basis != "period_export"
        ):
            out.append(
                _finding(
                    "stale",
                    "warning",
                    platform,
                    platform=platform,
                    last=info["last_date"],
                    days=result.period.days,
                    missing=result.period.days - info["days_covered"] - in_partial,
                )
            )
        if in_partial and info.get("covered_start"):
            out.append(
                _finding(
                    "partial",
                    "warning",
                    platform,
                    numbers={"days_covered": info["days_covered"], "partial": info["partial"]},
                    platform=platform,
                    start=info["covered_start"],
                    end=info["covered_end"],
                    covered=info["days_covered"],
                    days=result.period.days,
                    rows=", ".join(f"{row['start']} – {row['end']}" for row in info["partial"]),
                )
            )
        if main is None:
            continue
        before = main.platforms[platform]
        x_now, n_now = now.get("paying_buyers"), now.get("visitors")
        x_then, n_then = before.get("paying_buyers"), before.get("visitors")
        if x_now is None or n_now is None or x_then is None or n_then is None or min(n_now, n_then) <= 0:
            continue
        test = two_proportion_ztest(x_then, n_then, x_now, n_now)
        significant = test.p_value is not None and test.p_value < settings.kpi.alpha
        rate_now, rate_then = x_now / n_now, x_then / n_then
        out.append(
            _finding(
                "conversion",
                "alert" if significant and rate_now < rate_then else "info" if not significant else "good",
                platform,
                numbers={"value": rate_now, "previous": rate_then, "p_value": test.p_value, "significant": significant},
                platform=platform,
                now=f"{rate_now:.2%}",
                before=f"{rate_then:.2%}",
                change=f"{(rate_now - rate_then) * 100:+.2f}pp",
                verdict={
                    "zh": t("finding.significant" if significant else "finding.not_significant", "zh"),
                    "en": t("finding.significant" if significant else "finding.not_significant", "en"),
                },
                p=f"{test.p_value:.3g}" if test.p_value is not None else "—",
                basis={"zh": t("finding.person_days", "zh"), "en": t("finding.person_days", "en")}
                if now.visitors_basis == "sum_of_daily"
                else {"zh": t("finding.person_ranges", "zh"), "en": t("finding.person_ranges", "en")}
                if now.visitors_basis == "sum_of_ranges"
                else "",
            )
        )
    if len(result.daily):
        anomalies = [
            a
            for a in kpi.gmv_anomalies(
                result.daily, result.period, settings.kpi.anomaly_weeks, settings.kpi.anomaly_z, campaign_days
            )
            if a.day not in campaign_days
        ]  # a campaign day is expected to be far from an ordinary one
        platform_days = {a.day for a in anomalies if a.platform != "total"}
        anomalies = [a for a in anomalies if a.platform != "total" or a.day not in platform_days]
        for scope in dict.fromkeys(a.platform for a in anomalies):
            mine = [a for a in anomalies if a.platform == scope]
            worst = max(mine, key=lambda a: abs(a.change_pct))  # the day an operator would call the worst
            more = {
                "zh": f"；本期另有 {len(mine) - 1} 天明显偏离" if len(mine) > 1 else "",
                "en": (
                    f"; {len(mine) - 1} more day{'s' if len(mine) > 2 else ''} of the period "
                    f"{'are' if len(mine) > 2 else 'is'} far off too"
                )
                if len(mine) > 1
                else "",
            }
            out.append(
                _finding(
                    "anomaly",
                    "alert" if worst.z < 0 else "info",
                    scope,
                    numbers={
                        "day": worst.day.isoformat(),
                        "value": worst.value,
                        "baseline": worst.baseline,
                        "z": worst.z,
                        "days_flagged": len(mine),
                    },
                    day=worst.day.isoformat(),
                    platform=scope,
                    weeks=worst.weeks,
                    weekday={lang: t(f"weekday.{worst.day.weekday()}", lang) for lang in ("zh", "en")},
                    value=fmt_money(worst.value, result.currency),
                    baseline=fmt_money(worst.baseline, result.currency),
                    direction={
                        "zh": t("finding.up" if worst.z > 0 else "finding.down", "zh"),
                        "en": t("finding.up" if worst.z > 0 else "finding.down", "en"),
                    },
                    pct=f"{abs(worst.change_pct):.0%}",
                    more=more,
                )
            )
    if result.targets and result.targets["complete_days"] > 0:
        tr = result.targets
        behind = tr["gap"] < 0
        out.append(
            _finding(
                "target_behind" if behind else "target_ahead",
                "warning" if behind else "good",
                "total",
                numbers={k: tr[k] for k in ("attainment", "plan_progress", "gap", "daily_needed")},
                month=tr["month"],
                attainment=f"{tr['attainment']:.1%}",
                plan=f"{tr['plan_progress']:.1%}",
                needed=fmt_money(tr["daily_needed"], result.currency) if tr["daily_needed"] else "—",
            )
        )
    if len(result.channels):
        drops = result.channels.dropna(subset=["pay_amount_change"]).sort_values("pay_amount_change")
        if len(drops) and drops["pay_amount_change"].iloc[0] < 0:
            row = drops.iloc[0]
            out.append(
                _finding(
                    "channel_drop",
                    "warning",
                    row["platform"],
                    numbers={"source": row["source"], "change": row["pay_amount_change"]},
                    platform=row["platform"],
                    source=row["source"],
                    change=fmt_change(row["pay_amount_change"] / row["previous_pay_amount"])
                    if row["previous_pay_amount"]
                    else "—",
                    before=fmt_money(row["previous_pay_amount"], result.currency),
                    now=fmt_money(row["pay_amount"], result.currency),
                )
            )
    for row in result.no_sales.head(3).itertuples(index=False):
        name = row.name if isinstance(row.name, str) and row.name else row.sku
        out.append(
            _finding(
                "no_sales",
                "warning",
                row.platform,
                numbers={"sku": row.sku, "name": name, "visitors": row.visitors},
                platform=row.platform,
                name=name,
                visitors=f"{row.visitors:,.0f}",
            )
        )
    for row in result.wasted.head(3).itertuples(index=False):
        out.append(
            _finding(
                "wasted",
                "warning",
                row.platform,
                numbers={"keyword": row.keyword, "spend": row.spend},
                keyword=row.keyword,
                spend=fmt_money(row.spend, result.currency),
                clicks=f"{row.clicks:,.0f}",
            )
        )
    order = {"alert": 0, "warning": 1, "good": 2, "info": 3}
    return sorted(out, key=lambda f: order[f["severity"]])


def _finding(kind: str, severity: str, scope: str, numbers: dict | None = None, **values) -> dict:
    if isinstance(values.get("platform"), str):
        values["platform"] = {lang: platform_name(values["platform"], lang) for lang in ("zh", "en")}
    text = {}
    for lang in ("zh", "en"):
        filled = {k: (v[lang] if isinstance(v, dict) else v) for k, v in values.items()}
        text[lang] = t(f"finding.{kind}", lang, **filled)
    return {
        "kind": kind,
        "severity": severity,
        "platform": scope,
        "text_zh": text["zh"],
        "text_en": text["en"],
        **({"numbers": numbers} if numbers else {}),
    }


# ---------------------------------------------------------------------------------------------
# JSON
# ---------------------------------------------------------------------------------------------


def to_json(result: KpiResult) -> dict:
    """The documented JSON: `period`, `kpis`, `comparisons` and the sections' tables."""
    headline = [k for k in (*HEADLINE, *GA_HEADLINE)]

    def kpis(totals: kpi.Totals) -> dict:
        return {k: totals.get(k) for k in headline}

    comparisons = {}
    for name, comparison in result.comparisons.items():
        changes = kpi.compare(result.total, comparison.total)
        comparisons[name] = {
            "period": comparison.period.to_dict(),
            "note": comparison.note,
            **{k: changes[k].to_dict() for k in headline},
            "by_platform": {
                p: {
                    k: change.to_dict()
                    for k, change in kpi.compare(result.current[p], comparison.platforms[p]).items()
                    if k in headline
                }
                for p in result.platforms
            },
            "site": {
                k: c.to_dict()
                for k, c in kpi.compare(result.site_total, comparison.site_total).items()
                if k in headline
            }
            if result.site_total is not None and comparison.site_total is not None
            else None,
        }
    return {
        "period": {**result.period.to_dict(), "complete_days": result.period.complete_days(result.as_of)},
        "as_of": result.as_of.isoformat(),
        "data_through": last.isoformat() if (last := data_through(result)) else None,
        "platforms": result.platforms,
        "visitors_basis": result.total.visitors_basis,
        "kpis": kpis(result.total),
        "kpis_platforms": result.total.platforms,
        "kpis_coverage": {k: result.total.covers(k) for k in headline if result.total.get(k) is not None},
        "kpis_site": kpis(result.site_total) if result.site_total is not None else None,
        "site_platforms": result.site_total.platforms if result.site_total is not None else [],
        "gmv_all_channels": result.gmv_all_channels,
        "kpis_by_platform": {
            p: {
                **kpis(v),
                "visitors_basis": v.visitors_basis,
                "days_covered": v.days_covered,
                "basis": result.basis.get(p, "traffic"),
            }
            for p, v in result.current.items()
        },
        "comparisons": comparisons,
        "funnel": _records(result.funnel),
        "channels": _records(result.channels),
        "products": {"top": _records(result.products.head(20)), "traffic_without_sales": _records(result.no_sales)},
        "ads": {
            "totals": _records(result.ad_totals),
            "campaigns": _records(result.ad_campaigns),
            "keywords": _records(result.ad_keywords),
            "wasted_spend": _records(result.wasted),
        },
        "targets": {
            "gmv": result.targets,
            "conversion_rate": result.conversion_target,
            "gmv_by_platform": result.platform_targets,
        },
        "orders": result.orders,
        "findings": result.findings,
        "coverage": result.coverage,
    }


def _records(frame: pd.DataFrame) -> list[dict]:
    if frame is None or frame.empty:
        return []
    clean = frame.astype(object).where(frame.notna(), None)
    return clean.to_dict("records")


# ---------------------------------------------------------------------------------------------
# Report sections
# ---------------------------------------------------------------------------------------------


def sections(result: KpiResult, lang: str, include: tuple[str, ...], headline: bool = True) -> list[Section]:
    out: list[Section] = []
    if "kpis" in include:
        out.append(_kpi_section(result, lang, headline))
    if "signals" in include and result.findings:
        out.append(Section(t("kpi.section.findings", lang), bullets=[f[f"text_{lang}"] for f in result.findings]))
    if "targets" in include and (result.targets or result.conversion_target or result.platform_targets):
        out.append(_targets_section(result, lang))
    if "funnel" in include and len(result.funnel):
        out.append(_funnel_section(result, lang))
    if "channels" in include and len(result.channels):
        out.append(_channels_section(result, lang))
    if "products" in include and len(result.products):
        out.append(_products_section(result, lang))
    if "ads" in include and (len(result.ad_campaigns) or len(result.ad_keywords)):  # ad_totals comes from them
        out.append(_ads_section(result, lang))
    if "kpis" in include and len(result.daily):
        out.append(_trend_section(result, lang))
    out.append(_notes_section(result, lang))
    return out


def _metric_table(
    name: str, title: str, totals: kpi.Totals, previous: dict[str, kpi.Totals | None], keys: list[str], lang: str
) -> Table:
    """A table of metrics of one kind of platform: each row's value, the platforms it covers, and its
    comparisons on the same basis (`previous`: comparison name -> the same group's totals then)."""
    site = kpi.is_site_analytics(totals)
    columns = [
        Column("metric", t("kpi.col.metric", lang)),
        Column("value", t("kpi.col.value", lang), "row"),
        Column("covers", t("kpi.col.covers", lang)),
    ]
    for comparison in previous:
        label = t(f"kpi.compare.{comparison}", lang)
        columns += [
            Column(f"{comparison}_previous", label, "row"),
            Column(f"{comparison}_change", f"{label} %", "change"),
        ]
    rows = []
    for key in keys:
        label_key = "metric.users" if site and key == "visitors" else f"metric.{key}"
        row = {
            "metric": t(label_key, lang),
            "key": key,
            "value": totals.get(key),
            "covers": " + ".join(platform_name(p, lang) for p in totals.covers(key)),
            "_fmt": METRICS[key].fmt,
            "_lower_is_better": not METRICS[key].higher_is_better,
        }
        for comparison, then in previous.items():
            change = kpi.Change(totals.get(key), then.get(key) if then else None)
            row[f"{comparison}_previous"] = change.previous
            row[f"{comparison}_change"] = change.change_pct
        rows.append(row)
    return Table(name, title, pd.DataFrame(rows), columns)


def _kpi_section(result: KpiResult, lang: str, headline: bool = True) -> Section:
    """The overview: the shops' metrics (or the site's, when only a site is measured), the GA4 site's beside
    them in their own table, never added together; then each platform."""
    total = result.total
    keys = [k for k in (*HEADLINE, *GA_HEADLINE) if total.get(k) is not None]
    title = t("kpi.table.kpis", lang)
    if result.site_total is not None:
        title = t("kpi.table.kpis_shops", lang)
    tables = [_metric_table("kpis", title, total, {n: c.total for n, c in result.comparisons.items()}, keys, lang)]
    paragraphs = [headline_sentence(result, lang)] if headline else []
    site = result.site_total
    if site is not None:
        site_keys = [k for k in SITE_ROWS if site.get(k) is not None]
        site_title = t("kpi.table.kpis_site", lang)
        previous = {n: c.site_total for n, c in result.comparisons.items()}
        tables.append(_metric_table("kpis_site", site_title, site, previous, site_keys, lang))
        paragraphs.append(
            t(
                "kpi.all_channels",
                lang,
                total=fmt_money(result.gmv_all_channels, result.currency, 2),
                shops=fmt_money(total.get("gmv"), result.currency, 2),
                site=fmt_money(site.get("gmv"), result.currency, 2),
            )
        )
    tables.append(_platform_table(result, lang))
    if result.orders:
        o = result.orders
        if not result.basis or any(b != "orders" for b in result.basis.values()):  # else the table has buyers
            paragraphs.append(
                t("kpi.orders.buyers", lang, buyers=o["buyers"], new=o["new_buyers"], returning=o["returning_buyers"])
            )
        if o["repurchase_rate_90d"] is not None:
            paragraphs.append(
                t(
                    "kpi.orders.repurchase",
                    lang,
                    rate=fmt_pct(o["repurchase_rate_90d"]),
                    repeat=o["repurchase_buyers_90d"],
                    buyers=o["buyers_90d"],
                )
            )
    return Section(t("kpi.section.kpis", lang), paragraphs=paragraphs, tables=tables)


def _platform_table(result: KpiResult, lang: str) -> Table:
    keys = ("gmv", "visitors", "paying_buyers", "conversion_rate", "aov", "uv_value", "orders", "refund_rate")
    rows = []
    main = result.comparisons.get("previous_period")
    for platform, totals in result.current.items():
        row = {"platform": platform_name(platform, lang), **{k: totals.get(k) for k in keys}}
        if main:
            row["gmv_change"] = kpi.compare(totals, main.platforms[platform])["gmv"].change_pct
        rows.append(row)
    columns = [Column("platform", t("kpi.col.platform", lang))] + [
        Column(k, t(f"metric.{k}", lang), "int" if METRICS[k].fmt == "int" else METRICS[k].fmt) for k in keys
    ]
    if main:
        columns.append(Column("gmv_change", f"GMV {t('kpi.compare.previous_period', lang)}", "change"))
    return Table("by_platform", t("kpi.table.by_platform", lang), pd.DataFrame(rows), columns)


def headline_sentence(result: KpiResult, lang: str) -> str:
    total = result.total
    visitors = total.get("visitors")
    parts = {
        "gmv": fmt_money(total.get("gmv"), result.currency),
        "visitors": "—" if visitors is None else f"{visitors:,.0f}",
        "cr": fmt_pct(total.get("conversion_rate")),
        "aov": fmt_money(total.get("aov"), result.currency, 2),
    }
    parts["scope"] = t("kpi.headline.shops", lang) if result.site_total is not None else ""
    main = result.comparisons.get("previous_period")
    if main:
        changes = kpi.compare(total, main.total)
        parts.update(
            {
                k + "_change": fmt_change(changes[m].change_pct)
                for k, m in (("gmv", "gmv"), ("visitors", "visitors"), ("aov", "aov"))
            }
        )
        parts["cr_change"] = (
            "—" if changes["conversion_rate"].change is None else f"{changes['conversion_rate'].change * 100:+.2f}pp"
        )
        text = {
            "zh": "本期（{period}）{scope}GMV {gmv}（环比 {gmv_change}），访客 {visitors}（{visitors_change}），"
            "支付转化率 {cr}（{cr_change}），客单价 {aov}（{aov_change}）。",
            "en": "This period ({period}): {scope}GMV {gmv} ({gmv_change} vs previous), visitors {visitors} "
            "({visitors_change}), conversion {cr} ({cr_change}), AOV {aov} ({aov_change}).",
        }[lang]
    else:
        text = {
            "zh": "本期（{period}）{scope}GMV {gmv}，访客 {visitors}，支付转化率 {cr}，客单价 {aov}。",
            "en": "This period ({period}): {scope}GMV {gmv}, visitors {visitors}, conversion {cr}, AOV {aov}.",
        }[lang]
    sentence = text.format(period=f"{result.period.start} – {result.period.end}", **parts)
    site = result.site_total
    if site is not None:
        then = main.site_total if main else None
        change = kpi.Change(site.get("gmv"), then.get("gmv") if then else None).change_pct
        sentence += t(
            "kpi.headline.site",
            lang,
            revenue=fmt_money(site.get("gmv"), result.currency),
            change=fmt_change(change) if main else "—",
            total=fmt_money(result.gmv_all_channels, result.currency),
        )
    return sentence


def _funnel_section(result: KpiResult, lang: str) -> Section:
    frame = _named(result.funnel, lang).assign(step=result.funnel["step"].map(lambda s: t(f"metric.{s}", lang)))
    columns = [
        Column("platform", t("kpi.col.platform", lang)),
        Column("step", t("kpi.col.step", lang)),
        Column("value", t("kpi.col.value", lang), "int"),
        Column("step_conversion", t("kpi.col.step_conversion", lang), "pct"),
        Column("drop_off", t("kpi.col.drop_off", lang), "pct"),
        Column("overall_conversion", t("kpi.col.overall", lang), "pct"),
        Column("previous", t("kpi.col.previous", lang), "int"),
        Column("previous_step_conversion", t("kpi.col.previous_step", lang), "pct"),
        Column("step_conversion_change", t("kpi.col.change", lang), "pp"),
    ]
    table = Table(
        "funnel",
        t("kpi.section.funnel", lang),
        frame,
        columns,
        chart=Chart("column", t("kpi.section.funnel", lang), "step", ["value", "previous"], facet="platform"),
    )
    return Section(t("kpi.section.funnel", lang), paragraphs=[t("kpi.funnel.note", lang)], tables=[table])


def _channels_section(result: KpiResult, lang: str) -> Section:
    frame = _named(result.channels, lang)
    columns = [
        Column("platform", t("kpi.col.platform", lang)),
        Column("source", t("kpi.col.source", lang)),
        Column("visitors", t("metric.visitors", lang), "int"),
        Column("visitor_share", t("kpi.col.share", lang), "pct"),
        Column("visitors_change_pct", f"{t('metric.visitors', lang)} {t('kpi.col.change', lang)}", "change"),
        Column("paying_buyers", t("metric.paying_buyers", lang), "int"),
        Column("conversion_rate", t("metric.conversion_rate", lang), "pct"),
        Column("pay_amount", t("metric.gmv", lang), "money"),
        Column("uv_value", t("metric.uv_value", lang), "money"),
        Column("pay_amount_change", f"GMV {t('kpi.col.change', lang)}", "money"),
    ]
    notes = [t("kpi.channels.note", lang)]
    for code, channel_gmv, shop_gmv in kpi.channel_gmv_gaps(result.channels, result.current):
        notes.append(
            t(
                "kpi.channels.gmv_gap",
                lang,
                platform=platform_name(code, lang),
                channels=fmt_money(channel_gmv, result.currency, 2),
                shop=fmt_money(shop_gmv, result.currency, 2),
            )
        )
    table = Table("channels", t("kpi.section.channels", lang), frame, columns, note=" ".join(notes))
    mix = frame.groupby(["platform", "channel"], observed=True)["visitors"].sum().reset_index()
    mix["label"] = mix["platform"].astype("str") + " · " + mix["channel"].astype("str")
    mix_table = Table(
        "channel_mix",
        t("kpi.col.channel", lang),
        mix,
        [Column("label", t("kpi.col.channel", lang)), Column("visitors", t("metric.visitors", lang), "int")],
        chart=Chart("bar", t("kpi.col.channel", lang), "label", ["visitors"]),
    )
    return Section(t("kpi.section.channels", lang), tables=[table, mix_table])


def _products_section(result: KpiResult, lang: str) -> Section:
    frame = _with_gmv_share(result.products, result)
    frame = _named(frame, lang)
    top = frame.head(result.top)
    columns = [
        Column("platform", t("kpi.col.platform", lang)),
        Column("sku", t("kpi.col.sku", lang)),
        Column("name", t("kpi.col.name", lang)),
        Column("amount", t("kpi.col.amount", lang), "money"),
        Column("gmv_share", t("kpi.col.gmv_share", lang), "pct"),
        Column("previous_amount", t("kpi.col.previous_amount", lang), "money"),
        Column("amount_change_pct", t("kpi.col.change", lang), "change"),
        Column("units", t("kpi.col.units", lang), "int"),
        Column("visitors", t("metric.visitors", lang), "int"),
        Column("conversion_rate", t("metric.conversion_rate", lang), "pct"),
    ]
    tables = [Table("top_products", t("kpi.table.top_products", lang), top, columns)]
    bullets = []
    changed = frame.dropna(subset=["amount_change"]) if "amount_change" in frame else frame.iloc[0:0]
    # Risers and fallers apart, each by the size of its change: a week after a campaign has fallers only,
    # and "the five largest changes" would then list the smallest falls as if they were rises.
    risers = changed[changed["amount_change"] > 0].sort_values("amount_change", ascending=False).head(5)
    fallers = changed[changed["amount_change"] < 0].sort_values("amount_change").head(5)
    for name, rows in (("risers", risers), ("fallers", fallers)):
        if len(rows):
            tables.append(Table(f"product_{name}", t(f"kpi.table.{name}", lang), rows, columns))
        elif len(changed):
            bullets.append(t(f"kpi.note.no_{name}", lang))
    if len(result.no_sales):
        tables.append(Table("no_sales", t("kpi.table.no_sales", lang), _named(result.no_sales, lang), columns))
    return Section(t("kpi.section.products", lang), bullets=bullets, tables=tables)


def _with_gmv_share(products: pd.DataFrame, result: KpiResult) -> pd.DataFrame:
    """Each product's share of its own platform's GMV in the period (the same basis as the KPI table's
    platform rows; a product table may not list every product, so the shares need not add up to 100%)."""
    if products is None or products.empty or "amount" not in products or "platform" not in products:
        return products
    gmv = {p: totals.values.get("gmv") for p, totals in result.current.items()}
    platform_gmv = products["platform"].astype("str").map(gmv).astype("float64")
    return products.assign(gmv_share=(products["amount"] / platform_gmv).where(platform_gmv > 0))


def _ads_section(result: KpiResult, lang: str) -> Section:
    def columns(key: str) -> list[Column]:
        return [
            Column("platform", t("kpi.col.platform", lang)),
            Column(key, t(f"kpi.col.{key}", lang)),
            Column("spend", t("kpi.col.spend", lang), "money"),
            Column("impressions", t("kpi.col.impressions", lang), "int"),
            Column("clicks", t("kpi.col.clicks", lang), "int"),
            Column("ctr", t("kpi.col.ctr", lang), "pct"),
            Column("cpc", t("kpi.col.cpc", lang), "money"),
            Column("gmv", t("kpi.col.ad_gmv", lang), "money"),
            Column("orders", t("kpi.col.ad_orders", lang), "int"),
            Column("roi", t("kpi.col.roi", lang), "num"),
        ]

    tables = []
    if len(result.ad_totals):
        totals = result.ad_totals.assign(
            platform=[
                t("kpi.col.total", lang) if p == "total" else platform_name(p, lang)
                for p in result.ad_totals["platform"]
            ]
        )
        tables.append(
            Table(
                "ad_totals",
                t("kpi.table.ad_totals", lang),
                totals,
                [
                    Column("platform", t("kpi.col.platform", lang)),
                    Column("spend", t("kpi.col.spend", lang), "money"),
                    Column("gmv", t("kpi.col.ad_gmv", lang), "money"),
                    Column("roi", t("kpi.col.roi", lang), "num"),
                    Column("shop_gmv", t("metric.gmv", lang), "money"),
                    Column("spend_share", t("kpi.col.spend_share", lang), "pct"),
                    Column("ad_gmv_share", t("kpi.col.ad_gmv_share", lang), "pct"),
                ],
            )
        )
    if len(result.ad_campaigns):
        tables.append(
            Table(
                "ad_campaigns", t("kpi.table.campaigns", lang), _named(result.ad_campaigns, lang), columns("campaign")
            )
        )
    if len(result.ad_keywords):
        tables.append(
            Table("ad_keywords", t("kpi.table.keywords", lang), _named(result.ad_keywords, lang), columns("keyword"))
        )
    return Section(t("kpi.section.ads", lang), paragraphs=[t("kpi.note.ads_attribution", lang)], tables=tables)


def _targets_section(result: KpiResult, lang: str) -> Section:
    rows = []
    tr = result.targets
    if tr:
        items = [
            ("month_target", tr["target"], "money"),
            ("actual", tr["actual"], "money"),
            ("attainment", tr["attainment"], "pct"),
            ("time_progress", tr["time_progress"], "pct"),
            ("plan_progress", tr["plan_progress"], "pct"),
            ("gap", tr["gap"], "pp"),
            ("projection", tr["projection"], "money"),
            ("daily_needed", tr["daily_needed"], "money"),
            ("period_target", tr["period_target"], "money"),
            ("period_attainment", tr["period_attainment"], "pct"),
        ]
        if "ytd_attainment" in tr:
            items.append(("ytd", tr["ytd_attainment"], "pct"))
        for key, value, fmt in items:
            rows.append({"item": t(f"kpi.target.{key}", lang, month=tr["month"]), "value": value, "_fmt": fmt})
    if result.conversion_target is not None:
        rows.append({"item": t("kpi.target.conversion", lang), "value": result.conversion_target, "_fmt": "pct"})
        actual = result.total.get("conversion_rate")
        rows.append({"item": t("kpi.target.conversion_actual", lang), "value": actual, "_fmt": "pct"})
    # Values stay numbers with a format per row ("row"), so Excel holds ¥1,350,000.00 as a number, not as text.
    table = Table(
        "targets",
        t("kpi.section.targets", lang),
        pd.DataFrame(rows, columns=["item", "value", "_fmt"]),
        [Column("item", t("kpi.col.item", lang)), Column("value", t("kpi.col.value", lang), "row")],
    )
    scope = [t("kpi.target.all_channels", lang)] if tr and result.site_total is not None else []
    tables = [table] if rows else []
    if result.platform_targets:
        per = [
            {
                "platform": platform_name(code, lang),
                **{k: tracked[k] for k in ("target", "actual", "attainment", "plan_progress", "gap")},
                **{k: tracked[k] for k in ("period_target", "period_actual", "period_attainment")},
            }
            for code, tracked in result.platform_targets.items()
        ]
        month_label = next(iter(result.platform_targets.values()))["month"]
        tables.append(
            Table(
                "targets_by_platform",
                t("kpi.target.by_platform", lang, month=month_label),
                pd.DataFrame(per),
                [
                    Column("platform", t("kpi.col.platform", lang)),
                    Column("target", t("kpi.target.col.month_target", lang), "money"),
                    Column("actual", t("kpi.target.col.actual", lang), "money"),
                    Column("attainment", t("kpi.target.col.attainment", lang), "pct"),
                    Column("plan_progress", t("kpi.target.col.plan_progress", lang), "pct"),
                    Column("gap", t("kpi.target.col.gap", lang), "pp"),
                    Column("period_target", t("kpi.target.col.period_target", lang), "money"),
                    Column("period_actual", t("kpi.target.col.period_actual", lang), "money"),
                    Column("period_attainment", t("kpi.target.col.period_attainment", lang), "pct"),
                ],
            )
        )
    if tr and tr.get("pacing"):
        pacing = pd.DataFrame(tr["pacing"], columns=["date", "plan", "actual"])
        title = t("kpi.target.pacing", lang, month=tr["month"])
        tables.append(
            Table(
                "targets_pacing",
                title,
                pacing,
                [
                    Column("date", t("kpi.col.date", lang), "date"),
                    Column("plan", t("kpi.target.pacing_plan", lang), "money"),
                    Column("actual", t("kpi.target.pacing_actual", lang), "money"),
                ],
                chart=Chart("line", title, "date", ["plan", "actual"]),
                excel_only=True,
            )
        )
    return Section(t("kpi.section.targets", lang), paragraphs=scope, tables=tables)


def _trend_section(result: KpiResult, lang: str) -> Section:
    """Weekly GMV for the last weeks (Markdown and Excel) and the daily series with
    its line chart (Excel only: 50 rows of days don't belong in a Markdown report)."""
    recent = result.daily[result.daily.index > pd.Timestamp(result.period.end) - pd.Timedelta(weeks=8)]
    frame = recent.reset_index()
    series = [c for c in frame.columns if c != "date"]
    total_label = t("kpi.col.total_all_channels" if result.site_total is not None else "kpi.col.total", lang)
    labels = {c: total_label if c == "total" else platform_name(c, lang) for c in series}
    weekly = frame.set_index("date")[series].resample("W-SUN").sum(min_count=1)
    weekly = weekly[weekly.index >= pd.Timestamp(result.period.end) - pd.Timedelta(weeks=7)].reset_index()
    weekly["week"] = [f"{d - pd.Timedelta(days=6):%m-%d}–{d:%m-%d}" for d in weekly["date"]]
    weekly_table = Table(
        "gmv_weekly",
        t("kpi.table.weekly", lang),
        weekly,
        [Column("week", t("kpi.col.week", lang))] + [Column(c, labels[c], "money") for c in series],
        chart=Chart("column", t("kpi.table.weekly", lang), "week", [c for c in series if c != "total"]),
    )
    frame["date"] = frame["date"].dt.date
    daily = Table(
        "gmv_trend",
        t("kpi.section.trend", lang),
        frame,
        [Column("date", t("kpi.col.date", lang), "date")] + [Column(c, labels[c], "money") for c in series],
        chart=Chart("line", t("kpi.section.trend", lang), "date", series),
        excel_only=True,
    )
    return Section(t("kpi.section.trend", lang), tables=[weekly_table, daily])


def _named(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Platform codes as readers know them (天猫/淘宝, 京东…); JSON keeps the codes."""
    if frame is None or frame.empty or "platform" not in frame:
        return frame
    return frame.assign(platform=frame["platform"].astype("str").map(lambda p: platform_name(p, lang)))


def _notes_section(result: KpiResult, lang: str) -> Section:
    bullets = list(result.notes)
    for platform, totals in result.current.items():
        if result.basis.get(platform) == "orders":
            bullets.append(t("kpi.note.orders_basis", lang, platform=platform_name(platform, lang)))
        if totals.get("visitors") is not None and totals.visitors_basis != "sum_of_channels":  # noted by shop_level
            key = {"period_export": "kpi.note.period_export", "sum_of_ranges": "kpi.note.sum_of_ranges"}.get(
                totals.visitors_basis, "kpi.note.person_days"
            )
            bullets.append(t(key, lang, platform=platform_name(platform, lang)))
    if len(result.current) > 1:
        bullets.append(t("kpi.note.total_visitors", lang))
    for name, comparison in result.comparisons.items():
        bullets.append(
            t(
                "kpi.note.comparison",
                lang,
                name=t(f"kpi.compare.{name}", lang),
                start=comparison.period.start,
                end=comparison.period.end,
            )
            + (f" ({comparison.note})" if comparison.note else "")
            + (
                t(
                    "kpi.note.comparison_partial",
                    lang,
                    covered=comparison.total.days_covered,
                    days=comparison.period.days,
                )
                if 0 < comparison.total.days_covered < comparison.period.days
                and any(comparison.total.get(k) is not None for k in ("gmv", "visitors", "sessions", "orders"))
                else ""
            )
        )
    for name, other, lacking in result.dropped_comparisons:
        bullets.append(
            t(
                "kpi.note.comparison_dropped",
                lang,
                name=t(f"kpi.compare.{name}", lang),
                start=other.start,
                end=other.end,
                platforms=enumerate_names((platform_name(p, lang) for p in lacking), lang),
            )
        )
    for platform, info in result.coverage.items():
        files = info["files"]
        listed = ", ".join(files[:3]) + (f" (+{len(files) - 3})" if len(files) > 3 else "")
        bullets.append(
            t(
                "kpi.note.coverage",
                lang,
                platform=platform_name(platform, lang),
                last=info["last_date"],
                covered=info["days_covered"],
                days=info["days"],
                files=listed,
            )
        )
        if info.get("partial"):
            bullets.append(
                t(
                    "kpi.note.partial",
                    lang,
                    platform=platform_name(platform, lang),
                    start=info["covered_start"] or "—",
                    end=info["covered_end"] or "—",
                    rows=", ".join(f"{row['start']} – {row['end']}" for row in info["partial"]),
                )
            )
    return Section(t("kpi.section.notes", lang), bullets=bullets)


def data_through(result: KpiResult) -> dt.date | None:
    """The last day any platform's data holds (not the day the report runs): the newest `last_date` of the
    coverage, never after the as-of date."""
    days = [dt.date.fromisoformat(info["last_date"]) for info in result.coverage.values() if info.get("last_date")]
    return min(max(days), result.as_of) if days else None


def meta_dates(result: KpiResult, run_date: dt.date, lang: str) -> list[tuple[str, str]]:
    """The header's two dates, each under its own label: the last day of data and the report's date."""
    last = data_through(result)
    return [
        *([(t("kpi.meta.data_through", lang), last.isoformat())] if last else []),
        (t("kpi.meta.run_date", lang), run_date.isoformat()),
    ]


def build_report(result: KpiResult, settings: Settings, lang: str, include: tuple[str, ...] | None = None) -> Report:
    """The `kpi report` document: title, period, as-of date, platforms, and the chosen sections."""
    from ecomplan.config import SECTIONS

    period = result.period
    return Report(
        title=t("kpi.title", lang, shop=settings.shop + " " if settings.shop else "", label=period.label),
        lang=lang,
        currency=settings.currency,
        meta=[
            (t("kpi.meta.period", lang), f"{period.start} – {period.end} ({period.label})"),
            *meta_dates(result, result.as_of, lang),
            (t("kpi.meta.platforms", lang), ", ".join(result.platforms)),
        ],
        sections=sections(result, lang, include or SECTIONS),
    )
