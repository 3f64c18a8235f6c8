"""One basis per number (issue #14): every rate is its own numerator over its own denominator, shops and
a GA4-measured site are never added into one cell, and a number shown twice is the same number.

Checked on the KPI JSON and the report tables of the weekly demo, on the golden Markdown files as rendered,
and on single-kind inputs (shops only, a site only)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from ecomplan.cli.app import app
from ecomplan.config import load_settings
from ecomplan.core.formatting import money as fmt_money
from ecomplan.core.periods import parse_period
from ecomplan.core.text import platform_name, t
from ecomplan.jobs import build_weekly
from ecomplan.kpi import compute as kpi
from ecomplan.kpi import report as kpi_report
from ecomplan.kpi.metrics import METRICS

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden"
RATIOS = {k: m for k, m in METRICS.items() if m.rollup == "ratio" and m.numerator}
runner = CliRunner()


@pytest.fixture(scope="module")
def weekly():
    settings = load_settings(ROOT / "examples" / "ecomplan.toml")
    today = dt.date(2026, 11, 23)
    period = parse_period("2026-W47", today, "week")
    return {lang: build_weekly(settings, period, today, lang) for lang in ("zh", "en")}


def _close(a: float, b: float, tolerance: float = 1e-9) -> bool:
    return abs(a - b) <= tolerance * max(1.0, abs(a), abs(b))


def _check_ratios(kpis: dict, by_platform: dict, coverage: dict | None) -> int:
    """Each ratio equals the sum of its numerator over the sum of its denominator, over the platforms it
    covers; where the numerator and denominator rows cover those same platforms, the table's own cells
    give it. Returns how many ratios were checked (so a vacuous pass shows)."""
    checked = 0
    for key, metric in RATIOS.items():
        value = kpis.get(key)
        if value is None or metric.numerator not in kpis:  # engagement: its numerator is not a reported KPI
            continue
        platforms = coverage[key] if coverage is not None else list(by_platform)
        numerator = sum(by_platform[p][metric.numerator] for p in platforms)
        denominator = sum(by_platform[p][metric.denominator] for p in platforms)
        assert _close(value, numerator / denominator), (key, value, numerator, denominator)
        if coverage is None or (coverage[metric.numerator] == platforms == coverage[metric.denominator]):
            assert _close(value, kpis[metric.numerator] / kpis[metric.denominator]), key
        checked += 1
    return checked


def test_every_rate_is_its_numerator_over_its_denominator(weekly):
    doc = kpi_report.to_json(weekly["zh"].kpi)
    by_platform = doc["kpis_by_platform"]
    assert set(doc["kpis_platforms"]) == {"jd", "sycm"} and doc["site_platforms"] == ["ga4"]
    assert _check_ratios(doc["kpis"], by_platform, doc["kpis_coverage"]) == 6  # CR, AOV, UV, PV, refund, returning
    for platform, values in by_platform.items():
        _check_ratios(values, {platform: values}, None)
    site = doc["kpis_site"]
    assert _check_ratios(site, {"ga4": by_platform["ga4"]}, None) >= 2
    # conversion x AOV = UV value, on one basis
    kpis = doc["kpis"]
    assert _close(kpis["conversion_rate"] * kpis["aov"], kpis["uv_value"])


def test_shops_and_the_site_are_never_added_into_one_cell(weekly):
    doc = kpi_report.to_json(weekly["zh"].kpi)
    shops, site, by_platform = doc["kpis"], doc["kpis_site"], doc["kpis_by_platform"]
    for key in ("gmv", "visitors", "paying_buyers", "orders", "pageviews"):
        covered = doc["kpis_coverage"][key]
        assert "ga4" not in covered
        assert _close(shops[key], sum(by_platform[p][key] for p in covered)), key
    assert shops["sessions"] is None and site["paying_buyers"] is None
    assert _close(doc["gmv_all_channels"], shops["gmv"] + site["gmv"])
    assert doc["orders"]["source"] == "order_export"


def _table(report, name):
    return next(table for table in report.tables() if table.name == name)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_number_shown_twice_is_the_same_number(weekly, lang):
    built = weekly[lang]
    result, report = built.kpi, built.report
    doc = kpi_report.to_json(result)
    kpis_table = _table(report, "kpis").frame.set_index("key")
    for key, value in doc["kpis"].items():
        if value is not None:
            assert kpis_table.loc[key, "value"] == value, key
            assert kpis_table.loc[key, "covers"] == " + ".join(
                platform_name(p, lang) for p in doc["kpis_coverage"][key]
            )
    site_table = _table(report, "kpis_site").frame.set_index("key")
    for key in site_table.index:
        assert site_table.loc[key, "value"] == doc["kpis_site"][key]
    platforms = _table(report, "by_platform").frame.set_index("platform")
    funnel = result.funnel.set_index(["platform", "step"])["value"]
    for code, values in doc["kpis_by_platform"].items():
        row = platforms.loc[platform_name(code, lang)]
        for key in ("gmv", "visitors", "paying_buyers", "conversion_rate", "aov", "uv_value", "orders"):
            if values[key] is None:
                assert pd.isna(row[key]), (code, key)
            else:
                assert _close(row[key], values[key]), (code, key)
        for step in ("visitors", "paying_buyers", "sessions", "purchases"):
            if (code, step) in funnel.index:
                assert funnel[(code, step)] == values[step], (code, step)
    # the trend's week is the KPI week: each platform's GMV, and the all-channel total
    weekly_gmv = _table(report, "gmv_weekly").frame.iloc[-1]
    for code, values in doc["kpis_by_platform"].items():
        assert _close(weekly_gmv[code], values["gmv"]), code
    assert _close(weekly_gmv["total"], doc["gmv_all_channels"])
    # the summary's headline names the shops' GMV and the all-channel figure, as the tables do
    headline = built.summary[0].paragraphs[0]
    assert fmt_money(doc["kpis"]["gmv"], "¥") in headline and fmt_money(doc["gmv_all_channels"], "¥") in headline
    targets = _table(report, "targets").frame.set_index("item")["value"]
    assert targets[t("kpi.target.conversion_actual", lang)] == doc["kpis"]["conversion_rate"]


def _markdown_tables(text: str) -> dict[str, list[dict[str, str]]]:
    """Tables of a rendered report under their `###`/`##` headings: heading -> rows as {header: cell}."""
    tables: dict[str, list[dict[str, str]]] = {}
    heading = ""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("#"):
            heading = line.lstrip("#").strip()
        elif line.startswith("| ") and i + 1 < len(lines) and lines[i + 1].startswith("|--"):
            header = [c.strip() for c in line.strip("|").split("|")]
            rows = []
            for body in lines[i + 2 :]:
                if not body.startswith("|"):
                    break
                rows.append(dict(zip(header, (c.strip() for c in body.strip("|").split("|")), strict=True)))
            tables[heading] = rows
    return tables


def _number(cell: str) -> tuple[float, float]:
    """A rendered cell as (value, half of its last digit's unit): '2.07%' -> (0.0207, 0.00005)."""
    text = cell.replace("¥", "").replace(",", "")
    scale = 0.01 if text.endswith("%") else 1.0
    text = text.rstrip("%")
    decimals = len(text.split(".")[1]) if "." in text else 0
    return float(text) * scale, 0.5 * 10**-decimals * scale


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_golden_reports_hold_the_invariants_as_rendered(lang):
    text = (GOLDEN / f"weekly-2026-W47.{lang}.md").read_text(encoding="utf-8")
    tables = _markdown_tables(text)
    kpis, platforms = t("kpi.table.kpis_shops", lang), t("kpi.table.by_platform", lang)
    metric, value = t("kpi.col.metric", lang), t("kpi.col.value", lang)
    gmv, visitors, buyers = (t(f"metric.{k}", lang) for k in ("gmv", "visitors", "paying_buyers"))
    rate, aov, uv = (t(f"metric.{k}", lang) for k in ("conversion_rate", "aov", "uv_value"))
    rows = {row[metric]: _number(row[value]) for row in tables[kpis] if row[value] != "—"}
    checked = [
        {gmv: rows[gmv], visitors: rows[visitors], buyers: rows[buyers], rate: rows[rate], aov: rows[aov], uv: rows[uv]}
    ]
    checked += [
        {k: _number(row[k]) for k in (gmv, visitors, buyers, rate, aov, uv)}
        for row in tables[platforms]
        if row[buyers] != "—" and row[visitors] != "—"
    ]
    assert len(checked) == 3  # the shops' total, 京东, 天猫/淘宝
    for cells in checked:
        (g, _), (v, _), (b, _) = cells[gmv], cells[visitors], cells[buyers]
        for shown, exact in ((cells[rate], b / v), (cells[aov], g / b), (cells[uv], g / v)):
            assert abs(shown[0] - exact) <= shown[1] + 1e-12, (cells, shown, exact)
    # the site is its own table: none of its cells reach the shops' rows
    site_platform = platform_name("ga4", lang)
    assert all(site_platform not in row.get(t("kpi.col.covers", lang), "") for row in tables[kpis])


def test_shops_alone_and_a_site_alone_each_make_the_kpis(tmp_path):
    shops = [
        str(p) for p in (*ROOT.glob("examples/sycm/*交易概况_2025*.csv"), *ROOT.glob("examples/jd/*经营概况*.xlsx"))
    ]
    site = [str(ROOT / "examples" / "ga4" / "data-export.csv")]
    week = ["--period", "2026-W47", "--as-of", "2026-11-23", "--json"]
    for files, main, site_platforms in ((shops, {"jd", "sycm"}, []), (site, {"ga4"}, [])):
        result = runner.invoke(app, ["kpi", "report", *files, *week])
        assert result.exit_code == 0, result.output
        doc = json.loads(result.stdout)
        assert set(doc["kpis_platforms"]) == main and doc["site_platforms"] == site_platforms
        assert doc["kpis_site"] is None
        assert _check_ratios(doc["kpis"], doc["kpis_by_platform"], doc["kpis_coverage"]) >= 2
        assert _close(doc["gmv_all_channels"], doc["kpis"]["gmv"])


def test_combine_names_the_platforms_behind_each_value():
    def totals(platform, **values):
        return kpi.Totals(values, "sum_of_daily", 7, 7, [platform])

    a = totals("a", gmv=100.0, visitors=50.0, paying_buyers=5.0, refund_amount=10.0)
    b = totals("b", gmv=300.0, visitors=150.0, paying_buyers=10.0)
    for part in (a, b):
        kpi.finish_ratios(part.values)
    both = kpi.combine([a, b])
    assert both.get("gmv") == 400 and both.covers("gmv") == ["a", "b"]
    assert both.get("refund_amount") == 10 and both.covers("refund_amount") == ["a"]
    assert both.get("refund_rate") == pytest.approx(0.1) and both.covers("refund_rate") == ["a"]  # a's GMV only
    assert both.get("conversion_rate") == pytest.approx(15 / 200) and both.covers("conversion_rate") == ["a", "b"]
    assert both.get("net_gmv") is None and both.covers("net_gmv") == []  # b has no refund figure
    site = totals("ga4", sessions=100.0, purchases=3.0, revenue=50.0)
    assert kpi.is_site_analytics(site) and not kpi.is_site_analytics(a)
    assert kpi.by_kind({"a": a, "ga4": site, "b": b}) == (["a", "b"], ["ga4"])


def test_the_funnel_chart_is_drawn_per_platform(weekly):
    table = _table(weekly["zh"].report, "funnel")
    assert table.chart is not None and (table.chart.x, table.chart.facet) == ("step", "platform")
    assert list(dict.fromkeys(table.frame["platform"])) == ["独立站 (GA4)", "京东", "天猫/淘宝"]
