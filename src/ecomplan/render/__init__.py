"""Renderers shared by every report: Markdown (jinja2), HTML (jinja2, charts inline), Excel
(xlsxwriter), terminal (rich), and the charts' pictures (matplotlib).

`write_report(report, path)` picks the format from the file suffix and writes atomically; without a
path the report goes to the terminal. `report_writers` says what each output needs: a Markdown file
gets its charts as SVG and PNG files in a `<name>-charts/` folder beside it, an HTML file carries them
inline, a workbook has native charts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from ecomplan.core.errors import UsageError
from ecomplan.core.report import Report, Section, Table

SUFFIXES = (".md", ".xlsx", ".html")
TABLE_SUFFIXES = (".csv", ".xlsx")
EXCEL_ROWS = 1_048_575  # rows of one sheet below its header


def chart_folder(markdown: Path) -> Path:
    """Where a Markdown report's pictures go: `weekly-2026-W47.md` -> `weekly-2026-W47-charts/`."""
    return markdown.with_name(f"{markdown.stem}-charts")


def _file_name(index: int, name: str, kind: str) -> str:
    """`01-funnel`: ordered as in the report, ASCII (chat apps and zip tools mangle other names); a table
    named in Chinese gives its chart's kind (`02-bar`)."""
    slug = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-_") else "-" for ch in name).strip("-")
    return f"{index:02d}-{slug if slug and slug.replace('-', '') else kind}"


def _text_writer(text: str) -> Callable[[Path], object]:
    return lambda path: path.write_text(text, encoding="utf-8")


def _bytes_writer(data: bytes) -> Callable[[Path], object]:
    return lambda path: path.write_bytes(data)


def report_writers(report: Report, paths: Sequence[Path]) -> dict[Path, Callable[[Path], object]]:
    """Every file the outputs `paths` (.md, .html, .xlsx) need, each with the function that writes it to a
    temporary path: for `render.output.publish_together`, so the set appears at once or not at all."""
    writers: dict[Path, Callable[[Path], object]] = {}
    kinds = {path.suffix.lower() for path in paths}
    drawn = None
    if kinds & {".md", ".html"}:
        from ecomplan.render.charts import pictures

        drawn = pictures(report)
    for path in paths:
        suffix = path.suffix.lower()
        if suffix == ".md":
            from ecomplan.render.markdown import to_markdown

            assert drawn is not None  # drawn above for every .md or .html output
            folder = chart_folder(path)
            links: dict[str, str] = {}
            for index, picture in enumerate(drawn.items, start=1):
                stem = _file_name(index, picture.name, picture.kind)
                svg = folder / f"{stem}.svg"
                writers[svg] = _text_writer(picture.svg)
                chosen = svg
                if picture.png is not None:
                    png = folder / f"{stem}.png"
                    writers[png] = _bytes_writer(picture.png)
                    chosen = png  # PNG where it exists: every Markdown viewer and chat app shows it
                links[picture.name] = f"{folder.name}/{chosen.name}"
            writers[path] = _text_writer(to_markdown(report, charts=links))
        elif suffix == ".html":
            from ecomplan.render.html import to_html

            assert drawn is not None
            writers[path] = _text_writer(to_html(report, {picture.name: picture for picture in drawn.items}))
        else:
            from ecomplan.render.excel import build_workbook

            writers[path] = lambda tmp: build_workbook(report, tmp)
    return writers


def missing_font_warning(report: Report) -> str | None:
    """The line to print when charts are drawn without a CJK font (SVG only, text left to the viewer)."""
    from ecomplan.render.charts import charted_tables, cjk_font

    if not charted_tables(report) or cjk_font() is not None:
        return None
    return (
        "warning: no CJK font installed (e.g. Debian's fonts-noto-cjk); charts are written as SVG only, "
        "their Chinese text drawn by the viewer's fonts, and no PNG is made"
    )


def publish_reports(report: Report, paths: Sequence[Path]) -> list[Path]:
    """Write the report to each of `paths` by suffix, with every file they need, renamed into place
    together; temporary files a killed earlier run left beside them are removed first. Returns `paths`."""
    from ecomplan.render.output import publish_together, remove_stale_temps

    writers = report_writers(report, paths)
    remove_stale_temps(list(writers))
    publish_together(writers)
    return list(paths)


def write_report(report: Report, path: str | Path | None) -> None:
    """The report to `path` by its suffix (.md with its pictures, .html, .xlsx), atomically; None: the terminal."""
    from ecomplan.render.output import output_format

    if path is None:
        from ecomplan.render.terminal import print_report

        print_report(report)
        return
    output_format(path, SUFFIXES)
    publish_reports(report, [Path(path)])


def write_table(table: Table, path: str | Path, lang: str) -> None:
    """One table as a file: UTF-8 CSV with a BOM (Excel opens Chinese correctly) or one Excel sheet."""
    import pandas as pd

    from ecomplan.core.formatting import inert_formula
    from ecomplan.render.output import atomic_path, output_format

    if output_format(path, TABLE_SUFFIXES) == ".csv":
        frame = table.frame.copy()
        for column in frame.columns:
            if not pd.api.types.is_numeric_dtype(frame[column]) and not pd.api.types.is_datetime64_any_dtype(
                frame[column]
            ):
                frame[column] = frame[column].map(lambda v: inert_formula(v) if isinstance(v, str) else v)
        with atomic_path(path) as tmp:
            frame.to_csv(tmp, index=False, encoding="utf-8-sig")
        return
    if len(table.frame) > EXCEL_ROWS:
        raise UsageError(
            f"{path}: {len(table.frame):,} rows do not fit in one Excel sheet ({EXCEL_ROWS:,} rows); write it as .csv"
        )
    frame = table.frame.astype("object").where(table.frame.notna(), None)
    sheet = Table(table.name, table.title, frame, table.columns)
    write_report(Report(table.title, lang, sections=[Section(table.title, tables=[sheet])]), path)


__all__ = [
    "SUFFIXES",
    "TABLE_SUFFIXES",
    "chart_folder",
    "missing_font_warning",
    "publish_reports",
    "report_writers",
    "write_report",
    "write_table",
]
