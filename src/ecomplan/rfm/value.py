"""Predicted customer value: BG/NBD for how many more purchases and whether the customer is still
active, Gamma-Gamma for the spend per purchase (Fader, Hardie & Lee 2005a, 2005b).

The models are small pure functions over arrays of customers' histories (`x` repeat purchases, `t_x`
the time of the last one and `T` the time since the first, in days or weeks; `m` the mean spend of the
repeat purchases), fitted by maximum likelihood with scipy on the closed-form log-likelihoods in log
space. `value` turns order lines into histories with `rfm segment`'s purchase rules, counting purchases
by distinct day as the models assume, and predicts each customer's value over a horizon.

Checked against the published CDNOW fits (tests/test_rfm_value.py): BG/NBD r = 0.243, α = 4.414,
a = 0.793, b = 2.426 (weeks); Gamma-Gamma p = 6.25, q = 3.74, γ = 15.44.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, cast

import numpy as np
import pandas as pd

from ecomplan.core.errors import ArgumentError, InputError, Issue

if TYPE_CHECKING:
    from ecomplan.rfm.metrics import Lines

TIME_UNITS = {"day": 1, "week": 7}
LOG_BOUNDS = (-12.0, 8.0)  # every parameter between e^-12 and e^8 (α and γ times the data's scale)
FREQUENCY_BUCKETS = ("0", "1", "2", "3", "4", "5", "6", "7+")


@dataclass(frozen=True)
class BgNbd:
    """Purchase rate ~ Gamma(r, α) across customers; after each purchase a customer drops out with a
    probability ~ Beta(a, b)."""

    r: float
    alpha: float
    a: float
    b: float
    log_likelihood: float
    converged: bool
    time_unit: str = "week"


@dataclass(frozen=True)
class GammaGamma:
    """Spend per purchase ~ Gamma(p, ν) with ν ~ Gamma(q, γ) across customers (`v` is γ)."""

    p: float
    q: float
    v: float
    log_likelihood: float
    converged: bool


def bgnbd_log_likelihood(r, alpha, a, b, x, t_x, T):
    """Each customer's log-likelihood (Fader, Hardie & Lee 2005a, eq. 6), in log space."""
    from scipy.special import betaln, gammaln

    x, t_x, T = np.asarray(x, float), np.asarray(t_x, float), np.asarray(T, float)
    common = gammaln(r + x) - gammaln(r) + r * math.log(alpha) + betaln(a, b + x) - betaln(a, b)
    stays = -(r + x) * np.log(alpha + T)
    repeat = x > 0
    drops = np.full_like(x, -np.inf)
    drops[repeat] = math.log(a) - np.log(b + x[repeat] - 1) - (r + x[repeat]) * np.log(alpha + t_x[repeat])
    return common + np.logaddexp(stays, drops)


def p_alive(model: BgNbd, x, t_x, T) -> np.ndarray:
    """P(still active | history) (eq. 11); a customer without repeat purchases has not had a chance to
    drop out yet and counts as active."""
    x, t_x, T = np.asarray(x, float), np.asarray(t_x, float), np.asarray(T, float)
    ratio = np.zeros_like(x)
    repeat = x > 0
    ratio[repeat] = np.exp(
        math.log(model.a)
        - np.log(model.b + x[repeat] - 1)
        + (model.r + x[repeat]) * (np.log(model.alpha + T[repeat]) - np.log(model.alpha + t_x[repeat]))
    )
    return 1.0 / (1.0 + ratio)


def expected_purchases(model: BgNbd, t: float, x, t_x, T) -> np.ndarray:
    """Expected purchases in the next `t` time units given the history (eq. 10)."""
    from scipy.special import hyp2f1

    x, t_x, T = np.asarray(x, float), np.asarray(t_x, float), np.asarray(T, float)
    r, alpha, a, b = model.r, model.alpha, model.a, model.b
    hyper = hyp2f1(r + x, b + x, a + b + x - 1, t / (alpha + T + t))
    numerator = (a + b + x - 1) / (a - 1) * (1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * hyper)
    return numerator * p_alive(model, x, t_x, T)


def _bgnbd_objective(x, t_x, T, w, scale: float):
    """θ (log r, log α/scale, log a, log b) -> (mean negative log-likelihood, its gradient)."""
    # The special functions and logs run over the distinct values of x, t_x and T (dozens to a few hundred)
    # and are spread by index: the same sum as bgnbd_log_likelihood, ~5x faster on a million customers.
    from scipy.special import betaln, digamma, gammaln

    x_values, x_at = np.unique(x, return_inverse=True)
    t_values, t_at = np.unique(t_x, return_inverse=True)
    T_values, T_at = np.unique(T, return_inverse=True)
    repeat = x > 0
    x_repeat, t_at_repeat = x[repeat], t_at[repeat]

    W = w.sum()

    def loss(theta):
        """The mean negative log-likelihood and its gradient in the log parameters (analytic: L-BFGS-B then
        needs one evaluation a step instead of five)."""
        r, alpha, a, b = np.exp(np.clip(theta, *LOG_BOUNDS))  # Nelder-Mead may step outside the bounds
        alpha *= scale
        common = gammaln(r + x_values) - gammaln(r) + r * math.log(alpha) + betaln(a, b + x_values) - betaln(a, b)
        log_T, log_t = np.log(alpha + T_values), np.log(alpha + t_values)
        stays = -(r + x) * log_T[T_at]
        drops = np.full_like(x, -np.inf)
        drops[repeat] = (
            math.log(a)
            - np.log(b + x_values - 1, where=x_values > 0, out=np.zeros_like(x_values))[x_at[repeat]]
            - (r + x_repeat) * log_t[t_at_repeat]
        )
        both = np.logaddexp(stays, drops)
        value = -float(np.dot(w, common[x_at] + both)) / W
        if not math.isfinite(value):
            return 1e12, np.zeros(4)
        s_stay, s_drop = np.exp(stays - both), np.exp(drops - both)  # the two terms' shares, summing to 1
        ws, wd = w * s_stay, w * s_drop
        d_common_r = digamma(r + x_values) - digamma(r) + math.log(alpha)
        d_common_a = digamma(a + b) - digamma(a + b + x_values)
        d_common_b = digamma(b + x_values) - digamma(a + b + x_values) - digamma(b) + digamma(a + b)
        wx = np.bincount(x_at, weights=w, minlength=len(x_values))  # weight per distinct x
        d_r = np.dot(wx, d_common_r) - np.dot(ws, log_T[T_at]) - np.dot(wd[repeat], log_t[t_at_repeat])
        d_alpha = (
            W * r / alpha
            - np.dot(ws, (r + x) / (alpha + T_values)[T_at])
            - np.dot(wd[repeat], (r + x_repeat) / (alpha + t_values)[t_at_repeat])
        )
        d_a = np.dot(wx, d_common_a) + wd.sum() / a
        d_b = np.dot(wx, d_common_b) - np.dot(wd[repeat], 1 / (b + x_repeat - 1))
        gradient = -np.array([r * d_r, alpha * d_alpha, a * d_a, b * d_b]) / W
        return value, gradient

    return loss


def fit_bgnbd(x, t_x, T, weights=None, time_unit: str = "week") -> BgNbd:
    """Maximum-likelihood BG/NBD parameters; identical histories are fitted once with their count."""
    x, t_x, T = np.asarray(x, float), np.asarray(t_x, float), np.asarray(T, float)
    w = np.ones_like(x) if weights is None else np.asarray(weights, float)
    scale = max(float(np.average(T, weights=w)), 1e-9)  # α is fitted on the scale of the histories

    loss = _bgnbd_objective(x, t_x, T, w, scale)
    start = np.zeros(4)
    bounds = [LOG_BOUNDS] * 4
    best, converged = _minimize(loss, start, bounds)
    r, alpha, a, b = np.exp(best.x)
    log_likelihood = -best.fun * w.sum()
    return BgNbd(float(r), float(alpha * scale), float(a), float(b), float(log_likelihood), converged, time_unit)


def _minimize(loss, start, bounds):
    """L-BFGS-B on log parameters with the analytic gradient (`loss` returns value and gradient);
    Nelder-Mead on the value from there when it stops short. Converged: a method says so and no
    parameter sits on its bound (an unidentified model)."""
    from scipy.optimize import minimize

    best = minimize(
        loss, start, jac=True, method="L-BFGS-B", bounds=bounds, options={"maxiter": 2000, "ftol": 1e-13, "gtol": 1e-9}
    )
    success = bool(best.success)
    if not success:
        polished = minimize(
            lambda theta: loss(theta)[0],
            best.x,
            method="Nelder-Mead",
            bounds=bounds,
            options={"maxiter": 4000, "xatol": 1e-9, "fatol": 1e-13},
        )
        success = bool(polished.success)
        if polished.fun <= best.fun:
            best = polished
    lows, highs = np.array([lo for lo, _ in bounds]), np.array([hi for _, hi in bounds])
    at_bound = bool(np.any(np.abs(best.x - lows) < 1e-3) or np.any(np.abs(best.x - highs) < 1e-3))
    return best, success and not at_bound


def gamma_gamma_log_likelihood(p, q, v, x, m):
    """Each repeat buyer's log-likelihood of their mean spend `m` over `x` purchases (Fader, Hardie &
    Lee 2005b, the Gamma-Gamma note), dropping terms free of the parameters."""
    from scipy.special import gammaln

    x, m = np.asarray(x, float), np.asarray(m, float)
    return (
        gammaln(p * x + q)
        - gammaln(p * x)
        - gammaln(q)
        + q * math.log(v)
        + (p * x - 1) * np.log(m)
        + p * x * np.log(x)
        - (p * x + q) * np.log(v + x * m)
    )


def _gamma_gamma_objective(x, m, w, scale: float):
    """θ (log p, log q, log γ/scale) -> (mean negative log-likelihood, its gradient)."""
    # As in fit_bgnbd: the gamma functions over the distinct purchase counts, spread by index.
    from scipy.special import digamma, gammaln

    x_values, x_at = np.unique(x, return_inverse=True)
    log_m, log_x, spent = np.log(m), np.log(x), x * m

    W = w.sum()

    def loss(theta):
        """The mean negative log-likelihood and its analytic gradient in the log parameters."""
        p, q, v = np.exp(np.clip(theta, *LOG_BOUNDS))
        v *= scale
        per_count = gammaln(p * x_values + q) - gammaln(p * x_values) - gammaln(q)
        log_total = np.log(v + spent)
        ll = per_count[x_at] + q * math.log(v) + (p * x - 1) * log_m + p * x * log_x - (p * x + q) * log_total
        value = -float(np.dot(w, ll)) / W
        if not math.isfinite(value):
            return 1e12, np.zeros(3)
        d_p = np.dot(w, x * (digamma(p * x + q) - digamma(p * x) + log_m + log_x - log_total))
        d_q = np.dot(w, digamma(p * x + q) - digamma(q) + math.log(v) - log_total)
        d_v = np.dot(w, q / v - (p * x + q) / (v + spent))
        return value, -np.array([p * d_p, q * d_q, v * d_v]) / W

    return loss


def fit_gamma_gamma(x, m, weights=None) -> GammaGamma:
    """Maximum-likelihood Gamma-Gamma parameters over repeat buyers (x > 0, m > 0)."""
    x, m = np.asarray(x, float), np.asarray(m, float)
    w = np.ones_like(x) if weights is None else np.asarray(weights, float)
    scale = max(float(np.average(m, weights=w)), 1e-9)

    loss = _gamma_gamma_objective(x, m, w, scale)
    best, converged = _minimize(loss, np.zeros(3), [LOG_BOUNDS] * 3)
    p, q, v = np.exp(best.x)
    # q <= 1: the population's mean spend is infinite and eq. 5 has no finite answer
    return GammaGamma(float(p), float(q), float(v * scale), float(-best.fun * w.sum()), bool(converged and q > 1))


def expected_spend(model: GammaGamma, x, m) -> np.ndarray:
    """Expected spend per purchase given `x` repeat purchases of mean `m` (the population mean p·γ/(q−1)
    for customers without repeat purchases)."""
    x, m = np.asarray(x, float), np.nan_to_num(np.asarray(m, float))
    return (model.v + x * m) * model.p / (model.p * x + model.q - 1)


# ---------------------------------------------------------------------------------------------
# From order lines to predictions
# ---------------------------------------------------------------------------------------------


def histories(days: pd.DataFrame, key: list[str], end: dt.date, unit_days: int) -> pd.DataFrame:
    """One row per customer whose first purchase is on or before `end`: x (repeat purchase days up to
    `end`), t_x (first to last purchase) and T (first purchase to `end`) in time units, m (mean spend of
    the repeat days)."""
    stamp = pd.Timestamp(end)
    seen = days[days["day"] <= stamp]
    if seen.empty:
        return pd.DataFrame(columns=[*key, "first", "x", "t_x", "T", "m"])
    grouped = seen.sort_values([*key, "day"]).groupby(key, observed=True, sort=True)  # an order of its own
    out = grouped.agg(first=("day", "min"), last=("day", "max"), n=("day", "size"), total=("spend", "sum"))
    first_spend = grouped["spend"].first()
    out["x"] = out["n"] - 1
    out["t_x"] = (out["last"] - out["first"]).dt.days / unit_days
    out["T"] = (stamp - out["first"]).dt.days / unit_days
    repeat_total = out["total"] - first_spend
    out["m"] = np.where(out["x"] > 0, repeat_total / out["x"].where(out["x"] > 0, 1), np.nan)
    return out.reset_index()[[*key, "first", "x", "t_x", "T", "m"]]


@dataclass
class ValueResult:
    """What `ecomplan rfm value` reports; `to_dict` is its JSON."""

    as_of: dt.date
    horizon_days: int
    time_unit: str
    key: list[str]
    bgnbd: BgNbd | None
    gamma_gamma: GammaGamma | None
    customers: pd.DataFrame  # key, x, t_x, T, m, p_alive, expected_purchases, expected_spend, predicted_value, segment
    segments: pd.DataFrame  # segment, customers, p_alive_mean, expected_purchases, predicted_value
    deciles: pd.DataFrame  # decile, customers, predicted_value, share
    spend_frequency_correlation: float | None
    holdout: dict | None = None
    calibration_end: dt.date | None = None
    issues: list[Issue] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)  # why a model is missing or not to be trusted

    @property
    def predicts(self) -> bool:
        """Whether there are predictions: a purchase model that converged (else a neutral result)."""
        return self.bgnbd is not None and self.bgnbd.converged

    def to_dict(self) -> dict:
        def model_dict(model, keys):
            return None if model is None else {k: getattr(model, k) for k in keys}

        return {
            "as_of": self.as_of.isoformat(),
            "calibration_end": self.calibration_end.isoformat() if self.calibration_end else None,
            "horizon_days": self.horizon_days,
            "customers": len(self.customers),
            "model": {
                "bgnbd": model_dict(self.bgnbd, ("r", "alpha", "a", "b", "time_unit", "log_likelihood", "converged")),
                "gamma_gamma": model_dict(self.gamma_gamma, ("p", "q", "v", "converged")),
                "spend_frequency_correlation": self.spend_frequency_correlation,
            },
            "predicted_value": float(self.customers["predicted_value"].sum()) if self.predicts else None,
            "segments": self.segments.to_dict("records"),
            "deciles": self.deciles.to_dict("records"),
            "holdout": self.holdout,
            "messages": self.messages,
            "issues": [i.to_dict() for i in self.issues],
        }


def value(
    days: pd.DataFrame,
    key: list[str],
    as_of: dt.date,
    horizon_days: int = 90,
    time_unit: str = "week",
    calibration_end: dt.date | None = None,
    segments: pd.Series | None = None,
) -> ValueResult:
    """Fit the models on the purchase days up to `calibration_end` (default: `as_of`) and predict each
    customer's purchases, spend and value over the `horizon_days` after `as_of`.

    `days` is `rfm.metrics.purchase_days(...)`; `segments` maps the key (index) to an RFM segment label
    (a customer it does not hold is `lapsed`).
    With a calibration end before `as_of`, the purchases between them are the holdout: predicted vs
    actual repeat purchases per customer, by calibration frequency."""
    if time_unit not in TIME_UNITS:
        raise ArgumentError("time_unit", f"{time_unit!r}: use day or week")
    if horizon_days < 1:
        raise ArgumentError("horizon_days", f"{horizon_days}: the horizon must be at least one day")
    if calibration_end is not None and calibration_end >= as_of:
        raise ArgumentError("calibration_end", f"{calibration_end} must be before the as-of date {as_of}")
    unit = TIME_UNITS[time_unit]
    fit_end = calibration_end or as_of
    messages: list[str] = []
    calibration = histories(days, key, fit_end, unit)
    fit_on = _fit_sample(calibration, key)
    bgnbd = _fit_purchases(fit_on, time_unit, messages)
    repeaters = fit_on[(fit_on["x"] > 0) & (fit_on["m"] > 0)]
    correlation = (
        float(np.corrcoef(repeaters["x"], repeaters["m"])[0, 1])
        if len(repeaters) > 2 and repeaters["x"].nunique() > 1 and repeaters["m"].nunique() > 1
        else None
    )
    gamma_gamma = _fit_spend(repeaters, correlation, messages)
    usable = bgnbd if bgnbd is not None and bgnbd.converged else None  # unconverged: reported, not used
    holdout = _holdout(usable, calibration, days, key, fit_end, as_of, unit) if calibration_end else None
    now = histories(days, key, as_of, unit) if calibration_end else calibration
    customers = now.copy()
    horizon = horizon_days / unit
    if usable is not None:
        customers["p_alive"] = p_alive(usable, now["x"], now["t_x"], now["T"])
        customers["expected_purchases"] = expected_purchases(usable, horizon, now["x"], now["t_x"], now["T"])
    else:
        customers["p_alive"] = np.nan
        customers["expected_purchases"] = np.nan
    if gamma_gamma is not None:
        customers["expected_spend"] = expected_spend(gamma_gamma, now["x"], now["m"])
    else:  # the observed mean spend per purchase day: neutral, says nothing about who spends more
        per_day = days[days["day"] <= pd.Timestamp(as_of)]["spend"]
        customers["expected_spend"] = float(per_day.mean()) if len(per_day) else np.nan
    customers["predicted_value"] = customers["expected_purchases"] * customers["expected_spend"]
    if segments is not None:  # customers the segmenting left out (no purchase in its window) are lapsed
        index = pd.MultiIndex.from_frame(customers[key]) if len(key) > 1 else pd.Index(customers[key[0]])
        customers["segment"] = segments.reindex(index).fillna("lapsed").to_numpy()
    return ValueResult(
        as_of=as_of,
        horizon_days=horizon_days,
        time_unit=time_unit,
        key=key,
        bgnbd=bgnbd,
        gamma_gamma=gamma_gamma,
        customers=customers,
        segments=_by_segment(customers),
        deciles=_deciles(customers),
        spend_frequency_correlation=correlation,
        holdout=holdout,
        calibration_end=calibration_end,
        messages=messages,
    )


FIT_SAMPLE = 200_000  # customers the models are fitted on; every customer is predicted


def _fit_sample(calibration: pd.DataFrame, key: list[str]) -> pd.DataFrame:
    """The customers to fit on: all of them up to `FIT_SAMPLE`, else a fixed sample of about that many
    (by a hash of the customer key: the same customers run after run). 200,000 histories pin the four
    BG/NBD parameters far more tightly than the model fits any shop; the fit then takes the same time on
    ten million order lines as on two."""
    if len(calibration) <= FIT_SAMPLE:
        return calibration
    buckets = math.ceil(len(calibration) / FIT_SAMPLE)
    hashes = pd.util.hash_pandas_object(calibration[key], index=False).to_numpy()
    return calibration[hashes % buckets == 0]


def _fit_purchases(calibration: pd.DataFrame, time_unit: str, messages: list[str]) -> BgNbd | None:
    if len(calibration) < 2:
        messages.append(f"{len(calibration)} customer(s): too few to fit the purchase model; no prediction")
        return None
    if not (calibration["x"] > 0).any():
        messages.append("no customer bought on a second day: the repeat-purchase model cannot be fitted")
        return None
    if calibration["T"].max() <= 0:
        messages.append("all purchases fall on one day: no time has passed to learn purchase rates from")
        return None
    # sorted: the same histories in the same order give the same sums, so the same fit to the last digit
    grouped = calibration.groupby(["x", "t_x", "T"], sort=True).size().reset_index(name="n")
    model = fit_bgnbd(grouped["x"], grouped["t_x"], grouped["T"], grouped["n"], time_unit)
    if not model.converged:
        messages.append(
            f"the purchase model did not converge (r={model.r:.3g}, α={model.alpha:.3g}, a={model.a:.3g}, "
            f"b={model.b:.3g}); no prediction from it"
        )
    return model


def _fit_spend(repeaters: pd.DataFrame, correlation: float | None, messages: list[str]) -> GammaGamma | None:
    if correlation is not None and abs(correlation) > 0.3:
        messages.append(
            f"spend per purchase and number of purchases are correlated ({correlation:+.2f}); Gamma-Gamma assumes "
            "they are independent, so its spend predictions lean"
        )
    if len(repeaters) < 3 or repeaters["m"].nunique() < 2:
        messages.append(
            f"{len(repeaters)} repeat buyer(s) with spend: too few to fit the spend model; "
            "each purchase is valued at the mean spend per purchase day"
        )
        return None
    ordered = repeaters.sort_values(["x", "m"], kind="stable")  # the fit's sums in one order, run after run
    model = fit_gamma_gamma(ordered["x"], ordered["m"])
    if not model.converged:
        messages.append(
            f"the spend model did not converge (p={model.p:.3g}, q={model.q:.3g}, γ={model.v:.3g}); "
            "each purchase is valued at the mean spend per purchase day"
        )
        return None
    return model


def _holdout(
    model: BgNbd | None, calibration: pd.DataFrame, days: pd.DataFrame, key, start: dt.date, end: dt.date, unit: int
) -> dict:
    """Predicted vs actual repeat purchases (distinct days) of the calibration customers in (start, end]."""
    later = days[(days["day"] > pd.Timestamp(start)) & (days["day"] <= pd.Timestamp(end))]
    actual = later.groupby(key, observed=True).size()
    index = pd.MultiIndex.from_frame(calibration[key]) if len(key) > 1 else pd.Index(calibration[key[0]])
    frame = calibration[["x"]].copy()
    frame["actual"] = actual.reindex(index).fillna(0).to_numpy()
    length = (end - start).days / unit
    frame["predicted"] = (
        expected_purchases(model, length, calibration["x"], calibration["t_x"], calibration["T"])
        if model is not None
        else np.nan
    )
    frame["bucket"] = np.where(frame["x"] >= 7, "7+", frame["x"].clip(upper=7).astype(int).astype(str))
    rows = []
    for bucket in FREQUENCY_BUCKETS:
        part = frame[frame["bucket"] == bucket]
        if len(part):
            rows.append(
                {
                    "frequency": bucket,
                    "customers": len(part),
                    "predicted": float(part["predicted"].mean()),
                    "actual": float(part["actual"].mean()),
                }
            )
    return {
        "start": (start + dt.timedelta(days=1)).isoformat(),
        "end": end.isoformat(),
        "predicted": float(frame["predicted"].sum()),
        "actual": float(frame["actual"].sum()),
        "by_frequency": rows,
    }


def _by_segment(customers: pd.DataFrame) -> pd.DataFrame:
    columns = ["segment", "customers", "p_alive_mean", "expected_purchases", "predicted_value"]
    if "segment" not in customers or not len(customers):
        return pd.DataFrame(columns=columns)
    grouped = customers.groupby("segment", observed=True, sort=False)
    out = grouped.agg(
        customers=("p_alive", "size"),
        p_alive_mean=("p_alive", "mean"),
        # without a purchase model these stay empty (null), never a 0 that reads as "worth nothing"
        expected_purchases=("expected_purchases", lambda s: s.sum(min_count=1)),
        predicted_value=("predicted_value", lambda s: s.sum(min_count=1)),
    ).reset_index()
    return out.sort_values("predicted_value", ascending=False, kind="stable").reset_index(drop=True)[columns]


def _deciles(customers: pd.DataFrame) -> pd.DataFrame:
    """Customers ranked by predicted value into ten groups (1 = the most valuable tenth)."""
    columns = ["decile", "customers", "predicted_value", "share"]
    values = customers["predicted_value"] if len(customers) else pd.Series(dtype=float)
    if values.notna().sum() == 0:
        return pd.DataFrame(columns=columns)
    order = values.rank(method="first", ascending=False)
    decile = np.ceil(order / len(values) * 10).clip(1, 10).astype(int)
    out = values.groupby(decile).agg(customers="size", predicted_value="sum").reset_index(names="decile")
    total = float(values.sum())
    out["share"] = out["predicted_value"] / total if total else np.nan
    return out[columns]


def predict(
    lines: Lines,
    as_of: dt.date | None = None,
    horizon_days: int = 90,
    time_unit: str = "week",
    calibration_end: dt.date | None = None,
    scheme: str = "cn8",
    file: str = "orders",
    refunds: pd.DataFrame | None = None,
) -> ValueResult:
    """`ecomplan rfm value`: purchase days of canonical order lines (`rfm.read_orders`), the models, and
    each customer's RFM segment of `scheme` (as `rfm segment` gives it on the same date, 365-day window;
    customers without a purchase in that window are `lapsed`). `refunds` (a refunds export's canonical
    frame) nets successful refunds from their orders, as in `rfm segment --refunds`."""
    from ecomplan.rfm.metrics import purchase_days
    from ecomplan.rfm.segmentation import segment

    segments = pd.Series(dtype="object")  # no segments: every customer lapsed
    try:  # one DuckDB pass gives both the segments and the purchase days
        scored = segment(lines, scheme, as_of=as_of, file=file, refunds=refunds, keep_purchase_days=True)
        days, key, as_of = cast(pd.DataFrame, scored.purchase_days), scored.key, scored.as_of
        segments = scored.customers.set_index(scored.key)["segment"].astype("object")
    except InputError:  # no customer in the window (or none at all): purchase days alone, every customer lapsed
        if refunds is not None:
            raise  # the refunds are netted in the segmenting pass only
        days, key, _ = purchase_days(lines, file)
        if days.empty:
            raise InputError(
                f"{file}: no paid purchase with a customer id; predicted value needs paid orders with a buyer id"
            ) from None
        as_of = as_of or days["day"].max().date() + dt.timedelta(days=1)
    return value(days, key, as_of, horizon_days, time_unit, calibration_end, segments)
