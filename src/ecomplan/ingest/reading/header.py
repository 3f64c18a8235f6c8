"""Find the header row of a table with 0-5 description rows above it.

Platforms put report titles, date ranges and blank rows above the header
(Sycm 商品_全部 has its header on row 5). Fixed offsets break whenever a
platform changes its preamble, so each of the first rows is scored instead:
many distinct, non-numeric cells that look like column names win.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

SCAN_ROWS = 30

# Words that appear in column names of every export we read (Chinese and English).
HEADER_KEYWORDS = (
    "商品",
    "访客",
    "金额",
    "买家",
    "计划",
    "主体",
    "退款",
    "订单",
    "日期",
    "时间",
    "展现",
    "点击",
    "转化",
    "数",
    "率",
    "量",
    "名称",
    "编号",
    "来源",
    "渠道",
    "客户",
    "成交",
    "库存",
    "价",
    "SKU",
    "ID",
    "date",
    "name",
    "id",
    "sku",
    "order",
    "users",
    "sessions",
    "revenue",
    "total",
    "count",
    "rate",
    "amount",
    "quantity",
    "status",
    "channel",
    "source",
    "variant",
    "visitors",
    "conversions",
)
_NUMERIC = re.compile(
    r"^[\s(+\-¥￥$£€]*(?:US\$|A\$)?\s*[\d,]*\.?\d+\s*[%‰万亿)]?\s*$"  # 1,234.00  0.45%  (12)  2.5万
    r"|^\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}"  # dates
    r"|^\d{8}$|^\d{1,2}/\d{1,2}/\d{2,4}$|^\d+:\d{2}(:\d{2})?$"
)


def normalize_header(name: object) -> str:
    """Header text as compared: stripped of BOM, zero-width and surrounding spaces."""
    text = "" if name is None else str(name)
    return re.sub(r"[\ufeff\u200b\u00a0]", "", text).strip()


def looks_numeric(cell: str) -> bool:
    return bool(_NUMERIC.match(cell))


def score_header_row(cells: Sequence[object], vocabulary: frozenset[str] = frozenset()) -> float:
    """Higher is more header-like; rows with fewer than two cells can't be a header."""
    filled = [normalize_header(c) for c in cells if not _is_blank(c)]
    if len(filled) < 2:
        return float("-inf")
    numbers = sum(1 for c in cells if isinstance(c, (int, float)) and not isinstance(c, bool))
    numbers += sum(1 for c in filled if looks_numeric(c))
    known = sum(1 for c in filled if c in vocabulary or c.lower() in vocabulary)
    keywords = sum(1 for c in filled if any(k in c or k in c.lower() for k in HEADER_KEYWORDS))
    duplicates = len(filled) - len(set(filled))
    sentences = sum(1 for c in filled if len(c) > 40)
    return 6 * known + 2 * keywords + len(filled) - 4 * numbers - 2 * duplicates - 3 * sentences


def detect_header_row(rows: Sequence[Sequence[object]], vocabulary: Iterable[str] = ()) -> int | None:
    """Index (0-based) of the most header-like row among the first SCAN_ROWS, or None.

    Ties go to the earliest row: a header always comes before its data.
    """
    vocab = frozenset(vocabulary) | frozenset(v.lower() for v in vocabulary)
    best, best_score = None, float("-inf")
    for index, row in enumerate(rows[:SCAN_ROWS]):
        score = score_header_row(row, vocab)
        if score > best_score:
            best, best_score = index, score
    if best is None and rows:
        # A one-column table (e.g. a list of SKUs): the first non-empty row.
        return next((i for i, r in enumerate(rows[:SCAN_ROWS]) if any(not _is_blank(c) for c in r)), None)
    return best


def unique_headers(cells: Sequence[object]) -> list[str]:
    """Column names made unique and self-explaining.

    JD 商智 follows each metric with a bare `同比` column and Sycm with `…环比`;
    a bare `同比`/`环比` becomes `<previous column> 同比`. Empty names become
    `column_<n>` (1-based position) and repeated names get ` (2)`, ` (3)`.
    """
    names: list[str] = []
    seen: dict[str, int] = {}
    previous = ""
    for position, cell in enumerate(cells, start=1):
        name = normalize_header(cell)
        if name in {"同比", "环比", "较上期", "较前一日", "较前一周"} and previous:
            name = f"{previous} {name}"
        elif not name:
            name = f"column_{position}"
        else:
            previous = name
        count = seen.get(name, 0) + 1
        seen[name] = count
        names.append(name if count == 1 else f"{name} ({count})")
    return names


def _is_blank(cell: object) -> bool:
    return cell is None or (isinstance(cell, str) and not normalize_header(cell))
