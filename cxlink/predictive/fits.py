"""What a fitted (or not fitted) model reports, shared by the BG/NBD and Gamma-Gamma fits."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

FITTED = "fitted"
NOT_FITTED = "not_fitted"
# reasons a model is not fitted (the marts' fit_null_reason)
NO_CUSTOMERS = "no_customers"
TOO_FEW_REPEAT_BUYERS = "too_few_repeat_buyers"
NO_MONETARY_VARIATION = "no_monetary_variation"
DID_NOT_CONVERGE = "did_not_converge"


@dataclass(frozen=True)
class ModelFit:
    """A model's maximum-likelihood fit: parameters, the standard errors of their logarithms
    (the optimizer works on log parameters, so intervals are formed there: exp(log p -/+ z se),
    which keeps them positive), the log-likelihood and the counts it was fitted on. With
    ``status`` not_fitted, ``reason`` says why and the figures are empty."""

    model: str
    status: str
    n_customers: int
    n_repeat_buyers: int
    reason: str | None = None
    params: dict[str, float] = field(default_factory=dict)
    log_se: dict[str, float] = field(default_factory=dict)
    log_likelihood: float | None = None

    @property
    def fitted(self) -> bool:
        return self.status == FITTED

    def interval(self, name: str, z: float) -> tuple[float | None, float | None]:
        """exp(log p -/+ z se(log p)); (None, None) without a standard error."""
        se = self.log_se.get(name)
        if not self.fitted or se is None or not math.isfinite(se):
            return None, None
        value = self.params[name]
        return value * math.exp(-z * se), value * math.exp(z * se)


def not_fitted(model: str, reason: str, n_customers: int, n_repeat_buyers: int) -> ModelFit:
    return ModelFit(model, NOT_FITTED, n_customers, n_repeat_buyers, reason=reason)


def log_standard_errors(hessian: np.ndarray, n: float, names: list[str]) -> dict[str, float]:
    """SEs of the log parameters from the Hessian of the **mean** negative log-likelihood in the
    log parameters (what ``lifetimes`` keeps as ``_hessian_``): Var = H^-1 / n. A singular or
    indefinite Hessian gives nan (published as null)."""
    try:
        covariance = np.linalg.inv(np.asarray(hessian, dtype=float)) / n
        variances = np.diag(covariance)
    except np.linalg.LinAlgError:
        variances = np.full(len(names), np.nan)
    return {
        name: float(math.sqrt(v)) if math.isfinite(v) and v > 0 else math.nan
        for name, v in zip(names, variances, strict=True)
    }
