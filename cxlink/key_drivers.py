"""Key-driver analysis: Johnson's relative weights with OLS significance (pure functions).

docs/metrics.md "Text feedback": relative weights (Johnson 2000; the Qualtrics Stats iQ default)
split a linear model's R^2 among correlated predictors, so the weights sum to R^2; drivers that
are not significant are reported as zero. The dbt model ``marts.nps_drivers`` applies this to
topic-mention indicators per period.

Method (Johnson 2000, "A heuristic method for estimating the relative weight of predictor
variables in multiple regression"): with the predictors' correlation matrix R = V diag(l) V',
Lambda = V diag(sqrt(l)) V' relates the predictors to their closest orthogonal counterparts Z;
beta = Lambda^-1 r_xy regresses the standardized outcome on Z, and the raw weight of predictor j
is sum_k Lambda_jk^2 beta_k^2. Significance: the two-sided t-test of the predictor's coefficient
in the OLS fit with an intercept (df = n - k - 1).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

# Eigenvalues (and singular values) below this, relative to the largest, are treated as zero:
# exactly collinear predictors (a parent topic with one sub-topic) must not blow up an inverse.
RELATIVE_TOLERANCE = 1e-10
# The same for the eigenvalues of X'X, the squares of the design's singular values.
CROSS_PRODUCT_TOLERANCE = 1e-12


@dataclass(frozen=True)
class DriverFit:
    """Per predictor: raw relative weight, OLS coefficient and its p-value; and the model R^2."""

    weights: np.ndarray
    coefficients: np.ndarray
    p_values: np.ndarray
    correlations: np.ndarray
    r_squared: float
    n: int


def _standardize(values: np.ndarray) -> np.ndarray:
    centred = values - values.mean(axis=0)
    scale = np.sqrt((centred**2).sum(axis=0))
    return centred / scale


def relative_weights(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
    """Johnson's raw relative weights of the columns of ``x`` for ``y`` and the model's R^2.

    Every column of ``x`` and ``y`` must vary (the caller drops constant predictors).
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    zx = _standardize(x)
    zy = _standardize(y.reshape(-1, 1))[:, 0]
    rxx = zx.T @ zx
    rxy = zx.T @ zy
    eigenvalues, eigenvectors = np.linalg.eigh(rxx)
    keep = eigenvalues > RELATIVE_TOLERANCE * max(eigenvalues.max(), 1.0)
    root = np.sqrt(np.where(keep, eigenvalues, 0.0))
    lam = eigenvectors @ np.diag(root) @ eigenvectors.T
    inverse_root = np.where(keep, 1.0 / np.where(keep, root, 1.0), 0.0)
    lam_inverse = eigenvectors @ np.diag(inverse_root) @ eigenvectors.T
    beta = lam_inverse @ rxy
    weights = (lam**2) @ (beta**2)
    return weights, float(weights.sum())


def ols_p_values(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """OLS coefficients (with an intercept) and two-sided t-test p-values per column of ``x``.

    A predictor whose coefficient is not identified (exact collinearity) gets p = nan. With a
    perfect fit (no residual variance) a non-zero coefficient has p = 0 and a zero one p = 1.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    n, k = x.shape
    design = np.column_stack([np.ones(n), x])
    # through the (k+1) x (k+1) cross-product: an SVD of the n x (k+1) design costs n times more
    eigenvalues, eigenvectors = np.linalg.eigh(design.T @ design)
    keep = eigenvalues > CROSS_PRODUCT_TOLERANCE * eigenvalues.max()
    kept = eigenvectors[:, keep]
    xtx_pinv = kept @ np.diag(1.0 / eigenvalues[keep]) @ kept.T
    coefficients = xtx_pinv @ (design.T @ y)
    residuals = y - design @ coefficients
    df = n - int(keep.sum())
    p_values = np.full(k, np.nan)
    if df <= 0:
        return coefficients[1:], p_values
    # a coefficient is identified when its unit vector lies in the design's row space
    identified = (kept**2).sum(axis=1) > 1 - 1e-8
    xtx_inverse_diag = np.diag(xtx_pinv)
    sse = float(residuals @ residuals)
    sigma2 = sse / df
    scale = float(np.sum(y**2)) or 1.0
    for j in range(1, k + 1):
        if not identified[j]:
            continue
        if sse <= 1e-20 * scale:
            p_values[j - 1] = 0.0 if abs(coefficients[j]) > 1e-12 else 1.0
            continue
        se = np.sqrt(sigma2 * xtx_inverse_diag[j])
        t = coefficients[j] / se
        p_values[j - 1] = float(2 * stats.t.sf(abs(t), df))
    return coefficients[1:], p_values


def fit_drivers(x: np.ndarray, y: np.ndarray) -> DriverFit:
    """Relative weights, OLS coefficients, p-values and correlations of ``y`` on ``x``."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    weights, r_squared = relative_weights(x, y)
    coefficients, p_values = ols_p_values(x, y)
    zx = _standardize(x)
    zy = _standardize(y.reshape(-1, 1))[:, 0]
    correlations = zx.T @ zy
    return DriverFit(weights, coefficients, p_values, correlations, r_squared, len(y))


# --- the driver table of marts.nps_drivers -------------------------------------------------

OUTCOMES = ("nps_points", "promoter", "detractor")

# column -> (pandas dtype, DuckDB type of the published table)
COLUMNS = {
    "period_grain": ("object", "varchar"),
    "period_start": ("datetime64[us]", "date"),
    "outcome": ("object", "varchar"),
    "topic_level": ("int64", "integer"),
    "topic_id": ("object", "varchar"),
    "topic_name": ("object", "varchar"),
    "responses": ("int64", "bigint"),
    "responses_mentioning": ("int64", "bigint"),
    "mention_share": ("float64", "double"),
    "correlation": ("float64", "double"),
    "coefficient": ("float64", "double"),
    "p_value": ("float64", "double"),
    "is_significant": ("bool", "boolean"),
    "raw_weight": ("float64", "double"),
    "relative_weight": ("float64", "double"),
    "share_of_r_squared": ("float64", "double"),
    "r_squared": ("float64", "double"),
    "significant_r_squared": ("float64", "double"),
    "effect_direction": ("object", "varchar"),
    "driver_status": ("object", "varchar"),
    "alpha": ("float64", "double"),
}


def sql_projection() -> str:
    """Select list that gives the published table its types (empty frames carry none)."""
    return ", ".join(f"cast({name} as {sql}) as {name}" for name, (_, sql) in COLUMNS.items())


def outcome_values(points: np.ndarray, outcome: str) -> np.ndarray:
    if outcome == "nps_points":
        return points.astype(float)
    if outcome == "promoter":
        return (points == 1).astype(float)
    return (points == -1).astype(float)


def period_rows(
    grain: str,
    period_start,
    responses: pd.DataFrame,
    mentions: pd.DataFrame,
    topics: pd.DataFrame,
    alpha: float,
    min_responses: int,
) -> list[dict]:
    """The driver rows of one period: every outcome x level x topic of that level."""
    rows = []
    ids = pd.Index(responses["response_id"])
    points = responses["nps_points"].to_numpy()
    n = len(ids)
    mention_rows = ids.get_indexer(mentions["response_id"])
    for level, level_topics in topics.groupby("topic_level", sort=True):
        level_topics = level_topics.sort_values("topic_id")
        topic_ids = level_topics["topic_id"].tolist()
        topic_names = level_topics["topic_name"].tolist()
        columns = pd.Index(topic_ids).get_indexer(mentions["topic_id"])
        hit = (mention_rows >= 0) & (columns >= 0)
        x = np.zeros((n, len(topic_ids)))
        x[mention_rows[hit], columns[hit]] = 1.0
        counts = x.sum(axis=0)
        varies = (counts > 0) & (counts < n)
        for outcome in OUTCOMES:
            y = outcome_values(points, outcome)
            fit = None
            if n >= min_responses and varies.any() and np.ptp(y) > 0:
                fit = fit_drivers(x[:, varies], y)
            fitted = np.flatnonzero(varies)
            outcome_rows = []
            for j, topic_id in enumerate(topic_ids):
                row = {
                    "period_grain": grain,
                    "period_start": period_start,
                    "outcome": outcome,
                    "topic_level": int(level),
                    "topic_id": topic_id,
                    "topic_name": topic_names[j],
                    "responses": n,
                    "responses_mentioning": int(counts[j]),
                    "mention_share": float(counts[j] / n) if n else np.nan,
                    "correlation": np.nan,
                    "coefficient": np.nan,
                    "p_value": np.nan,
                    "is_significant": False,
                    "raw_weight": np.nan,
                    "relative_weight": np.nan,
                    "share_of_r_squared": np.nan,
                    "r_squared": np.nan,
                    "significant_r_squared": np.nan,
                    "effect_direction": None,
                    "driver_status": "too_few_responses",
                    "alpha": alpha,
                }
                if n >= min_responses:
                    row["driver_status"] = "no_variation"
                    row["raw_weight"] = 0.0
                    row["relative_weight"] = 0.0
                if fit is not None:
                    row["r_squared"] = fit.r_squared
                    if varies[j]:
                        k = int(np.searchsorted(fitted, j))
                        p_value = fit.p_values[k]
                        significant = bool(np.isfinite(p_value) and p_value < alpha)
                        row.update(
                            correlation=float(fit.correlations[k]),
                            coefficient=float(fit.coefficients[k]),
                            p_value=float(p_value) if np.isfinite(p_value) else np.nan,
                            is_significant=significant,
                            raw_weight=float(fit.weights[k]),
                            relative_weight=float(fit.weights[k]) if significant else 0.0,
                            share_of_r_squared=(
                                float(fit.weights[k] / fit.r_squared)
                                if fit.r_squared > 0
                                else np.nan
                            ),
                            effect_direction="raises" if fit.coefficients[k] > 0 else "lowers",
                            driver_status=(
                                "significant"
                                if significant
                                else (
                                    "not_identified"
                                    if not np.isfinite(p_value)
                                    else "not_significant"
                                )
                            ),
                        )
                outcome_rows.append(row)
            if fit is not None:
                # the R^2 the published (zeroed) weights add up to
                significant_r2 = sum(r["relative_weight"] for r in outcome_rows)
                for row in outcome_rows:
                    row["significant_r_squared"] = significant_r2
            rows.extend(outcome_rows)
    return rows


def _sorted(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    return frame.sort_values(keys, kind="stable").reset_index(drop=True)


def drivers_frame(
    responses: pd.DataFrame,
    mentions: pd.DataFrame,
    topics: pd.DataFrame,
    grain: str,
    alpha: float,
    min_responses: int,
) -> pd.DataFrame:
    # The same rows in another order change the sums inside the linear algebra in the last
    # bits (~1e-15), and DuckDB hands a dbt Python model its rows in no fixed order: sorted
    # first, the same data give the same bytes (tests/hardening_runs/test_nps_drivers_bytes.py).
    responses = _sorted(responses, ["response_id"])
    mentions = _sorted(mentions, ["response_id", "topic_id"])
    topics = _sorted(topics, ["topic_level", "topic_id"])
    rows = []
    if len(responses) and len(topics):
        first = responses["period_start"].min()
        periods = [(grain, start, group) for start, group in responses.groupby("period_start")]
        periods.append(("all_time", first, responses))
        for period_grain, start, group in periods:
            rows.extend(
                period_rows(period_grain, start, group, mentions, topics, alpha, min_responses)
            )
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    return frame.astype({name: dtype for name, (dtype, _) in COLUMNS.items()})
