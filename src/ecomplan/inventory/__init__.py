"""Inventory alerts: safety stock, reorder points, days of cover, slow movers.

from ecomplan import load
from ecomplan.inventory import alerts
stock = load("库存.xlsx", "inventory").frame
orders = load("订单.csv", "orders").frame
result = alerts(stock, orders, as_of="2026-11-23", lead_time_days=10)
result.items[["sku", "status", "days_of_cover", "suggested_order_qty"]]
"""

from __future__ import annotations

from ecomplan.inventory.classify import ALERTS, PRECEDENCE, STATUSES, abc_classes, xyz_classes
from ecomplan.inventory.engine import AlertsResult, alerts
from ecomplan.inventory.explain import to_json
from ecomplan.inventory.files import alerts_from_config, load_sales, load_stock
from ecomplan.inventory.findings import Finding
from ecomplan.inventory.report import build_report, weekly_section
from ecomplan.inventory.settings import InventoryConfig, InventoryPolicy, PricingRules, from_settings

__all__ = [
    "ALERTS",
    "PRECEDENCE",
    "STATUSES",
    "AlertsResult",
    "Finding",
    "InventoryConfig",
    "InventoryPolicy",
    "PricingRules",
    "abc_classes",
    "alerts",
    "alerts_from_config",
    "build_report",
    "from_settings",
    "load_sales",
    "load_stock",
    "to_json",
    "weekly_section",
    "xyz_classes",
]
