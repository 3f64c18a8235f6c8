"""ecomplan: e-commerce operations toolkit.

The library is importable without pulling in pandas at import time; the
public functions load on first use, so `ecomplan --help` stays fast::

    from ecomplan import ReadOptions, load, load_settings, read
    traffic = load(["sycm_shop.csv", "jd_shop.xlsx"], "traffic").frame
    orders = load("orders.csv", "orders", ReadOptions(encoding="gb18030")).frame

The analysis packages are `ecomplan.kpi`, `ecomplan.rfm`, `ecomplan.inventory`
and `ecomplan.abtest`; ARCHITECTURE.md says where everything lives.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

_LAZY = {
    "read": ("ecomplan.ingest.load", "read"),
    "load": ("ecomplan.ingest.load", "load"),
    "Dataset": ("ecomplan.ingest.load", "Dataset"),
    "Loaded": ("ecomplan.ingest.load", "Loaded"),
    "ReadOptions": ("ecomplan.ingest.options", "ReadOptions"),
    "load_settings": ("ecomplan.config", "load_settings"),
    "Settings": ("ecomplan.config", "Settings"),
    "read_tables": ("ecomplan.ingest.reading", "read_tables"),
    "inspect_files": ("ecomplan.ingest.inspect", "inspect_files"),
    "EcomplanError": ("ecomplan.core.errors", "EcomplanError"),
    "Issue": ("ecomplan.core.errors", "Issue"),
    "ISSUE_CODES": ("ecomplan.core.errors", "ISSUE_CODES"),
}
__all__ = ["__version__", *_LAZY]


def __getattr__(name: str) -> object:
    if name in _LAZY:
        module, attribute = _LAZY[name]
        return getattr(importlib.import_module(module), attribute)
    raise AttributeError(f"module 'ecomplan' has no attribute {name!r}")
