"""ecomplan.abtest.stats: properties and cross-checks against scipy/statsmodels."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy import integrate, optimize, stats

from ecomplan.abtest import stats as S

counts = st.integers(min_value=20, max_value=5000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n)))
alternatives = st.sampled_from(S.ALTERNATIVES)


# --------------------------------------------------------------------------- proportions


@given(counts, counts)
def test_pooled_z_squared_is_pearson_chi_square(control, treatment):
    (x_c, n_c), (x_t, n_t) = control, treatment
    z = S.two_proportion_ztest(x_c, n_c, x_t, n_t)
    chi2 = S.chi2_proportions([x_c, x_t], [n_c, n_t])
    if z.statistic is None:
        assert chi2.statistic is None
        return
    assert chi2.statistic == pytest.approx(z.statistic**2, rel=1e-9, abs=1e-12)
    assert chi2.p_value == pytest.approx(z.p_value, rel=1e-9, abs=1e-15)
    table = np.array([[x_c, n_c - x_c], [x_t, n_t - x_t]])
    scipy_chi2 = stats.chi2_contingency(table, correction=False)
    assert scipy_chi2.statistic == pytest.approx(z.statistic**2, rel=1e-9, abs=1e-12)


@given(counts, counts, alternatives)
def test_pooled_z_matches_statsmodels(control, treatment, alternative):
    from statsmodels.stats.proportion import proportions_ztest

    (x_c, n_c), (x_t, n_t) = control, treatment
    ours = S.two_proportion_ztest(x_c, n_c, x_t, n_t, alternative)
    assume(ours.statistic is not None)
    sm_alternative = {"two-sided": "two-sided", "greater": "larger", "less": "smaller"}[alternative]
    z, p = proportions_ztest([x_t, x_c], [n_t, n_c], alternative=sm_alternative)
    assert ours.statistic == pytest.approx(z, rel=1e-9)
    assert ours.p_value == pytest.approx(p, rel=1e-7, abs=1e-15)


def _numeric_restricted_mle(x_c, n_c, x_t, n_t, delta):
    def negative_loglik(pc):
        total = 0.0
        for x, n, p in ((x_c, n_c, pc), (x_t, n_t, pc + delta)):
            p = min(max(p, 1e-15), 1 - 1e-15)
            total += x * math.log(p) + (n - x) * math.log(1 - p)
        return -total

    found = optimize.minimize_scalar(
        negative_loglik, bounds=(max(0.0, -delta), min(1.0, 1 - delta)), method="bounded", options={"xatol": 1e-12}
    )
    return found.x + delta, found.x


@settings(max_examples=60)
@given(counts, counts, st.floats(-0.6, 0.6))
def test_restricted_mle_maximises_the_likelihood(control, treatment, delta):
    """Farrington–Manning's closed form equals numerical maximisation (statsmodels
    0.15's Miettinen–Nurminen cubic does not, see the docstring)."""
    (x_c, n_c), (x_t, n_t) = control, treatment
    pt, pc = S._restricted_mle_diff(x_c, n_c, x_t, n_t, delta)
    num_t, _num_c = _numeric_restricted_mle(x_c, n_c, x_t, n_t, delta)
    assert pt - pc == pytest.approx(delta, abs=1e-9)
    assert pt == pytest.approx(num_t, abs=2e-6)


@given(counts, counts, alternatives)
def test_score_interval_and_pooled_z_never_disagree(control, treatment, alternative):
    """CI/p duality: 0 lies outside the score interval exactly when p < α, and the
    statistic at each bound is the critical value."""
    (x_c, n_c), (x_t, n_t) = control, treatment
    z = S.two_proportion_ztest(x_c, n_c, x_t, n_t, alternative)
    assume(z.p_value is not None and abs(z.p_value - 0.05) > 1e-6)
    lower, upper = S.score_diff_interval(x_c, n_c, x_t, n_t, 0.05, alternative)
    excludes_zero = (lower is not None and lower > 0) or (upper is not None and upper < 0)
    assert excludes_zero == (z.p_value < 0.05)
    q = S.quantile(0.05, alternative)
    for bound, target in ((lower, q), (upper, -q)):
        if bound is not None and abs(bound) < 1 - 1e-9:
            assert S.score_diff_statistic(x_c, n_c, x_t, n_t, bound) == pytest.approx(target, abs=1e-6)
    ratio_low, ratio_high, _ = S.score_ratio_interval(x_c, n_c, x_t, n_t, 0.05, alternative)
    if x_c > 0:
        ratio_excludes_one = (ratio_low is not None and ratio_low > 1) or (ratio_high is not None and ratio_high < 1)
        assert ratio_excludes_one == (z.p_value < 0.05)


@settings(max_examples=40)
@given(st.integers(1, 2000).flatmap(lambda n: st.tuples(st.integers(1, n), st.just(n))), counts)
def test_score_ratio_interval_matches_statsmodels(control, treatment):
    from statsmodels.stats.proportion import confint_proportions_2indep

    (x_c, n_c), (x_t, n_t) = control, treatment
    assume(0 < x_t < n_t and x_c < n_c)
    lower, upper, unbounded = S.score_ratio_interval(x_c, n_c, x_t, n_t)
    low_sm, up_sm = confint_proportions_2indep(x_t, n_t, x_c, n_c, method="score", compare="ratio", correction=False)
    assert not unbounded
    # statsmodels' own root search stops about 2e-6 short on lopsided tables such as 1/20 vs 1900/1963
    # (hypothesis found it), so the comparison allows 1e-5; each end is checked to be the exact root.
    assert lower == pytest.approx(low_sm, rel=1e-5)
    assert upper == pytest.approx(up_sm, rel=1e-5)
    q = S.quantile(0.05, "two-sided")
    for end in (lower, upper):
        assert abs(S.score_ratio_statistic(x_c, n_c, x_t, n_t, end)) == pytest.approx(q, abs=1e-7)


def test_score_ratio_interval_is_exact_where_statsmodels_stops_early():
    lower, _, _ = S.score_ratio_interval(1900, 1963, 1, 20)
    assert S.score_ratio_statistic(1900, 1963, 1, 20, lower) == pytest.approx(S.quantile(0.05, "two-sided"), abs=1e-9)


def test_score_intervals_at_the_edges():
    assert S.score_diff_interval(0, 34, 0, 34) == pytest.approx((-0.10151455, 0.10151455), abs=1e-7)
    assert S.score_diff_interval(34, 34, 0, 34)[0] == -1.0
    assert S.score_diff_interval(0, 34, 34, 34)[1] == 1.0
    lower, upper, unbounded = S.score_ratio_interval(0, 34, 7, 34)
    assert unbounded and upper is None and lower > 1
    assert S.score_diff_interval(10, 100, 12, 100, alternative="greater")[1] is None
    assert S.score_diff_interval(10, 100, 12, 100, alternative="less")[0] is None


def test_exact_test_for_small_samples_and_fisher_for_sparse_large_ones():
    assert S.needs_exact_test(5, 100, 9, 100)
    assert S.needs_exact_test(1, 5000, 4, 5000)  # expected cells below 5
    assert not S.needs_exact_test(400, 10000, 450, 10000)
    result, test = S.exact_proportion_test(2, 5000, 9, 5000, "two-sided")
    assert test == "fisher_exact"
    assert result.p_value == pytest.approx(stats.fisher_exact([[9, 2], [4991, 4998]]).pvalue, rel=1e-12)
    result, test = S.exact_proportion_test(3, 40, 9, 40, "greater")
    assert test == "barnard_exact"
    assert result.p_value == pytest.approx(stats.barnard_exact([[9, 3], [31, 37]], alternative="greater").pvalue)


# --------------------------------------------------------------------------- means


means = st.tuples(st.floats(-50, 50), st.floats(0.5, 30), st.integers(5, 5000))


@given(means, means, alternatives)
def test_welch_matches_scipy(control, treatment, alternative):
    (m_c, s_c, n_c), (m_t, s_t, n_t) = control, treatment
    ours = S.welch_test(m_c, s_c**2 / n_c, n_c, m_t, s_t**2 / n_t, n_t, alternative)
    ref = stats.ttest_ind_from_stats(m_t, s_t, n_t, m_c, s_c, n_c, equal_var=False, alternative=alternative)
    assert ours.statistic == pytest.approx(ref.statistic, rel=1e-9, abs=1e-12)
    assert ours.p_value == pytest.approx(ref.pvalue, rel=1e-7, abs=1e-15)


@given(st.floats(1, 100), st.floats(-30, 30), st.floats(0.01, 50), st.floats(0.01, 50), alternatives)
def test_fieller_interval_agrees_with_the_absolute_test(control_mean, diff, var_c, var_t, alternative):
    """0 is outside Fieller's relative interval exactly when |Δ|/SE exceeds the
    critical value (the delta-method interval cannot promise this: DER-REL1)."""
    q = S.quantile(0.05, alternative)
    z = diff / math.sqrt(var_c + var_t)
    assume(abs(abs(z) - q) > 1e-6)
    lower, upper, unbounded = S.fieller_interval(diff, control_mean, var_c + var_t, var_c, -var_c, q, alternative)
    rejects = {"two-sided": abs(z) > q, "greater": z > q, "less": z < -q}[alternative]
    if unbounded:
        assert q * q * var_c >= control_mean**2
        return
    excludes_zero = (lower is not None and lower > 0) or (upper is not None and upper < 0)
    assert excludes_zero == rejects
    for bound in (lower, upper):
        if bound is not None:
            value = S.fieller_statistic(diff, control_mean, var_c + var_t, var_c, -var_c, bound)
            assert abs(value) == pytest.approx(q, rel=1e-7)


def test_fieller_unbounded_when_control_is_indistinguishable_from_zero():
    assert S.fieller_interval(1.0, 0.1, 0.05, 0.04, -0.04, 1.96) == (None, None, True)


def test_ratio_variance_is_the_linearised_variance():
    """Delta method: Var(ΣM/ΣD) ≈ Var(M − R·D)/(n μ_D²), computed from the rows."""
    rng = np.random.default_rng(3)
    orders = rng.poisson(0.3, 2000).astype(float)
    revenue = orders * rng.gamma(2.0, 60.0, 2000)
    n, ratio = len(orders), revenue.sum() / orders.sum()
    expected = np.var(revenue - ratio * orders, ddof=1) / (n * orders.mean() ** 2)
    got = S.ratio_variance(
        n, revenue.sum(), (revenue**2).sum(), orders.sum(), (orders**2).sum(), (revenue * orders).sum()
    )
    assert got == pytest.approx(expected, rel=1e-9)


def test_cuped_variance_is_the_variance_of_the_adjusted_metric():
    rng = np.random.default_rng(5)
    x = rng.gamma(1.0, 50.0, (2, 3000))
    y = 0.6 * x + rng.normal(0, 15, (2, 3000))
    arms = [
        S.CupedArm(3000, yi.sum(), (yi**2).sum(), xi.sum(), (xi**2).sum(), (xi * yi).sum())
        for xi, yi in zip(x, y, strict=False)
    ]
    theta = S.cuped_theta(arms)
    pooled = np.cov(x.ravel(), y.ravel())
    assert theta == pytest.approx(pooled[0, 1] / pooled[0, 0], rel=1e-9)
    for arm, xi, yi in zip(arms, x, y, strict=False):
        mean, variance, cov = S.cuped_arm(arm, theta, x.mean())
        adjusted = yi - theta * (xi - x.mean())
        assert mean == pytest.approx(adjusted.mean(), rel=1e-9)
        assert variance == pytest.approx(np.var(adjusted, ddof=1) / 3000, rel=1e-9)
        assert cov == pytest.approx(np.cov(adjusted, yi)[0, 1] / 3000, rel=1e-9)
        assert variance < np.var(yi, ddof=1) / 3000 * 0.3  # ρ² ≈ 0.8 here


# --------------------------------------------------------------------------- SRM and multiple testing


def test_srm_counts_an_arm_with_no_traffic():
    result = S.srm_test([5000, 4950, 0], [1, 1, 1])
    assert result.p_value < 1e-100 and result.df == 2
    balanced = S.srm_test([5000, 4950, 5030], [1, 1, 1])
    assert balanced.p_value > 0.5


def test_srm_uses_the_designed_weights():
    # 90/10 by design: 9,000 / 1,000 is no mismatch, under 50/50 it is
    assert S.srm_test([9000, 1000], [90, 10]).p_value > 0.5
    assert S.srm_test([9000, 1000], [50, 50]).p_value < 1e-100
    assert S.srm_test([9000, 1000], [0.9, 0.1]).statistic == pytest.approx(
        stats.chisquare([9000, 1000], [9000, 1000]).statistic
    )


@given(st.lists(st.floats(0, 1), min_size=1, max_size=12))
def test_holm_and_bh_match_statsmodels(p_values):
    from statsmodels.stats.multitest import multipletests

    holm, bh = S.holm(p_values), S.benjamini_hochberg(p_values)
    assert holm == pytest.approx(list(multipletests(p_values, method="holm")[1]), abs=1e-12)
    assert bh == pytest.approx(list(multipletests(p_values, method="fdr_bh")[1]), abs=1e-12)
    assert all(b <= h + 1e-12 for b, h in zip(bh, holm, strict=False))
    assert all(h >= p - 1e-12 for h, p in zip(holm, p_values, strict=False))


def test_adjust_keeps_missing_p_values_missing():
    assert S.adjust_p_values([0.01, None, 0.04], "holm") == pytest.approx([0.02, None, 0.04])
    assert S.adjust_p_values([0.01, 0.02], "none") == [0.01, 0.02]


# --------------------------------------------------------------------------- Bayesian


@settings(max_examples=25)
@given(st.integers(0, 300), st.integers(0, 300), st.integers(300, 2000))
def test_beta_binomial_matches_quadrature(x_c, x_t, n):
    a_c, b_c, a_t, b_t = 1 + x_c, 1 + n - x_c, 1 + x_t, 1 + n - x_t
    prob, loss_t, loss_c = S.beta_binomial(x_c, n, x_t, n)
    lo = min(stats.beta.ppf(1e-12, a_c, b_c), stats.beta.ppf(1e-12, a_t, b_t))
    hi = max(stats.beta.ppf(1 - 1e-12, a_c, b_c), stats.beta.ppf(1 - 1e-12, a_t, b_t))
    points = np.linspace(lo, hi, 20001)
    f_t = stats.beta.pdf(points, a_t, b_t)
    prob_ref = integrate.simpson(f_t * stats.beta.cdf(points, a_c, b_c), x=points)
    # E[max(p_c − p_t, 0)] = ∫ f_t(y) ∫_{x>y} (x − y) f_c(x) dx dy
    upper_tail = stats.beta.sf(points, a_c, b_c)
    partial_mean = a_c / (a_c + b_c) * stats.beta.sf(points, a_c + 1, b_c)
    loss_ref = integrate.simpson(f_t * (partial_mean - points * upper_tail), x=points)
    assert prob == pytest.approx(prob_ref, abs=1e-6)
    assert loss_t == pytest.approx(loss_ref, abs=1e-7)
    # the two losses differ by the difference of posterior means
    assert loss_c - loss_t == pytest.approx(a_t / (a_t + b_t) - a_c / (a_c + b_c), abs=1e-12)


def test_normal_expected_loss_matches_integration():
    mean, sd = 0.02, 0.05
    upside = integrate.quad(lambda x: max(x, 0) * stats.norm.pdf(x, mean, sd), -1, 1, points=[0])[0]
    assert S.normal_expected_loss(mean, sd)[0] == pytest.approx(upside, rel=1e-9)


def test_gaussian_posterior_with_prior_shrinks_towards_it():
    mean, sd = S.gaussian_posterior(0.2, 0.01, prior_mean=0.0, prior_variance=0.01)
    assert mean == pytest.approx(0.1) and sd == pytest.approx(math.sqrt(0.005))


# --------------------------------------------------------------------------- mSPRT


@given(st.lists(st.tuples(st.floats(-1, 1), st.floats(1e-4, 1)), min_size=1, max_size=30), st.floats(1e-3, 1))
def test_msprt_p_values_only_fall_and_match_the_confidence_sequence(looks, tau2):
    diffs, variances = np.array(looks).T
    p_values = S.msprt_p_values(diffs, variances, tau2)
    assert np.all(np.diff(p_values) <= 0) and np.all((p_values >= 0) & (p_values <= 1))
    radius = S.msprt_radius(variances, tau2, 0.05)
    outside = np.abs(diffs) > radius
    inverse = np.minimum(1, np.exp(-S.msprt_log_lambda(diffs, variances, tau2)))
    assert S.msprt_p_values([0.5, 0.5], [np.inf, 0.01], tau2)[0] == 1.0  # a look without data
    decided = np.abs(inverse - 0.05) > 1e-9
    assert np.array_equal(outside[decided], (inverse <= 0.05)[decided])


# --------------------------------------------------------------------------- power


@given(st.floats(0.01, 0.5), st.floats(0.05, 0.5), st.sampled_from([0.01, 0.05, 0.1]), st.floats(0.6, 0.95))
def test_sample_size_gives_the_power_it_promises(baseline, relative, alpha, power):
    delta = baseline * relative
    assume(baseline + delta < 1)
    n = S.sample_size_proportions(baseline, delta, alpha, power)
    achieved = S.power_proportions(baseline, delta, n, alpha)
    assert power - 1e-9 <= achieved <= power + 1e-3  # the far tail only adds
    assert S.mde_proportions(baseline, n, alpha, power) == pytest.approx(delta, rel=1e-7)


@given(st.floats(0.1, 100), st.floats(0.01, 10), st.sampled_from(S.ALTERNATIVES))
def test_means_sample_size_matches_statsmodels(std, delta, alternative):
    from statsmodels.stats.power import NormalIndPower

    effect = delta if alternative != "less" else -delta
    n = S.sample_size_means(std, effect, 0.05, 0.8, alternative)
    assume(n > 2)
    sm_alternative = {"two-sided": "two-sided", "greater": "larger", "less": "smaller"}[alternative]
    reference = NormalIndPower().solve_power(
        effect_size=effect / std, alpha=0.05, power=0.8, alternative=sm_alternative
    )
    assert n == pytest.approx(reference, rel=1e-3)  # statsmodels counts the far tail too
    assert S.mde_means(std, n, 0.05, 0.8, alternative) == pytest.approx(delta, rel=1e-9)
    assert S.power_means(std, effect, n, 0.05, alternative) == pytest.approx(0.8, abs=1e-3)
