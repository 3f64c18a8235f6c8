"""Published A/B-test vectors (../shared/vectors/abtest_vectors.json) against ecomplan.abtest.stats.

Each vector runs through the same pure functions `ecomplan abtest evaluate`
and `plan` use, within the tolerance the vector states. Vectors for methods
ecomplan does not implement are skipped with the reason (see NOT_APPLICABLE).
"""

from __future__ import annotations

import json
import math
import os
import re
from pathlib import Path

import pytest
from scipy import optimize, stats

from ecomplan.abtest import stats as S

VECTORS = (
    Path(os.environ.get("ECOMPLAN_SHARED", Path(__file__).resolve().parents[2] / "shared"))
    / "vectors"
    / "abtest_vectors.json"
)

NOT_APPLICABLE = {
    "GB-S1": "GrowthBook asymptotic confidence sequences; ecomplan's sequential method is mSPRT (DER-MSPRT1)",
    "GB-S2": "GrowthBook asymptotic confidence sequences; ecomplan's sequential method is mSPRT (DER-MSPRT1)",
    "GB-S3": "GrowthBook asymptotic confidence sequences; ecomplan's sequential method is mSPRT (DER-MSPRT1)",
    "GB-P1": "GrowthBook power on the delta-method relative lift split over all arms; ecomplan plans with "
    "Evan Miller's formula (EM-SS1, SP-SS*, SM-P*)",
    "GB-P3": "GrowthBook week-by-week power on the relative lift; ecomplan plans with Evan Miller's formula",
    "SM-Z1": "one-sample proportion test; an A/B test always compares two samples",
    "SM-ES1": "Cohen's h (arcsine effect size) is not used by ecomplan's planning",
    "SM-P3": "non-central t power; ecomplan's planning uses normal approximations (SM-P1/P2 check those)",
    "EX-T1": "pooled-variance Student t; ecomplan uses Welch's t for means (GB-T2, EX-T2's Welch values)",
    "EX-T2": "needs expan's normtemp data file, which is not in ../shared",
    "SRM-4": "sequential SSRM (Dirichlet-multinomial Bayes factor) is not implemented; SRM uses the χ² test",
    "SCI-1": "Fisher's exact test only serves sparse tables above 1,000 visitors; cross-checked with scipy in "
    "test_abtest_stats",
    "SCI-3": "Boschloo's test is not used (Barnard's is the small-sample test: SCI-2)",
    "SCI-4": "Mann-Whitney is not offered (it tests a distribution shift, not the mean revenue)",
    "SCI-5": "Dunnett's many-to-one test is not offered (Holm/BH adjust the pairwise tests)",
    "GST-1": "group-sequential boundaries are not implemented (--sequential msprt instead)",
    "LD-1": "Lan-DeMets spending is not implemented (--sequential msprt instead)",
    "SP-GST1": "group-sequential adjusted alpha is not implemented (--sequential msprt instead)",
}


def _load() -> list[dict]:
    if not VECTORS.exists():
        return []
    return json.loads(VECTORS.read_text(encoding="utf-8"))


ALL = _load()
PARAMS = [
    pytest.param(
        v,
        id=v["id"],
        marks=[pytest.mark.realdata]
        + ([pytest.mark.skip(reason=NOT_APPLICABLE[v["id"]])] if v["id"] in NOT_APPLICABLE else []),
    )
    for v in ALL
] or [pytest.param(None, id="vectors-missing", marks=pytest.mark.skip(reason=f"{VECTORS} is absent (only in CI/dev)"))]


def tolerance(text: str) -> dict:
    """'abs 5e-6 (5 d.p.)', '5 d.p.', '1e-9', 'rtol 0.005', '3 s.f.', 'round() to integer' → a rule."""
    text = re.sub(r"^(ci|p:?|wald/ac)\s+", "", text.strip().lower())
    if text.startswith("round()"):
        return {"round": True}
    if found := re.match(r"abs\s+([0-9.e+-]+)", text):
        return {"abs": float(found.group(1))}
    if found := re.match(r"rtol\s+([0-9.e+-]+)", text):
        return {"rel": float(found.group(1))}
    if found := re.match(r"(\d+)\s*d\.p\.", text):
        return {"abs": 0.5 * 10 ** -int(found.group(1)) + 1e-15}
    if found := re.match(r"(\d+)\s*s\.f\.", text):
        return {"sig": int(found.group(1))}
    if found := re.match(r"([0-9.]+e-?\d+|[0-9.]+)\b", text):
        return {"abs": float(found.group(1))}
    raise ValueError(f"unparsed tolerance {text!r}")


def close(actual, expected, rule: dict, what: str = "") -> None:
    if isinstance(expected, (list, tuple)):
        assert len(actual) == len(expected), what
        for i, (a, e) in enumerate(zip(actual, expected, strict=False)):
            close(a, e, rule, f"{what}[{i}]")
        return
    assert actual is not None, f"{what}: got None, expected {expected}"
    if "sig" in rule:  # published to N significant figures, rounded or truncated: one unit in the last place
        unit = 10 ** (math.floor(math.log10(abs(expected))) - rule["sig"] + 1)
        assert abs(actual - expected) < unit, f"{what}: {actual} vs {expected} to {rule['sig']} s.f."
    elif "round" in rule:
        assert round(actual) == expected, f"{what}: round({actual}) != {expected}"
    elif "rel" in rule:
        assert actual == pytest.approx(expected, rel=rule["rel"]), f"{what}: {actual} vs {expected}"
    else:
        assert abs(actual - expected) <= rule["abs"], f"{what}: {actual} vs {expected} (abs {rule['abs']})"


def test_tolerance_parser_reads_every_stated_tolerance():
    for vector in ALL:
        first = re.split(r"[;,]", vector["tolerance"])[0]
        assert tolerance(first), vector["id"]


def _mean_arm(arm: dict) -> tuple[float, float, float]:
    """(mean, variance of the mean, n) from sum / sum_squares / n."""
    n = arm["n"]
    return arm["sum"] / n, S.sample_variance(n, arm["sum"], arm["sum_squares"]) / n, n


def _prop_arm(arm: dict) -> tuple[float, float, float]:
    """Bernoulli arm with gbstats' variance p(1−p) (no n−1)."""
    p = arm["conversions"] / arm["n"]
    return p, p * (1 - p) / arm["n"], arm["n"]


def _relative(control, treatment, alpha, alternative):
    """Delta-method relative lift with Welch df and t quantiles (gbstats `TTest`)."""
    (mc, vc, nc), (mt, vt, nt) = control, treatment
    lift = mt / mc - 1
    se = math.sqrt(S.relative_variance_delta(mc, vc, mt, vt))
    df = S.welch_df(vc, nc, vt, nt)
    q = S.quantile(alpha, alternative, df)
    return {"expected": lift, "se": se, "p": S.t_p(lift / se, df, alternative), "ci": [lift - q * se, lift + q * se]}


def _absolute(control, treatment, alpha, alternative):
    (mc, vc, nc), (mt, vt, nt) = control, treatment
    result = S.welch_test(mc, vc, nc, mt, vt, nt, alternative)
    se = math.sqrt(vc + vt)
    q = S.quantile(alpha, alternative, result.df)
    return {"expected": mt - mc, "se": se, "p": result.p_value, "ci": [mt - mc - q * se, mt - mc + q * se]}


@pytest.mark.parametrize("vector", PARAMS)
def test_vector(vector):
    check = globals()["check_" + vector["id"].replace("-", "_")]
    check(vector["inputs"], vector["expected"], vector["tolerance"])


# --------------------------------------------------------------------------- GrowthBook frequentist


def check_GB_T1(inputs, expected, tol):
    got = _relative(_mean_arm(inputs["control"]), _mean_arm(inputs["treatment"]), inputs["alpha"], "two-sided")
    for key in ("expected", "ci", "se", "p"):
        close(got[key], expected[key], tolerance(tol), key)


def check_GB_T2(inputs, expected, tol):
    got = _absolute(_mean_arm(inputs["control"]), _mean_arm(inputs["treatment"]), inputs["alpha"], "two-sided")
    for key in ("expected", "ci", "se", "p"):
        close(got[key], expected[key], tolerance(tol), key)


def check_GB_T3(inputs, expected, tol):
    got = _relative(_prop_arm(inputs["control"]), _prop_arm(inputs["treatment"]), 0.05, "two-sided")
    for key in ("expected", "ci", "se", "p"):
        close(got[key], expected[key], tolerance(tol), key)


def _one_sided(inputs, expected, tol, alternative, bound):
    control, treatment = _mean_arm(inputs["control"]), _mean_arm(inputs["treatment"])
    for scale, compute in (("relative", _relative), ("absolute", _absolute)):
        got = compute(control, treatment, inputs["alpha"], alternative)
        want = expected[scale]
        close(got["p"], want["p"], tolerance(tol), f"{scale} p")
        close(got["ci"][0 if bound == "ci_lower" else 1], want[bound], tolerance(tol), f"{scale} {bound}")
        if "expected" in want:
            close(got["expected"], want["expected"], tolerance(tol), f"{scale} expected")
            close(got["se"], want["se"], tolerance(tol), f"{scale} se")


def check_GB_T4(inputs, expected, tol):
    _one_sided(inputs, expected, tol, "greater", "ci_lower")


def check_GB_T5(inputs, expected, tol):
    _one_sided(inputs, expected, tol, "less", "ci_upper")


def check_GB_C1(inputs, expected, tol):
    """θ, raw means and the CUPED relative estimate (adjusted diff / control mean), as
    evaluate computes them. GB's p (0.003732549) comes from its relative-variance
    formula, which ecomplan does not use: it tests the adjusted absolute
    difference (cross-checked against OLS in test_abtest_evaluate)."""
    arms = [
        S.CupedArm(a["n"], a["post_sum"], a["post_ss"], a["pre_sum"], a["pre_ss"], a["post_pre_sumprod"])
        for a in (inputs["control"], inputs["treatment"])
    ]
    rule = tolerance(tol)
    theta = S.cuped_theta(arms)
    close(theta, expected["theta"], rule, "theta")
    close(arms[0].sum_y / arms[0].n, expected["control_mean_unadjusted"], rule, "control mean")
    close(arms[1].sum_y / arms[1].n, expected["treatment_mean_unadjusted"], rule, "treatment mean")
    pooled_x = (arms[0].sum_x + arms[1].sum_x) / (arms[0].n + arms[1].n)
    adj_c, _, _ = S.cuped_arm(arms[0], theta, pooled_x)
    adj_t, _, _ = S.cuped_arm(arms[1], theta, pooled_x)
    close((adj_t - adj_c) / (arms[0].sum_y / arms[0].n), expected["expected"], rule, "relative")


def _ratio_arm(arm):
    n = arm["n"]
    return (
        arm["num_sum"] / arm["den_sum"],
        S.ratio_variance(n, arm["num_sum"], arm["num_ss"], arm["den_sum"], arm["den_ss"], arm["num_den_sumprod"]),
        n,
    )


def _bayes_relative(control, treatment, prior=None):
    (mc, vc, _), (mt, vt, _) = control, treatment
    variance = S.relative_variance_delta(mc, vc, mt, vt)
    if prior is None:
        return S.gaussian_posterior(mt / mc - 1, variance)
    return S.gaussian_posterior(mt / mc - 1, variance, prior["mean"], prior["variance"])


def check_GB_R1(inputs, expected, tol):
    control, treatment = _ratio_arm(inputs["control"]), _ratio_arm(inputs["treatment"])
    rule = tolerance(tol)
    close(control[0], expected["control_ratio"], rule, "control ratio")
    close(treatment[0], expected["treatment_ratio"], rule, "treatment ratio")
    got = _relative(control, treatment, 0.05, "two-sided")
    close(got["expected"], expected["expected_rel"], rule, "relative")
    close(got["p"], expected["p_freq"], rule, "p")
    mean, sd = _bayes_relative(control, treatment)
    close(stats.norm.sf(0, mean, sd), expected["bayes_ctw"], rule, "chance to win")
    close(S.normal_expected_loss(mean, sd)[1], expected["bayes_risk_treatment"], rule, "risk")


def check_GB_M1(inputs, expected, tol):
    control, treatment = _mean_arm(inputs["control"]), _mean_arm(inputs["treatment"])
    rule = tolerance(tol)
    got = _relative(control, treatment, 0.05, "two-sided")
    close(got["expected"], expected["expected_rel"], rule, "relative")
    close(got["p"], expected["p"], rule, "p")
    mean, sd = _bayes_relative(control, treatment)
    close(stats.norm.sf(0, mean, sd), expected["ctw"], rule, "chance to win")
    close(S.normal_expected_loss(mean, sd)[1], expected["risk_treatment"], rule, "risk")


# --------------------------------------------------------------------------- GrowthBook Bayesian


def _bayes_vector(control, treatment, prior, expected, tol):
    mean, sd = _bayes_relative(control, treatment, prior)
    rule = tolerance(tol)
    z = stats.norm.ppf(0.975)
    close(mean, expected["expected"], rule, "mean")
    close(sd, expected["sd"], rule, "sd")
    close([mean - z * sd, mean + z * sd], expected["ci"], rule, "credible interval")
    close(stats.norm.sf(0, mean, sd), expected["chance_to_win"], rule, "chance to win")
    close(list(S.normal_expected_loss(mean, sd)), expected["risk"], rule, "risk")


def check_GB_B1(inputs, expected, tol):
    _bayes_vector(_prop_arm(inputs["control"]), _prop_arm(inputs["treatment"]), None, expected, tol)


def check_GB_B2(inputs, expected, tol):
    _bayes_vector(_mean_arm(inputs["control"]), _mean_arm(inputs["treatment"]), None, expected, tol)


def check_GB_B3(inputs, expected, tol):
    _bayes_vector(_mean_arm(inputs["control"]), _mean_arm(inputs["treatment"]), inputs["prior"], expected, tol)


def check_GB_B4(inputs, expected, tol):
    close(list(S.normal_expected_loss(inputs["mu"], inputs["sigma"])), expected["risk"], tolerance(tol), "risk")


# --------------------------------------------------------------------------- multiple testing


def check_GB_MT1(inputs, expected, tol):
    close(S.holm(inputs["p"]), expected["adjusted"], tolerance(tol), "holm")


def check_GB_MT2(inputs, expected, tol):
    close(S.benjamini_hochberg(inputs["p"]), expected["adjusted"], tolerance(tol), "bh")


def check_SM_MT1(inputs, expected, tol):
    """Holm and BH (ecomplan's --correction choices); BY is not offered."""
    close(S.holm(inputs["p"]), expected["holm"], tolerance(tol), "holm")
    close(S.benjamini_hochberg(inputs["p"]), expected["bh"], tolerance(tol), "bh")


# --------------------------------------------------------------------------- power and planning


def check_GB_P2(inputs, expected, tol):
    var_a, var_b = inputs["varA"] / inputs["nA"], inputs["varB"] / inputs["nB"]
    rule = tolerance(tol)
    close(var_a + var_b, expected["absolute"], rule, "absolute")
    close(
        S.relative_variance_delta(inputs["meanA"], var_a, inputs["meanB"], var_b),
        expected["relative"],
        rule,
        "relative",
    )


def check_SM_P1(inputs, expected, tol):
    se = math.sqrt(1 / inputs["nobs1"] + 1 / (inputs["nobs1"] * inputs["ratio"]))
    close(S.normal_power(inputs["effect_size"], se, se, inputs["alpha"]), expected["power"], tolerance(tol), "power")


def check_SM_P2(inputs, expected, tol):
    se = math.sqrt(2 / inputs["nobs1"])
    alternative = {"smaller": "less", "larger": "greater"}[inputs["alternative"]]
    close(S.normal_power(inputs["h"], se, se, inputs["alpha"], alternative), expected["power"], tolerance(tol), "power")


def _power_2indep(diff, p2, n):
    """statsmodels `power_proportions_2indep` / R `power.prop.test`: null spread at the
    average rate, alternative spread unpooled, through ecomplan's normal_power."""
    p1 = p2 + diff
    average = (p1 + p2) / 2
    return S.normal_power(
        diff, math.sqrt(2 * average * (1 - average) / n), math.sqrt((p1 * (1 - p1) + p2 * (1 - p2)) / n)
    )


def check_SM_P4(inputs, expected, tol):
    rule = tolerance(tol)
    close(_power_2indep(inputs["diff"], inputs["prop2"], inputs["nobs1"]), expected["power"], rule, "power")
    n = optimize.brentq(lambda n: _power_2indep(inputs["diff"], inputs["prop2"], n) - 0.9, 10, 1000, xtol=1e-10)
    close(n, expected["samplesize_for_power_0_9"], rule, "n")


def check_SM_P5(inputs, expected, tol):
    close(_power_2indep(inputs["diff"], inputs["prop2"], inputs["nobs1"]), expected["power"], tolerance(tol), "power")


def check_SP_SS1(inputs, expected, tol):
    n = S.sample_size_means(math.sqrt(inputs["variance"]), inputs["abs_mde"], inputs["alpha"], inputs["power"])
    close(2 * n, expected["n_total"], tolerance(tol), "total")


def _spotify_binomial(inputs, expected, tol):
    n = S.sample_size_proportions(inputs["baseline"], inputs["abs_mde"], inputs["alpha"], inputs["power"])
    close(2 * n, expected["n_total"], tolerance(tol), "total")


check_SP_SS2 = check_SP_SS3 = _spotify_binomial


def check_EM_SS1(inputs, expected, tol):
    got = [S.sample_size_proportions(p, d, inputs["alpha"], inputs["power"]) for p, d in inputs["cases"]]
    close(got, expected["n_per_variant_rounded"], tolerance(tol), "rounded")
    close(got, expected["raw"], {"rel": 1e-6}, "raw")  # the vector's AS111 quantiles vs scipy's


# --------------------------------------------------------------------------- proportions


def check_SM_Z2(inputs, expected, tol):
    (x_t, x_c), (n_t, n_c) = inputs["count"], inputs["nobs"]
    result = S.two_proportion_ztest(x_c, n_c, x_t, n_t)
    rule = tolerance(tol)
    close(result.p_value, expected["p"], rule, "p (docstring)")
    close(result.p_value, expected["p_full"], {"abs": 1e-12}, "p")
    close(result.statistic, expected["z"], {"abs": 1e-12}, "z")


def check_SM_X1(inputs, expected, tol):
    counts, nobs = inputs["count"], inputs["nobs"]
    result = S.chi2_proportions(counts, nobs)
    chi2_rule, pair_rule = tolerance("1e-13"), tolerance("7 d.p.")
    assert "1e-13" in tol and "7 d.p." in tol
    close(result.statistic, expected["chi2"], {"rel": 1e-13}, "chi2")
    assert result.df == expected["df"]
    close(result.p_value, expected["p"], chi2_rule, "p")
    pairs = [(i, j) for i in range(4) for j in range(i + 1, 4)]
    raw = [S.two_proportion_ztest(counts[i], nobs[i], counts[j], nobs[j]).p_value for i, j in pairs]
    close(raw, expected["pairwise_raw"], pair_rule, "pairwise")
    close(S.holm(raw), expected["pairwise_holm"], pair_rule, "pairwise holm")


def check_SM_CI1(inputs, expected, tol):
    """The score intervals ecomplan reports: Koopman's ratio interval (relative CI),
    and Miettinen–Nurminen's difference interval (ecomplan's omits MN's N/(N−1)
    factor so it inverts the pooled z-test; with the factor it must reproduce R
    PropCIs). Wald, Agresti–Caffo, Newcombe, Katz and odds-ratio intervals are
    not used."""
    x_t, n_t, x_c, n_c = inputs["count1"], inputs["nobs1"], inputs["count2"], inputs["nobs2"]
    lower, upper, unbounded = S.score_ratio_interval(x_c, n_c, x_t, n_t, inputs["alpha"])
    assert not unbounded
    close([lower, upper], expected["ratio_koopman_score"], {"abs": 1e-6}, "Koopman")
    factor = math.sqrt((n_c + n_t) / (n_c + n_t - 1))
    q = stats.norm.ppf(1 - inputs["alpha"] / 2)
    mn = lambda d: S.score_diff_statistic(x_c, n_c, x_t, n_t, d) / factor  # noqa: E731
    bounds = [optimize.brentq(lambda d: mn(d) - q, -0.9, 0.17), optimize.brentq(lambda d: mn(d) + q, 0.17, 0.9)]
    assert "MN 0.002" in tol
    close(bounds, expected["miettinen_nurminen_PropCIs"], {"abs": 1e-6}, "Miettinen-Nurminen")


def check_SCI_2(inputs, expected, tol):
    (x_t, x_c), (y_t, y_c) = inputs["table"]
    result, test = S.exact_proportion_test(x_c, x_c + y_c, x_t, x_t + y_t, inputs["alternative"])
    assert test == "barnard_exact"
    close(result.p_value, expected["p"], tolerance(tol), "p")
    close(result.statistic, expected["statistic"], tolerance(tol), "statistic")


def check_SCI_6(inputs, expected, tol):
    result = S.srm_test(inputs["observed"], inputs["expected"])
    close(result.statistic, expected["chi2"], tolerance(tol), "chi2")
    close(result.p_value, expected["p"], tolerance(tol), "p")


def _srm(inputs, expected, tol):
    result = S.srm_test(inputs["observed"], inputs["weights"])
    close(result.p_value, float(expected["published_p"]), tolerance(tol), "published p")
    close(result.statistic, expected["chi2"], {"rel": 1e-12}, "chi2")
    close(result.p_value, expected["p"], {"rel": 1e-9}, "p")
    assert result.p_value < 0.001  # all three are real mismatches


check_SRM_1 = check_SRM_2 = check_SRM_3 = _srm


# --------------------------------------------------------------------------- Bayesian, relative CIs, mSPRT


def check_EM_B1(inputs, expected, tol):
    a, b = inputs["A"], inputs["B"]
    prob = S.prob_beta_greater(
        1 + b["conversions"], 1 + b["n"] - b["conversions"], 1 + a["conversions"], 1 + a["n"] - a["conversions"]
    )
    close(prob, expected["p"], tolerance(tol), "P(B > A)")
    prob_bb, _, _ = S.beta_binomial(a["conversions"], a["n"], b["conversions"], b["n"])
    close(prob_bb, expected["p"], tolerance(tol), "beta_binomial")


def check_DER_REL1(inputs, expected, tol):
    """Delta and Fieller relative intervals and the unpooled z p-value (normal
    quantiles). The log-delta interval is not used."""
    (mc, vc, _), (mt, vt, _) = _mean_arm(inputs["control"]), _mean_arm(inputs["treatment"])
    rule = tolerance(tol)
    z = stats.norm.ppf(1 - inputs["alpha"] / 2)
    lift, se = mt / mc - 1, math.sqrt(S.relative_variance_delta(mc, vc, mt, vt))
    close([lift - z * se, lift + z * se], expected["delta"], rule, "delta")
    lower, upper, unbounded = S.fieller_interval(mt - mc, mc, vt + vc, vc, -vc, z)
    assert not unbounded
    close([lower, upper], expected["fieller"], rule, "fieller")
    close(z * z * vc / mc**2, expected["fieller_g"], rule, "g")
    close(S.normal_p((mt - mc) / math.sqrt(vt + vc)), expected["abs_unpooled_z_p"], tolerance("4 d.p."), "p")


def check_DER_MSPRT1(inputs, expected, tol):
    p_c, p_t, n = inputs["p_control"], inputs["p_treatment"], inputs["n_per_arm"]
    variance = (p_c * (1 - p_c) + p_t * (1 - p_t)) / n
    rule = tolerance(tol)
    lambdas = [math.exp(S.msprt_log_lambda(p_t - p_c, variance, tau2)) for tau2 in inputs["tau2"]]
    close(lambdas, expected["Lambda"], rule, "Lambda")
    p_values = [float(S.msprt_p_values([p_t - p_c], [variance], tau2)[-1]) for tau2 in inputs["tau2"]]
    close(p_values, expected["always_valid_p"], rule, "always-valid p")
    close(S.normal_p((p_t - p_c) / math.sqrt(variance)), expected["fixed_horizon_p"], rule, "fixed p")


def test_every_vector_is_checked_or_explained():
    ids = {v["id"] for v in ALL}
    if not ids:
        pytest.skip(f"{VECTORS} is absent")
    checked = {name[len("check_") :].replace("_", "-") for name in globals() if name.startswith("check_")}
    assert ids <= checked | set(NOT_APPLICABLE), sorted(ids - checked - set(NOT_APPLICABLE))
    assert not set(NOT_APPLICABLE) & checked
    assert len(ids & checked) >= 34
