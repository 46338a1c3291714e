"""The learned health score: an L2-regularised logistic regression of churn within the next N
months on the configured formula's normalised indicators (docs/metrics.md "Customer health and
closing the loop", Learned score). Pure functions; the dbt model
``marts.health_score_learned_weights`` fits it on the account-months before the time split and
int_health__learned_scores applies the published coefficients to every account-month.

Model: logit P(churn) = b0 + sum_i c_i x_i, x_i = s_i, or the fit-set mean of s_i where the
indicator is missing (so a missing indicator counts as an average one). scikit-learn's
objective, sum of log-losses + ||c||^2 / (2 C), intercept unpenalised. Approximate standard
errors from the inverse of the penalised Hessian X'WX + diag(0, 1/C, ..., 1/C). An indicator
without variation in the fit set (no input, or constant) is left out (``no_variation``).

Weights in the configured formula's terms: churn rises with the shortfall 1 - s_i by
-c_i per unit, so w_i = max(-c_i, 0) / sum_j max(-c_j, 0), rounded to 3 decimals that add up
to exactly 1 (largest remainders): the numbers to copy into ``weights:`` of the YAML file.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.linear_model import LogisticRegression

# Fewest churned (and fewest retained) fit account-months a fit needs.
MIN_OUTCOMES = 10
WEIGHT_DECIMALS = 3


@dataclass(frozen=True)
class LearnedFit:
    status: str  # fitted | too_few_outcomes
    included: np.ndarray  # bool per indicator: in the model
    imputation: np.ndarray  # fit-set mean of s per indicator (nan: never observed)
    coefficients: np.ndarray  # log-odds of churn per unit of s (nan: not in the model)
    standard_errors: np.ndarray
    intercept: float
    n: int
    events: int


def fit_learned(s: np.ndarray, churned: np.ndarray, c: float) -> LearnedFit:
    """Fit on ``s`` (rows x indicators, nan = missing) and the 0/1 outcome ``churned``."""
    s = np.asarray(s, dtype=float)
    y = np.asarray(churned, dtype=float)
    n, k = s.shape
    observed = ~np.isnan(s)
    counts = observed.sum(axis=0)
    sums = np.where(observed, s, 0.0).sum(axis=0)
    imputation = np.divide(sums, counts, out=np.full(k, np.nan), where=counts > 0)
    x = np.where(observed, s, imputation)
    spread = np.array([np.ptp(x[:, j]) if counts[j] else 0.0 for j in range(k)])
    included = spread > 1e-12
    events = int(y.sum())
    coefficients = np.full(k, np.nan)
    standard_errors = np.full(k, np.nan)
    if min(events, n - events) < MIN_OUTCOMES:
        return LearnedFit(
            "too_few_outcomes",
            included,
            imputation,
            coefficients,
            standard_errors,
            float("nan"),
            n,
            events,
        )
    design = x[:, included]
    model = LogisticRegression(C=c, solver="lbfgs", max_iter=5000, tol=1e-10)
    model.fit(design, y)
    coefficients[included] = model.coef_[0]
    p = model.predict_proba(design)[:, 1]
    full = np.column_stack([np.ones(n), design])
    hessian = full.T @ (full * (p * (1 - p))[:, None])
    hessian[1:, 1:] += np.eye(design.shape[1]) / c
    covariance = np.linalg.pinv(hessian)
    standard_errors[included] = np.sqrt(np.clip(np.diag(covariance)[1:], 0.0, None))
    return LearnedFit(
        "fitted",
        included,
        imputation,
        coefficients,
        standard_errors,
        float(model.intercept_[0]),
        n,
        events,
    )


def churn_probability(fit: LearnedFit, s: np.ndarray) -> np.ndarray:
    """P(churn) of rows ``s`` under ``fit`` (missing indicators at their fit-set mean)."""
    s = np.asarray(s, dtype=float)
    x = np.where(np.isnan(s), fit.imputation, s)[:, fit.included]
    logit = fit.intercept + x @ fit.coefficients[fit.included]
    return 1.0 / (1.0 + np.exp(-logit))


def suggested_weights(coefficients: np.ndarray, decimals: int = WEIGHT_DECIMALS) -> np.ndarray:
    """w_i = max(-c_i, 0) / sum, rounded to ``decimals`` places that add up to exactly 1
    (largest remainders); nan everywhere when no shortfall raises churn."""
    shortfall = np.nan_to_num(-np.asarray(coefficients, dtype=float), nan=0.0).clip(min=0.0)
    total = shortfall.sum()
    if total <= 0:
        return np.full(len(shortfall), np.nan)
    unit = 10**decimals
    exact = shortfall / total * unit
    floors = np.floor(exact)
    remainder = round(float(unit - floors.sum()))
    # the largest remainders get one unit each (ties: the earlier indicator)
    order = sorted(range(len(exact)), key=lambda j: (-(exact[j] - floors[j]), j))
    for j in order[:remainder]:
        floors[j] += 1
    return floors / unit
