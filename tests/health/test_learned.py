"""The learned health score (cxlink/health/learned.py): the penalised logistic fit against an
independent Newton solver, the standard errors, the imputation of missing indicators, and the
suggested weights in the configured formula's terms."""

from __future__ import annotations

import numpy as np
import pytest

from cxlink.health.learned import (
    MIN_OUTCOMES,
    churn_probability,
    fit_learned,
    suggested_weights,
)


def newton_fit(x: np.ndarray, y: np.ndarray, c: float) -> tuple[np.ndarray, np.ndarray]:
    """Minimise sum log-loss + ||b||^2 / (2C) (intercept unpenalised) by Newton's method;
    the coefficients (intercept first) and the inverse penalised Hessian."""
    design = np.column_stack([np.ones(len(x)), x])
    penalty = np.eye(design.shape[1]) / c
    penalty[0, 0] = 0.0
    beta = np.zeros(design.shape[1])
    for _ in range(100):
        p = 1 / (1 + np.exp(-design @ beta))
        gradient = design.T @ (p - y) + penalty @ beta
        hessian = design.T @ (design * (p * (1 - p))[:, None]) + penalty
        step = np.linalg.solve(hessian, gradient)
        beta -= step
        if np.abs(step).max() < 1e-12:
            break
    return beta, np.linalg.inv(hessian)


@pytest.fixture(scope="module")
def synthetic():
    """2,000 account-months, three indicators: churn log-odds -1 - 2 s1 - 0.5 s2 (s3 has no
    effect); s2 is missing on every fifth row."""
    rng = np.random.default_rng(7)
    n = 2000
    s = rng.uniform(0, 1, size=(n, 3))
    logit = -1.0 - 2.0 * s[:, 0] - 0.5 * s[:, 1]
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-logit))).astype(float)
    s[::5, 1] = np.nan
    return s, y


def test_the_fit_is_the_penalised_maximum_likelihood(synthetic):
    s, y = synthetic
    fit = fit_learned(s, y, c=0.5)
    assert fit.status == "fitted" and fit.included.all()
    # the missing s2 is imputed with its mean over the rows that have it
    assert fit.imputation[1] == pytest.approx(np.nanmean(s[:, 1]), abs=1e-15)
    x = np.where(np.isnan(s), fit.imputation, s)
    beta, inverse = newton_fit(x, y, c=0.5)
    assert fit.intercept == pytest.approx(beta[0], abs=1e-6)
    assert fit.coefficients == pytest.approx(beta[1:], abs=1e-6)
    assert fit.standard_errors == pytest.approx(np.sqrt(np.diag(inverse)[1:]), rel=1e-4)
    # the planted effects: s1 strongly protective, s3 none (within 2 SE)
    assert fit.coefficients[0] < -1.5 and abs(fit.coefficients[2]) < 2 * fit.standard_errors[2]
    assert (fit.n, fit.events) == (2000, int(y.sum()))
    # scoring applies the same imputation
    p = churn_probability(fit, s)
    assert p == pytest.approx(1 / (1 + np.exp(-(beta[0] + x @ beta[1:]))), abs=1e-6)


def test_an_indicator_without_variation_is_left_out(synthetic):
    s, y = synthetic
    s = np.column_stack([s, np.full(len(s), np.nan), np.full(len(s), 0.7)])
    fit = fit_learned(s, y, c=0.5)
    assert fit.included.tolist() == [True, True, True, False, False]
    assert np.isnan(fit.imputation[3]) and fit.imputation[4] == pytest.approx(0.7)
    assert np.isnan(fit.coefficients[3:]).all()
    alone = fit_learned(s[:, :3], y, c=0.5)
    assert fit.coefficients[:3] == pytest.approx(alone.coefficients, abs=1e-9)
    assert churn_probability(fit, s) == pytest.approx(churn_probability(alone, s[:, :3]))


def test_too_few_outcomes_is_not_fitted():
    s = np.linspace(0, 1, 100).reshape(-1, 1)
    y = np.zeros(100)
    y[: MIN_OUTCOMES - 1] = 1
    fit = fit_learned(s, y, c=1.0)
    assert fit.status == "too_few_outcomes" and np.isnan(fit.coefficients).all()
    assert np.isnan(fit.intercept) and fit.events == MIN_OUTCOMES - 1


def test_suggested_weights_known_answer():
    # shortfall coefficients -c: 2, 0.5, -0.2 (churn falls with that shortfall: weight 0), nan
    # (not in the model) -> 2 / 2.5 = 0.8, 0.5 / 2.5 = 0.2, 0, 0
    assert suggested_weights(np.array([-2.0, -0.5, 0.2, np.nan])).tolist() == [0.8, 0.2, 0, 0]
    # thirds: 333 + 333 + 333 = 999 thousandths, the missing one goes to the first largest
    # remainder (ties: the earlier indicator)
    assert suggested_weights(np.array([-1.0, -1.0, -1.0])).tolist() == [0.334, 0.333, 0.333]
    # 1/7, 2/7, 4/7 = 142.857, 285.714, 571.429 thousandths: floors 142 + 285 + 571 = 998; the
    # two largest remainders are .857 and .714
    weights = suggested_weights(np.array([-1.0, -2.0, -4.0]))
    assert weights.tolist() == [0.143, 0.286, 0.571] and round(weights.sum(), 9) == 1
    # nothing raises churn: no weights
    assert np.isnan(suggested_weights(np.array([0.5, np.nan]))).all()
