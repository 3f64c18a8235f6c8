"""Reconciliation findings: what did not line up between the stock sheet and the sales files.

Nothing is dropped silently: every SKU or sales row that cannot be used, and
every assumption made for lack of data, becomes a `Finding` that the JSON,
the report and stderr show.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ecomplan.core.text import t

PREVIEW = 10


@dataclass(frozen=True)
class Finding:
    """One reconciliation or data finding; `skus` lists every SKU concerned (the text shows the first few)."""

    code: str
    severity: str = "warning"  # "warning": numbers may be affected; "info": a note on how data was used
    count: int = 0
    skus: tuple[str, ...] = ()
    units: float | None = None
    detail: dict = field(default_factory=dict)

    def message(self, lang: str) -> str:
        shown = ", ".join(self.skus[:PREVIEW]) + (" …" if len(self.skus) > PREVIEW else "")
        units = "" if self.units is None else f"{self.units:,.0f}"
        return t(f"inventory.finding.{self.code}", lang, count=self.count, skus=shown, units=units, **self.detail)

    def to_dict(self, lang: str) -> dict:
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message(lang),
            "count": self.count,
            "skus": list(self.skus),
            "units": self.units,
            **self.detail,
        }
