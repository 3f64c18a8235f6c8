"""Stock exports of Chinese ERPs: 聚水潭 (Jushuitan), 旺店通 (Wangdiantong), 管家婆 (Guanjiapo).

Hand-made and unknown ERP stock sheets are read by `generic.ERP_STOCK`; these adapters
know each ERP's own words for its stock notions and win over it (priority 1). No real
file is public, so every adapter is marked inferred; where the headers come from:

- jushuitan/stock: SQL over a table loaded from 聚水潭 stock exports (search-index file ids
  37828454574 / 38003649064).
- jushuitan/stock_query: 商品库存 grid columns of a 聚水潭-style ERP clone (search-index file id
  4864751444); its header has two rows (可用库存数量 over 总可用 / 公用可用).
- wangdiantong/stock: column names an importer reads from an ERP 库存 Excel export (search-index
  file id 43674167164), attributed to 旺店通 by its vocabulary (商家编码/货品编号/规格码/可发库存).
- guanjiapo/stock_detail, guanjiapo/stock_summary: 管家婆「存货库存详情」Excel reader
  CmCloudReportExcelReader.readStocks (search-index file id 67504620315), per warehouse and
  with 按存货汇总 ticked; the reader matches several candidate names, all are aliases here.

Which stock notion feeds what: on hand is the physical count (聚水潭 主仓实际库存, 旺店通 实际库存);
available is what can be sold or shipped (聚水潭 公有可用, 旺店通 可发库存); in transit is what was
bought and not yet received (采购在途, not 调拨在途 between own warehouses).
"""

from __future__ import annotations

from dataclasses import replace

from ecomplan.ingest.reading import RawTable
from ecomplan.ingest.reading.header import looks_numeric
from ecomplan.ingest.sources.base import Adapter, Context


def _two_row_header(table: RawTable, ctx: Context) -> RawTable:
    """Fold a second header row into the first: 聚水潭's grid merges 可用库存数量 over two
    columns whose own names (总可用, 公用可用) stand in the row below, which the reader
    took for data. The sub-header row is text only, under the merged header and the
    unnamed column(s) after it."""
    frame = table.frame
    if frame.empty:
        return table
    first = frame.iloc[0].fillna("").astype("str").str.strip()
    filled = first != ""
    placeholders = [c for c in frame.columns if c.startswith("column_")]
    if not filled.any() or not (filled[placeholders].any() if placeholders else False):
        return table
    if any(looks_numeric(v) for v in first[filled]):
        return table
    names = [str(first[c]) if filled[c] and str(first[c]) not in frame.columns else c for c in frame.columns]
    frame = frame.iloc[1:].set_axis(names, axis=1).reset_index(drop=True)
    return replace(table, frame=frame, rows=table.rows[1:])


JUSHUITAN_WORDS = ("聚水潭", "jushuitan")
WANGDIANTONG_WORDS = ("旺店通", "wangdiantong", "wdt")
GUANJIAPO_WORDS = ("管家婆", "guanjiapo", "存货库存")

GUANJIAPO_SKU = ("存货编号", "存货编码")
GUANJIAPO_COLUMNS = {
    "sku": (*GUANJIAPO_SKU, "商品编号"),
    "name": ("存货全名", "商品全名", "品名", "存货名称"),
    "on_hand": ("数量", "基本数量", "结存数量"),
    "unit_cost": ("单价", "成本价"),  # 金额 = 数量 x 单价: the stock's value at cost
}
GUANJIAPO_QUANTITY = GUANJIAPO_COLUMNS["on_hand"]

ADAPTERS = [
    Adapter(
        "jushuitan",
        "stock",
        "inventory",
        titles=(*JUSHUITAN_WORDS, "库存"),
        title_zh="聚水潭 商品库存",
        title_en="Jushuitan stock",
        signature=("商品编码", "主仓实际库存数"),
        columns={
            "sku": "商品编码",
            "name": ("商品名称", "商品名"),
            "on_hand": "主仓实际库存数",
            "available": ("公有可用数", "可用数"),
            "in_transit": "采购在途数",
            "warehouse": ("仓库", "仓库名称"),
            "date": "统计日期",
        },
        priority=1,
        inferred=True,
    ),
    Adapter(
        "jushuitan",
        "stock_query",
        "inventory",
        titles=(*JUSHUITAN_WORDS, "库存查询", "商品库存"),
        title_zh="聚水潭 商品库存查询",
        title_en="Jushuitan stock query",
        signature=("商品编码", "主仓实际库存", "可用库存数量"),
        columns={
            "sku": "商品编码",
            "name": ("商品名", "商品名称"),
            "on_hand": "主仓实际库存",
            "available": ("公用可用", "可用库存数量"),
            "in_transit": "采购在途数",
        },
        prepare=_two_row_header,
        priority=1,
        inferred=True,
    ),
    Adapter(
        "wangdiantong",
        "stock",
        "inventory",
        titles=(*WANGDIANTONG_WORDS, "库存"),
        title_zh="旺店通 库存",
        title_en="Wangdiantong stock",
        signature=(("商家编码", "规格码"), "可发库存"),
        columns={
            "sku": ("商家编码", "规格码"),
            "name": "货品名称",
            "on_hand": "实际库存",
            "available": "可发库存",
            "in_transit": "采购在途",
            "price": "零售价",
            "unit_cost": ("成本价", "采购价"),
            "supplier": ("主供应商", "供应商"),
            "warehouse": ("仓库", "仓库名称"),
        },
        priority=1,
        inferred=True,
    ),
    Adapter(
        "guanjiapo",
        "stock_detail",
        "inventory",
        titles=(*GUANJIAPO_WORDS, "库存详情"),
        title_zh="管家婆 存货库存详情（分仓库）",
        title_en="Guanjiapo stock by warehouse",
        signature=(("仓库全名", "仓库名称", "仓库"), GUANJIAPO_SKU, GUANJIAPO_QUANTITY),
        columns={"warehouse": ("仓库全名", "仓库名称", "仓库"), **GUANJIAPO_COLUMNS},
        priority=1,
        inferred=True,
    ),
    Adapter(
        "guanjiapo",
        "stock_summary",
        "inventory",
        titles=(*GUANJIAPO_WORDS, "库存详情", "按存货汇总"),
        title_zh="管家婆 存货库存详情（按存货汇总）",
        title_en="Guanjiapo stock summary",
        signature=(GUANJIAPO_SKU, GUANJIAPO_QUANTITY),
        columns=GUANJIAPO_COLUMNS,
        priority=1,
        inferred=True,
    ),
]
