"""Jobs composed from the packages' public functions: `kpi report` and the weekly report.

The cron-driven weekly report (周报): KPIs, findings, funnel, channels, products,
ads, targets, customer tiers, stock alerts and running experiments, in one
Markdown file and one workbook per ISO week.

Same inputs give the same files (deterministic names and bytes), a lock keeps
two runs from interleaving, a missing or stale source stops the run with one
line, and both files are written atomically.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import stat
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from ecomplan.config import OrdersSource, Settings, load_settings
from ecomplan.core.errors import ArgumentError, EcomplanError, Issue, SchemaError
from ecomplan.core.periods import Period, parse_period, today_in
from ecomplan.core.report import Report, Section
from ecomplan.core.text import enumerate_names, platform_name, t
from ecomplan.ingest.load import Loaded, concat_canonical, load, load_by_kind
from ecomplan.ingest.options import ReadOptions
from ecomplan.ingest.reading.limits import DEFAULT_LIMITS, ReadLimits
from ecomplan.kpi import compute as kpi
from ecomplan.kpi import report as kpi_report
from ecomplan.kpi.targets import load_targets
from ecomplan.notify import Message, NotifyError, Target, send_all
from ecomplan.rfm.metrics import latest_time

if TYPE_CHECKING:
    from ecomplan.rfm.metrics import Lines


class StaleSourceError(EcomplanError):
    """A source's newest data ends before the week being reported."""


class LockedError(EcomplanError):
    """Another run holds the report lock."""


@dataclass
class OrderLines:
    """A job's order lines: a canonical frame read here, or lines Spark holds (`[orders] engine = "spark"`,
    `kpi report --engine spark`); the rules that use them run on either (`ecomplan.rfm.metrics`)."""

    lines: Lines
    issues: list[Issue]


@dataclass
class WeeklyResult:
    period: Period
    paths: list[Path]
    alerts: list[str] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    notify_failures: list[NotifyError] = field(default_factory=list)  # the pushes that did not arrive
    notes: list[str] = field(default_factory=list)  # how the files were made (charts without a CJK font)


def run_kpi_report(
    files: Sequence[str | Path],
    options: ReadOptions | None = None,
    *,
    period: str,
    compare: str | None = None,
    targets: str | Path | None = None,
    as_of: dt.date | None = None,
    config: str | Path | None = None,
    lang: str = "zh",
    include: tuple[str, ...] | None = None,
    spark: tuple[Sequence[str], str | None, str | None] | None = None,
) -> tuple[kpi_report.KpiResult, Report, list[Issue]]:
    """`ecomplan kpi report`: read any mix of exports, analyse one period, build the Report.

    The files are read with `options` in the config's time zone; `as_of` is
    "today" (default: today in that zone). `spark` = (paths, table, Spark Connect URL): the order
    lines come from Spark instead of the files (which then hold no orders). Returns (result, report, issues).
    """
    settings = load_settings(config)
    today = as_of or today_in(settings.timezone)
    chosen = parse_period(period, today)
    options = replace(options or ReadOptions(), tz=settings.timezone)
    loaded = load_by_kind(files, options) if files else {}
    local = loaded.pop("orders", None)
    orders = OrderLines(local.frame, local.issues) if local is not None else None
    if spark is not None:
        if orders is not None:
            raise ArgumentError("orders", "the files hold orders too; with the Spark engine the orders come from Spark")
        paths, table, remote = spark
        from ecomplan.engines.spark import open_lines

        lines = open_lines(
            paths, table, options.mapping, remote, settings.timezone, allow_skipped=options.allow_skipped
        )
        orders = OrderLines(lines, list(lines.issues))
    if "traffic" not in loaded:
        if orders is None:
            raise SchemaError(
                "none of the files holds traffic/sales by day (a Sycm 交易概况, JD 经营概况, GA4 report or "
                "a file with date/visitors/pay_amount columns) or orders; KPIs need one"
            )
        # Orders only: kpi.report.analyse derives the daily figures from the orders (no visitors).
        empty = pd.DataFrame({"date": pd.Series(dtype="datetime64[ns]"), "platform": pd.Series(dtype="str")})
        loaded = {**loaded, "traffic": Loaded("traffic", empty, [])}
    target_file = targets or (settings.path(settings.targets) if settings.targets else None)
    result = _analyse(loaded, orders, chosen, today, settings, target_file, kpi_report.parse_compare(compare))
    issues = [i for item in loaded.values() for i in item.issues] + (orders.issues if orders is not None else [])
    return result, kpi_report.build_report(result, settings, lang, include), issues


@dataclass
class Weekly:
    """The weekly report as data, before anything is written: the document, the KPI analysis behind it
    (its JSON is `kpi_report.to_json(kpi)`), the summary sections that also go to the robots."""

    period: Period
    report: Report
    kpi: kpi_report.KpiResult
    summary: list[Section]
    alerts: list[str]
    issues: list[Issue]


def build_weekly(
    settings: Settings,
    period: Period,
    today: dt.date,
    lang: str,
    log: Callable[[str], None] = lambda message: None,
    limits: ReadLimits = DEFAULT_LIMITS,
    allow_skipped: bool = False,
) -> Weekly:
    """Read the config's sources and build the report of `period` (`today` decides freshness)."""
    loaded = _load_sources(settings, lang, log, limits, allow_skipped)
    orders = _load_orders(settings, lang, log, limits, allow_skipped)
    _check_fresh(loaded, orders, period, today, settings)
    include = tuple(settings.report.sections)
    target_file = settings.path(settings.targets) if settings.targets else None
    # A hand-made 周报 shows 同比 on the same dates as well as on the same weekdays, where it keeps the basis.
    result = _analyse(loaded, orders, period, today, settings, target_file, optional_compare=("year_over_year",))
    extra, alerts, restock = _other_sections(
        settings,
        orders,
        period,
        today,
        lang,
        include,
        ReadOptions(tz=settings.timezone, limits=limits, allow_skipped=allow_skipped),
    )
    alerts += [f[f"text_{lang}"] for f in result.findings if f["severity"] == "alert"]
    sections = kpi_report.sections(result, lang, include, headline=False)
    summary = _summary(result, lang, restock)
    notes = sections.pop()  # data notes stay last
    report = Report(
        title=settings.report.title.format(week=period.label, shop=settings.shop)
        if settings.report.title
        else t("weekly.title", lang, shop=f"{settings.shop} " if settings.shop else "", label=period.label),
        lang=lang,
        currency=settings.currency,
        meta=[
            (t("weekly.meta.period", lang), f"{period.start} – {period.end}"),
            *kpi_report.meta_dates(result, today, lang),
            (
                t("weekly.meta.platforms", lang),
                enumerate_names((platform_name(p, lang) for p in result.platforms), lang),
            ),
        ],
        sections=[*summary, *sections, *extra, notes],
    )
    issues = [i for item in loaded.values() for i in item.issues] + (orders.issues if orders is not None else [])
    return Weekly(period, report, result, summary, alerts, issues)


def run_weekly(
    config: str | Path,
    week: str = "last",
    out_dir: str | Path | None = None,
    as_of: dt.date | None = None,
    lang: str | None = None,
    log: Callable[[str], None] = lambda message: None,
    limits: ReadLimits = DEFAULT_LIMITS,
    allow_skipped: bool = False,
    notify: Sequence[Target] = (),
    engine: str | None = None,
    spark_remote: str | None = None,
) -> WeeklyResult:
    """Build and write the weekly report described by the config file; returns what was written.

    `as_of` is "today" for choosing the week (default: today in the shop's time zone); `limits` are the
    readers' caps for every source; `allow_skipped` goes on when rows of a file had to be left out.
    After the files are written, the summary goes to the `[notify]` robots of the config and `notify`;
    a push that fails is in `notify_failures`, the report stays. `engine` and `spark_remote` override the
    `[orders]` table's."""
    from ecomplan.render import missing_font_warning

    settings = load_settings(config)
    if settings.orders is not None and (engine or spark_remote):
        settings.orders = _orders_on(settings.orders, engine, spark_remote)
    today = as_of or today_in(settings.timezone)
    period = _week(week, today)
    lang = lang or settings.lang
    target_dir = Path(out_dir) if out_dir else settings.path(settings.output_dir)
    target_dir.mkdir(parents=True, exist_ok=True)
    with _lock(target_dir):
        weekly = build_weekly(settings, period, today, lang, log, limits, allow_skipped)
        paths = _write(weekly.report, target_dir, period)
    robots = [
        *_config_robots(settings),
        *(replace(r, secret=r.secret or settings.notify.secret(r.kind)) for r in notify),
    ]
    failures = send_all(robots, _message(weekly.report, weekly.summary, paths, lang)) if robots else []
    notes = [line] if (line := missing_font_warning(weekly.report)) else []
    return WeeklyResult(period, paths, weekly.alerts, weekly.issues, failures, notes)


def _orders_on(source: OrdersSource, engine: str | None, spark_remote: str | None) -> OrdersSource:
    """The `[orders]` table with the engine and Spark Connect server the command line chose."""
    from pydantic import ValidationError

    chosen = {"engine": engine} if engine else {}
    chosen |= {"spark_remote": spark_remote} if spark_remote else {}
    try:
        return OrdersSource.model_validate({**source.model_dump(), **chosen})
    except ValidationError as exc:
        message = exc.errors()[0]["msg"].removeprefix("Value error, ")
        raise ArgumentError("engine", f"[orders] {message}") from None


def _config_robots(settings: Settings) -> list[Target]:
    config = settings.notify
    urls = {"dingtalk": config.dingtalk, "wecom": config.wecom, "feishu": config.feishu}
    return [Target(kind, url, config.secret(kind)) for kind, url in urls.items() if url]


def _message(report: Report, summary: list[Section], paths: list[Path], lang: str) -> Message:
    """The push: the report's title, the summary's headline and findings, the actions, the files written."""
    headline, actions = summary
    return Message(
        title=report.title,
        headline=" ".join(headline.paragraphs),
        findings=list(headline.bullets),
        actions=list(actions.bullets),
        files=[path.name for path in paths],
        labels=(t("weekly.notify.findings", lang), t("weekly.notify.actions", lang), t("weekly.notify.files", lang)),
    )


def _week(spec: str, today: dt.date) -> Period:
    period = parse_period(
        "last-week" if spec in {"last", "last-week"} else "this-week" if spec in {"this", "this-week"} else spec,
        today,
        "week",
    )
    if not period.label.count("-W"):
        raise ArgumentError("week", f"{spec!r}: the weekly report needs an ISO week (last, this or 2026-W47)")
    return period


@contextmanager
def _lock(directory: Path) -> Iterator[None]:
    """An exclusive lock on the output folder itself: a second run fails at once instead of waiting or
    interleaving. No lock file is created, so none is left behind, and no link can be followed into
    another file; the lock ends with the process, whatever kills it."""
    old = directory / LEGACY_LOCK  # earlier versions left this file; remove it if it is a plain file
    with suppress(OSError):
        if stat.S_ISREG(os.lstat(old).st_mode):
            old.unlink()
    try:
        fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as exc:
        raise EcomplanError(f"{directory}: cannot open the output folder ({exc.strerror})") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise LockedError(
                f"another weekly report run holds the lock on {directory}; try again when it has finished"
            ) from None
        yield
    finally:
        os.close(fd)


LEGACY_LOCK = ".ecomplan-weekly.lock"


def _load_sources(settings: Settings, lang: str, log, limits: ReadLimits, allow_skipped: bool) -> dict[str, Loaded]:
    if not settings.sources:
        raise EcomplanError("the config has no [[sources]]: name the exports to read (see README)")
    merged: dict[str, list[Loaded]] = {}
    for index, source in enumerate(settings.sources, start=1):
        files = settings.files(source.files, f"[[sources]] #{index} ({source.platform or 'auto'})")
        for kind, loaded in load_by_kind(files, settings.read_options(source, limits, allow_skipped)).items():
            merged.setdefault(kind, []).append(loaded)
            for dataset in loaded.datasets:
                assert dataset.frame is not None  # load_by_kind keeps only tables of a canonical kind: all read
                log(
                    t(
                        "weekly.log.read",
                        lang,
                        file=dataset.name,
                        rows=len(dataset.frame),
                        what=f"{dataset.platform}/{dataset.report} ({kind})",
                    )
                )
    out = {
        kind: Loaded(kind, concat_canonical([p.frame for p in parts]), [d for p in parts for d in p.datasets])
        for kind, parts in merged.items()
    }
    if "traffic" not in out:
        raise EcomplanError("no source holds traffic/sales by day; add a Sycm 交易概况, JD 经营概况 or GA4 export")
    return out


def _load_orders(settings: Settings, lang: str, log, limits: ReadLimits, allow_skipped: bool) -> OrderLines | None:
    source = settings.orders
    if source is None:
        return None
    if source.engine == "spark":
        paths = [p if "://" in p else str(settings.path(p)) for p in source.files]  # Spark expands the globs
        mapping = settings.path(source.mapping) if source.mapping else None
        from ecomplan.engines.spark import open_lines

        lines = open_lines(
            paths, source.table, mapping, source.spark_remote, settings.timezone, allow_skipped=allow_skipped
        )
        log(t("weekly.log.read", lang, file=lines.label, rows=len(lines), what="spark (orders)"))
        return OrderLines(lines, list(lines.issues))
    files = settings.files(source.files, "[orders]")
    loaded = load(files, "orders", settings.read_options(source, limits, allow_skipped))
    for dataset in loaded.datasets:
        if dataset.kind == "orders":
            assert dataset.frame is not None  # a table of a canonical kind is always read
            log(
                t(
                    "weekly.log.read",
                    lang,
                    file=dataset.name,
                    rows=len(dataset.frame),
                    what=f"{dataset.platform}/{dataset.report} (orders)",
                )
            )
    return OrderLines(loaded.frame, loaded.issues)


def _check_fresh(
    loaded: dict[str, Loaded], orders: OrderLines | None, period: Period, today: dt.date, settings: Settings
) -> None:
    """Stop when a source's newest day is older than the week's last complete day (data is T+1;
    `stale_days` adds grace)."""
    due = min(period.end, today - dt.timedelta(days=1)) - dt.timedelta(days=settings.kpi.stale_days)
    traffic = loaded["traffic"].frame
    for platform, rows in traffic.groupby("platform", observed=True):
        last = kpi.last_day(rows)
        if pd.isna(last) or last.date() < due:
            files = ", ".join(sorted(set(rows["source_file"].astype("str"))))
            raise StaleSourceError(
                f"stale source: {platform} data ends {last.date() if pd.notna(last) else 'never'}, "
                f"before the end of {period.label} ({period.end}); download the missing days "
                f"({files}) or report an earlier week with {{week}}",
                arguments=("week",),
            )
    if orders is not None and "paid_at" in orders.lines:
        last = latest_time(orders.lines, "paid_at")
        if last is None or last.date() < due:
            raise StaleSourceError(
                f"stale source: orders end {last.date() if last is not None else 'never'}, before "
                f"the end of {period.label} ({period.end}); export the latest orders"
            )


def _analyse(
    loaded: dict[str, Loaded],
    orders: OrderLines | None,
    period: Period,
    today: dt.date,
    settings: Settings,
    target_file: str | Path | None,
    compare: tuple[str, ...] = kpi_report.DEFAULT_COMPARE,
    optional_compare: tuple[str, ...] = (),
) -> kpi_report.KpiResult:
    """The KPI analysis of both jobs, from the frames each kind of export gave."""
    return kpi_report.analyse(
        loaded["traffic"].frame,
        period,
        today,
        settings,
        products=loaded["products"].frame if "products" in loaded else None,
        ads=loaded["ads"].frame if "ads" in loaded else None,
        orders=orders.lines if orders is not None else None,
        targets=load_targets(target_file) if target_file else None,
        compare=compare,
        optional_compare=optional_compare,
    )


def _other_sections(
    settings: Settings,
    orders: OrderLines | None,
    period: Period,
    today: dt.date,
    lang: str,
    include: tuple[str, ...],
    reading: ReadOptions,
) -> tuple[list[Section], list[str], list[str]]:
    """RFM, inventory and experiment sections; returns (sections, alert lines, SKUs to reorder now)."""
    sections, alerts, restock = [], [], []
    if "rfm" in include and orders is not None:
        from ecomplan import rfm

        config = settings.rfm
        # As of the week's last day (included): segment sizes at the end of the week vs a week earlier.
        sections.append(
            rfm.weekly_section(
                orders.lines,
                period.end,
                lang,
                scheme=config.scheme,
                threshold=config.threshold,
                variant=config.variant,
                fixed=config.fixed(),
                currency=settings.currency,
            )
        )
    if "inventory" in include and settings.inventory:
        from ecomplan import inventory

        inventory_config = inventory.from_settings(settings)
        # Stock as of the Monday after the week, so a re-run later reports the same week's position.
        result, _ = inventory.alerts_from_config(
            inventory_config,
            as_of=period.end + dt.timedelta(days=1),
            options=reading,
        )
        sections.append(inventory.weekly_section(result, lang, currency=settings.currency))
        urgent = result.items[result.items["status"].isin(["stockout", "urgent"])]
        alerts += [f"{row.sku}: {row.status}" for row in urgent.itertuples(index=False)]
        names = urgent["name"] if "name" in urgent else pd.Series(None, index=urgent.index, dtype="object")
        restock = [  # the code and the product's name: T001 alone means nothing to the one who reorders
            f"{sku} {name}" if isinstance(name, str) and name.strip() else str(sku)
            for sku, name in zip(urgent["sku"], names, strict=True)
        ]
    if "experiments" in include and settings.experiments:
        from ecomplan import abtest

        sections.append(abtest.weekly_section(settings.experiments, settings.base_dir, lang))
    return sections, alerts, restock


def _summary(result: kpi_report.KpiResult, lang: str, restock: list[str]) -> list[Section]:
    headline = kpi_report.headline_sentence(result, lang)
    top = [f[f"text_{lang}"] for f in result.findings if f["severity"] in {"alert", "warning"}][:4]
    actions = []
    for finding in result.findings:
        kind, numbers = finding["kind"], finding.get("numbers", {})
        name = platform_name(finding["platform"], lang)
        if kind == "conversion" and numbers.get("significant") and numbers["value"] < numbers["previous"]:
            actions.append(t("weekly.action.conversion", lang, platform=name))
        elif kind == "anomaly" and numbers.get("z", 0) < 0:
            actions.append(t("weekly.action.anomaly", lang, platform=name, day=numbers["day"]))
        elif kind == "target_behind":
            needed = numbers.get("daily_needed")
            actions.append(
                t("weekly.action.target_behind", lang, needed=f"{result.currency}{needed:,.0f}" if needed else "—")
            )
        elif kind == "channel_drop":
            actions.append(t("weekly.action.channel_drop", lang, source=numbers["source"]))
        elif kind == "wasted":
            actions.append(t("weekly.action.wasted", lang, keyword=numbers["keyword"]))
        elif kind == "no_sales":
            actions.append(t("weekly.action.no_sales", lang, name=numbers["name"]))
    if restock:
        actions.insert(0, t("weekly.action.restock", lang, skus=", ".join(restock)))
    return [
        Section(t("weekly.section.summary", lang), paragraphs=[headline], bullets=top),
        Section(t("weekly.section.actions", lang), bullets=actions or [t("weekly.action.none", lang)]),
    ]


def _write(report: Report, target_dir: Path, period: Period) -> list[Path]:
    """The run's files (.md with its chart pictures, .xlsx, .html), published together; called under the
    lock, so temporary files of a killed earlier run are removed first."""
    from ecomplan.render import publish_reports

    return publish_reports(report, weekly_paths(target_dir, period.label))


def weekly_paths(target_dir: Path, label: str) -> list[Path]:
    """The weekly report's files for the ISO week `label`: Markdown (its pictures beside it), workbook, page."""
    return [target_dir / f"weekly-{label}{suffix}" for suffix in (".md", ".xlsx", ".html")]
