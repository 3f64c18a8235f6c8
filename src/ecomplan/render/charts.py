"""Pictures of a report's charts: SVG (inline in HTML, beside Markdown) and PNG (for chat apps and
Markdown viewers that show no SVG), drawn with matplotlib from the same `Chart` specs the workbook's
native charts use.

Chinese labels need a CJK font. With one installed (Noto Sans CJK, Source Han, WenQuanYi, 微软雅黑,
苹方…), SVG text is drawn as glyph paths, so the picture looks the same on every viewer, and a PNG is
made too. Without one, `pictures` says so (`Pictures.font`) and writes SVG only, with the text kept as
text in a CJK font stack: the browser or viewer draws the characters with its own fonts.

The same report gives the same bytes (no dates in the files, fixed ids), so cron runs of the same week
produce identical files.
"""

from __future__ import annotations

import io
import math
import warnings
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any, cast

from ecomplan.core.formatting import format_cell, money, pct
from ecomplan.core.report import Chart, Report, Table

# The names CJK fonts install under, best first: Debian's fonts-noto-cjk, Adobe's Source Han, WenQuanYi,
# Windows and macOS system fonts.
CJK_FONTS = (
    "Noto Sans CJK SC",
    "Noto Sans CJK JP",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Heiti SC",
    "Hiragino Sans GB",
    "Arial Unicode MS",
)
CSS_FONTS = (
    "'PingFang SC', 'Noto Sans CJK SC', 'Source Han Sans SC', 'Microsoft YaHei', 'WenQuanYi Zen Hei', sans-serif"
)
COLOURS = ("#2F6FDE", "#F08C2E", "#3BA272", "#D9534F", "#8E6CCF", "#7A7A7A", "#C9A227", "#17A2B8")
WIDTH, HEIGHT, DPI = 7.2, 3.6, 150  # inches: the workbook's 720 x 360 px charts, PNG at 1080 x 540


@dataclass(frozen=True)
class Picture:
    name: str  # the table's name
    title: str
    kind: str  # line, column, bar, pie
    svg: str
    png: bytes | None  # None when no CJK font is installed (see the module's docstring)


@dataclass
class Pictures:
    items: list[Picture] = field(default_factory=list)
    font: str | None = None  # the CJK font used; None: none found, SVG text left to the viewer


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """The first installed font of `CJK_FONTS`, or None."""
    from matplotlib import font_manager

    installed = {entry.name for entry in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FONTS if name in installed), None)


def charted_tables(report: Report) -> list[Table]:
    """The tables whose chart becomes a picture: every table with a chart and rows (the daily GMV
    series is charted even though only the workbook holds its table)."""
    return [table for table in report.tables() if table.chart and table.chart.y and len(table.frame)]


def pictures(report: Report) -> Pictures:
    """Every chart of `report` as SVG (and PNG when a CJK font is installed)."""
    tables = charted_tables(report)
    if not tables:
        return Pictures()
    import matplotlib

    matplotlib.use("Agg", force=True)
    font = cjk_font()
    out = Pictures(font=font)
    for table in tables:
        out.items.append(_draw(table, report.currency, font))
    return out


def _draw(table: Table, currency: str, font: str | None) -> Picture:
    import matplotlib.pyplot as plt
    from matplotlib import rc_context

    chart = table.chart
    assert chart is not None  # charted_tables keeps tables with a chart
    settings: dict[str, Any] = {
        "font.family": "sans-serif",
        "font.sans-serif": [font, "DejaVu Sans"] if font else ["DejaVu Sans"],
        "axes.unicode_minus": False,
        "svg.fonttype": "path" if font else "none",
        "svg.hashsalt": f"ecomplan-{table.name}",
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.titleweight": "bold",
        "font.size": 9,
    }
    with rc_context(cast(Any, settings)), warnings.catch_warnings():  # matplotlib types keys as literals
        # Without a CJK font, DejaVu has no Chinese glyphs; the SVG keeps the text for the viewer to draw.
        warnings.filterwarnings("ignore", message="Glyph .* missing from font", category=UserWarning)
        facets = list(dict.fromkeys(table.frame[chart.facet].astype("str"))) if chart.facet else [None]
        figure, grid = plt.subplots(1, len(facets), figsize=(WIDTH, HEIGHT), squeeze=False)
        try:
            for index, (axes, facet) in enumerate(zip(grid[0], facets, strict=True)):
                part = table
                if chart.facet:  # one small chart per facet, each on its own scale (sessions vs visitors)
                    rows = table.frame[chart.facet].astype("str") == facet
                    part = replace(table, frame=table.frame[rows].reset_index(drop=True))
                _plot(axes, part, chart, currency, legend=index == len(facets) - 1)
                if chart.facet:
                    axes.set_title(str(facet), fontsize=9)
            if chart.facet:
                figure.suptitle(chart.title, x=0.01, ha="left", fontweight="bold", fontsize=10)
            else:
                grid[0][0].set_title(chart.title, loc="left")
            figure.tight_layout()
            svg = io.StringIO()
            figure.savefig(svg, format="svg", metadata={"Date": None, "Creator": None})
            png = None
            if font:
                buffer = io.BytesIO()
                figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
                png = buffer.getvalue()
        finally:
            plt.close(figure)
    text = svg.getvalue()
    if not font:  # text as text: let the viewer's CJK fonts draw it
        text = text.replace("font-family:'DejaVu Sans'", f"font-family:{CSS_FONTS}")
        text = text.replace("font-family: 'DejaVu Sans'", f"font-family: {CSS_FONTS}")
    return Picture(table.name, chart.title, chart.kind, text, png)


def _plot(axes, table: Table, chart: Chart, currency: str, legend: bool = True) -> None:
    import numpy as np
    from matplotlib.ticker import FuncFormatter

    frame = table.frame
    labels = {column.key: column.label for column in table.columns}
    formats = {column.key: column.fmt for column in table.columns}
    categories = [_category(value) for value in frame[chart.x].tolist()]
    series = [key for key in chart.y if key in frame]
    values = {key: [_number(v) for v in frame[key].tolist()] for key in series}
    fmt = formats.get(series[0], "num") if series else "num"
    tick = FuncFormatter(lambda value, _: _tick(value, fmt, currency))
    positions = np.arange(len(categories))
    if chart.kind == "line":
        for index, key in enumerate(series):
            axes.plot(positions, values[key], label=labels.get(key, key), color=COLOURS[index % len(COLOURS)])
        step = max(1, math.ceil(len(categories) / 10))
        axes.set_xticks(positions[::step], [categories[i] for i in range(0, len(categories), step)])
        axes.yaxis.set_major_formatter(tick)
    elif chart.kind in {"column", "bar"}:  # grouped bars, upright or lying
        thickness = 0.8 / max(len(series), 1)
        draw = axes.bar if chart.kind == "column" else axes.barh
        for index, key in enumerate(series):
            offset = (index - (len(series) - 1) / 2) * thickness
            draw(positions + offset, values[key], thickness, label=labels.get(key, key), color=COLOURS[index % 8])
        if chart.kind == "column":
            crowded = len(categories) > 6 or (chart.facet is not None and len(categories) > 2)
            axes.set_xticks(positions, categories, rotation=30 if crowded else 0, ha="right" if crowded else "center")
            axes.yaxis.set_major_formatter(tick)
        else:
            axes.set_yticks(positions, categories)
            axes.invert_yaxis()  # the table's first row on top
            axes.xaxis.set_major_formatter(tick)
    else:  # pie
        axes.pie(values[series[0]], labels=categories, colors=COLOURS, startangle=90, counterclock=False)
        axes.axis("equal")
        return
    axes.grid(axis="x" if chart.kind == "bar" else "y", color="#E5E5E5", linewidth=0.6)
    axes.set_axisbelow(True)
    if legend and len(series) > 1:
        axes.legend(frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)


def _tick(value: float, fmt: str, currency: str) -> str:
    """An axis label: whole numbers and whole currency units (¥1,200,000, not ¥1,200,000.00)."""
    if fmt == "money":
        return money(value, currency, 0)
    if fmt == "pct":
        return pct(value, 0 if abs(value) >= 0.1 else 1)
    return format_cell(value, "int" if fmt in {"int", "num", "row"} else fmt, currency)


def _category(value) -> str:
    import datetime as dt

    if isinstance(value, dt.datetime | dt.date) or hasattr(value, "strftime"):
        return value.strftime("%m-%d")
    return "" if value is None else str(value)


def _number(value) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return math.nan
    return number
