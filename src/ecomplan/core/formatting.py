"""How numbers look in Markdown and on the terminal (Excel gets real number formats)."""

from __future__ import annotations

import math
import re
from typing import Any


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def num(value: Any, digits: int = 0) -> str:
    """1234567 -> '1,234,567'; missing -> '—'."""
    if _missing(value):
        return "—"
    return f"{value:,.{digits}f}"


def megabytes(size: int) -> str:
    """A size in bytes as megabytes: 1315843064 -> '1,255 MB', 3_500_000 -> '3.3 MB'."""
    value = size / (1 << 20)
    return f"{value:,.0f} MB" if value >= 10 else f"{value:.1f} MB"


def money(value: Any, symbol: str = "¥", digits: int = 0) -> str:
    if _missing(value):
        return "—"
    sign = "-" if value < 0 else ""
    return f"{sign}{symbol}{abs(value):,.{digits}f}"


def pct(value: Any, digits: int = 2) -> str:
    """0.0345 -> '3.45%'."""
    if _missing(value):
        return "—"
    return f"{value * 100:.{digits}f}%"


def change(value: Any, digits: int = 1) -> str:
    """Signed percentage change with an arrow: 0.123 -> '▲12.3%'."""
    if _missing(value):
        return "—"
    if value > 0:
        return f"▲{value * 100:.{digits}f}%"
    if value < 0:
        return f"▼{abs(value) * 100:.{digits}f}%"
    return f"{0:.{digits}f}%"


def pp(value: Any, digits: int = 2) -> str:
    """Change of a rate in percentage points: 0.0012 -> '+0.12pp'."""
    if _missing(value):
        return "—"
    return f"{value * 100:+.{digits}f}pp"


# Characters that would make input text markup in Markdown: a link, a code span, a line break; `<` is
# escaped where it could open an HTML tag (`<script`, `</`, `<!`), not in `R < 30`.
_MARKUP = str.maketrans({"[": "\\[", "]": "\\]", "`": "\\`", "\r": " ", "\n": " "})
_TAG = re.compile(r"<(?=[A-Za-z/!?])")
# Spreadsheet programs run a cell that starts with one of these as a formula (OWASP CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def text(value: Any) -> str:
    """Input text (a product, channel or customer name) as inert Markdown: no tag, link or code span."""
    if _missing(value):
        return "—"
    return _TAG.sub("&lt;", str(value).translate(_MARKUP))


def cell(value: Any) -> str:
    """Markdown-safe table cell: inert text (`text`), pipes escaped."""
    if _missing(value):
        return "—"
    return text(value).replace("|", "\\|")


def inert_formula(value: str) -> str:
    """A text cell for CSV or Excel that no spreadsheet runs as a formula: `=HYPERLINK(…)` -> `'=HYPERLINK(…)`."""
    return "'" + value if value.startswith(FORMULA_START) else value


def p_value(value: Any) -> str:
    """A p value as a report shows it: `<0.001`, two significant digits below 0.01, else two decimals."""
    if _missing(value):
        return "—"
    if value < 0.001:
        return "<0.001"
    return f"{value:.2g}" if value < 0.01 else (f"{value:.3g}" if value < 0.1 else f"{value:.2f}")


def format_cell(value: Any, fmt: str, currency: str = "¥") -> str:
    """A cell as Markdown and the terminal show it, by the column's format (Excel gets number formats)."""
    if fmt == "int":
        return num(value, 0)
    if fmt == "num":
        return num(value, 2)
    if fmt == "money":
        return money(value, currency, 2)
    if fmt == "pct":
        return pct(value)
    if fmt == "change":
        return change(value)
    if fmt == "pp":
        return pp(value)
    if fmt == "p":
        return p_value(value)
    if fmt == "sig":
        return "—" if _missing(value) else f"{value:,.4g}"
    if fmt == "date":
        return "—" if value is None or value != value else str(value)[:10]
    if fmt == "row":
        return num(value, 2)
    return cell(value)


FILTERS = {"num": num, "money": money, "pct": pct, "change": change, "pp": pp, "cell": cell, "text": text}
