"""A/B statistics as small pure functions on sufficient statistics.

Every function works on numbers (counts, sums, sums of squares), never on
DataFrames, so aggregate exports and per-user rows go through the same code
and each formula can be checked against its reference on its own. Each
function names its source. Conventions:

- `alternative` is about treatment minus control: "two-sided", "greater"
  (treatment better) or "less";
- `var_*` arguments are variances of an arm's *mean* (s²/n), unless named
  otherwise;
- functions return None for quantities that do not exist (zero visitors,
  zero variance), never NaN or an exception, so callers can say why.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

import numpy as np
import numpy.typing as npt
from scipy import optimize, special, stats

ALTERNATIVES = ("two-sided", "greater", "less")


def _check_alternative(alternative: str) -> None:
    if alternative not in ALTERNATIVES:
        raise ValueError(f"alternative must be one of {ALTERNATIVES}, got {alternative!r}")


# --------------------------------------------------------------------------- moments


def sample_variance(n: float, total: float, sum_sq: float) -> float | None:
    """Unbiased variance from n, Σy, Σy²: (Σy² − (Σy)²/n)/(n − 1).

    Source: gbstats `SampleMeanStatistic.variance`. Rounding can push a true
    zero slightly negative; it is clipped to 0.
    """
    if n < 2:
        return None
    return max((sum_sq - total * total / n) / (n - 1), 0.0)


def sample_covariance(n: float, sum_x: float, sum_y: float, sum_xy: float) -> float | None:
    """Unbiased covariance (Σxy − ΣxΣy/n)/(n − 1)."""
    if n < 2:
        return None
    return (sum_xy - sum_x * sum_y / n) / (n - 1)


def ratio_variance(
    n: float, num_sum: float, num_sum_sq: float, den_sum: float, den_sum_sq: float, num_den_sum: float
) -> float | None:
    """Variance of R = ΣM/ΣD by the delta method (Deng, Knoblich & Lu 2018; gbstats
    `variance_of_ratios`): Var(R) = (σ_M² − 2R σ_MD + R² σ_D²) / (n μ_D²).

    Used for AOV (revenue per order) where the unit of randomisation (user) is
    not the unit of the metric (order), so orders are not independent.
    """
    if n < 2 or den_sum == 0:
        return None
    ratio = num_sum / den_sum
    mean_den = den_sum / n
    # components unclipped: only the combination is a variance that must be >= 0
    var_num = (num_sum_sq - num_sum * num_sum / n) / (n - 1)
    var_den = (den_sum_sq - den_sum * den_sum / n) / (n - 1)
    cov = sample_covariance(n, num_sum, den_sum, num_den_sum)
    assert cov is not None  # n >= 2 was checked above
    value = (var_num - 2 * ratio * cov + ratio * ratio * var_den) / (n * mean_den * mean_den)
    return max(value, 0.0)


# --------------------------------------------------------------------------- p-values


def normal_p(z: float, alternative: str = "two-sided") -> float:
    """p-value of a standard-normal statistic for treatment − control."""
    _check_alternative(alternative)
    if alternative == "greater":
        return float(stats.norm.sf(z))
    if alternative == "less":
        return float(stats.norm.cdf(z))
    return float(2 * stats.norm.sf(abs(z)))


def t_p(t: float, df: float, alternative: str = "two-sided") -> float:
    """p-value of a Student-t statistic."""
    _check_alternative(alternative)
    if alternative == "greater":
        return float(stats.t.sf(t, df))
    if alternative == "less":
        return float(stats.t.cdf(t, df))
    return float(2 * stats.t.sf(abs(t), df))


def quantile(alpha: float, alternative: str, df: float | None = None) -> float:
    """Critical value: z (or t with `df`) at 1 − α/2 for two-sided, 1 − α for one-sided."""
    _check_alternative(alternative)
    level = 1 - alpha / 2 if alternative == "two-sided" else 1 - alpha
    return float(stats.norm.ppf(level) if df is None else stats.t.ppf(level, df))


# --------------------------------------------------------------------------- proportions


@dataclass(frozen=True)
class TestResult:
    statistic: float | None
    p_value: float | None
    df: float | None = None


def two_proportion_ztest(x_c: float, n_c: float, x_t: float, n_t: float, alternative: str = "two-sided") -> TestResult:
    """Pooled two-proportion z-test: z = (p_t − p_c)/√(p̄(1−p̄)(1/n_c + 1/n_t)).

    Source: statsmodels `proportions_ztest` (pooled variance), Evan Miller's
    chi-squared tool; z² equals Pearson's χ² on the 2×2 table without Yates'
    correction (R `prop.test(correct=FALSE)`). None when nobody or everybody
    converted (the pooled variance is 0).
    """
    if n_c <= 0 or n_t <= 0:
        return TestResult(None, None)
    pooled = (x_c + x_t) / (n_c + n_t)
    variance = pooled * (1 - pooled) * (1 / n_c + 1 / n_t)
    if variance <= 0:
        return TestResult(None, None)
    z = (x_t / n_t - x_c / n_c) / math.sqrt(variance)
    return TestResult(z, normal_p(z, alternative))


def chi2_proportions(counts: npt.ArrayLike, nobs: npt.ArrayLike) -> TestResult:
    """Pearson χ² test of homogeneity of k proportions (k×2 table, no continuity
    correction). Source: statsmodels `proportions_chisquare`, R `prop.test`."""
    counts = np.asarray(counts, dtype=float)
    nobs = np.asarray(nobs, dtype=float)
    pooled = counts.sum() / nobs.sum()
    if pooled <= 0 or pooled >= 1 or (nobs <= 0).any():
        return TestResult(None, None, float(len(counts) - 1))
    expected = np.concatenate([nobs * pooled, nobs * (1 - pooled)])
    observed = np.concatenate([counts, nobs - counts])
    chi2 = float(((observed - expected) ** 2 / expected).sum())
    df = len(counts) - 1
    return TestResult(chi2, float(stats.chi2.sf(chi2, df)), float(df))


EXACT_MAX_VISITORS = 1000  # Barnard's test costs O(n²); above this Fisher's is used when cells are sparse


def needs_exact_test(x_c: float, n_c: float, x_t: float, n_t: float) -> bool:
    """Small samples where the normal approximation is poor: fewer than 1,000
    visitors in the pair (tea-tasting's rule) or an expected cell below 5
    (Cochran's rule for the χ² test)."""
    total = n_c + n_t
    if total <= 0:
        return False
    pooled = (x_c + x_t) / total
    expected = min(n_c, n_t) * min(pooled, 1 - pooled)
    return total < EXACT_MAX_VISITORS or expected < 5


def exact_proportion_test(
    x_c: int, n_c: int, x_t: int, n_t: int, alternative: str = "two-sided"
) -> tuple[TestResult, str]:
    """Exact unconditional test for small samples: Barnard's (scipy
    `barnard_exact`, pooled Wald statistic) up to 1,000 visitors, Fisher's exact
    test beyond (sparse cells at large n, where Barnard's is too slow).

    The table's columns are the samples, treatment first, so scipy's
    alternative (p₁ vs p₂) is treatment vs control. Returns the result and
    the test name.
    """
    _check_alternative(alternative)
    table = [[int(x_t), int(x_c)], [int(n_t - x_t), int(n_c - x_c)]]
    if n_c + n_t <= EXACT_MAX_VISITORS:
        result = stats.barnard_exact(table, alternative=alternative)
        statistic = float(result.statistic) if np.isfinite(result.statistic) else None
        return TestResult(statistic, float(min(result.pvalue, 1.0))), "barnard_exact"
    result = stats.fisher_exact(table, alternative=alternative)
    return TestResult(float(result.statistic), float(result.pvalue)), "fisher_exact"


def _restricted_mle_diff(x_c: float, n_c: float, x_t: float, n_t: float, delta: float) -> tuple[float, float]:
    """Treatment and control rates maximising the likelihood under p_t − p_c = δ.

    Closed-form cubic root of Farrington & Manning (1990, eq. 6) with group 1 =
    treatment and θ = n_c/n_t. (statsmodels 0.15's `score_test_proportions_2indep`
    uses a transcription of Miettinen & Nurminen's cubic that misses the
    maximum; this one agrees with numerical maximisation in the tests.)
    """
    p1, p2 = x_t / n_t, x_c / n_c
    theta = n_c / n_t
    a = 1 + theta
    b = -(1 + theta + p1 + theta * p2 + delta * (theta + 2))
    c = delta * delta + delta * (2 * p1 + theta + 1) + p1 + theta * p2
    d = -p1 * delta * (1 + delta)
    v = b**3 / (27 * a**3) - b * c / (6 * a * a) + d / (2 * a)
    u = math.copysign(math.sqrt(max(b * b / (9 * a * a) - c / (3 * a), 0.0)), v)
    if u == 0:
        pt = -b / (3 * a)
    else:
        pt = 2 * u * math.cos((math.pi + math.acos(min(1.0, max(-1.0, v / u**3)))) / 3) - b / (3 * a)
    pt = min(1.0, max(0.0, pt))
    return pt, min(1.0, max(0.0, pt - delta))


def score_diff_statistic(x_c: float, n_c: float, x_t: float, n_t: float, delta: float = 0.0) -> float | None:
    """Score statistic for H0: p_t − p_c = δ, variance at the restricted MLE
    (Farrington & Manning 1990; Miettinen & Nurminen 1985 without their
    N/(N−1) factor). At δ = 0 it is exactly the pooled z statistic."""
    pt, pc = _restricted_mle_diff(x_c, n_c, x_t, n_t, delta)
    variance = pt * (1 - pt) / n_t + pc * (1 - pc) / n_c
    observed = x_t / n_t - x_c / n_c - delta
    if variance <= 0:
        return None if abs(observed) < 1e-12 else math.copysign(math.inf, observed)
    return observed / math.sqrt(variance)


def _restricted_mle_ratio(x_c: float, n_c: float, x_t: float, n_t: float, ratio: float) -> tuple[float, float]:
    """Rates maximising the likelihood under p_t = φ·p_c (Farrington & Manning 1990):
    the smaller root of N φ p² − (n_t φ + x_t + n_c + x_c φ) p + (x_t + x_c) = 0."""
    a = (n_c + n_t) * ratio
    b = -(n_t * ratio + x_t + n_c + x_c * ratio)
    c = x_t + x_c
    pc = (-b - math.sqrt(max(b * b - 4 * a * c, 0.0))) / (2 * a)
    return min(1.0, ratio * pc), pc


def score_ratio_statistic(x_c: float, n_c: float, x_t: float, n_t: float, ratio: float = 1.0) -> float | None:
    """Score statistic for H0: p_t / p_c = φ (Koopman 1984; Miettinen & Nurminen
    1985 without N/(N−1)): (p̂_t − φ p̂_c)/√(p̃_t(1−p̃_t)/n_t + φ² p̃_c(1−p̃_c)/n_c).
    At φ = 1 it is exactly the pooled z statistic."""
    pt, pc = _restricted_mle_ratio(x_c, n_c, x_t, n_t, ratio)
    variance = pt * (1 - pt) / n_t + ratio * ratio * pc * (1 - pc) / n_c
    observed = x_t / n_t - ratio * x_c / n_c
    if variance <= 0:
        return None if abs(observed) < 1e-12 else math.copysign(math.inf, observed)
    return observed / math.sqrt(variance)


def _invert(
    statistic: Callable[[float], float], q: float, low: float, high: float, alternative: str
) -> tuple[float | None, float | None]:
    """Confidence bounds {θ in [low, high] : statistic(θ) within ±q} for a statistic
    that decreases in θ. A bound the data cannot push inside the range is the
    range's edge; the side a one-sided alternative leaves open is None."""

    def bound(target: float) -> float:
        def f(theta: float) -> float:
            return statistic(theta) - target

        if f(low) <= 0:
            return low
        if f(high) >= 0:
            return high
        return cast(float, optimize.brentq(f, low, high, xtol=1e-13, rtol=1e-13, maxiter=500))

    lower = bound(q) if alternative in ("two-sided", "greater") else None
    upper = bound(-q) if alternative in ("two-sided", "less") else None
    return lower, upper


def score_diff_interval(
    x_c: float, n_c: float, x_t: float, n_t: float, alpha: float = 0.05, alternative: str = "two-sided"
) -> tuple[float | None, float | None]:
    """Confidence interval for p_t − p_c by inverting the score test (Miettinen–
    Nurminen without N/(N−1); statsmodels `confint_proportions_2indep(
    method="score", correction=False)`). It excludes 0 exactly when the pooled
    z-test rejects, so the CI and the p-value never disagree. One-sided
    alternatives give one bound; the other is None."""
    q = quantile(alpha, alternative)
    edge = 1 - 1e-12

    def statistic(delta: float) -> float:
        value = score_diff_statistic(x_c, n_c, x_t, n_t, delta)
        return 0.0 if value is None else value

    lower, upper = _invert(statistic, q, -edge, edge, alternative)

    def snap(x: float | None) -> float | None:
        return None if x is None else (math.copysign(1.0, x) if abs(x) >= edge else x)

    return snap(lower), snap(upper)


def score_ratio_interval(
    x_c: float, n_c: float, x_t: float, n_t: float, alpha: float = 0.05, alternative: str = "two-sided"
) -> tuple[float | None, float | None, bool]:
    """Confidence interval for the rate ratio p_t/p_c by inverting the score test
    (Koopman 1984), the proportion counterpart of Fieller's interval. The third
    value is True when the interval has no upper end (no control conversions)."""
    q = quantile(alpha, alternative)
    low, high = math.log(1e-9), math.log(1e9)

    def statistic(log_ratio: float) -> float:
        value = score_ratio_statistic(x_c, n_c, x_t, n_t, math.exp(log_ratio))
        return 0.0 if value is None else value

    lower, upper = _invert(statistic, q, low, high, alternative)
    unbounded = upper is not None and upper >= high
    lower = None if lower is None else (0.0 if lower <= low else math.exp(lower))
    upper = None if upper is None or unbounded else math.exp(upper)
    return lower, upper, unbounded


# --------------------------------------------------------------------------- means


def welch_df(var_c: float, n_c: float, var_t: float, n_t: float) -> float | None:
    """Welch–Satterthwaite degrees of freedom from the variances of the two means."""
    denominator = (var_c**2 / (n_c - 1) if n_c > 1 else math.inf) + (var_t**2 / (n_t - 1) if n_t > 1 else math.inf)
    if not denominator or not math.isfinite(denominator):
        return None
    return (var_c + var_t) ** 2 / denominator


def welch_test(
    mean_c: float,
    var_c: float,
    n_c: float,
    mean_t: float,
    var_t: float,
    n_t: float,
    alternative: str = "two-sided",
    null_diff: float = 0.0,
) -> TestResult:
    """Welch's t-test of mean_t − mean_c = null_diff (unequal variances).

    Source: scipy `ttest_ind(equal_var=False)`, gbstats `TTest`. `var_*` are
    variances of the means. A negative `null_diff` (−margin) makes it the
    non-inferiority test.
    """
    se_sq = var_c + var_t
    df = welch_df(var_c, n_c, var_t, n_t)
    if se_sq <= 0 or df is None:
        return TestResult(None, None, df)
    t = (mean_t - mean_c - null_diff) / math.sqrt(se_sq)
    return TestResult(t, t_p(t, df, alternative), df)


def fieller_interval(
    a: float, b: float, var_a: float, var_b: float, cov_ab: float, q: float, alternative: str = "two-sided"
) -> tuple[float | None, float | None, bool]:
    """Fieller's confidence set for ρ = a/b (Fieller 1954; Statsig's relative CI).

    The set {ρ : (a − ρb)² ≤ q²(var_a − 2ρ cov + ρ² var_b)}. It is a finite
    interval only when b is clearly away from 0 (g = q² var_b / b² < 1);
    otherwise it is unbounded and the third value is True. With a = Δ and
    b = control mean, 0 is outside the interval exactly when |Δ|/SE > q, so it
    always agrees with the test of the absolute difference (the delta-method
    interval does not). One-sided alternatives return one bound.
    """
    A = b * b - q * q * var_b
    B = a * b - q * q * cov_ab
    C = a * a - q * q * var_a
    if A <= 0 or b <= 0:
        return None, None, True
    root = math.sqrt(max(B * B - A * C, 0.0))
    low, high = (B - root) / A, (B + root) / A
    if alternative == "greater":
        return low, None, False
    if alternative == "less":
        return None, high, False
    return low, high, False


def fieller_statistic(a: float, b: float, var_a: float, var_b: float, cov_ab: float, ratio: float) -> float | None:
    """(a − ρb)/√(var_a − 2ρ cov + ρ² var_b): the test of H0 a/b = ρ behind Fieller's set.
    With a = Δ, b = control mean and ρ = −m it is the relative non-inferiority
    test (ȳ_t − (1−m)ȳ_c)/√(v_t + (1−m)² v_c)."""
    variance = var_a - 2 * ratio * cov_ab + ratio * ratio * var_b
    if variance <= 0:
        return None
    return (a - ratio * b) / math.sqrt(variance)


def relative_variance_delta(mean_c: float, var_c: float, mean_t: float, var_t: float) -> float | None:
    """Delta-method variance of the relative lift mean_t/mean_c − 1:
    var_t/μ_c² + var_c μ_t²/μ_c⁴ (gbstats `frequentist_variance` relative branch;
    `var_*` are variances of the means). Used for the Gaussian Bayesian lift."""
    if mean_c == 0:
        return None
    return var_t / mean_c**2 + var_c * mean_t**2 / mean_c**4


# --------------------------------------------------------------------------- CUPED


@dataclass(frozen=True)
class CupedArm:
    """Sufficient statistics of one arm for CUPED: metric y, pre-period covariate x."""

    n: float
    sum_y: float
    sum_y_sq: float
    sum_x: float
    sum_x_sq: float
    sum_xy: float


def cuped_theta(arms: list[CupedArm]) -> float | None:
    """θ = Cov(Y, X)/Var(X) on all arms pooled (Deng et al. 2013; gbstats uses the
    pooled θ so the adjustment does not depend on the treatment)."""
    n = sum(a.n for a in arms)
    sum_x, sum_y = sum(a.sum_x for a in arms), sum(a.sum_y for a in arms)
    var_x = sample_variance(n, sum_x, sum(a.sum_x_sq for a in arms))
    cov = sample_covariance(n, sum_x, sum_y, sum(a.sum_xy for a in arms))
    if var_x is None or cov is None or var_x <= 0:
        return None
    return cov / var_x


def cuped_arm(arm: CupedArm, theta: float, pooled_x_mean: float) -> tuple[float, float, float]:
    """Adjusted mean, variance of the adjusted mean, and Cov(adjusted mean, raw mean).

    ȳ' = ȳ − θ(x̄ − x̄_pooled); Var(ȳ') = (s_y² + θ² s_x² − 2θ s_xy)/n
    (Deng et al. 2013, eq. 3; gbstats `RegressionAdjustedStatistic`).
    """
    var_y = sample_variance(arm.n, arm.sum_y, arm.sum_y_sq) or 0.0
    var_x = sample_variance(arm.n, arm.sum_x, arm.sum_x_sq) or 0.0
    cov = sample_covariance(arm.n, arm.sum_x, arm.sum_y, arm.sum_xy) or 0.0
    mean = arm.sum_y / arm.n - theta * (arm.sum_x / arm.n - pooled_x_mean)
    variance = max(var_y + theta * theta * var_x - 2 * theta * cov, 0.0) / arm.n
    return mean, variance, (var_y - theta * cov) / arm.n


# --------------------------------------------------------------------------- SRM


def srm_test(observed: npt.ArrayLike, weights: npt.ArrayLike) -> TestResult:
    """Sample-ratio-mismatch χ² goodness of fit against the designed split.

    χ² = Σ(O − E)²/E with E_i = w_i N / Σw, df k − 1 (Kohavi, Tang & Xu 2020
    ch. 3; gbstats `check_srm`). Arms with zero traffic stay in the test
    (growthbook PR #4439): an arm that got nobody is the worst mismatch.
    """
    observed = np.asarray(observed, dtype=float)
    weights = np.asarray(weights, dtype=float)
    total = observed.sum()
    if len(observed) < 2 or total <= 0:
        return TestResult(None, None)
    expected = weights / weights.sum() * total
    chi2 = float(((observed - expected) ** 2 / expected).sum())
    df = len(observed) - 1
    return TestResult(chi2, float(stats.chi2.sf(chi2, df)), float(df))


# --------------------------------------------------------------------------- multiple testing


def holm(p_values: npt.ArrayLike) -> list[float]:
    """Holm–Bonferroni step-down adjusted p-values, in input order (Holm 1979;
    R `p.adjust(method="holm")`)."""
    p = np.asarray(p_values, dtype=float)
    m = len(p)
    order = np.argsort(p, kind="stable")
    adjusted = np.maximum.accumulate((m - np.arange(m)) * p[order])
    out = np.empty(m)
    out[order] = np.minimum(adjusted, 1.0)
    return out.tolist()


def benjamini_hochberg(p_values: npt.ArrayLike) -> list[float]:
    """Benjamini–Hochberg step-up adjusted p-values (FDR), in input order
    (R `p.adjust(method="BH")`)."""
    p = np.asarray(p_values, dtype=float)
    m = len(p)
    order = np.argsort(p, kind="stable")[::-1]
    ranks = np.arange(m, 0, -1)
    adjusted = np.minimum.accumulate(m / ranks * p[order])
    out = np.empty(m)
    out[order] = np.minimum(adjusted, 1.0)
    return out.tolist()


def adjust_p_values(p_values: list[float | None], method: str) -> list[float | None]:
    """Adjust the p-values that exist; None stays None (it is not a comparison)."""
    present = [i for i, p in enumerate(p_values) if p is not None]
    out: list[float | None] = list(p_values)
    if not present or method == "none":
        return out
    if method not in ("holm", "bh"):
        raise ValueError(f"correction must be holm, bh or none, got {method!r}")
    adjusted = (holm if method == "holm" else benjamini_hochberg)([p for p in p_values if p is not None])
    for i, value in zip(present, adjusted, strict=False):
        out[i] = value
    return out


# --------------------------------------------------------------------------- Bayesian


def prob_beta_greater(a_x: float, b_x: float, a_y: float, b_y: float) -> float:
    """P(X > Y) for independent X ~ Beta(a_x, b_x), Y ~ Beta(a_y, b_y), integer a.

    Evan Miller, "Formulas for Bayesian A/B testing" (2015):
    P(X > Y) = Σ_{i=0}^{a_x−1} B(a_y+i, b_y+b_x) / ((b_x+i) B(1+i, b_x) B(a_y, b_y)),
    summed in log space. The sum runs over the smaller shape parameter
    (P(X > Y) = 1 − P(Y > X) for continuous variables).
    """
    if a_y < a_x:
        return 1.0 - prob_beta_greater(a_y, b_y, a_x, b_x)
    i = np.arange(round(a_x), dtype=float)
    terms = special.betaln(a_y + i, b_y + b_x) - np.log(b_x + i) - special.betaln(1 + i, b_x) - special.betaln(a_y, b_y)
    return float(min(1.0, max(0.0, np.exp(special.logsumexp(terms)))))


def beta_binomial(
    x_c: int, n_c: int, x_t: int, n_t: int, prior: tuple[float, float] = (1.0, 1.0)
) -> tuple[float, float, float]:
    """Posterior comparison of two conversion rates with Beta priors.

    Returns (P(p_t > p_c), E[max(p_c − p_t, 0)], E[max(p_t − p_c, 0)]): the
    chance the variant beats control, the expected loss (in conversion rate)
    of shipping the variant, and of keeping control. Losses use
    x·Beta(a, b) = a/(a+b)·Beta(a+1, b) (Stucchio 2015) with Evan Miller's sum.
    """
    a_c, b_c = prior[0] + x_c, prior[1] + n_c - x_c
    a_t, b_t = prior[0] + x_t, prior[1] + n_t - x_t
    mean_c, mean_t = a_c / (a_c + b_c), a_t / (a_t + b_t)
    prob_t_wins = prob_beta_greater(a_t, b_t, a_c, b_c)
    # E[p_c 1(p_c > p_t)] − E[p_t 1(p_c > p_t)]
    loss_t = mean_c * prob_beta_greater(a_c + 1, b_c, a_t, b_t) - mean_t * prob_beta_greater(a_c, b_c, a_t + 1, b_t)
    loss_c = mean_t * prob_beta_greater(a_t + 1, b_t, a_c, b_c) - mean_c * prob_beta_greater(a_t, b_t, a_c + 1, b_c)
    return prob_t_wins, max(loss_t, 0.0), max(loss_c, 0.0)


def gaussian_posterior(
    estimate: float, variance: float, prior_mean: float = 0.0, prior_variance: float | None = None
) -> tuple[float, float]:
    """Normal–normal posterior of an effect: flat prior (None) keeps the estimate;
    a proper prior N(μ₀, σ₀²) gives σ² = 1/(1/σ₀² + 1/σ̂²), μ = σ²(μ₀/σ₀² + Δ̂/σ̂²)
    (gbstats `EffectBayesianABTest`). Returns (mean, sd)."""
    if prior_variance is None:
        return estimate, math.sqrt(variance)
    post_var = 1 / (1 / prior_variance + 1 / variance)
    return post_var * (prior_mean / prior_variance + estimate / variance), math.sqrt(post_var)


def normal_expected_loss(mean: float, sd: float) -> tuple[float, float]:
    """(E[max(X, 0)], E[max(−X, 0)]) for X ~ N(mean, sd²): μΦ(μ/σ) + σφ(μ/σ), and that
    minus μ. For X = lift these are the risk of keeping control and of shipping
    the variant (gbstats `risk`)."""
    if sd <= 0:
        return max(mean, 0.0), max(-mean, 0.0)
    z = mean / sd
    upside = mean * stats.norm.cdf(z) + sd * stats.norm.pdf(z)
    return float(upside), float(upside - mean)


# --------------------------------------------------------------------------- sequential (mSPRT)


def msprt_log_lambda(
    diff: npt.ArrayLike, variance: npt.ArrayLike, tau2: float, null_diff: float = 0.0
) -> npt.NDArray[np.float64]:
    """log of the normal-mixture SPRT likelihood ratio (Johari, Koomen, Pekelis &
    Walsh 2017): Λ = √(v/(v+τ²)) · exp(τ²(Δ̂−θ₀)²/(2v(v+τ²))), v = Var(Δ̂), mixture
    N(θ₀, τ²). Element-wise on arrays of looks; logs because Λ overflows for
    large effects. A look with infinite variance carries no evidence (log Λ = 0)."""
    diff = np.asarray(diff, dtype=float)
    v = np.asarray(variance, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        log_lambda = 0.5 * np.log(v / (v + tau2)) + tau2 * (diff - null_diff) ** 2 / (2 * v * (v + tau2))
    return np.where(np.isinf(v), 0.0, log_lambda)


def msprt_p_values(diffs: npt.ArrayLike, variances: npt.ArrayLike, tau2: float) -> npt.NDArray[np.float64]:
    """Always-valid p-values over looks: p_t = min(1, min_{s≤t} 1/Λ_s) (Johari et al.
    2017, eq. 11). Looking at them every day keeps the false-positive rate ≤ α."""
    inverse = np.minimum(1.0, np.exp(-msprt_log_lambda(diffs, variances, tau2)))
    return np.minimum.accumulate(inverse, axis=-1)


def msprt_radius(variance: npt.ArrayLike, tau2: float, alpha: float) -> npt.NDArray[np.float64]:
    """Half-width of the mSPRT confidence sequence {θ : Λ(θ) < 1/α}:
    √(2v(v+τ²)/τ² · ln(√((v+τ²)/v)/α)). Intersected over looks it is valid at
    every look and excludes 0 exactly when the always-valid p ≤ α."""
    v = np.asarray(variance, dtype=float)
    radius = np.sqrt(2 * v * (v + tau2) / tau2 * np.log(np.sqrt((v + tau2) / v) / alpha))
    return cast(npt.NDArray[np.float64], radius)  # numpy's ufunc stubs return Any


# --------------------------------------------------------------------------- power and sample size


def normal_power(
    effect: float, se_null: float, se_alt: float, alpha: float = 0.05, alternative: str = "two-sided"
) -> float:
    """Probability to reject with a z-test when the true effect is `effect`.

    The test uses the null standard error, the estimate spreads with the
    alternative's; two-sided power includes the opposite tail (statsmodels
    `NormalIndPower`)."""
    q = quantile(alpha, alternative)
    upper = stats.norm.sf((q * se_null - effect) / se_alt)
    lower = stats.norm.cdf((-q * se_null - effect) / se_alt)
    if alternative == "greater":
        return float(upper)
    if alternative == "less":
        return float(lower)
    return float(upper + lower)


def sample_size_proportions(
    baseline: float, delta: float, alpha: float = 0.05, power: float = 0.8, alternative: str = "two-sided"
) -> float:
    """Visitors per variant to detect p → p + δ (absolute), Evan Miller's formula:
    n = (z_α √(2p(1−p)) + z_β √(p(1−p) + (p+δ)(1−p−δ)))² / δ² (evanmiller.org
    sample-size calculator; the null spread at the baseline, the alternative's
    unpooled). Unrounded; plans round up."""
    p2 = baseline + delta
    z_a, z_b = quantile(alpha, alternative), cast(float, stats.norm.ppf(power))
    spread = z_a * math.sqrt(2 * baseline * (1 - baseline)) + z_b * math.sqrt(baseline * (1 - baseline) + p2 * (1 - p2))
    return spread * spread / (delta * delta)


def power_proportions(
    baseline: float, delta: float, n: float, alpha: float = 0.05, alternative: str = "two-sided"
) -> float:
    """Power of the two-proportion z-test with n visitors per variant (same model as
    `sample_size_proportions`)."""
    p2 = baseline + delta
    se_null = math.sqrt(2 * baseline * (1 - baseline) / n)
    se_alt = math.sqrt((baseline * (1 - baseline) + p2 * (1 - p2)) / n)
    return normal_power(delta, se_null, se_alt, alpha, alternative)


def sample_size_means(
    std: float, delta: float, alpha: float = 0.05, power: float = 0.8, alternative: str = "two-sided"
) -> float:
    """Per-variant n for a difference δ in means with standard deviation σ in both arms:
    n = 2σ²(z_α + z_β)²/δ² (normal approximation; Kohavi's 16σ²/δ² at α=.05,
    power .8). Unrounded."""
    z_a, z_b = quantile(alpha, alternative), cast(float, stats.norm.ppf(power))
    return 2 * std * std * (z_a + z_b) ** 2 / (delta * delta)


def power_means(std: float, delta: float, n: float, alpha: float = 0.05, alternative: str = "two-sided") -> float:
    se = std * math.sqrt(2 / n)
    return normal_power(delta, se, se, alpha, alternative)


def mde_proportions(
    baseline: float,
    n: float,
    alpha: float = 0.05,
    power: float = 0.8,
    alternative: str = "two-sided",
    direction: int = 1,
) -> float | None:
    """Smallest absolute δ (increase by default) that n visitors per variant detect
    with the given power: the root of `sample_size_proportions(δ) = n`. None when
    even the largest possible change is not detectable."""
    top = (1 - baseline if direction > 0 else baseline) - 1e-12

    def f(d: float) -> float:
        return sample_size_proportions(baseline, direction * d, alpha, power, alternative) - n

    if top <= 0 or f(top) > 0:
        return None
    return direction * cast(float, optimize.brentq(f, 1e-12, top, xtol=1e-14, rtol=1e-12))


def mde_means(std: float, n: float, alpha: float = 0.05, power: float = 0.8, alternative: str = "two-sided") -> float:
    """Smallest difference in means n per variant detects: (z_α + z_β)σ√(2/n)."""
    z_a, z_b = quantile(alpha, alternative), cast(float, stats.norm.ppf(power))
    return (z_a + z_b) * std * math.sqrt(2 / n)
