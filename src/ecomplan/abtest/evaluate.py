"""Evaluate an A/B test: experiment rows in, one verdict per variant and metric out.

Both input forms (one row per variant with totals, or one row per user) are
first reduced to the same sufficient statistics per variant (n, Σy, Σy²,
cross-products), so they give identical results and every test below works
on sums. Order of work, as an analyst would do it: check the traffic split
(SRM) first, then test each variant against control, adjust p-values for the
number of variants, and only then decide.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, Field
from scipy import stats as scipy_stats

from ecomplan.abtest import stats as S
from ecomplan.core.errors import ArgumentError, Issue, SchemaError
from ecomplan.ingest.options import ReadOptions

if TYPE_CHECKING:
    from ecomplan.ingest.load import Dataset

METRICS = ("conversion", "revenue", "aov")
CORRECTIONS = ("holm", "bh", "none")
SEQUENTIAL = ("none", "msprt")
SRM_THRESHOLD = 0.001  # GrowthBook's default: a real mismatch, not noise, at any traffic level
MSPRT_RELATIVE_TAU = 0.10  # mixture spread: relative effects of about ±10%, where shop tests land
CONTROL_NAMES = ("control", "ctrl", "a", "base", "baseline", "original", "对照", "对照组", "原版", "基线")
SUMS = ("n", "conv", "rev", "rev_sq", "den", "den_sq", "rev_den", "x", "x_sq", "x_conv", "x_rev")
# Canonical column -> its label in Chinese, for messages that name what to add.
LABELS = {
    "visitors": "访客数",
    "conversions": "转化数",
    "revenue": "收入",
    "revenue_sum_sq": "收入平方和",
    "revenue_std": "收入标准差",
    "orders": "订单数",
    "converted": "是否转化",
    "user_id": "用户ID",
    "date": "日期",
    "variant": "实验组",
}


def _col(name: str) -> str:
    return f"{name} ({LABELS[name]})" if name in LABELS else name


# --------------------------------------------------------------------------- result models


class Note(BaseModel):
    """A remark for the reader, rendered through i18n (`abtest.note.<key>`)."""

    key: str
    values: dict[str, str | int | float] = Field(default_factory=dict)


class VariantSummary(BaseModel):
    variant: str
    visitors: float
    conversions: float | None = None
    conversion_rate: float | None = None
    revenue: float | None = None
    revenue_per_visitor: float | None = None
    orders: float | None = None
    aov: float | None = None


class SrmResult(BaseModel):
    p_value: float | None
    mismatch: bool
    chi2: float | None = None
    df: int | None = None
    threshold: float = SRM_THRESHOLD
    observed: dict[str, float]
    expected_share: dict[str, float]
    observed_share: dict[str, float]


class OmnibusResult(BaseModel):
    """χ² test that all conversion rates are equal (three or more variants)."""

    metric: str = "conversion"
    chi2: float | None
    df: int
    p_value: float | None


class BayesResult(BaseModel):
    method: Literal["beta_binomial", "gaussian"]
    prob_beat_control: float
    expected_loss: float  # of shipping the variant, in the metric's units
    expected_loss_control: float  # of keeping control


class SequentialResult(BaseModel):
    method: Literal["msprt"] = "msprt"
    tau: float  # sd of the normal mixture over the absolute effect
    looks: list[str]
    p_values: list[float | None]  # always-valid p after each look


class CupedResult(BaseModel):
    covariate: str
    theta: float
    variance_reduction: float  # 1 − Var(adjusted)/Var(raw) of the difference


Decision = Literal["win", "lose", "inconclusive", "non_inferior", "invalid_srm"]


class MetricResult(BaseModel):
    metric: str
    variant: str
    control: str
    control_value: float | None
    variant_value: float | None
    control_n: float
    variant_n: float
    absolute_diff: float | None
    absolute_ci: list[float | None]
    relative_lift: float | None
    relative_ci: list[float | None]
    relative_ci_unbounded: bool = False
    p_value: float | None
    p_value_adjusted: float | None = None
    test: str
    statistic: float | None = None
    df: float | None = None
    alternative: str
    ci_level: float
    margin: float | None = None
    margin_relative: bool = False
    decision: Decision = "inconclusive"
    bayes: BayesResult | None = None
    sequential: SequentialResult | None = None
    cuped: CupedResult | None = None
    notes: list[Note] = Field(default_factory=list)


class Evaluation(BaseModel):
    form: Literal["aggregate", "per_user"]
    control: str
    metrics: list[str]
    alpha: float
    alternative: str
    correction: str
    variants: list[VariantSummary]
    srm: SrmResult
    omnibus: OmnibusResult | None = None
    results: list[MetricResult]
    notes: list[Note] = Field(default_factory=list)


# --------------------------------------------------------------------------- options


@dataclass(frozen=True)
class Margin:
    """Non-inferiority margin: how much worse than control the variant may be."""

    value: float
    relative: bool

    @classmethod
    def parse(cls, text: str | float | None) -> Margin | None:
        """'2%' → 2% of control's value; '0.5' → 0.5 in the metric's units."""
        if text is None:
            return None
        raw = str(text).strip()
        try:
            value = float(raw.rstrip("%")) / (100 if raw.endswith("%") else 1)
        except ValueError:
            raise ArgumentError(
                "margin",
                f"must be a number (0.002, in the metric's units) or a percentage of control (2%), got {text!r}",
            ) from None
        if not value > 0:
            raise ArgumentError("margin", f"must be positive, got {text!r}")
        if raw.endswith("%") and value >= 1:
            raise ArgumentError("margin", f"{text} would allow the variant to lose everything; use less than 100%")
        return cls(value, raw.endswith("%"))


def parse_weights(text: str | list | dict | None) -> list[float] | dict[str, float] | None:
    """'50,50' → [50, 50] in the variants' order; 'A:50,B:50' → by name."""
    if text is None or isinstance(text, (list, dict)):
        return text
    parts = [p.strip() for p in str(text).replace("，", ",").split(",") if p.strip()]
    named = all(":" in p or "=" in p for p in parts)
    try:
        if named:
            pairs = [p.replace("=", ":").rsplit(":", 1) for p in parts]
            return {name.strip(): float(value) for name, value in pairs}
        return [float(p.rstrip("%")) for p in parts]
    except ValueError:
        raise ArgumentError("weights", f"must be numbers like 50,50 or names like A:50,B:50, got {text!r}") from None


# --------------------------------------------------------------------------- reduction


@dataclass
class Reduced:
    """Sufficient statistics per variant, and per look when looks were asked for."""

    form: str
    variants: list[str]
    totals: pd.DataFrame  # index variant, columns ⊂ SUMS
    looks: pd.DataFrame | None  # index (look, variant), cumulative sums
    look_labels: list[str]
    unavailable: dict[str, str]  # metric -> the column(s) it lacks
    notes: list[Note]


def _files(frame: pd.DataFrame) -> str:
    if "source_file" in frame and len(frame):
        return ", ".join(str(f) for f in pd.unique(frame["source_file"]))
    return "input"


def sufficient_statistics(frame: pd.DataFrame, covariate: str | None = None, looks: bool = False) -> Reduced:
    """Experiment rows (canonical `experiment` columns) → sums per variant.

    Per-variant aggregates are recognised by a `visitors` column, per-user rows
    by `user_id`/`converted`. `covariate` names a numeric column of per-user
    rows for CUPED. With `looks`, sums are also accumulated by date (or, for
    aggregates without dates, by file in the order given).
    """
    if "variant" not in frame:
        raise SchemaError(f"{_files(frame)}: no {_col('variant')} column")
    frame = frame[frame["variant"].notna()]
    if frame.empty:
        raise SchemaError(f"{_files(frame)}: no experiment rows (every {_col('variant')} cell is empty)")
    aggregate = "visitors" in frame and frame["visitors"].notna().any()
    if aggregate:
        sums, unavailable, notes = _aggregate_sums(frame, covariate)
    else:
        sums, unavailable, notes = _per_user_sums(frame, covariate)
    variants = [str(v) for v in pd.unique(frame["variant"])]
    columns = [c for c in SUMS if c in sums]
    totals = sums.groupby("variant", sort=False)[columns].sum(min_count=1).reindex(variants)
    look_sums, labels = (None, [])
    if looks:
        look_sums, labels = _look_sums(frame, sums, variants, aggregate)
    return Reduced("aggregate" if aggregate else "per_user", variants, totals, look_sums, labels, unavailable, notes)


def _aggregate_sums(frame: pd.DataFrame, covariate: str | None):
    files = _files(frame)
    if covariate:
        raise SchemaError(_cuped_needs_users(files))
    visitors = frame["visitors"]
    for column in ("visitors", "conversions"):
        if column in frame and frame[column].isna().any():
            bad = frame.loc[frame[column].isna(), "variant"].iloc[0]
            raise SchemaError(
                f"{files}: variant {bad!r} has no valid {_col(column)} (empty, negative or not a "
                f"number; counts must be whole numbers ≥ 0)"
            )
    for column in ("visitors", "conversions"):
        if column in frame and (frame[column] % 1 != 0).any():
            bad = frame.loc[frame[column] % 1 != 0].iloc[0]
            raise SchemaError(
                f"{files}: variant {bad['variant']!r} has {bad[column]:g} {_col(column)}; counts must be whole numbers"
            )
    out = pd.DataFrame({"variant": frame["variant"].astype(str), "n": visitors})
    unavailable: dict[str, str] = {}
    if "conversions" in frame:
        too_many = frame["conversions"] > visitors
        if too_many.any():
            row = frame[too_many].iloc[0]
            raise SchemaError(
                f"{files}: variant {row['variant']!r} has more conversions ({row['conversions']:g}) "
                f"than visitors ({row['visitors']:g}); conversions count visitors who converted"
            )
        out["conv"] = frame["conversions"]
    else:
        unavailable["conversion"] = _col("conversions")
    if "revenue" in frame and frame["revenue"].notna().any():
        out["rev"] = frame["revenue"].fillna(0.0)
        if "revenue_sum_sq" in frame and frame["revenue_sum_sq"].notna().all():
            out["rev_sq"] = frame["revenue_sum_sq"]
        elif "revenue_std" in frame and frame["revenue_std"].notna().all():
            n, total, std = visitors, out["rev"], frame["revenue_std"]
            out["rev_sq"] = (n - 1).clip(lower=0) * std * std + total * total / n.where(n > 0)
            out["rev_sq"] = out["rev_sq"].fillna(0.0)
        else:
            missing = f"{_col('revenue_sum_sq')} or {_col('revenue_std')}"
            unavailable["revenue"] = unavailable["aov"] = missing
        if "rev_sq" in out:
            floor = out["rev"] ** 2 / out["n"].where(out["n"] > 0)
            impossible = out["rev_sq"] < floor * (1 - 1e-9) - 1e-9
            if impossible.any():
                bad = out.loc[impossible, "variant"].iloc[0]
                raise SchemaError(
                    f"{files}: variant {bad!r}: {_col('revenue_sum_sq')} is smaller than revenue²/"
                    f"visitors, which is impossible; it must be Σ(each visitor's revenue)², "
                    f"visitors without purchases counting 0"
                )
    else:
        unavailable["revenue"] = unavailable["aov"] = _col("revenue")
    if "aov" not in unavailable:
        if "conv" not in out:
            unavailable["aov"] = _col("conversions")
        elif (
            "orders" in frame and frame["orders"].notna().any() and not (frame["orders"] == frame["conversions"]).all()
        ):
            unavailable["aov"] = "per-user rows (AOV's variance needs each user's revenue and orders)"
        else:
            # one order per converting visitor and revenue only from converters:
            # Σorders² = Σorders = conversions and Σrevenue·orders = revenue
            out["den"] = out["conv"]
            out["den_sq"] = out["conv"]
            out["rev_den"] = out["rev"]
    return out, unavailable, []


def _cuped_needs_users(files: str) -> str:
    return f"{files}: CUPED needs one row per user with the pre-period column; this file has one row per variant"


def _per_user_sums(frame: pd.DataFrame, covariate: str | None):
    files = _files(frame)
    notes: list[Note] = []
    unavailable: dict[str, str] = {}
    data = pd.DataFrame({"variant": frame["variant"].astype(str)})
    if "converted" in frame:
        converted = frame["converted"]
        empty = int(converted.isna().sum())
        if empty:
            notes.append(Note(key="converted_empty", values={"rows": empty}))
        converted = converted.fillna(0.0)
        bad = ~converted.isin([0.0, 1.0])
        if bad.any():
            raise SchemaError(
                f"{files}: column {_col('converted')} must be 0 or 1 for each user; found "
                f"{converted[bad].iloc[0]:g} in {int(bad.sum())} row(s). For counts per variant use "
                f"{_col('visitors')} and {_col('conversions')} columns instead"
            )
        data["conv"] = converted
    else:
        unavailable["conversion"] = _col("converted")
    if "revenue" in frame:
        data["rev"] = frame["revenue"].fillna(0.0)
    else:
        unavailable["revenue"] = unavailable["aov"] = _col("revenue")
    if "orders" in frame and frame["orders"].notna().any():
        data["den"] = frame["orders"].fillna(0.0)
    elif "conv" in data:
        data["den"] = data["conv"]
    elif "aov" not in unavailable:
        unavailable["aov"] = f"{_col('orders')} or {_col('converted')}"
    if covariate:
        if covariate not in frame:
            raise SchemaError(f"{files}: no covariate column {covariate!r} for CUPED")
        x = pd.to_numeric(frame[covariate], errors="coerce")
        if x.isna().any():
            raise SchemaError(
                f"{files}: CUPED covariate {covariate!r} is empty or not a number in "
                f"{int(x.isna().sum())} row(s); give every user a pre-period value (0 if none)"
            )
        data["x"] = x
    if "date" in frame:
        data["date"] = frame["date"]
    if "user_id" in frame and frame["user_id"].notna().any():
        data["user_id"] = frame["user_id"]
        data, dup_notes = _one_row_per_user(data)
        notes.extend(dup_notes)
    out = pd.DataFrame({"variant": data["variant"], "n": 1.0})
    if "date" in data:
        out["date"] = data["date"]
    for name in ("conv", "rev", "den", "x"):
        if name in data:
            out[name] = data[name]
    if "rev" in data:
        out["rev_sq"] = data["rev"] ** 2
        if "den" in data:
            out["den_sq"] = data["den"] ** 2
            out["rev_den"] = data["rev"] * data["den"]
    if "x" in data:
        out["x_sq"] = data["x"] ** 2
        if "conv" in data:
            out["x_conv"] = data["x"] * data["conv"]
        if "rev" in data:
            out["x_rev"] = data["x"] * data["rev"]
    return out, unavailable, notes


def _one_row_per_user(data: pd.DataFrame) -> tuple[pd.DataFrame, list[Note]]:
    """Users are the unit of randomisation: several rows of one user in one
    variant (one per day or per order) are merged; a user seen in several
    variants is reported, because such users blur the comparison."""
    notes: list[Note] = []
    users, _ = pd.factorize(data["user_id"])  # one pass over the IDs; -1 where missing
    variants, names = pd.factorize(data["variant"])
    known = users >= 0
    pair = users.astype(np.int64) * len(names) + variants
    duplicated = pd.Series(pair).duplicated(keep=False).to_numpy() & known
    if duplicated.any():
        notes.append(Note(key="merged_user_rows", values={"rows": int(duplicated.sum())}))
        agg = {c: "sum" for c in ("rev", "den") if c in data}
        agg.update({c: "max" for c in ("conv",) if c in data})
        agg.update({c: "first" for c in ("x", "variant") if c in data})
        if "date" in data:
            agg["date"] = "min"
        merged = data[known].assign(_pair=pair[known]).groupby("_pair", sort=False).agg(agg)
        data = pd.concat([merged.reset_index(drop=True), data[~known]], ignore_index=True)
    pairs = pd.unique(pair[known])  # np.unique hashes 1M codes ~20x slower
    crossed = int((np.bincount(pairs // len(names)) > 1).sum()) if len(pairs) else 0
    if crossed:
        notes.append(Note(key="cross_exposed", values={"users": crossed}))
    return data, notes


def _look_sums(frame: pd.DataFrame, sums: pd.DataFrame, variants: list[str], aggregate: bool):
    files = _files(frame)
    if "date" in sums or ("date" in frame and frame["date"].notna().any()):
        dates = (sums["date"] if "date" in sums else frame["date"]).reset_index(drop=True)
        if dates.isna().any():
            raise SchemaError(
                f"{files}: {{sequential}} needs a {_col('date')} on every row; "
                f"{int(dates.isna().sum())} row(s) have none",
                arguments=("sequential",),
            )
        look = dates.dt.normalize()
        labels_of = lambda values: [pd.Timestamp(v).date().isoformat() for v in values]  # noqa: E731
    elif aggregate and "source_file" in frame and frame["source_file"].nunique() > 1:
        order = [str(f) for f in pd.unique(frame["source_file"])]
        look = frame["source_file"].astype(str).map({f: i for i, f in enumerate(order)}).reset_index(drop=True)
        labels_of = lambda values: [order[int(v)] for v in values]  # noqa: E731
    else:
        raise SchemaError(
            f"{files}: {{sequential}} msprt needs a {_col('date')} column (one row per day or per user "
            f"with their first exposure date) or several exports, one per period, given in order",
            arguments=("sequential",),
        )
    columns = [c for c in SUMS if c in sums]
    data = sums[columns].reset_index(drop=True).assign(look=look, variant=sums["variant"].to_numpy())
    grouped = data.groupby(["look", "variant"], sort=True)[columns].sum()
    looks = sorted(grouped.index.get_level_values("look").unique())
    full = pd.MultiIndex.from_product([looks, variants], names=["look", "variant"])
    cumulative = grouped.reindex(full, fill_value=0.0).groupby(level="variant", sort=False).cumsum()
    return cumulative, labels_of(looks)


# --------------------------------------------------------------------------- per-arm estimates


@dataclass(frozen=True)
class Pair:
    """Control vs variant on one metric: what every test below needs.

    `diff` is the (CUPED-adjusted) difference; the relative lift is diff /
    `base` (control's raw mean), with Fieller's interval from var_diff,
    var_base and cov (Cov(diff, base))."""

    value_c: float | None
    value_t: float | None
    n_c: float
    n_t: float
    var_c: float | None  # variance of each arm's (adjusted) mean
    var_t: float | None
    diff: float | None
    base: float | None
    var_base: float | None
    cov: float | None
    theta: float | None = None
    variance_reduction: float | None = None

    @property
    def var_diff(self) -> float | None:
        return None if self.var_c is None or self.var_t is None else self.var_c + self.var_t


def _arm(metric: str, sums: pd.Series) -> tuple[float | None, float | None]:
    """An arm's metric value and the variance of that value."""
    n = sums["n"]
    if metric == "conversion":
        if n <= 0:
            return None, None
        p = sums["conv"] / n
        return p, p * (1 - p) / n  # Bernoulli variance p(1−p), as gbstats
    if metric == "revenue":
        if n <= 0:
            return None, None
        variance = S.sample_variance(n, sums["rev"], sums["rev_sq"])
        return sums["rev"] / n, (None if variance is None else variance / n)
    if sums["den"] <= 0:
        return None, None
    return sums["rev"] / sums["den"], S.ratio_variance(
        n, sums["rev"], sums["rev_sq"], sums["den"], sums["den_sq"], sums["rev_den"]
    )


def _cuped_arm_stats(metric: str, sums: pd.Series) -> S.CupedArm:
    y, y_sq, xy = ("conv", "conv", "x_conv") if metric == "conversion" else ("rev", "rev_sq", "x_rev")
    return S.CupedArm(sums["n"], sums[y], sums[y_sq], sums["x"], sums["x_sq"], sums[xy])


def make_pair(metric: str, sums_c: pd.Series, sums_t: pd.Series, cuped: bool = False) -> Pair:
    value_c, var_c = _arm(metric, sums_c)
    value_t, var_t = _arm(metric, sums_t)
    n_c, n_t = float(sums_c["n"]), float(sums_t["n"])
    if value_c is None or value_t is None or var_c is None or var_t is None:
        return Pair(value_c, value_t, n_c, n_t, None, None, None, value_c, None, None)
    if not cuped:
        return Pair(value_c, value_t, n_c, n_t, var_c, var_t, value_t - value_c, value_c, var_c, -var_c)
    arms = [_cuped_arm_stats(metric, sums_c), _cuped_arm_stats(metric, sums_t)]
    theta = S.cuped_theta(arms)
    if theta is None:
        return Pair(value_c, value_t, n_c, n_t, var_c, var_t, value_t - value_c, value_c, var_c, -var_c, 0.0, 0.0)
    pooled_x = (arms[0].sum_x + arms[1].sum_x) / (n_c + n_t)
    adj_c, adj_var_c, cov_c = S.cuped_arm(arms[0], theta, pooled_x)
    adj_t, adj_var_t, _ = S.cuped_arm(arms[1], theta, pooled_x)
    raw = var_c + var_t
    reduction = 1 - (adj_var_c + adj_var_t) / raw if raw > 0 else 0.0
    return Pair(
        value_c, value_t, n_c, n_t, adj_var_c, adj_var_t, adj_t - adj_c, value_c, var_c, -cov_c, theta, reduction
    )


# --------------------------------------------------------------------------- comparisons


@dataclass(frozen=True)
class ComparisonOptions:
    """How each variant is compared with control (the arguments of `evaluate`, checked)."""

    alpha: float
    alternative: str
    margin: Margin | None
    bayes: bool
    cuped: str | None  # covariate name
    sequential: str


def _fieller(pair: Pair, q: float, alternative: str) -> tuple[list[float | None], bool]:
    # compare() tests only pairs with a diff, whose variances then all exist (make_pair)
    assert pair.diff is not None and pair.base is not None and pair.var_diff is not None
    assert pair.var_base is not None and pair.cov is not None
    lower, upper, unbounded = S.fieller_interval(
        pair.diff, pair.base, pair.var_diff, pair.var_base, pair.cov, q, alternative
    )
    return [lower, upper], unbounded


def _means_test(metric: str, pair: Pair, settings: ComparisonOptions) -> dict:
    """Welch's t-test (delta-method variances for AOV, CUPED-adjusted when asked),
    absolute CI with t quantiles and Fieller's relative CI at the same df, so the
    three never disagree."""
    # compare() tests only pairs with a diff, whose variances then all exist (make_pair)
    assert pair.diff is not None and pair.var_c is not None and pair.var_t is not None
    assert pair.var_diff is not None and pair.base is not None and pair.var_base is not None and pair.cov is not None
    base = "delta_method_t" if metric == "aov" else "welch_t"
    test = ("cuped_" if pair.theta is not None else "") + base
    df = S.welch_df(pair.var_c, pair.n_c, pair.var_t, pair.n_t)
    se = math.sqrt(pair.var_diff)
    margin = settings.margin
    if margin is None:
        alternative = settings.alternative
        result = S.welch_test(0.0, pair.var_c, pair.n_c, pair.diff, pair.var_t, pair.n_t, alternative)
    else:
        alternative = "greater"
        test += "_noninferiority"
        if margin.relative:
            statistic = (
                S.fieller_statistic(pair.diff, pair.base, pair.var_diff, pair.var_base, pair.cov, -margin.value)
                if pair.base and pair.base > 0
                else None
            )
            result = S.TestResult(
                statistic, None if statistic is None or df is None else S.t_p(statistic, df, "greater"), df
            )
        else:
            result = S.welch_test(
                0.0, pair.var_c, pair.n_c, pair.diff, pair.var_t, pair.n_t, "greater", null_diff=-margin.value
            )
    if df is None or se == 0:
        return {
            "test": test,
            "alternative": alternative,
            "p_value": None,
            "absolute_ci": [None, None],
            "relative_ci": [None, None],
            "notes": [Note(key="zero_variance")],
        }
    q = S.quantile(settings.alpha, alternative, df)
    lower = pair.diff - q * se if alternative in ("two-sided", "greater") else None
    upper = pair.diff + q * se if alternative in ("two-sided", "less") else None
    relative_ci, unbounded = _fieller(pair, q, alternative)
    return {
        "test": test,
        "alternative": alternative,
        "p_value": result.p_value,
        "statistic": result.statistic,
        "df": df,
        "absolute_ci": [lower, upper],
        "relative_ci": relative_ci,
        "relative_ci_unbounded": unbounded,
        "notes": [],
    }


def _conversion_test(sums_c: pd.Series, sums_t: pd.Series, settings: ComparisonOptions) -> dict:
    """Pooled two-proportion z-test (exact test for small samples) with score
    intervals, which invert the same test: the CI excludes 0 exactly when z
    rejects. With a margin: the score test of the shifted hypothesis."""
    x_c, n_c, x_t, n_t = (float(sums_c["conv"]), float(sums_c["n"]), float(sums_t["conv"]), float(sums_t["n"]))
    notes: list[Note] = []
    margin = settings.margin
    alpha = settings.alpha
    if margin is None:
        alternative = settings.alternative
        z = S.two_proportion_ztest(x_c, n_c, x_t, n_t, alternative)
        result, test = z, "two_proportion_z"
        if z.p_value is None:
            notes.append(Note(key="no_conversions" if x_c + x_t == 0 else "all_converted"))
        elif S.needs_exact_test(x_c, n_c, x_t, n_t):
            result, test = S.exact_proportion_test(int(x_c), int(n_c), int(x_t), int(n_t), alternative)
            notes.append(Note(key="exact_small_sample", values={"test": test}))
    else:
        alternative = "greater"
        test = "score_noninferiority"
        if margin.relative:
            statistic = S.score_ratio_statistic(x_c, n_c, x_t, n_t, 1 - margin.value) if x_c > 0 else None
        else:
            statistic = S.score_diff_statistic(x_c, n_c, x_t, n_t, -margin.value)
        result = S.TestResult(statistic, None if statistic is None else S.normal_p(statistic, "greater"))
    absolute_ci = list(S.score_diff_interval(x_c, n_c, x_t, n_t, alpha, alternative))
    lower, upper, unbounded = S.score_ratio_interval(x_c, n_c, x_t, n_t, alpha, alternative)
    relative_ci = [None if lower is None else lower - 1, None if upper is None else upper - 1]
    return {
        "test": test,
        "alternative": alternative,
        "p_value": result.p_value,
        "statistic": result.statistic,
        "absolute_ci": absolute_ci,
        "relative_ci": relative_ci,
        "relative_ci_unbounded": unbounded,
        "notes": notes,
    }


def _sequential_test(metric: str, reduced: Reduced, control: str, variant: str, settings: ComparisonOptions) -> dict:
    """mSPRT on the cumulative difference after each look: always-valid p-values
    (running minimum of 1/Λ) and the intersection of the per-look confidence
    sequences, absolute and (Fieller at the sequence's width) relative."""
    looks = reduced.looks
    assert looks is not None  # sufficient_statistics(looks=True) when --sequential msprt
    cuped = settings.cuped is not None and metric in ("conversion", "revenue")
    pairs = [
        make_pair(metric, looks.loc[(look, control)], looks.loc[(look, variant)], cuped)
        for look in looks.index.get_level_values("look").unique()
    ]
    final = pairs[-1]
    usable = [bool(p.var_diff and p.var_diff > 0 and p.base) for p in pairs]
    if not usable[-1]:
        return {
            "test": "msprt",
            "alternative": "two-sided",
            "p_value": None,
            "absolute_ci": [None, None],
            "relative_ci": [None, None],
            "notes": [Note(key="zero_variance")],
        }
    assert final.base is not None  # usable
    tau2 = (MSPRT_RELATIVE_TAU * abs(final.base)) ** 2
    diffs = np.array([p.diff if ok else 0.0 for p, ok in zip(pairs, usable, strict=False)])
    variances = np.array([p.var_diff if ok else np.inf for p, ok in zip(pairs, usable, strict=False)])
    p_values = S.msprt_p_values(diffs, variances, tau2)
    lower, upper = -math.inf, math.inf
    rel_lower, rel_upper = -math.inf, math.inf
    for pair, ok in zip(pairs, usable, strict=False):
        if not ok:
            continue
        # usable: the pair has variances, so all its estimates exist (make_pair)
        assert pair.diff is not None and pair.base is not None and pair.var_diff is not None
        assert pair.var_base is not None and pair.cov is not None
        radius = float(S.msprt_radius(pair.var_diff, tau2, settings.alpha))
        lower, upper = max(lower, pair.diff - radius), min(upper, pair.diff + radius)
        low, high, unbounded = S.fieller_interval(
            pair.diff, pair.base, pair.var_diff, pair.var_base, pair.cov, radius / math.sqrt(pair.var_diff)
        )
        if not unbounded:
            assert low is not None and high is not None  # a bounded two-sided interval has both ends
            rel_lower, rel_upper = max(rel_lower, low), min(rel_upper, high)
    unbounded = not (math.isfinite(rel_lower) and math.isfinite(rel_upper))
    sequential = SequentialResult(tau=math.sqrt(tau2), looks=reduced.look_labels, p_values=[float(p) for p in p_values])
    return {
        "test": "msprt",
        "alternative": "two-sided",
        "p_value": float(p_values[-1]),
        "absolute_ci": [lower, upper],
        "relative_ci": [None, None] if unbounded else [rel_lower, rel_upper],
        "relative_ci_unbounded": unbounded,
        "sequential": sequential,
        "notes": [],
    }


def _bayes(metric: str, pair: Pair, sums_c: pd.Series, sums_t: pd.Series) -> BayesResult | None:
    """Beta-binomial (uniform prior) for conversion; otherwise a Gaussian posterior
    of the relative lift with the delta-method variance and a flat prior (the
    GrowthBook model), losses scaled back to the metric's units."""
    if metric == "conversion" and pair.theta is None:
        prob, loss, loss_control = S.beta_binomial(
            int(sums_c["conv"]), int(sums_c["n"]), int(sums_t["conv"]), int(sums_t["n"])
        )
        return BayesResult(
            method="beta_binomial", prob_beat_control=prob, expected_loss=loss, expected_loss_control=loss_control
        )
    if not pair.base or pair.var_diff is None:
        return None
    # the pair has variances, so all its estimates exist (make_pair)
    assert pair.diff is not None and pair.var_c is not None and pair.var_t is not None
    treated = pair.base + pair.diff
    variance = S.relative_variance_delta(pair.base, pair.var_c, treated, pair.var_t)
    if variance is None or variance <= 0:
        return None
    mean, sd = S.gaussian_posterior(pair.diff / pair.base, variance)
    upside, downside = S.normal_expected_loss(mean, sd)
    scale = abs(pair.base)
    return BayesResult(
        method="gaussian",
        prob_beat_control=float(scipy_stats.norm.sf(0, mean, sd)),
        expected_loss=downside * scale,
        expected_loss_control=upside * scale,
    )


def compare(metric: str, reduced: Reduced, control: str, variant: str, settings: ComparisonOptions) -> MetricResult:
    """One variant against control on one metric (p-value not yet adjusted)."""
    sums_c, sums_t = reduced.totals.loc[control], reduced.totals.loc[variant]
    cuped = settings.cuped is not None and metric in ("conversion", "revenue")
    pair = make_pair(metric, sums_c, sums_t, cuped)
    notes: list[Note] = []
    if settings.cuped is not None and metric == "aov":
        notes.append(Note(key="cuped_not_for_ratio"))
    alternative = "greater" if settings.margin is not None else settings.alternative
    base = dict(
        metric=metric,
        variant=variant,
        control=control,
        control_value=pair.value_c,
        variant_value=pair.value_t,
        control_n=pair.n_c,
        variant_n=pair.n_t,
        absolute_diff=pair.diff,
        relative_lift=(pair.diff / pair.base if pair.base and pair.diff is not None else None),
        alternative=alternative,
        ci_level=1 - settings.alpha,
        margin=None if settings.margin is None else settings.margin.value,
        margin_relative=bool(settings.margin and settings.margin.relative),
    )
    if pair.value_c is None or pair.value_t is None or pair.diff is None:
        key = "no_orders" if metric == "aov" else ("no_visitors" if min(pair.n_c, pair.n_t) <= 0 else "too_few")
        return MetricResult(
            **base,
            absolute_ci=[None, None],
            relative_ci=[None, None],
            p_value=None,
            test="none",
            notes=[*notes, Note(key=key)],
        )
    if settings.sequential == "msprt":
        found = _sequential_test(metric, reduced, control, variant, settings)
    elif metric == "conversion" and not cuped:
        found = _conversion_test(sums_c, sums_t, settings)
    else:
        found = _means_test(metric, pair, settings)
    notes.extend(found.pop("notes"))
    if not pair.base:
        notes.append(Note(key="control_zero"))
    result = MetricResult(**{**base, **found, "notes": notes})
    if cuped and pair.theta is not None:
        result.cuped = CupedResult(
            covariate=settings.cuped, theta=pair.theta, variance_reduction=pair.variance_reduction
        )
    if settings.bayes:
        result.bayes = _bayes(metric, pair, sums_c, sums_t)
    return result


def decide(result: MetricResult, alpha: float, srm_failed: bool) -> Decision:
    """win / lose / inconclusive / non_inferior / invalid_srm from the adjusted p-value."""
    if srm_failed:
        return "invalid_srm"
    p = result.p_value_adjusted if result.p_value_adjusted is not None else result.p_value
    if p is None:
        return "inconclusive"
    if result.margin is not None:
        if p <= alpha:
            return "non_inferior"
        return "lose" if result.p_value is not None and 1 - result.p_value <= alpha else "inconclusive"
    if p > alpha:
        return "inconclusive"
    if result.alternative == "greater":
        return "win"
    if result.alternative == "less":
        return "lose"
    return "win" if (result.absolute_diff or 0) > 0 else "lose"


# --------------------------------------------------------------------------- entry point


def _pick_control(variants: list[str], control: str | None, files: str) -> tuple[str, list[Note]]:
    if control is not None:
        if control in variants:
            return control, []
        folded = {v.casefold(): v for v in variants}
        if control.casefold() in folded:
            return folded[control.casefold()], []
        raise SchemaError(f"{files}: control {control!r} is not a variant in the data; variants: {', '.join(variants)}")
    for variant in variants:
        if variant.strip().casefold() in CONTROL_NAMES:
            return variant, []
    return variants[0], [Note(key="control_assumed", values={"control": variants[0]})]


def _srm(reduced: Reduced, weights, files: str) -> SrmResult:
    observed = {v: float(reduced.totals.loc[v, "n"]) for v in reduced.variants}
    if weights is None:
        designed = {v: 1.0 for v in observed}
    elif isinstance(weights, dict):
        unknown = [v for v in observed if v not in weights]
        if unknown:
            raise ArgumentError("weights", f"names {', '.join(weights)} but the data also has {', '.join(unknown)}")
        designed = dict(weights)
        for name in designed:
            observed.setdefault(name, 0.0)  # an arm that got no traffic at all
    else:
        if len(weights) != len(observed):
            raise ArgumentError(
                "weights",
                f"has {len(weights)} values but {files} has {len(observed)} variants "
                f"({', '.join(observed)}); give one weight per variant in that order, or name them "
                f"(A:50,B:50) if an arm got no traffic",
            )
        designed = dict(zip(observed, weights, strict=False))
    if any(not (w > 0) for w in designed.values()):
        raise ArgumentError("weights", "must all be positive")
    names = list(designed)
    total_w = sum(designed.values())
    total_n = sum(observed[v] for v in names)
    test = S.srm_test([observed[v] for v in names], [designed[v] for v in names])
    return SrmResult(
        p_value=test.p_value,
        mismatch=test.p_value is not None and test.p_value < SRM_THRESHOLD,
        chi2=test.statistic,
        df=None if test.df is None else int(test.df),
        observed={v: observed[v] for v in names},
        expected_share={v: designed[v] / total_w for v in names},
        observed_share={v: (observed[v] / total_n if total_n else 0.0) for v in names},
    )


def _summaries(reduced: Reduced) -> list[VariantSummary]:
    out = []
    for variant in reduced.variants:
        row = reduced.totals.loc[variant]
        n = float(row["n"])
        get = lambda c, row=row: float(row[c]) if c in row and pd.notna(row[c]) else None  # noqa: E731
        conv, rev, orders = get("conv"), get("rev"), get("den")
        out.append(
            VariantSummary(
                variant=variant,
                visitors=n,
                conversions=conv,
                conversion_rate=conv / n if conv is not None and n > 0 else None,
                revenue=rev,
                revenue_per_visitor=rev / n if rev is not None and n > 0 else None,
                orders=orders,
                aov=rev / orders if rev is not None and orders else None,
            )
        )
    return out


def evaluate(
    frame: pd.DataFrame,
    *,
    control: str | None = None,
    metric: str = "conversion",
    alpha: float = 0.05,
    alternative: str = "two-sided",
    weights=None,
    correction: str = "holm",
    margin: str | float | Margin | None = None,
    bayes: bool = False,
    sequential: str = "none",
    cuped: str | None = None,
) -> Evaluation:
    """Evaluate an experiment frame (canonical `experiment` columns).

    `metric` is conversion, revenue (per visitor), aov or all; `weights` the
    designed split (list in the variants' order or {variant: weight});
    `margin` turns the test into non-inferiority ('2%' of control or an
    absolute amount); `cuped` names a pre-period column of per-user rows.
    """
    if not 0 < alpha < 0.5:
        raise ArgumentError("alpha", f"must be between 0 and 0.5, got {alpha}")
    if alternative not in S.ALTERNATIVES:
        raise ArgumentError("alternative", f"must be one of {', '.join(S.ALTERNATIVES)}, got {alternative!r}")
    if correction not in CORRECTIONS:
        raise ArgumentError("correction", f"must be one of {', '.join(CORRECTIONS)}, got {correction!r}")
    if sequential not in SEQUENTIAL:
        raise ArgumentError("sequential", f"must be one of {', '.join(SEQUENTIAL)}, got {sequential!r}")
    if metric not in (*METRICS, "all"):
        raise ArgumentError("metric", f"must be one of {', '.join(METRICS)}, all; got {metric!r}")
    margin = margin if isinstance(margin, Margin) or margin is None else Margin.parse(margin)
    if margin is not None and alternative != "two-sided":
        raise ArgumentError(
            "margin",
            "already makes the test one-sided (variant not worse than control by more than the margin); "
            "drop {alternative}",
            others=("alternative",),
        )
    if sequential == "msprt" and (margin is not None or alternative != "two-sided"):
        raise ArgumentError(
            "sequential",
            "msprt gives two-sided always-valid p-values; it cannot be combined with {margin} or {alternative}",
            others=("margin", "alternative"),
        )
    files = _files(frame)
    reduced = sufficient_statistics(frame, covariate=cuped, looks=sequential == "msprt")
    if len(reduced.variants) < 2:
        raise SchemaError(f"{files}: an A/B test needs at least two variants; found only {', '.join(reduced.variants)}")
    chosen, notes = _pick_control(reduced.variants, control, files)
    notes = reduced.notes + notes
    metrics = list(METRICS) if metric == "all" else [metric]
    usable = []
    for name in metrics:
        if name in reduced.unavailable:
            if metric != "all":
                raise SchemaError(_missing_message(name, reduced, files))
            notes.append(Note(key="metric_skipped", values={"metric": name, "missing": reduced.unavailable[name]}))
        else:
            usable.append(name)
    if not usable:
        raise SchemaError(
            f"{files}: no metric can be tested: " + "; ".join(_missing_message(m, reduced, files) for m in metrics)
        )
    srm = _srm(reduced, parse_weights(weights), files)
    settings = ComparisonOptions(alpha, alternative, margin, bayes, cuped, sequential)
    results: list[MetricResult] = []
    for name in usable:
        group = [compare(name, reduced, chosen, v, settings) for v in reduced.variants if v != chosen]
        adjusted = S.adjust_p_values([r.p_value for r in group], correction if len(group) > 1 else "none")
        for result, p in zip(group, adjusted, strict=False):
            result.p_value_adjusted = p
            result.decision = decide(result, alpha, srm.mismatch)
        results.extend(group)
    omnibus = None
    if "conversion" in usable and len(reduced.variants) > 2:
        test = S.chi2_proportions(reduced.totals["conv"], reduced.totals["n"])
        assert test.df is not None  # chi2_proportions always gives its df
        omnibus = OmnibusResult(chi2=test.statistic, df=int(test.df), p_value=test.p_value)
    return Evaluation(
        form=reduced.form,
        control=chosen,
        metrics=usable,
        alpha=alpha,
        alternative="greater" if margin is not None else alternative,
        correction=correction,
        variants=_summaries(reduced),
        srm=srm,
        omnibus=omnibus,
        results=results,
        notes=notes,
    )


def _missing_message(metric: str, reduced: Reduced, files: str) -> str:
    what = {"conversion": "conversion rate", "revenue": "revenue per visitor", "aov": "average order value"}[metric]
    missing = reduced.unavailable[metric]
    if metric == "revenue" and "revenue_sum_sq" in missing:
        return (
            f"{files}: cannot test {what}: the file has revenue totals but no second moment; add "
            f"{missing} per variant (Σ of each visitor's revenue², visitors without purchases counting 0), "
            f"or use per-user rows"
        )
    return f"{files}: cannot test {what}: missing column {missing}"


def load_experiment(
    paths: str | Path | Sequence[str | Path], covariate: str | None = None, options: ReadOptions | None = None
) -> tuple[pd.DataFrame, list[Issue]]:
    """Load experiment files (`ecomplan.ingest.load.load(paths, "experiment")`) and, for
    CUPED, attach the pre-period column `covariate` as a numeric column of the
    frame under that name. Returns (frame, data-quality issues).

    The covariate is any column of the user's file, which the canonical schema
    does not carry: when the adapter mapped it to a canonical column that one
    is used, otherwise the raw column is read back and aligned by row number.
    """
    from ecomplan.ingest.load import load

    loaded = load(paths, "experiment", options)
    frame = loaded.frame
    if covariate is None or covariate in frame.columns:
        return frame, loaded.issues
    if "visitors" in frame and frame["visitors"].notna().any():
        raise SchemaError(_cuped_needs_users(_files(frame)))
    datasets = [d for d in loaded.datasets if d.kind == "experiment"]
    canonical = {d.columns.get(covariate) for d in datasets}
    if len(canonical) == 1 and None not in canonical:
        return frame.assign(**{covariate: frame[canonical.pop()]}), loaded.issues
    values = [_raw_column(d, covariate, options) for d in datasets]
    return frame.assign(**{covariate: np.concatenate(values)}), loaded.issues


def _raw_column(dataset: Dataset, column: str, options: ReadOptions | None) -> np.ndarray:
    from ecomplan.ingest.reading import read_tables
    from ecomplan.ingest.reading.values import parse_number
    from ecomplan.ingest.sources import vocabulary

    options = options or ReadOptions()
    tables = read_tables(
        dataset.path,
        encoding=options.encoding,
        sheet=options.sheet,
        password=options.password,
        vocabulary=vocabulary(),
        limits=options.limits,
    ).tables
    table = next(t for t in tables if t.name == dataset.table)
    if column not in table.frame.columns:
        raise SchemaError(
            f"{dataset.name}: no column {column!r} for {{covariate}}; columns: "
            f"{', '.join(map(str, table.frame.columns))}",
            arguments=("covariate",),
        )
    assert dataset.rows is not None  # an experiment table was read: it has its row numbers
    raw = pd.Series(table.frame[column].to_numpy(), index=table.rows).reindex(dataset.rows)
    parsed = parse_number(raw.reset_index(drop=True))
    if parsed.invalid.any():
        position = int(np.flatnonzero(parsed.invalid.to_numpy())[0])
        raise SchemaError(
            f"{dataset.name}:{dataset.rows[position]}: column {column!r}: expected a number for "
            f"CUPED (got {raw.iloc[position]!r})"
        )
    return parsed.values.to_numpy(dtype=float)
