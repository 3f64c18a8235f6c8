"""ecomplan: e-commerce operations toolkit.

The library is importable without pulling in pandas at import time; the
public functions load on first use, so `ecomplan --help` stays fast::

    from ecomplan import load, read
    traffic = load(["sycm_shop.csv", "jd_shop.xlsx"], "traffic").frame
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

_LAZY = {
    "read": ("ecomplan.load", "read"),
    "load": ("ecomplan.load", "load"),
    "Dataset": ("ecomplan.load", "Dataset"),
    "Loaded": ("ecomplan.load", "Loaded"),
    "read_tables": ("ecomplan.reading", "read_tables"),
    "inspect_files": ("ecomplan.inspection", "inspect_files"),
    "EcomplanError": ("ecomplan.errors", "EcomplanError"),
    "Issue": ("ecomplan.errors", "Issue"),
}
__all__ = ["__version__", *_LAZY]


def __getattr__(name: str):
    if name in _LAZY:
        module, attribute = _LAZY[name]
        return getattr(importlib.import_module(module), attribute)
    raise AttributeError(f"module 'ecomplan' has no attribute {name!r}")
