"""Customer tiers (RFM), repurchase, cohorts and segment migration.

    from ecomplan import load
    from ecomplan import rfm

    orders = load(["taobao_orders.csv"], "orders").frame
    result = rfm.segment(orders, scheme="cn8", threshold="mean", window_days=365)
    result.summary                      # customers, revenue, mean R/F/M and an action per segment
    result.customer_table(mask=False)   # one row per customer: R, F, M, scores, segment
    result.to_dict()                    # the `ecomplan rfm segment --json` document

The rules (which orders count, refunds, ties, thresholds) are documented in
`metrics.py` and `scoring.py`; the reference is `docs/rfm.md`.
"""

from ecomplan.core.masking import mask_value, mask_values
from ecomplan.rfm.metrics import Exclusions, Snapshot, measure, parse_window, read_orders
from ecomplan.rfm.migration import Migration, migrate
from ecomplan.rfm.report import (
    currency_symbol,
    customers_table,
    repurchase_report_model,
    segment_report,
    value_customers_table,
    value_report,
    weekly_section,
)
from ecomplan.rfm.repurchase import Repurchase
from ecomplan.rfm.scoring import CN8, RFM11, Thresholds, quintile_scores, quintile_thresholds, rfm11_codes, score
from ecomplan.rfm.segmentation import SegmentResult, repurchase_report, segment, weekly_changes
from ecomplan.rfm.value import BgNbd, GammaGamma, ValueResult, predict

__all__ = [
    "CN8",
    "RFM11",
    "BgNbd",
    "Exclusions",
    "GammaGamma",
    "Migration",
    "Repurchase",
    "SegmentResult",
    "Snapshot",
    "Thresholds",
    "ValueResult",
    "currency_symbol",
    "customers_table",
    "mask_value",
    "mask_values",
    "measure",
    "migrate",
    "parse_window",
    "predict",
    "quintile_scores",
    "quintile_thresholds",
    "read_orders",
    "repurchase_report",
    "repurchase_report_model",
    "rfm11_codes",
    "score",
    "segment",
    "segment_report",
    "value_customers_table",
    "value_report",
    "weekly_changes",
    "weekly_section",
]
