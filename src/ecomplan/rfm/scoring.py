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

import numpy as np
import pandas as pd

from ecomplan.core.errors import UsageError
from ecomplan.core.text import add

SCHEMES = ("cn8", "rfm11")
THRESHOLDS = ("mean", "median", "fixed")
VARIANTS = ("A", "B")
QUINTILES = (0.2, 0.4, 0.6, 0.8)

# cn8: code (R, F, M flags) -> Chinese class name, English name, recommended action (zh, en).
CN8 = {
    "111": (
        "重要价值客户",
        "Key value customers",
        "VIP 专属权益、新品优先体验，专人维护，避免频繁打折",
        "VIP perks and early access to new products; look after them personally, don't train them to "
        "wait for discounts",
    ),
    "101": (
        "重要发展客户",
        "Key development customers",
        "消费高但次数少：会员积分、搭配推荐，提高购买频次",
        "High spend but few orders: membership points and cross-selling to raise purchase frequency",
    ),
    "011": (
        "重要保持客户",
        "Key retention customers",
        "高价值但近期未购：专属客服回访、上新提醒，唤回购买",
        "Valuable but not recent: personal follow-up and new-arrival reminders to bring them back",
    ),
    "001": (
        "重要挽留客户",
        "Key win-back customers",
        "高消费但久未购买、次数少：发放挽回优惠券或短信召回，了解流失原因",
        "Spent a lot, long ago and rarely: win-back coupon or SMS, and find out why they left",
    ),
    "110": (
        "一般价值客户",
        "General value customers",
        "近期常买但客单低：满减、组合套餐，提高客单价",
        "Recent and frequent but small baskets: bundles and spend-more-save-more offers to raise order value",
    ),
    "100": (
        "一般发展客户",
        "General development customers",
        "新客或偶尔购买：新客关怀、二次购买优惠券",
        "New or occasional buyers: welcome series and a second-order coupon",
    ),
    "010": (
        "一般保持客户",
        "General retention customers",
        "曾经常买但近期未购、客单低：低成本提醒和大促通知",
        "Used to buy often, small baskets, not recent: low-cost reminders and sale announcements",
    ),
    "000": (
        "一般挽留客户",
        "General win-back customers",
        "价值低且已流失：只纳入大促群发，控制营销成本",
        "Low value and gone: include only in mass campaigns and keep the cost low",
    ),
}

# rfm11: segment -> codes of variant A (docs/rfm.md §2.1), Chinese name, recommended action (zh, en).
RFM11 = {
    "Champions": (
        "555 554 544 545 454 455 445",
        "冠军客户",
        "给予奖励和专属体验，邀请评价、推荐好友",
        "Reward them, give early access, ask for reviews and referrals",
    ),
    "Loyal Customers": (
        "543 444 435 355 354 345 344 335",
        "忠诚客户",
        "推荐高价值商品、会员升级，征求反馈",
        "Upsell higher-value products, loyalty programme, ask for feedback",
    ),
    "Potential Loyalist": (
        "553 551 552 541 542 533 532 531 452 451 442 441 431 453 433 432 423 353 352 351 342 341 333 323",
        "潜在忠诚客户",
        "会员/积分计划，个性化推荐",
        "Offer membership or a loyalty programme, recommend related products",
    ),
    "New Customers": (
        "512 511 422 421 412 411 311",
        "新客户",
        "新客引导和首单后关怀，建立关系",
        "Onboarding support and a good first experience; build the relationship",
    ),
    "Promising": (
        "525 524 523 522 521 515 514 513 425 424 413 414 415 315 314 313",
        "有潜力客户",
        "提升品牌认知，小额优惠或试用",
        "Build brand awareness; small incentives or free trials",
    ),
    "Need Attention": (
        "535 534 443 434 343 334 325 324",
        "需要关注客户",
        "基于历史购买的限时优惠和推荐",
        "Limited-time offers and recommendations based on past purchases",
    ),
    "About To Sleep": (
        "331 321 312 221 213 231 241 251",
        "即将沉睡客户",
        "推送热门商品和折扣，趁早重新建立联系",
        "Share popular products and discounts; reconnect before they lapse",
    ),
    "At Risk": (
        "255 254 245 244 253 252 243 242 235 234 225 224 153 152 145 143 142 135 134 133 125 124",
        "流失风险客户",
        "个性化召回短信/邮件，发放挽回优惠",
        "Personalised win-back messages and offers",
    ),
    "Can't Lose Them": (
        "155 154 144 214 215 115 114 113",
        "不能失去的客户",
        "新品或续购召回，专人沟通，别让他们流向竞品",
        "Win them back with new products or renewals; talk to them before a competitor does",
    ),
    "Hibernating": (
        "332 322 233 232 223 222 132 123 122 212 211",
        "休眠客户",
        "推荐其他相关商品并给予特别折扣",
        "Offer other relevant products and special discounts",
    ),
    "Lost": (
        "111 112 121 131 141 151",
        "已流失客户",
        "低成本召回一次，无效则不再投入",
        "Try one low-cost reactivation campaign, then stop spending on them",
    ),
}
VARIANT_B_MOVES = {"231": "Hibernating", "241": "Hibernating", "251": "Hibernating"}


def rfm11_codes(variant: str = "A") -> dict[str, str]:
    """The 125-code table: 'RFM' digits -> segment name."""
    if variant not in VARIANTS:
        raise UsageError(f"unknown rfm11 variant {variant!r}; use A or B")
    table = {code: name for name, (codes, *_) in RFM11.items() for code in codes.split()}
    if variant == "B":
        table.update(VARIANT_B_MOVES)
    return table


add({f"rfm.cn8.{code}": (zh, en) for code, (zh, en, _, _) in CN8.items()})
add({f"rfm.cn8.{code}.action": (zh, en) for code, (_, _, zh, en) in CN8.items()})
add({f"rfm.rfm11.{name}": (zh, name) for name, (_, zh, _, _) in RFM11.items()})
add({f"rfm.rfm11.{name}.action": (zh, en) for name, (_, _, zh, en) in RFM11.items()})


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
    if scheme == "cn8":
        return [Segment(code, zh, zh, en, a_zh, a_en) for code, (zh, en, a_zh, a_en) in CN8.items()]
    if scheme == "rfm11":
        return [Segment(name, name, zh, name, a_zh, a_en) for name, (_, zh, a_zh, a_en) in RFM11.items()]
    raise UsageError(f"unknown scheme {scheme!r}; use cn8 or rfm11")


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
            raise UsageError("--threshold fixed needs recency_days, frequency and monetary under [rfm] in --config")
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
    r = quintile_scores(metrics["recency"].to_numpy(), thresholds.recency, higher_is_better=False)
    f = quintile_scores(metrics["frequency"].to_numpy(), thresholds.frequency)
    m = quintile_scores(metrics["monetary"].to_numpy(), thresholds.monetary)
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
        names = {code: zh for code, (zh, *_) in CN8.items()}
    elif scheme == "rfm11":
        thresholds = rfm11_thresholds(metrics)
        scored = rfm11_scores(metrics, thresholds)
        names = rfm11_codes(variant)
    else:
        raise UsageError(f"unknown scheme {scheme!r}; use cn8 or rfm11")
    order = [s.name for s in segments(scheme)]
    scored["segment"] = pd.Series(_segment_of(scored["code"].array, names, order), index=scored.index)
    return scored, thresholds
