"""The weekly report and `kpi report` end to end: golden Markdown, Excel read-back, cron behaviour."""

from __future__ import annotations

import fcntl
import json
import os
import shutil

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from conftest import check_golden
from ecomplan.cli.app import app

runner = CliRunner()
WEEK = ["--week", "2026-W47", "--as-of", "2026-11-23"]


@pytest.fixture(scope="module")
def weekly_files(tmp_path_factory):
    """The example shop's report for 2026-W47 in both languages (built once for this module)."""
    from pathlib import Path

    config = Path(__file__).resolve().parents[1] / "examples" / "ecomplan.toml"
    out = {}
    for lang in ("zh", "en"):
        folder = tmp_path_factory.mktemp(f"weekly-{lang}")
        result = runner.invoke(
            app, ["report", "weekly", "--config", str(config), *WEEK, "--out-dir", str(folder), "--lang", lang]
        )
        assert result.exit_code == 0, result.output
        assert result.stdout.split() == [
            str(folder / f"weekly-2026-W47{suffix}") for suffix in (".md", ".xlsx", ".html")
        ]
        out[lang] = folder
    return out


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_weekly_markdown_golden(weekly_files, lang, update_golden):
    text = (weekly_files[lang] / "weekly-2026-W47.md").read_text(encoding="utf-8")
    check_golden(f"weekly-2026-W47.{lang}.md", text, update_golden)


def test_weekly_markdown_reads_like_a_report(weekly_files):
    text = (weekly_files["zh"] / "weekly-2026-W47.md").read_text(encoding="utf-8")
    for heading in (
        "## 本周摘要",
        "## 下周行动建议",
        "## 核心指标",
        "## 关键发现",
        "## 目标达成",
        "## 转化漏斗",
        "## 流量来源",
        "## 商品",
        "## 广告投放",
        "## 库存",
        "## 数据说明",
    ):
        assert heading in text
    assert "立即补货" in text and "茶叶礼盒" in text and "2026-11-19" in text
    english = (weekly_files["en"] / "weekly-2026-W47.md").read_text(encoding="utf-8")
    assert "## Summary" in english and "访客数" not in english.split("## Data notes")[0].replace("访客数(UV)", "")


def test_weekly_workbook_has_sheets_formats_and_charts(weekly_files):
    book = load_workbook(weekly_files["zh"] / "weekly-2026-W47.xlsx")
    assert book.sheetnames[0] == "概览"
    kpis = book["店铺核心指标"]
    assert kpis.freeze_panes == "A2" and kpis.auto_filter.ref.startswith("A1:")
    assert [c.value for c in kpis[1]][:4] == ["指标", "本期", "口径（平台）", "环比"]
    gmv = next(row for row in kpis.iter_rows(min_row=2) if row[0].value == "支付金额 (GMV)")
    assert isinstance(gmv[1].value, float) and "¥" in gmv[1].number_format
    rate = next(row for row in kpis.iter_rows(min_row=2) if row[0].value == "支付转化率")
    assert rate[1].number_format == "0.00%" and rate[1].value < 1  # a real percentage, not text
    assert len(book["GMV 趋势"]._charts) == 1 and len(book["转化漏斗"]._charts) == 1
    assert len(book["一级来源"]._charts) == 1
    assert book["店铺核心指标"].conditional_formatting
    assert book["独立站指标（网站分析）"]["A2"].value == "会话数"
    funnel = book["转化漏斗"]  # each bar named with its platform (#14 point 6): the labels written beside the table
    assert funnel["J1"].value == "平台 · 环节" and funnel["J2"].value == "独立站 (GA4) · 会话数"
    assert "$J$2:$J$" in str(funnel._charts[0].series[0].cat.strRef.f)
    # #14 point 6: the targets sheet holds numbers with formats, not text like '¥1,350,000.00' or '59.24%'
    targets = {row[0].value: row[1] for row in book["目标达成"].iter_rows(min_row=2)}
    assert targets["2026-11 目标"].value == 1_350_000 and "¥" in targets["2026-11 目标"].number_format
    assert targets["目标达成率"].value == pytest.approx(0.5924, abs=1e-4)
    assert targets["目标达成率"].number_format == "0.00%"
    assert (targets["支付转化率目标"].value, targets["支付转化率（本期实际）"].number_format) == (0.032, "0.00%")
    experiments = book["A B 测试"]  # "/" is not allowed in a sheet name
    p_values = [row[5] for row in experiments.iter_rows(min_row=2) if row[5].value is not None]
    assert p_values and all(isinstance(c.value, float) and c.number_format == "0.0000" for c in p_values)


def test_same_inputs_give_the_same_files(weekly_files, tmp_path, examples):
    result = runner.invoke(
        app, ["report", "weekly", "--config", str(examples / "ecomplan.toml"), *WEEK, "--out-dir", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    charts = sorted(p.relative_to(tmp_path) for p in (tmp_path / "weekly-2026-W47-charts").iterdir())
    assert charts and charts == sorted(
        p.relative_to(weekly_files["zh"]) for p in (weekly_files["zh"] / "weekly-2026-W47-charts").iterdir()
    )
    for name in ("weekly-2026-W47.md", "weekly-2026-W47.xlsx", "weekly-2026-W47.html", *map(str, charts)):
        assert (tmp_path / name).read_bytes() == (weekly_files["zh"] / name).read_bytes(), name


def test_fail_on_alerts_exits_3_after_writing(tmp_path, examples):
    result = runner.invoke(
        app,
        [
            "report",
            "weekly",
            "--config",
            str(examples / "ecomplan.toml"),
            *WEEK,
            "--out-dir",
            str(tmp_path),
            "--fail-on-alerts",
        ],
    )
    assert result.exit_code == 3
    assert (tmp_path / "weekly-2026-W47.md").exists()
    assert "alert: T001: stockout" in result.stderr


def test_stale_source_stops_with_one_line(tmp_path, examples):
    result = runner.invoke(
        app,
        [
            "report",
            "weekly",
            "--config",
            str(examples / "ecomplan.toml"),
            "--week",
            "2026-W48",
            "--as-of",
            "2026-11-30",
            "--out-dir",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 1
    assert "stale source:" in result.stderr and "before the end of 2026-W48 (2026-11-29)" in result.stderr
    assert "Traceback" not in result.output and not list(tmp_path.glob("weekly-*"))


def test_missing_source_names_the_pattern(tmp_path, examples):
    shutil.copytree(examples, tmp_path / "shop", ignore=shutil.ignore_patterns("ga4"))
    result = runner.invoke(
        app,
        [
            "report",
            "weekly",
            "--config",
            str(tmp_path / "shop" / "ecomplan.toml"),
            *WEEK,
            "--out-dir",
            str(tmp_path / "out"),
        ],
    )
    assert result.exit_code == 1
    assert "no file matches 'ga4/data-export.csv'" in result.stderr


def test_a_second_run_while_one_holds_the_lock_fails(tmp_path, examples):
    held = os.open(tmp_path, os.O_RDONLY | os.O_DIRECTORY)  # the lock is on the output folder itself
    try:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        result = runner.invoke(
            app, ["report", "weekly", "--config", str(examples / "ecomplan.toml"), *WEEK, "--out-dir", str(tmp_path)]
        )
    finally:
        os.close(held)
    assert result.exit_code == 1 and "holds the lock" in result.stderr


def test_the_lock_leaves_no_file_and_follows_no_link(tmp_path, examples):
    """A `.ecomplan-weekly.lock` link (from an attacker or an old version) is never written through."""
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me\n", encoding="utf-8")
    out = tmp_path / "reports"
    out.mkdir()
    (out / ".ecomplan-weekly.lock").symlink_to(victim)
    result = runner.invoke(
        app, ["report", "weekly", "--config", str(examples / "ecomplan.toml"), *WEEK, "--out-dir", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert victim.read_text(encoding="utf-8") == "keep me\n"
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".ecomplan-weekly.lock")) == [
        "weekly-2026-W47-charts",
        "weekly-2026-W47.html",
        "weekly-2026-W47.md",
        "weekly-2026-W47.xlsx",
    ]
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


def test_weekly_needs_an_iso_week(examples, tmp_path):
    result = runner.invoke(
        app,
        [
            "report",
            "weekly",
            "--config",
            str(examples / "ecomplan.toml"),
            "--week",
            "2026-11",
            "--out-dir",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 2 and "needs an ISO week" in result.stderr


def test_kpi_report_json_and_excel(tmp_path, examples):
    files = [str(p) for p in (*examples.glob("sycm/*交易概况*.csv"), *examples.glob("jd/*经营概况*.xlsx"))]
    result = runner.invoke(app, ["kpi", "report", *files, "--period", "2026-W47", "--as-of", "2026-11-23", "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["period"]["start"] == "2026-11-16" and doc["comparisons"]["previous_period"]["gmv"]["previous"] > 0
    out = tmp_path / "kpi.xlsx"
    assert (
        runner.invoke(
            app,
            ["kpi", "report", *files, "--period", "2026-W47", "--as-of", "2026-11-23", "-o", str(out), "--lang", "en"],
        ).exit_code
        == 0
    )
    assert "Key metrics" in load_workbook(out).sheetnames


def test_formula_like_text_from_exports_stays_text(tmp_path, fixtures):
    out = tmp_path / "kpi.xlsx"
    traffic = tmp_path / "traffic.csv"
    traffic.write_text("date,visitors,paying_buyers,pay_amount\n2026-06-18,1536,37,11086.00\n", encoding="utf-8")
    files = [str(traffic), str(fixtures / "sycm/商品_全部.xls")]
    result = runner.invoke(
        app, ["kpi", "report", *files, "--period", "2026-06-18", "--as-of", "2026-06-19", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    sheet = load_workbook(out)["GMV 领先商品"]
    names = [row[2] for row in sheet.iter_rows(min_row=2)]
    cell = next(c for c in names if "HYPERLINK" in str(c.value))
    # a string cell, and neutralised (OWASP CSV injection) so it stays inert if re-saved as CSV
    assert cell.data_type == "s" and cell.value == '\'=HYPERLINK("x") 铁观音'


def test_kpi_report_without_traffic_is_an_error(fixtures):
    result = runner.invoke(app, ["kpi", "report", str(fixtures / "jd/库存.xlsx")])
    assert result.exit_code == 1 and "KPIs need one" in result.stderr


def test_campaign_week_is_compared_with_the_same_campaign_days_last_year(examples):
    files = [str(p) for p in examples.glob("sycm/*交易概况_2025*.csv")]
    result = runner.invoke(
        app,
        [
            "kpi",
            "report",
            *files,
            "--period",
            "2026-W42",
            "--as-of",
            "2026-11-23",
            "--config",
            str(examples / "ecomplan.toml"),
            "--compare",
            "all",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    comparisons = json.loads(result.stdout)["comparisons"]
    assert set(comparisons) == {"previous_period", "year_over_year", "year_over_year_weekday", "campaign"}
    # 双11 2026 started 15 Oct (Thursday of W42), 2025 on 20 Oct: W42 begins 3 days before day 1
    assert comparisons["campaign"]["period"]["start"] == "2025-10-17"
    assert comparisons["year_over_year"]["period"]["start"] == "2025-10-12"
    assert comparisons["year_over_year_weekday"]["period"]["start"] == "2025-10-13"


def test_no_data_in_the_period_is_an_error_not_an_empty_report(fixtures):
    result = runner.invoke(
        app, ["kpi", "report", str(fixtures / "sycm/交易概况_gbk_preamble.csv"), "--period", "2024-W10"]
    )
    assert result.exit_code == 1
    assert "no traffic or sales data in 2024-W10" in result.stderr and "2026-11-16 – 2026-11-18" in result.stderr


def test_this_week_reports_up_to_yesterday(tmp_path, examples):
    result = runner.invoke(
        app,
        [
            "report",
            "weekly",
            "--config",
            str(examples / "ecomplan.toml"),
            "--week",
            "this",
            "--as-of",
            "2026-11-20",
            "--out-dir",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "weekly-2026-W47.md").exists()


def test_language_from_the_environment(tmp_path, examples):
    result = runner.invoke(
        app,
        ["report", "weekly", "--config", str(examples / "ecomplan.toml"), *WEEK, "--out-dir", str(tmp_path)],
        env={"ECOMPLAN_LANG": "en"},
    )
    assert result.exit_code == 0 and "## Summary" in (tmp_path / "weekly-2026-W47.md").read_text(encoding="utf-8")


def test_a_failed_write_keeps_the_old_pair_and_leaves_no_temporary_file(tmp_path):
    from ecomplan.render.output import publish_together

    md, xlsx = tmp_path / "weekly.md", tmp_path / "weekly.xlsx"
    md.write_text("old md", encoding="utf-8")
    xlsx.write_text("old xlsx", encoding="utf-8")

    def broken(path):
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        publish_together({md: lambda p: p.write_text("new md", encoding="utf-8"), xlsx: broken})
    assert (md.read_text(encoding="utf-8"), xlsx.read_text(encoding="utf-8")) == ("old md", "old xlsx")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["weekly.md", "weekly.xlsx"]


def test_the_next_run_removes_what_a_killed_run_left(tmp_path, examples):
    out = tmp_path / "reports"
    out.mkdir()
    charts = out / "weekly-2026-W47-charts"
    charts.mkdir()
    stale = [out / ".weekly-2026-W47.md.abc123.tmp", out / ".weekly-2026-W47.xlsx.def456.tmp"]
    stale += [out / ".weekly-2026-W47.html.a1.tmp", charts / ".02-funnel.png.b2.tmp"]
    for path in stale:
        path.write_bytes(b"")  # what a kill between creating and renaming leaves
    result = runner.invoke(
        app, ["report", "weekly", "--config", str(examples / "ecomplan.toml"), *WEEK, "--out-dir", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == [
        "weekly-2026-W47-charts",
        "weekly-2026-W47.html",
        "weekly-2026-W47.md",
        "weekly-2026-W47.xlsx",
    ]
    assert not [p for p in charts.iterdir() if p.name.endswith(".tmp")]


def test_the_weekly_report_reads_with_the_caps_of_the_environment(examples, tmp_path, monkeypatch):
    monkeypatch.setenv("ECOMPLAN_MAX_CELLS", "10")
    result = runner.invoke(
        app, ["report", "weekly", "--config", str(examples / "ecomplan.toml"), *WEEK, "--out-dir", str(tmp_path)]
    )
    assert result.exit_code == 1 and "ECOMPLAN_MAX_CELLS" in result.stderr
