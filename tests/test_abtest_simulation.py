"""A/A simulations: with no real difference, how often does each test cry "winner"?

Fixed-horizon tests must reject at about α; checking a fixed-horizon test
every day must not be trusted (it rejects far more often); mSPRT's
always-valid p-values, checked every day, must stay at or below α.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ecomplan.abtest import evaluate
from ecomplan.abtest import stats as S
from ecomplan.abtest.evaluate import MSPRT_RELATIVE_TAU

RUNS, DAYS, DAILY, RATE, ALPHA = 2000, 14, 1000, 0.05, 0.05
# 99.9% band of a binomial rejection count around α with 2,000 runs: ±3.3 sd
BAND = 3.3 * np.sqrt(ALPHA * (1 - ALPHA) / RUNS)


@pytest.fixture(scope="module")
def daily_counts():
    """Cumulative conversions and visitors, shape (runs, arm, day)."""
    rng = np.random.default_rng(20260505)
    conversions = rng.binomial(DAILY, RATE, size=(RUNS, 2, DAYS)).cumsum(axis=2).astype(float)
    visitors = np.broadcast_to(np.arange(1, DAYS + 1) * float(DAILY), conversions.shape)
    return conversions, visitors


def _z_p(conversions, visitors, day):
    return np.array(
        [
            S.two_proportion_ztest(c[0, day], v[0, day], c[1, day], v[1, day]).p_value
            for c, v in zip(conversions, visitors, strict=False)
        ]
    )


@pytest.mark.slow
def test_fixed_horizon_z_test_rejects_at_alpha(daily_counts):
    conversions, visitors = daily_counts
    rate = np.mean(_z_p(conversions, visitors, DAYS - 1) < ALPHA)
    assert abs(rate - ALPHA) < BAND


@pytest.mark.slow
def test_daily_peeking_breaks_the_fixed_test_but_not_msprt(daily_counts):
    conversions, visitors = daily_counts
    peeking = np.zeros(RUNS, dtype=bool)
    for day in range(DAYS):
        peeking |= _z_p(conversions, visitors, day) < ALPHA
    assert peeking.mean() > 2 * ALPHA  # the problem --sequential msprt solves

    p = conversions / visitors
    diff = p[:, 1] - p[:, 0]
    variance = (p[:, 0] * (1 - p[:, 0]) + p[:, 1] * (1 - p[:, 1])) / visitors[:, 0]
    tau2 = (MSPRT_RELATIVE_TAU * p[:, 0, -1:]) ** 2  # evaluate's choice: 10% of control at the last look
    always_valid = S.msprt_p_values(diff, variance, tau2)
    assert always_valid.shape == (RUNS, DAYS)
    assert (always_valid[:, -1] <= ALPHA).mean() <= ALPHA

    # the vectorised replay above is what `evaluate --sequential msprt` computes
    for run in range(3):
        new = np.diff(np.concatenate([np.zeros((2, 1)), conversions[run]], axis=1), axis=1)
        frame = pd.DataFrame(
            {
                "date": np.tile(pd.date_range("2026-05-04", periods=DAYS), 2),
                "variant": np.repeat(["A", "B"], DAYS),
                "visitors": float(DAILY),
                "conversions": new.ravel(),
            }
        )
        result = evaluate(frame, sequential="msprt").results[0]
        assert result.sequential.p_values == pytest.approx(always_valid[run].tolist(), rel=1e-9, abs=1e-15)


@pytest.mark.slow
def test_welch_on_skewed_revenue_rejects_at_about_alpha():
    rng = np.random.default_rng(7)
    n = 1500
    converted = rng.random((RUNS, 2, n)) < 0.08
    revenue = np.where(converted, rng.gamma(2.0, 80.0, (RUNS, 2, n)), 0.0)
    sums, squares = revenue.sum(axis=2), (revenue**2).sum(axis=2)
    p_values = []
    for total, square in zip(sums, squares, strict=False):
        var_c, var_t = (S.sample_variance(n, total[i], square[i]) / n for i in (0, 1))
        p_values.append(S.welch_test(total[0] / n, var_c, n, total[1] / n, var_t, n).p_value)
    assert abs(np.mean(np.array(p_values) < ALPHA) - ALPHA) < BAND
