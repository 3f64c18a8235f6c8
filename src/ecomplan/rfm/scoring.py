"""Scores and segment labels from per-customer R, F and M (`docs/rfm.md` §1-2).

Two schemes, both pure functions of the R/F/M columns:

- `cn8`, the Chinese 8-class model: each metric is high or low against one
  threshold (the mean by default, the median, or fixed values). High means
  R < t (bought recently), F > t, M > t: strict comparisons, so a customer
  exactly at the threshold is low. The code is the three flags, R first
  ("101" = recent, infrequent, high spend).
- `rfm11`, the 11 western segments: each metric is scored 1-5 against its
  quintile thresholds q20, q40, q60, q80 (linear interpolation between order
  statistics, numpy's default, Hyndman-Fan type 7). Tie rule: a value equal
  to a threshold takes the lower score (F, M: 1 if <= q20, 2 if <= q40, ...,
  5 above q80; R reversed: 5 if <= q20, ..., 1 above q80). The thresholds
  depend only on the multiset of values, so the scores are deterministic and
  independent of row order; equal values always get equal scores, which a
  rank-based `qcut` cannot promise. The three digits, R first, index the
  125-code table `RFM11_CODES` (variant A, the majority version; variant B
  moves 231, 241 and 251 from About To Sleep to Hibernating).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import cast

import numpy as np
import pandas as pd

from ecomplan.core.errors import ArgumentError, UsageError
from ecomplan.core.text import t

SCHEMES = ("cn8", "rfm11")
THRESHOLDS = ("mean", "median", "fixed")
VARIANTS = ("A", "B")
QUINTILES = (0.2, 0.4, 0.6, 0.8)

# cn8: the codes (R, F, M flags: 1 high, 0 low) in display order. Names and recommended actions
# are report text: `rfm.cn8.{code}` and `rfm.cn8.{code}.action` in core/text.toml.
CN8 = ("111", "101", "011", "001", "110", "100", "010", "000")

# rfm11: segment -> its codes in variant A (docs/rfm.md §2.1), in display order. The Chinese names and
# recommended actions are `rfm.rfm11.{segment}` and `rfm.rfm11.{segment}.action` in core/text.toml.
RFM11 = {
    "Champions": "555 554 544 545 454 455 445",
    "Loyal Customers": "543 444 435 355 354 345 344 335",
    "Potential Loyalist": (
        "553 551 552 541 542 533 532 531 452 451 442 441 431 453 433 432 423 353 352 351 342 341 333 323"
    ),
    "New Customers": "512 511 422 421 412 411 311",
    "Promising": "525 524 523 522 521 515 514 513 425 424 413 414 415 315 314 313",
    "Need Attention": "535 534 443 434 343 334 325 324",
    "About To Sleep": "331 321 312 221 213 231 241 251",
    "At Risk": "255 254 245 244 253 252 243 242 235 234 225 224 153 152 145 143 142 135 134 133 125 124",
    "Can't Lose Them": "155 154 144 214 215 115 114 113",
    "Hibernating": "332 322 233 232 223 222 132 123 122 212 211",
    "Lost": "111 112 121 131 141 151",
}
VARIANT_B_MOVES = {"231": "Hibernating", "241": "Hibernating", "251": "Hibernating"}


def rfm11_codes(variant: str = "A") -> dict[str, str]:
    """The 125-code table: 'RFM' digits -> segment name."""
    if variant not in VARIANTS:
        raise UsageError(f"unknown rfm11 variant {variant!r}; use A or B")
    table = {code: name for name, codes in RFM11.items() for code in codes.split()}
    if variant == "B":
        table.update(VARIANT_B_MOVES)
    return table


@dataclass(frozen=True)
class Segment:
    """One class of a scheme, in display order."""

    key: str  # cn8 code ("111") or rfm11 segment name ("Champions")
    name: str  # the JSON `segment`: Chinese class name (cn8) or English segment name (rfm11)
    name_zh: str
    name_en: str
    action_zh: str
    action_en: str


def segments(scheme: str) -> list[Segment]:
    """The classes of `scheme` in display order, their names and actions from the text catalogue."""
    if scheme == "cn8":
        return [_segment(scheme, code, t(f"rfm.cn8.{code}", "zh")) for code in CN8]
    if scheme == "rfm11":
        return [_segment(scheme, name, name) for name in RFM11]
    raise UsageError(f"unknown scheme {scheme!r}; use cn8 or rfm11")


def _segment(scheme: str, key: str, name: str) -> Segment:
    label = f"rfm.{scheme}.{key}"
    action = f"{label}.action"
    return Segment(key, name, t(label, "zh"), t(label, "en"), t(action, "zh"), t(action, "en"))


@dataclass(frozen=True)
class Thresholds:
    """What the scores were compared with: one value per metric (cn8) or four
    quintile cut points per metric (rfm11)."""

    method: str  # mean | median | fixed | quintiles
    recency: float | list[float]
    frequency: float | list[float]
    monetary: float | list[float]

    def to_dict(self) -> dict:
        return {"recency": self.recency, "frequency": self.frequency, "monetary": self.monetary}


def exact_mean(values: np.ndarray) -> float:
    """The mean with an exactly rounded sum, so it does not depend on row order."""
    return math.fsum(values.tolist()) / len(values) if len(values) else math.nan


def cn8_thresholds(metrics: pd.DataFrame, method: str, fixed: dict[str, float] | None = None) -> Thresholds:
    """Mean, median or fixed thresholds for `recency`, `frequency`, `monetary`."""
    if method == "fixed":
        if not fixed:
            raise ArgumentError(
                "threshold",
                "fixed needs recency_days, frequency and monetary under [rfm] in {config}",
                others=("config",),
            )
        return Thresholds("fixed", float(fixed["recency_days"]), float(fixed["frequency"]), float(fixed["monetary"]))
    if method not in ("mean", "median"):
        raise UsageError(f"unknown threshold {method!r}; use mean, median or fixed")
    values = {c: metrics[c].to_numpy(dtype="float64") for c in ("recency", "frequency", "monetary")}
    if method == "mean":
        return Thresholds("mean", *(exact_mean(v) for v in values.values()))
    return Thresholds("median", *(float(np.median(v)) if len(v) else math.nan for v in values.values()))


def cn8_flags(metrics: pd.DataFrame, thresholds: Thresholds) -> pd.DataFrame:
    """0/1 flags r, f, m and the code: R < t, F > t, M > t (strict)."""
    r = (metrics["recency"].to_numpy() < thresholds.recency).astype("int8")
    f = (metrics["frequency"].to_numpy() > thresholds.frequency).astype("int8")
    m = (metrics["monetary"].to_numpy() > thresholds.monetary).astype("int8")
    return pd.DataFrame({"r": r, "f": f, "m": m, "code": _codes(r, f, m)}, index=metrics.index)


def quintile_thresholds(values: np.ndarray) -> list[float]:
    """q20, q40, q60, q80 with linear interpolation (numpy's default)."""
    if len(values) == 0:
        return [math.nan] * 4
    return [float(q) for q in np.quantile(np.asarray(values, dtype="float64"), QUINTILES)]


def quintile_scores(values: np.ndarray, cuts: list[float], higher_is_better: bool = True) -> np.ndarray:
    """1-5 scores; a value equal to a cut point takes the lower score."""
    below = np.searchsorted(np.asarray(cuts, dtype="float64"), np.asarray(values, dtype="float64"), side="left")
    scores = below + 1 if higher_is_better else 5 - below
    return scores.astype("int8")


def rfm11_thresholds(metrics: pd.DataFrame) -> Thresholds:
    return Thresholds(
        "quintiles", *(quintile_thresholds(metrics[c].to_numpy()) for c in ("recency", "frequency", "monetary"))
    )


def rfm11_scores(metrics: pd.DataFrame, thresholds: Thresholds) -> pd.DataFrame:
    """Scores r, f, m (1-5) and the code: recency scores reversed (fewer days is better)."""
    # rfm11 thresholds are quintile cut-point lists (rfm11_thresholds)
    r = quintile_scores(metrics["recency"].to_numpy(), cast(list[float], thresholds.recency), higher_is_better=False)
    f = quintile_scores(metrics["frequency"].to_numpy(), cast(list[float], thresholds.frequency))
    m = quintile_scores(metrics["monetary"].to_numpy(), cast(list[float], thresholds.monetary))
    return pd.DataFrame({"r": r, "f": f, "m": m, "code": _codes(r, f, m)}, index=metrics.index)


def _codes(r: np.ndarray, f: np.ndarray, m: np.ndarray) -> pd.Categorical:
    """The three digits as a categorical over every possible code ("000".."555")."""
    numbers = r.astype("int16") * 100 + f.astype("int16") * 10 + m.astype("int16")
    return pd.Categorical.from_codes(numbers, categories=CODES)


CODES = [f"{n:03d}" for n in range(556)]


def _segment_of(codes: pd.Categorical, names: dict[str, str], order: list[str]) -> pd.Categorical:
    """Segment of each code, a categorical in the scheme's display order."""
    position = {name: i for i, name in enumerate(order)}
    lookup = np.array([position[names[c]] if c in names else -1 for c in CODES], dtype="int16")
    return pd.Categorical.from_codes(lookup[codes.codes], categories=order)


def score(
    metrics: pd.DataFrame,
    scheme: str = "cn8",
    threshold: str = "mean",
    variant: str = "A",
    fixed: dict[str, float] | None = None,
) -> tuple[pd.DataFrame, Thresholds]:
    """Scores, code and segment for each customer row of `metrics` (recency,
    frequency, monetary), and the thresholds used. `code` and `segment` are
    categoricals (the segment's categories in display order)."""
    if scheme == "cn8":
        thresholds = cn8_thresholds(metrics, threshold, fixed)
        scored = cn8_flags(metrics, thresholds)
        names = {s.key: s.name for s in segments("cn8")}
    elif scheme == "rfm11":
        thresholds = rfm11_thresholds(metrics)
        scored = rfm11_scores(metrics, thresholds)
        names = rfm11_codes(variant)
    else:
        raise UsageError(f"unknown scheme {scheme!r}; use cn8 or rfm11")
    order = [s.name for s in segments(scheme)]
    scored["segment"] = pd.Series(_segment_of(scored["code"].array, names, order), index=scored.index)
    return scored, thresholds
