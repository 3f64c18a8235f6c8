"""满减 (spend-X-save-Y) threshold design from the shop's own order values.

from ecomplan.promo import Assumptions, design
result = design(order_values, Assumptions(uptake=0.3, margin=0.45, budget=0.05))
result.recommended.tiers            # ((300.0, 30.0),) ...
result.to_dict()                    # the `ecomplan promo thresholds --json` document
"""

from ecomplan.promo.report import thresholds_report
from ecomplan.promo.thresholds import Assumptions, ThresholdResult, TierEffect, design, evaluate

__all__ = ["Assumptions", "ThresholdResult", "TierEffect", "design", "evaluate", "thresholds_report"]
