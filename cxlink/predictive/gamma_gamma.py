"""Gamma-Gamma model of spend per transaction (Fader & Hardie 2013, "The Gamma-Gamma model of
monetary value", brucehardie.com/notes/025; after Colombo & Jiang 1999).

Model: a customer's transaction values are Gamma(p, nu) around their mean p / nu, and
nu ~ Gamma(q, gamma) across customers. For a customer with x repeat transactions of mean value
m_x (the first purchase left out), the note's equation (1a) is the likelihood

    f(m_x | p, q, gamma, x) = Gamma(p x + q) / (Gamma(p x) Gamma(q))
        x gamma^q m_x^(p x - 1) x^(p x) / (gamma + m_x x)^(p x + q),

fitted on the customers with x > 0 (``lifetimes``' GammaGammaFitter). The expected spend per
transaction (equation 5) shrinks the customer's own mean towards the population mean:

    E[M | p, q, gamma, m_x, x] = (q - 1) / (p x + q - 1) x gamma p / (q - 1)
                                 + p x / (p x + q - 1) x m_x,

the population mean gamma p / (q - 1) for x = 0; it is finite only for q > 1.

The model assumes spend per transaction is independent of how often a customer buys; the note
checks it with the correlation of x and m_x over the repeat buyers (0.11 on CDNOW), published
here with a Fisher-z interval.
"""

from __future__ import annotations

import math

import numpy as np
from lifetimes import GammaGammaFitter
from scipy import optimize
from scipy.special import gammaln

from cxlink.predictive.fits import (
    DID_NOT_CONVERGE,
    FITTED,
    NO_CUSTOMERS,
    NO_MONETARY_VARIATION,
    TOO_FEW_REPEAT_BUYERS,
    ModelFit,
    log_standard_errors,
    not_fitted,
)

MODEL = "gamma_gamma"
PARAMETERS = ["p", "q", "gamma"]
Q_NOT_ABOVE_ONE = "q_not_above_1"  # the population mean spend is not finite
# The customers' mean spend varies no more than single transactions do: the likelihood rises
# as q and gamma grow together (nu the same for everyone), with no finite maximum.
NO_SPEND_HETEROGENEITY = "no_spend_heterogeneity"
LOG_Q_BOUND = 20.0
LOG_Q_BOUND_VALUE = float(np.exp(LOG_Q_BOUND - 1))


def _failure_reason(x: np.ndarray, m: np.ndarray) -> str:
    """Why lifetimes' fit failed: when the likelihood profiled at log q = 20 (p and the mean of
    nu, q / gamma, maximised) is at least the best a free optimiser finds, the likelihood
    keeps rising in q, the degenerate no-heterogeneity case; anything else a plain failure."""

    def negative(log_p: float, log_q: float, log_gamma: float) -> float:
        params = {"p": math.exp(log_p), "q": math.exp(log_q), "gamma": math.exp(log_gamma)}
        return -log_likelihood(params, x, m)

    free = optimize.minimize(lambda v: negative(*v), x0=[0.1, 0.1, 0.1], method="Nelder-Mead")
    # gamma = q x (the mean of 1 / nu): keeps the profile's scale parameter near 0
    at_bound = optimize.minimize(
        lambda v: negative(v[0], LOG_Q_BOUND, LOG_Q_BOUND + v[1]), x0=[0.0, 0.0],
        method="Nelder-Mead",
    )  # fmt: skip
    if at_bound.fun <= free.fun + 1e-6:
        return NO_SPEND_HETEROGENEITY
    return DID_NOT_CONVERGE


def _repeat(frequency, monetary) -> tuple[np.ndarray, np.ndarray]:
    x = np.asarray(frequency, dtype=float)
    m = np.asarray(monetary, dtype=float)
    keep = (x > 0) & (m > 0)
    return x[keep], m[keep]


def log_likelihood(params: dict[str, float], frequency, monetary) -> float:
    """Sum of log f(m_x) (equation 1a) over the customers with x > 0."""
    p, q, gamma = (params[name] for name in PARAMETERS)
    x, m = _repeat(frequency, monetary)
    values = (
        gammaln(p * x + q)
        - gammaln(p * x)
        - gammaln(q)
        + q * math.log(gamma)
        + (p * x - 1) * np.log(m)
        + p * x * np.log(x)
        - (p * x + q) * np.log(gamma + m * x)
    )
    return float(np.sum(values))


def fit(frequency, monetary, min_repeat_buyers: int) -> ModelFit:
    """Maximum-likelihood fit on the customers with x > 0 (``n_customers`` counts them), or
    not_fitted: none, fewer than ``min_repeat_buyers``, every mean value the same (the spread
    of spend is not identified), no heterogeneity of the customers' mean spend (q without a
    finite maximum), no convergence."""
    x, m = _repeat(frequency, monetary)
    n = len(x)
    if n == 0:
        return not_fitted(MODEL, NO_CUSTOMERS, 0, 0)
    if n < max(min_repeat_buyers, 2):
        return not_fitted(MODEL, TOO_FEW_REPEAT_BUYERS, n, n)
    if float(np.ptp(m)) == 0.0:
        return not_fitted(MODEL, NO_MONETARY_VARIATION, n, n)
    # fitted on values in units of their mean: lifetimes starts every log parameter at 0.1, so
    # spend of a few hundred (gamma in the thousands) stops BFGS far from the optimum. Only
    # gamma carries the unit (m -> m / c gives gamma -> gamma / c, p and q unchanged), and the
    # SE of log(gamma) does not change.
    scale = float(np.mean(m))
    fitter = GammaGammaFitter()
    try:
        fitter.fit(x, m / scale)
    except Exception:  # ConvergenceError, or LinAlgError on a singular Hessian
        return not_fitted(MODEL, _failure_reason(x, m / scale), n, n)
    p, q, v = (float(fitter.params_[k]) for k in "pqv")
    if q > LOG_Q_BOUND_VALUE:
        return not_fitted(MODEL, NO_SPEND_HETEROGENEITY, n, n)
    params = {"p": p, "q": q, "gamma": v * scale}
    if not all(math.isfinite(v) and v > 0 for v in params.values()):
        return not_fitted(MODEL, DID_NOT_CONVERGE, n, n)
    return ModelFit(
        MODEL,
        FITTED,
        n,
        n,
        params=params,
        log_se=log_standard_errors(fitter._hessian_, n, PARAMETERS),
        log_likelihood=log_likelihood(params, x, m),
    )


def population_mean(params: dict[str, float]) -> float | None:
    """gamma p / (q - 1), None for q <= 1."""
    p, q, gamma = (params[name] for name in PARAMETERS)
    return gamma * p / (q - 1) if q > 1 else None


def expected_spend(params: dict[str, float], frequency, monetary) -> np.ndarray:
    """E[spend per transaction | x, m_x] (equation 5); nan for every customer when q <= 1."""
    p, q, _ = (params[name] for name in PARAMETERS)
    x = np.asarray(frequency, dtype=float)
    m = np.where(x > 0, np.asarray(monetary, dtype=float), 0.0)
    mean = population_mean(params)
    if mean is None:
        return np.full(len(x), np.nan)
    weight = p * x / (p * x + q - 1)
    return (1 - weight) * mean + weight * m


def frequency_value_correlation(
    frequency, monetary, z: float
) -> tuple[float | None, float | None, float | None, int]:
    """Pearson r of x and m_x over the customers with x > 0, its Fisher-z interval
    tanh(atanh r -/+ z / sqrt(n - 3)) and n; None below 4 repeat buyers (where the interval is
    not defined; with 2 a correlation is always -/+1) or without variation."""
    x, m = _repeat(frequency, monetary)
    n = len(x)
    if n < 4 or float(np.ptp(x)) == 0.0 or float(np.ptp(m)) == 0.0:
        return None, None, None, n
    r = float(np.corrcoef(x, m)[0, 1])
    if abs(r) >= 1:
        return r, None, None, n
    half = z / math.sqrt(n - 3)
    return r, math.tanh(math.atanh(r) - half), math.tanh(math.atanh(r) + half), n
