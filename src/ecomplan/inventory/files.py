"""Reading the stock sheet and the sales files, whatever kind of export each one is."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from ecomplan.core.errors import Issue, SchemaError, UsageError
from ecomplan.ingest.load import check_row_accounting, load, read
from ecomplan.ingest.options import ReadOptions
from ecomplan.inventory.engine import AlertsResult, alerts
from ecomplan.inventory.settings import InventoryConfig
from ecomplan.inventory.stock import STOCK_SALES

SALES_KINDS = ("orders", "products")


def load_stock(path: str | Path, options: ReadOptions | None = None) -> tuple[pd.DataFrame, list[Issue]]:
    """The canonical inventory frame of a stock export (ERP sheet, JD 库存, canonical names)."""
    loaded = load(path, "inventory", options)
    return loaded.frame, loaded.issues


def load_sales(
    paths: Sequence[str | Path], options: ReadOptions | None = None
) -> tuple[list[pd.DataFrame], list[Issue]]:
    """One canonical frame per sales file: its order lines if it has any, else its product days, else a
    stock sheet's outbound columns (近N日出库). A file with none of them is an error naming what it is."""
    frames, issues, seen = [], [], set()
    names = [Path(p).name for p in paths]
    for path, name in zip(paths, names, strict=False):
        key = Path(path).resolve() if Path(path).exists() else Path(path).absolute()  # a symlink loop: read says so
        if key in seen:
            issues.append(Issue(name, "the same file was given twice; it is read once", code="duplicate_file"))
            continue
        seen.add(key)
        label = name if names.count(name) == 1 else str(path)  # two folders' orders.csv stay apart
        datasets = read(path, options)
        issues.extend(issue for d in datasets for issue in d.issues)
        chosen = []
        for kind in SALES_KINDS:
            chosen = [d for d in datasets if d.kind == kind and d.frame is not None]
            if chosen:
                break
        if not chosen:
            chosen = [
                d
                for d in datasets
                if d.kind == "inventory" and d.frame is not None and any(c in d.frame for c in STOCK_SALES)
            ]
        if not chosen:
            raise SchemaError(_not_sales(Path(path).name, datasets))
        check_row_accounting(chosen, options or ReadOptions())
        parts = [
            d.frame.assign(platform=d.platform, report=d.report, source_file=label)
            for d in chosen
            if d.frame is not None  # always: `chosen` holds only datasets with a frame
        ]
        frames.append(pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0])
    return frames, issues


def _not_sales(name: str, datasets) -> str:
    found = sorted({f"{d.platform}/{d.report}" for d in datasets if d.platform})
    what = (
        f"it was read as {', '.join(found)}"
        if found
        else f"its columns ({', '.join(list(datasets[0].columns)[:12]) if datasets else 'none'}) match no known export"
    )
    return (
        f"{name}: not a sales file; {what}. Expected an order export (淘宝/天猫/京东/抖店/拼多多/Shopify 订单导出, "
        f"or canonical columns order_id, sku, quantity, paid_at, status), a product daily export "
        f"(生意参谋 商品_全部, 京东商智 商品明细, or canonical date, sku, units) or a JD 库存 export with "
        f"近N日出库 columns"
    )


def alerts_from_config(
    config: InventoryConfig, as_of: dt.date | None = None, options: ReadOptions | None = None
) -> tuple[AlertsResult, list[Issue]]:
    """Alerts for the files and settings of an ecomplan.toml `[inventory]` table (what the weekly report
    calls; for a week Monday..Sunday pass the following Monday as `as_of`). `options` go to the loaders
    (encoding, password, time zone). Returns the result and the loaders' data-quality issues."""
    if config.stock is None:
        raise UsageError('the config has no [inventory] stock = "..." file')
    stock, issues = load_stock(config.stock, options)
    frames, sales_issues = load_sales(list(config.sales), options)
    result = alerts(stock, frames or None, as_of, settings=config.settings)
    return result, [*issues, *sales_issues]
