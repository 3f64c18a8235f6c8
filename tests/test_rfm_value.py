"""Predicted customer value (issue #15): BG/NBD and Gamma-Gamma checked against the published CDNOW fits,
against a direct transcription of the papers' formulas, and against simulated customers of known
parameters; the `rfm value` command's JSON contract, holdout and degenerate data."""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from ecomplan.cli.app import app
from ecomplan.rfm import value as v

ROOT = Path(__file__).resolve().parent
CDNOW = ROOT / "fixtures" / "cdnow"
runner = CliRunner()
PUBLISHED_BGNBD = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
PUBLISHED_GG = {"p": 6.25, "q": 3.74, "v": 15.44}


def _within(found: dict, published: dict, tolerance: float) -> None:
    for name, expected in published.items():
        assert abs(found[name] - expected) <= tolerance * expected, (name, found[name], expected)


def test_the_published_cdnow_summary_gives_the_published_parameters():
    summary = pd.read_csv(CDNOW / "cdnow_customers_summary_with_transactions.csv")
    model = v.fit_bgnbd(summary["x"], summary["t_x"], summary["T"])
    assert model.converged
    _within(vars(model), PUBLISHED_BGNBD, 0.002)  # the published figures are rounded to 3 decimals
    assert model.log_likelihood == pytest.approx(-9582.4, abs=0.1)  # the paper's LL
    repeat = summary[summary["x"] > 0]
    spend = v.fit_gamma_gamma(repeat["x"], repeat["zbar"])
    _within(vars(spend), PUBLISHED_GG, 0.002)


def test_rfm_value_on_the_cdnow_orders_is_within_one_percent_of_the_published_fits():
    result = runner.invoke(
        app,
        [
            "rfm", "value", str(CDNOW / "cdnow_sample_orders.csv"),
            "--calibration-end", "1997-09-30", "--as-of", "1998-06-30", "--json",
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    bgnbd, gamma_gamma = doc["model"]["bgnbd"], doc["model"]["gamma_gamma"]
    assert bgnbd["time_unit"] == "week" and bgnbd["converged"] and gamma_gamma["converged"]
    _within(bgnbd, PUBLISHED_BGNBD, 0.01)
    _within(gamma_gamma, PUBLISHED_GG, 0.01)
    # the JSON contract of the issue
    assert set(bgnbd) >= {"r", "alpha", "a", "b", "time_unit", "log_likelihood", "converged"}
    assert set(gamma_gamma) >= {"p", "q", "v", "converged"}
    assert doc["customers"] == 2349 and doc["horizon_days"] == 90
    assert {"segment", "customers", "p_alive_mean", "expected_purchases", "predicted_value"} <= set(doc["segments"][0])
    holdout = doc["holdout"]
    assert set(holdout) >= {"predicted", "actual", "by_frequency"}
    assert sum(row["customers"] for row in holdout["by_frequency"]) == 2349
    assert holdout["actual"] == pytest.approx(sum(r["actual"] * r["customers"] for r in holdout["by_frequency"]))
    assert 0.8 < holdout["predicted"] / holdout["actual"] < 1.1  # a usable model, not a perfect one
    assert doc["issues"] == []


def _paper_log_likelihood(r, alpha, a, b, x, t_x, T):
    """Fader, Hardie & Lee 2005a eq. 6 as printed (no log-space tricks), for moderate inputs."""
    from scipy.special import beta, gamma

    a1 = gamma(r + x) * alpha**r / gamma(r)
    a2 = beta(a, b + x) / beta(a, b)
    a3 = (1 / (alpha + T)) ** (r + x)
    a4 = (a / (b + x - 1)) * (1 / (alpha + t_x)) ** (r + x) if x > 0 else 0.0
    return math.log(a1 * a2 * (a3 + a4))


@settings(max_examples=80, deadline=None)
@given(
    r=st.floats(0.05, 3),
    alpha=st.floats(0.5, 20),
    a=st.floats(0.2, 3),
    b=st.floats(0.2, 5),
    x=st.integers(0, 12),
    t_x=st.floats(0, 40),
    extra=st.floats(0, 20),
)
def test_the_log_likelihood_is_the_papers_formula(r, alpha, a, b, x, t_x, extra):
    t_x = t_x if x > 0 else 0.0
    T = t_x + extra
    ours = float(v.bgnbd_log_likelihood(r, alpha, a, b, np.array([x]), np.array([t_x]), np.array([T]))[0])
    assert ours == pytest.approx(_paper_log_likelihood(r, alpha, a, b, x, t_x, T), rel=1e-9, abs=1e-9)


def test_p_alive_and_expected_purchases_follow_the_paper():
    model = v.BgNbd(0.243, 4.414, 0.793, 2.426, 0.0, True)
    # customers who never came back have had no chance to drop out
    assert v.p_alive(model, [0], [0], [30])[0] == 1.0
    # the longer since the last purchase, the less likely still active, and the fewer purchases to come
    alive = v.p_alive(model, [3, 3, 3], [30, 20, 10], [38, 38, 38])
    assert alive[0] > alive[1] > alive[2] > 0
    later = v.expected_purchases(model, 39, [3, 3, 3], [30, 20, 10], [38, 38, 38])
    assert later[0] > later[1] > later[2]
    # a new customer's expectation: E[X(t)] = (a+b-1)/(a-1) [1 - (α/(α+t))^r 2F1(r, b; a+b-1; t/(α+t))]
    from scipy.special import hyp2f1

    r, alpha, a, b, t = 0.243, 4.414, 0.793, 2.426, 39.0
    new = (a + b - 1) / (a - 1) * (1 - (alpha / (alpha + t)) ** r * hyp2f1(r, b, a + b - 1, t / (alpha + t)))
    assert v.expected_purchases(model, t, [0], [0], [0])[0] == pytest.approx(new, rel=1e-12)
    # Gamma-Gamma: a customer's expected spend shrinks their own mean toward the population's
    spend = v.GammaGamma(6.25, 3.74, 15.44, 0.0, True)
    population = 6.25 * 15.44 / (3.74 - 1)
    assert v.expected_spend(spend, [0], [np.nan])[0] == pytest.approx(population)
    few, many = v.expected_spend(spend, [1, 20], [100.0, 100.0])
    assert population < few < many < 100.0


def test_simulated_customers_give_back_their_parameters():
    """5,000 customers drawn from BG/NBD with known parameters over 52 weeks: the fit recovers them."""
    rng = np.random.default_rng(15)
    r, alpha, a, b, n = 0.6, 6.0, 0.9, 3.0, 5000
    rates = rng.gamma(r, 1 / alpha, n)
    drop = rng.beta(a, b, n)
    T = rng.uniform(26, 52, n)
    x = np.zeros(n)
    t_x = np.zeros(n)
    for i in range(n):
        now = 0.0
        while True:
            now += rng.exponential(1 / rates[i])
            if now > T[i]:
                break
            x[i] += 1
            t_x[i] = now
            if rng.random() < drop[i]:
                break
    model = v.fit_bgnbd(x, t_x, T)
    assert model.converged
    for name, truth in {"r": r, "alpha": alpha, "a": a, "b": b}.items():
        assert getattr(model, name) == pytest.approx(truth, rel=0.25), name


def _orders(rows) -> Path:
    import tempfile

    folder = Path(tempfile.mkdtemp())
    frame = pd.DataFrame(rows, columns=["order_id", "customer_id", "paid_at", "amount"])
    frame["status"] = "completed"
    frame.to_csv(folder / "orders.csv", index=False)
    return folder / "orders.csv"


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([("o1", "c1", "2026-01-05", 100)], "too few to fit"),
        ([("o1", "c1", "2026-01-05", 100), ("o2", "c2", "2026-02-05", 80)], "no customer bought on a second day"),
        (
            [("o1", "c1", "2026-01-05", 100), ("o2", "c1", "2026-01-05", 80), ("o3", "c2", "2026-01-05", 50)],
            "second day",
        ),
    ],
)
def test_degenerate_data_gives_a_message_and_a_neutral_result(rows, message):
    result = runner.invoke(app, ["rfm", "value", str(_orders(rows)), "--json"])
    assert result.exit_code == 0, result.output
    assert message in result.stderr and "Traceback" not in result.output
    doc = json.loads(result.stdout)
    assert doc["model"]["bgnbd"] is None and any(message in m for m in doc["messages"])
    assert doc["predicted_value"] is None  # no model: no figure, never a 0 that reads as "worth nothing"
    assert all(s["predicted_value"] is None and s["expected_purchases"] is None for s in doc["segments"])


def test_spend_that_rises_with_frequency_is_reported():
    """Gamma-Gamma assumes spend per purchase independent of frequency: a shop where frequent buyers
    spend more is told so."""
    rows = []
    for customer in range(60):
        visits = 2 + customer % 6
        for k in range(visits):
            day = dt.date(2026, 1, 1) + dt.timedelta(days=7 * k + customer % 5)
            rows.append((f"o{customer}-{k}", f"c{customer}", day.isoformat(), 20 * visits + customer % 7))
    result = runner.invoke(app, ["rfm", "value", str(_orders(rows)), "--as-of", "2026-03-31", "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["model"]["spend_frequency_correlation"] > 0.3
    assert "correlated" in result.stderr


def test_value_report_renders_in_both_languages(tmp_path):
    for lang in ("zh", "en"):
        out = tmp_path / f"value-{lang}.xlsx"
        result = runner.invoke(
            app,
            [
                "rfm", "value", str(CDNOW / "cdnow_sample_orders.csv"), "--calibration-end", "1997-09-30",
                "--as-of", "1998-06-30", "-o", str(out), "--lang", lang,
                "--customers-out", str(tmp_path / f"c-{lang}.csv"),
            ],
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        assert out.is_file()
        customers = pd.read_csv(tmp_path / f"c-{lang}.csv", encoding="utf-8-sig")
        assert len(customers) == 2349


def test_a_large_shop_is_fitted_on_a_fixed_sample_and_predicted_whole(monkeypatch):
    """Above FIT_SAMPLE customers the models are fitted on a hash-chosen sample (the same run after run);
    every customer still gets a prediction."""
    monkeypatch.setattr(v, "FIT_SAMPLE", 500)
    summary = pd.read_csv(CDNOW / "cdnow_customers_summary_with_transactions.csv")
    calibration = summary.rename(columns={"ID": "customer_id", "zbar": "m"})
    first = v._fit_sample(calibration, ["customer_id"])
    again = v._fit_sample(calibration.sample(frac=1, random_state=1), ["customer_id"])
    assert 250 < len(first) < 1000 and sorted(first["customer_id"]) == sorted(again["customer_id"])
    model = v.fit_bgnbd(first["x"], first["t_x"], first["T"])
    # a fifth of CDNOW already lands near the published fit
    assert model.r == pytest.approx(0.243, rel=0.5) and model.b == pytest.approx(2.426, rel=0.6)


@settings(max_examples=30, deadline=None)
@given(theta=st.lists(st.floats(-2, 2), min_size=4, max_size=4))
def test_the_analytic_gradients_match_finite_differences(theta):
    from scipy.optimize import approx_fprime

    summary = pd.read_csv(CDNOW / "cdnow_customers_summary_with_transactions.csv").head(400)
    x, t_x, T = (summary[c].to_numpy(float) for c in ("x", "t_x", "T"))
    w = np.ones_like(x)
    bgnbd = v._bgnbd_objective(x, t_x, T, w, float(T.mean()))
    point = np.array(theta)
    numeric = approx_fprime(point, lambda p: bgnbd(p)[0], 1e-7)
    assert np.allclose(bgnbd(point)[1], numeric, rtol=1e-4, atol=1e-5)
    repeat = summary[summary["x"] > 0]
    gamma_gamma = v._gamma_gamma_objective(
        repeat["x"].to_numpy(float), repeat["zbar"].to_numpy(float), np.ones(len(repeat)), float(repeat["zbar"].mean())
    )
    point = np.array(theta[:3])
    numeric = approx_fprime(point, lambda p: gamma_gamma(p)[0], 1e-7)
    assert np.allclose(gamma_gamma(point)[1], numeric, rtol=1e-4, atol=1e-5)


def test_a_fit_that_does_not_converge_is_reported_and_not_used(tmp_path):
    """20 orders of 8 customers within a month (the hostile corpus's orders): the purchase model runs to its
    bounds. Its parameters are in the JSON with converged false; no customer gets a prediction from it."""
    rows = [(f"O{i}", f"C{1 + i % 8}", f"2026-11-{1 + (i * 3) % 28:02d}", 50 + i) for i in range(20)]
    result = runner.invoke(app, ["rfm", "value", str(_orders(rows)), "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["model"]["bgnbd"]["converged"] is False and doc["predicted_value"] is None
    assert "did not converge" in result.stderr and "no prediction" in result.stderr
    assert all(s["predicted_value"] is None for s in doc["segments"])


@pytest.mark.parametrize("with_refunds", [False, True])
def test_purchase_days_add_up_to_rfm_segments_monetary(with_refunds):
    """The purchase days rfm value fits on are rfm segment's purchases: over all history each customer's
    spend per day adds up to the M of `rfm segment` (refunds netted alike when a refunds export is given)."""
    from ecomplan.ingest.load import load
    from ecomplan.rfm import segment

    fixtures = ROOT / "fixtures" / "rfm"
    lines = load([fixtures / "sycm_orders.csv"], "orders").frame
    refunds = load([fixtures / "sycm_refunds.csv"], "refunds").frame if with_refunds else None
    scored = segment(lines, window_days="all", refunds=refunds, keep_purchase_days=True)
    days = scored.purchase_days.groupby(scored.key)["spend"].sum()
    monetary = scored.customers.set_index(scored.key)["monetary"]
    assert len(monetary) and days.reindex(monetary.index).round(6).tolist() == monetary.round(6).tolist()


def test_rfm_value_nets_a_refunds_export(tmp_path):
    """--refunds as in rfm segment: ¥50 of the fixture's ¥799 is refunded, and the spend per purchase the
    customers are valued at (here the mean per purchase day: four customers fit no model) falls with it."""
    fixtures = ROOT / "fixtures" / "rfm"
    spend = []
    for extra in ([], ["--refunds", str(fixtures / "sycm_refunds.csv")]):
        out = tmp_path / f"c{len(extra)}.csv"
        args = ["rfm", "value", str(fixtures / "sycm_orders.csv"), "--as-of", "2026-12-01", "--customers-out", str(out)]
        result = runner.invoke(app, [*args, *extra])
        assert result.exit_code == 0, result.output
        spend.append(pd.read_csv(out, encoding="utf-8-sig")["expected_spend"].iloc[0])
    plain, netted = spend
    assert netted < plain
