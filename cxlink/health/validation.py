"""How well a risk score predicts churn: the AUC with DeLong's variance, and the paired
difference of two AUCs on the same account-months (docs/metrics.md "Customer health and
closing the loop", Validation). Pure functions; ``marts.health_score_validation`` uses them.

DeLong, DeLong & Clarke-Pearson (1988), in the fast form of Sun & Xu (2014): with m churned
(positives) and n retained account-months, midranks T_z over all, T_x among the positives and
T_y among the negatives, AUC = (sum of T_z over positives - m (m + 1) / 2) / (m n); the
structural components V10 = (T_z - T_x) / n (positives) and V01 = 1 - (T_z - T_y) / m
(negatives) give Var(AUC) = S10 / m + S01 / n, S the sample covariance matrices of the
components across scores (so two scores on the same rows get their covariance too). A tie
counts one half. Higher score = more risk of churn.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats


@dataclass(frozen=True)
class AucComparison:
    aucs: np.ndarray  # per score
    covariance: np.ndarray  # scores x scores
    positives: int
    negatives: int

    def se(self, i: int) -> float:
        return float(np.sqrt(max(self.covariance[i, i], 0.0)))

    def difference(self, i: int, j: int) -> tuple[float, float]:
        """AUC_i - AUC_j and its standard error (paired)."""
        c = self.covariance
        variance = c[i, i] + c[j, j] - 2 * c[i, j]
        return float(self.aucs[i] - self.aucs[j]), float(np.sqrt(max(variance, 0.0)))


def midranks(values: np.ndarray) -> np.ndarray:
    """1-based ranks with ties at their mean rank."""
    return stats.rankdata(values, method="average")


def delong(outcome: np.ndarray, scores: np.ndarray) -> AucComparison:
    """AUCs and DeLong covariance of the columns of ``scores`` (rows x scores) for the 0/1
    ``outcome``; needs at least two positives and two negatives."""
    y = np.asarray(outcome).astype(bool)
    scores = np.asarray(scores, dtype=float)
    if scores.ndim == 1:
        scores = scores[:, None]
    positives, negatives = scores[y], scores[~y]
    m, n = len(positives), len(negatives)
    if m < 2 or n < 2:
        raise ValueError("DeLong's AUC variance needs at least two churned and two retained rows")
    k = scores.shape[1]
    aucs = np.empty(k)
    v10 = np.empty((k, m))
    v01 = np.empty((k, n))
    for r in range(k):
        tx = midranks(positives[:, r])
        ty = midranks(negatives[:, r])
        tz = midranks(np.concatenate([positives[:, r], negatives[:, r]]))
        aucs[r] = (tz[:m].sum() - m * (m + 1) / 2.0) / (m * n)
        v10[r] = (tz[:m] - tx) / n
        v01[r] = 1.0 - (tz[m:] - ty) / m
    s10 = np.atleast_2d(np.cov(v10))
    s01 = np.atleast_2d(np.cov(v01))
    return AucComparison(aucs, s10 / m + s01 / n, m, n)


def two_sided_p(estimate: float, se: float) -> float:
    """Two-sided normal p-value of estimate / se; nan when se is 0."""
    if not se > 0:
        return float("nan")
    return float(2 * stats.norm.sf(abs(estimate / se)))
