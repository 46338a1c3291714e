"""BG/NBD: fit, log-likelihood and predictions (Fader, Hardie & Lee 2005, "Counting your
customers the easy way: an alternative to the Pareto/NBD model", Marketing Science 24(2)).

Model: while alive, a customer buys at a Poisson rate lambda ~ Gamma(r, alpha); after every
purchase they drop out with probability p ~ Beta(a, b). Per customer (x, t_x, T) (see
``cxlink.predictive.summary``) the likelihood is FHL's equation (6):

    L = B(a, b + x) / B(a, b) x Gamma(r + x) alpha^r / (Gamma(r) (alpha + T)^(r + x))
        + [x > 0] B(a + 1, b + x - 1) / B(a, b) x Gamma(r + x) alpha^r
          / (Gamma(r) (alpha + t_x)^(r + x)),

with B(a + 1, b + x - 1) / B(a, b + x) = a / (b + x - 1). The fit is the ``lifetimes``
package's (BetaGeoFitter, maximum likelihood by BFGS on the log parameters, no penalty); the
log-likelihood is recomputed here from (6), in weeks, so it is the one FHL report (-9582.4 on
the 2,357-customer CDNOW sample). Predictions are lifetimes' closed forms: the conditional
expectation of purchases in the next t weeks (FHL eq. 10, a Gaussian hypergeometric function)
and P(alive) (Fader, Hardie & Lee 2008 note "Computing P(alive) using the BG/NBD model").
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from lifetimes import BetaGeoFitter
from scipy.special import betaln, gammaln

from cxlink.predictive.fits import (
    DID_NOT_CONVERGE,
    FITTED,
    NO_CUSTOMERS,
    TOO_FEW_REPEAT_BUYERS,
    ModelFit,
    log_standard_errors,
    not_fitted,
)

MODEL = "bg_nbd"
PARAMETERS = ["r", "alpha", "a", "b"]


def log_likelihood(params: dict[str, float], x, t_x, T) -> float:
    """Sum over customers of log L, FHL equation (6)."""
    r, alpha, a, b = (params[name] for name in PARAMETERS)
    x = np.asarray(x, dtype=float)
    t_x = np.asarray(t_x, dtype=float)
    T = np.asarray(T, dtype=float)
    common = gammaln(r + x) - gammaln(r) + r * math.log(alpha)
    stay = betaln(a, b + x) - betaln(a, b) - (r + x) * np.log(alpha + T)
    repeat = x > 0
    drop = np.full_like(x, -np.inf)
    drop[repeat] = (
        betaln(a, b + x[repeat])
        - betaln(a, b)
        + np.log(a)
        - np.log(b + x[repeat] - 1)
        - (r + x[repeat]) * np.log(alpha + t_x[repeat])
    )
    return float(np.sum(common + np.logaddexp(stay, drop)))


def fit(frequency, recency, T, min_repeat_buyers: int) -> ModelFit:
    """Maximum-likelihood BG/NBD fit, or a not_fitted result with its reason: no customers,
    fewer than ``min_repeat_buyers`` customers with a repeat purchase (the repeat purchases
    carry the information on lambda and p), or an optimizer that did not converge."""
    x = np.asarray(frequency, dtype=int)
    t_x = np.asarray(recency, dtype=float)
    T = np.asarray(T, dtype=float)
    n, repeaters = len(x), int(np.sum(x > 0))
    if n == 0:
        return not_fitted(MODEL, NO_CUSTOMERS, 0, 0)
    if repeaters < max(min_repeat_buyers, 1) or float(T.max()) <= 0:
        return not_fitted(MODEL, TOO_FEW_REPEAT_BUYERS, n, repeaters)
    fitter = BetaGeoFitter()
    try:
        fitter.fit(x, t_x, T)
    except Exception:  # lifetimes raises ConvergenceError, or LinAlgError on a singular Hessian
        return not_fitted(MODEL, DID_NOT_CONVERGE, n, repeaters)
    params = {name: float(fitter.params_[name]) for name in PARAMETERS}
    if not all(math.isfinite(v) and v > 0 for v in params.values()):
        return not_fitted(MODEL, DID_NOT_CONVERGE, n, repeaters)
    return ModelFit(
        MODEL,
        FITTED,
        n,
        repeaters,
        params=params,
        log_se=log_standard_errors(fitter._hessian_, n, PARAMETERS),
        log_likelihood=log_likelihood(params, x, t_x, T),
    )


def _fitter(params: dict[str, float]) -> BetaGeoFitter:
    fitter = BetaGeoFitter()
    fitter.params_ = pd.Series({name: params[name] for name in PARAMETERS})
    return fitter


def expected_purchases(params: dict[str, float], t: float, x, t_x, T) -> np.ndarray:
    """E[purchases in (T, T + t] | x, t_x, T] (FHL eq. 10), t in weeks."""
    values = _fitter(params).conditional_expected_number_of_purchases_up_to_time(
        t, np.asarray(x, dtype=float), np.asarray(t_x, dtype=float), np.asarray(T, dtype=float)
    )
    return np.asarray(values, dtype=float)


def probability_alive(params: dict[str, float], x, t_x, T) -> np.ndarray:
    """P(alive at T | x, t_x, T): 1 for x = 0 (the model lets a customer drop out only right
    after a purchase)."""
    values = _fitter(params).conditional_probability_alive(
        np.asarray(x, dtype=float), np.asarray(t_x, dtype=float), np.asarray(T, dtype=float)
    )
    return np.asarray(values, dtype=float)


def discounted_monthly_purchases(
    params: dict[str, float],
    months: int,
    weeks_per_month: float,
    monthly_discount: float,
    x,
    t_x,
    T,
) -> np.ndarray:
    """sum over months m = 1..months of (E[N(m w)] - E[N((m - 1) w)]) / (1 + d)^m: the expected
    purchases of each future month, discounted to today (w = weeks per month, d the monthly
    discount rate); with d = 0 it is E[N(months x w)]."""
    total = np.zeros(len(np.asarray(x)))
    previous = np.zeros_like(total)
    for month in range(1, months + 1):
        cumulative = expected_purchases(params, month * weeks_per_month, x, t_x, T)
        total += (cumulative - previous) / (1 + monthly_discount) ** month
        previous = cumulative
    return total
