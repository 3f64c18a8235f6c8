"""`ecomplan inspect` output: terminal tables, Markdown, JSON."""

from __future__ import annotations

from pathlib import Path

from ecomplan.core.formatting import megabytes
from ecomplan.core.text import t
from ecomplan.render.output import dumps, output_format, write_text


def why(result, lang: str) -> list[str]:
    """The reasons `inspect` gives for its choice: titles found, how the columns matched, the runner-up."""
    match = result.match
    if not match:
        return []
    how = [field["how"] for field in match["fields"].values()]
    lines = []
    if match["titles_found"]:
        lines.append(t("inspect.why.titles", lang, titles=", ".join(match["titles_found"])))
    lines.append(
        t(
            "inspect.why.fields",
            lang,
            n=len(how),
            exact=how.count("exact"),
            normalized=how.count("normalized"),
            prefix=how.count("prefix"),
        )
    )
    if match["companions"]:
        lines.append(t("inspect.why.companions", lang, columns=", ".join(match["companions"])))
    runner = result.runner_up
    if runner:
        reason = (
            t("inspect.why.lacks", lang, fields=", ".join(runner["missing"]))
            if runner["missing"]
            else runner["refused"] or t("inspect.why.scored_lower", lang)
        )
        lines.append(t("inspect.why.runner_up", lang, report=f"{runner['platform']}/{runner['report']}", reason=reason))
    return lines


def row_count(result, lang: str, loaded: bool = True) -> str:
    """The row count, and with `loaded` the rows kept when fewer (`1,234 → 1,200`); an estimate (only a
    head of the file read) reads `≈10,000,000 (estimated: …)`."""
    about = "≈" if result.rows_estimated else ""
    text = f"{about}{result.rows:,}" if result.rows is not None else "—"
    if loaded and result.rows_loaded is not None and result.rows_loaded != result.rows:
        text += f" → {about}{result.rows_loaded:,}"
    if result.rows_estimated:
        read, total = megabytes(result.bytes_read or 0), megabytes(result.bytes_total or 0)
        text += " " + t("inspect.rows_estimated", lang, read=read, total=total)
    return text


def print_terminal(results, lang: str) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    for r in results:
        title = f"{Path(r.path).name}" + (f" · {r.table}" if r.table and r.table != "main" else "")
        if r.error:
            console.print(f"[bold red]{title}[/]: {r.error}")
            continue
        summary = Table(title=title, show_header=False, title_justify="left")
        summary.add_column(style="bold")
        summary.add_column()
        platform = f"{r.platform}/{r.report}" if r.platform else t("inspect.unrecognised", lang)
        rows = [
            (t("inspect.platform", lang), platform + (" " + t("inspect.inferred", lang) if r.inferred else "")),
            (t("inspect.kind", lang), r.kind or "—"),
            (t("inspect.type", lang), " ".join(filter(None, [r.file_type, r.container and f"in {r.container}"]))),
            (t("inspect.encoding", lang), r.encoding or "—"),
            (t("inspect.sheet", lang), r.sheet or "—"),
            (t("inspect.header_row", lang), str(r.header_row)),
            (t("inspect.rows", lang), row_count(r, lang)),
            (t("inspect.date_range", lang), f"{r.date_start} … {r.date_end}" if r.date_start else "—"),
        ]
        reasons = why(r, lang)
        if reasons:
            rows.append((t("inspect.why", lang), "\n".join(reasons)))
        for key, value in rows:
            summary.add_row(key, value)
        console.print(summary)
        mapped = Table(title=t("inspect.columns", lang), title_justify="left")
        mapped.add_column("raw")
        mapped.add_column("canonical")
        for raw, canonical in r.columns.items():
            mapped.add_row(raw, canonical or "[dim]—[/]")
        console.print(mapped)
        for issue in r.issues:
            style = "yellow" if issue.severity == "warning" else "dim"
            where = f"row {issue.row} " if issue.row else ""
            column = f"[{issue.column}] " if issue.column else ""
            value = f" ({issue.value!r})" if issue.value is not None else ""
            count = f" ×{issue.count}" if issue.count > 1 else ""
            console.print(f"  [{style}]• {where}{column}{issue.message}{value}{count}[/]")
        console.print()


def write(results, path: Path, lang: str) -> None:
    from ecomplan.render.templates import render

    suffix = output_format(path, (".json", ".md"))
    if suffix == ".json":
        write_text(path, dumps([r.model_dump() for r in results]) + "\n")
        return
    markdown = render(
        "inspect.md.j2", results=results, lang=lang, t=t, basename=lambda p: Path(p).name, why=why, row_count=row_count
    )
    write_text(path, markdown)
