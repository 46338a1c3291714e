"""DeLong's AUC variance (cxlink/health/validation.py) by hand on five rows, against the O(m n)
definition with ties, and the validation table on a small frame (cxlink/health/tables.py)."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from cxlink.health.tables import SCORES, validation_frame
from cxlink.health.validation import delong, two_sided_p


def brute_force(y: np.ndarray, scores: np.ndarray):
    """DeLong from its definition: psi(x, y) = 1, 1/2, 0 for x > y, =, <."""
    positives, negatives = scores[y], scores[~y]
    psi = (positives[:, None, :] > negatives[None, :, :]) + 0.5 * (
        positives[:, None, :] == negatives[None, :, :]
    )
    aucs = psi.mean(axis=(0, 1))
    v10 = psi.mean(axis=1).T  # per positive
    v01 = psi.mean(axis=0).T  # per negative
    m, n = len(positives), len(negatives)
    return aucs, np.atleast_2d(np.cov(v10)) / m + np.atleast_2d(np.cov(v01)) / n


def test_five_rows_by_hand():
    # churned 0.9, 0.6; retained 0.5, 0.6, 0.1. Pairs: 0.9 beats all 3; 0.6 beats 0.5 and 0.1
    # and ties 0.6: AUC = 5.5 / 6. V10 = 1, 2.5 / 3; V01 = 1, 0.75, 1.
    # S10 = var(1, 0.8333) = 0.013889, S01 = var(1, 0.75, 1) = 0.020833;
    # Var = 0.013889 / 2 + 0.020833 / 3 = 0.0138889, SE = 0.117851.
    y = np.array([1, 1, 0, 0, 0], dtype=bool)
    result = delong(y, np.array([0.9, 0.6, 0.5, 0.6, 0.1]))
    assert result.aucs[0] == pytest.approx(5.5 / 6, abs=1e-12)
    assert result.covariance[0, 0] == pytest.approx(0.0138889, abs=1e-7)
    assert result.se(0) == pytest.approx(0.117851, abs=1e-6)
    assert (result.positives, result.negatives) == (2, 3)


def test_against_the_definition_with_ties():
    rng = np.random.default_rng(3)
    y = rng.uniform(size=300) < 0.2
    scores = np.column_stack(
        [
            np.round(rng.normal(size=300) + y, 1),  # ties
            rng.integers(0, 3, size=300) + 0.5 * y,
        ]
    )
    result = delong(y, scores)
    aucs, covariance = brute_force(y, scores)
    assert result.aucs == pytest.approx(aucs, abs=1e-12)
    assert result.covariance == pytest.approx(covariance, abs=1e-12)
    assert result.aucs[0] == pytest.approx(roc_auc_score(y, scores[:, 0]), abs=1e-12)
    gap, se = result.difference(0, 1)
    assert gap == pytest.approx(aucs[0] - aucs[1])
    assert se == pytest.approx(
        np.sqrt(covariance[0, 0] + covariance[1, 1] - 2 * covariance[0, 1]), abs=1e-12
    )
    assert two_sided_p(1.96, 1.0) == pytest.approx(0.05, abs=1e-4)


def test_too_few_of_a_class_is_refused():
    with pytest.raises(ValueError, match="at least two churned"):
        delong(np.array([1, 0, 0], dtype=bool), np.array([0.1, 0.2, 0.3]))


def test_the_validation_table():
    # 6 account-months; configured ranks perfectly (AUC 1), nps_only is tied throughout (0.5),
    # learned has no score (not fitted): counted 0, no AUC.
    churned = [True, True, False, False, False, False]
    rows = []
    for i, flag in enumerate(churned):
        key = {"customer_id": f"c{i % 4}", "month_start": date(2024, 1 + i, 1), "churned": flag}
        rows.append({**key, "score_name": "configured", "risk_score": 90.0 - 10 * i})
        rows.append({**key, "score_name": "nps_only", "risk_score": 0.5})
        rows.append({**key, "score_name": "learned", "risk_score": None})
    split = {
        "validation_first_month": date(2024, 1, 1),
        "last_labelled_month": date(2024, 6, 1),
        "horizon_months": 3,
    }
    table = validation_frame(pd.DataFrame(rows), split, 1.96, "v1").set_index("score_name")
    assert list(table.index) == list(SCORES)
    configured = table.loc["configured"]
    assert (configured.account_months, configured.accounts, configured.churned) == (6, 4, 2)
    assert configured.churn_rate == pytest.approx(2 / 6)
    assert configured.auc == 1.0 and configured.auc_ci_high == 1.0
    assert table.loc["nps_only"].auc == 0.5
    # paired gap: 1 - 0.5
    assert configured.auc_gap_vs_nps == pytest.approx(0.5)
    assert configured.paired_account_months == 6
    assert table.loc["learned"].account_months == 0 and pd.isna(table.loc["learned"].auc)
    assert pd.isna(table.loc["nps_only"].auc_gap_vs_nps)
    assert set(table.score_version) == {"v1"} and set(table.ci_method) == {"delong"}
