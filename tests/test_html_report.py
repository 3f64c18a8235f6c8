"""Pictures and the HTML report (issue #14 point 7): charts as SVG and PNG beside the Markdown, one
self-contained HTML page that Chromium renders without a single request leaving it, readable on a phone
and printed on A4."""

from __future__ import annotations

import os
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from ecomplan.cli.app import app
from ecomplan.render import charts

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "examples" / "ecomplan.toml"
WEEK = ["--week", "2026-W47", "--as-of", "2026-11-23"]
runner = CliRunner()


@pytest.fixture(scope="module")
def weekly(tmp_path_factory):
    folder = tmp_path_factory.mktemp("weekly-html")
    result = runner.invoke(app, ["report", "weekly", "--config", str(CONFIG), *WEEK, "--out-dir", str(folder)])
    assert result.exit_code == 0, result.output
    return folder


def test_the_weekly_run_writes_markdown_with_pictures_workbook_and_html(weekly):
    names = sorted(p.name for p in weekly.iterdir())
    assert names == ["weekly-2026-W47-charts", "weekly-2026-W47.html", "weekly-2026-W47.md", "weekly-2026-W47.xlsx"]
    markdown = (weekly / "weekly-2026-W47.md").read_text(encoding="utf-8")
    links = re.findall(r"!\[([^\]]+)\]\(([^)]+)\)", markdown)
    titles = [title for title, _ in links]
    # GMV trend, funnel per platform, channels, target pacing, RFM segments
    for wanted in ("GMV 趋势", "转化漏斗", "一级来源", "2026-11 目标进度（累计）", "客户分层（RFM）"):
        assert wanted in titles, titles
    for _, link in links:
        png = weekly / link
        assert png.suffix == ".png" and png.is_file()
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        svg = png.with_suffix(".svg")
        root = ET.parse(svg).getroot()  # well-formed SVG
        assert root.tag.endswith("svg")
    assert len(list((weekly / "weekly-2026-W47-charts").iterdir())) == 2 * len(links)


def test_chinese_labels_are_drawn_with_a_cjk_font():
    if charts.cjk_font() is None:
        if os.environ.get("CI"):
            pytest.fail("no CJK font on the CI machine: .ci/run installs fonts-noto-cjk")
        pytest.skip("no CJK font installed (Debian: fonts-noto-cjk)")
    from PIL import Image

    from ecomplan.core.report import Chart, Column, Report, Section, Table

    frame = __import__("pandas").DataFrame({"label": ["重要价值客户", "一般挽留客户"], "n": [530, 5373]})
    table = Table(
        "t",
        "分层",
        frame,
        [Column("label", "分层"), Column("n", "人数", "int")],
        chart=Chart("bar", "各分层客户数", "label", ["n"]),
    )
    drawn = charts.pictures(Report("r", "zh", sections=[Section("s", tables=[table])]))
    picture = drawn.items[0]
    assert drawn.font and picture.png is not None
    assert "<text" not in picture.svg  # glyphs as paths: the same picture on every viewer
    import io

    image = Image.open(io.BytesIO(picture.png))
    assert image.size == (1080, 540)


def test_without_a_cjk_font_charts_are_svg_only_and_the_run_says_so(tmp_path, monkeypatch):
    monkeypatch.setattr(charts, "cjk_font", lambda: None)
    result = runner.invoke(app, ["report", "weekly", "--config", str(CONFIG), *WEEK, "--out-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "no CJK font installed" in result.stderr and "SVG only" in result.stderr
    folder = tmp_path / "weekly-2026-W47-charts"
    assert not list(folder.glob("*.png")) and list(folder.glob("*.svg"))
    svg = next(folder.glob("*funnel.svg")).read_text(encoding="utf-8")
    # text left to the viewer; one small chart per platform, each titled with it
    assert "<text" in svg and "Noto Sans CJK SC" in svg and "访客数" in svg
    assert all(f">{name}</text>" in svg for name in ("京东", "天猫/淘宝", "独立站 (GA4)"))
    markdown = (tmp_path / "weekly-2026-W47.md").read_text(encoding="utf-8")
    assert "weekly-2026-W47-charts/" in markdown and ".png)" not in markdown and ".svg)" in markdown


def test_the_html_page_is_self_contained(weekly):
    page = (weekly / "weekly-2026-W47.html").read_text(encoding="utf-8")
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert not re.search(r"<(script|link|iframe|object|embed)\b", page, re.I)
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page, re.I)
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", page, re.I)
    assert page.count("<svg") >= 6 and "<?xml" not in page
    assert "@page { size: A4" in page and 'name="viewport"' in page
    for title in ("店铺核心指标", "独立站指标（网站分析）", "转化漏斗", "补货预警", "A/B 测试"):
        assert title in page


def test_text_from_exports_cannot_open_a_tag_in_the_page(tmp_path):
    from ecomplan.core.report import Column, Report, Section, Table
    from ecomplan.render import write_report

    frame = __import__("pandas").DataFrame({"name": ['<img src=x onerror="alert(1)">']})
    table = Table("t", "商品", frame, [Column("name", "商品名称")])
    out = tmp_path / "r.html"
    write_report(Report("<b>周报</b>", "zh", sections=[Section("s", ["<script>x</script>"], [table])]), out)
    page = out.read_text(encoding="utf-8")
    assert "<img src=x" not in page and "&lt;img src=x" in page and "<script>x" not in page and "<b>周报" not in page


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing on the CI machine: .ci/run installs Debian's chromium")
        pytest.skip("headless Chromium not installed (Debian: apt-get install chromium)")
    return found


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium driven by Playwright (no browser download: its executable is given)."""
    from playwright.sync_api import sync_playwright

    flags = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking"]
    flags += ["--disable-component-update", "--disable-sync"]
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=_chromium(), args=flags)
        yield launched
        launched.close()


def _open(browser, page_file: Path, width: int = 390):
    """The page in a phone-sized viewport, and every request it made (the page itself first)."""
    page = browser.new_page(viewport={"width": width, "height": 844})
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(page_file.as_uri())
    page.wait_for_load_state("load")
    return page, requests


def test_the_request_recorder_sees_a_page_that_fetches(browser, tmp_path):
    """The control: without it, an empty request list could mean nothing was recorded at all."""
    control = tmp_path / "fetches.html"
    control.write_text('<html><body><img src="http://example.invalid/pixel.png"></body></html>', encoding="utf-8")
    page, requests = _open(browser, control)
    page.close()
    assert "http://example.invalid/pixel.png" in requests


def test_chromium_renders_the_page_on_a_phone_without_any_request(browser, weekly, tmp_path):
    from PIL import Image, ImageStat

    report = weekly / "weekly-2026-W47.html"
    page, requests = _open(browser, report)
    shot = tmp_path / "phone.png"
    page.screenshot(path=str(shot), full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    charts_drawn = page.evaluate(
        "[...document.querySelectorAll('svg.chart')].filter(s => s.getBBox().width > 0).length"
    )
    page.close()
    assert requests == [report.as_uri()]  # the page itself, nothing else
    assert width <= 390  # nothing pushes the page wider than the phone: wide tables scroll inside it
    assert charts_drawn >= 6
    image = Image.open(shot).convert("L")
    assert image.size[0] == 390 and image.size[1] > 5000
    assert ImageStat.Stat(image).stddev[0] > 20  # text, tables and charts, not a blank page
    assert (np.asarray(image) < 128).mean() > 0.01


def test_the_page_prints_on_a4(browser, weekly, tmp_path):
    page, requests = _open(browser, weekly / "weekly-2026-W47.html", width=1000)
    pdf = tmp_path / "report.pdf"
    page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)  # the page's own @page size
    page.close()
    assert len(requests) == 1
    boxes = re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf.read_bytes())
    assert len(boxes) >= 3
    assert all(abs(float(w) - 595.3) < 1 and abs(float(h) - 841.9) < 1 for w, h in boxes)  # A4 in points


def test_kpi_report_writes_html_too(tmp_path):
    files = [
        str(p) for p in (*ROOT.glob("examples/sycm/*交易概况_2025*.csv"), *ROOT.glob("examples/jd/*经营概况*.xlsx"))
    ]
    out = tmp_path / "kpi.html"
    result = runner.invoke(
        app, ["kpi", "report", *files, "--period", "2026-W47", "--as-of", "2026-11-23", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<svg" in page and "转化漏斗" in page
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kpi.html"]  # no picture files beside an HTML page


@pytest.mark.parametrize("kind", ["line", "column", "bar", "pie"])
def test_every_chart_kind_draws(kind):
    import io

    import pandas as pd
    from PIL import Image

    from ecomplan.core.report import Chart, Column, Report, Section, Table

    frame = pd.DataFrame({"label": ["甲", "乙", "丙"], "a": [3.0, 1.0, 2.0], "b": [1.0, 2.0, None]})
    columns = [Column("label", "名称"), Column("a", "本期", "money"), Column("b", "上期", "money")]
    table = Table(
        "kinds", "种类", frame, columns, chart=Chart(kind, "标题", "label", ["a"] if kind == "pie" else ["a", "b"])
    )
    drawn = charts.pictures(Report("r", "zh", sections=[Section("s", tables=[table])]))
    assert len(drawn.items) == 1
    assert ET.fromstring(drawn.items[0].svg.encode("utf-8")).tag.endswith("svg")
    if drawn.items[0].png is not None:
        assert Image.open(io.BytesIO(drawn.items[0].png)).size == (1080, 540)
