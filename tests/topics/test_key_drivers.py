"""Johnson's relative weights and the driver table (cxlink/key_drivers.py) on known answers."""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd
import pytest

from cxlink.key_drivers import drivers_frame, fit_drivers, ols_p_values, relative_weights


def r_squared(x: np.ndarray, y: np.ndarray) -> float:
    design = np.column_stack([np.ones(len(y)), x]) if x.size else np.ones((len(y), 1))
    beta, *_ = np.linalg.lstsq(design, y, rcond=None)
    residual = y - design @ beta
    return 1 - residual @ residual / ((y - y.mean()) @ (y - y.mean()))


def lmg(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Shapley / LMG decomposition of R^2 by brute force over every predictor subset."""
    k = x.shape[1]
    shares = np.zeros(k)
    for j in range(k):
        others = [i for i in range(k) if i != j]
        for size in range(k):
            for subset in combinations(others, size):
                weight = 1 / (k * len(list(combinations(others, size))))
                with_j = r_squared(x[:, [*subset, j]], y)
                without = r_squared(x[:, list(subset)], y) if subset else 0.0
                shares[j] += weight * (with_j - without)
    return shares


def test_orthogonal_predictors_get_their_squared_correlation():
    # a balanced 2x2 design: x1 and x2 uncorrelated; y = 2 x1 + x2 + e with e orthogonal to both
    x1 = np.array([0, 0, 1, 1] * 25, dtype=float)
    x2 = np.array([0, 1, 0, 1] * 25, dtype=float)
    e = np.array([1, -1, -1, 1, -1, 1, 1, -1] * 12 + [0, 0, 0, 0], dtype=float)
    y = 2 * x1 + x2 + e
    weights, r2 = relative_weights(np.column_stack([x1, x2]), y)
    r1, r2_ = np.corrcoef(x1, y)[0, 1], np.corrcoef(x2, y)[0, 1]
    assert weights == pytest.approx([r1**2, r2_**2], abs=1e-12)
    assert r2 == pytest.approx(r1**2 + r2_**2, abs=1e-12)
    assert r2 == pytest.approx(r_squared(np.column_stack([x1, x2]), y), abs=1e-12)


def test_weights_sum_to_r_squared_and_track_shapley_on_correlated_predictors():
    rng = np.random.default_rng(7)
    n = 2000
    base = rng.normal(size=n)
    x = np.column_stack(
        [
            base + rng.normal(size=n),
            base + rng.normal(size=n),
            rng.normal(size=n),
        ]
    )
    y = 1.0 * x[:, 0] + 0.3 * x[:, 1] + 0.5 * x[:, 2] + rng.normal(size=n)
    weights, r2 = relative_weights(x, y)
    assert weights.sum() == pytest.approx(r2, abs=1e-12)
    assert r2 == pytest.approx(r_squared(x, y), abs=1e-12)
    # Johnson's weights approximate the exact Shapley (LMG) shares closely
    assert weights == pytest.approx(lmg(x, y), abs=0.01)
    assert int(np.argmax(weights)) == 0


def test_a_topic_that_separates_detractors_takes_all_of_r_squared():
    # y = separating topic exactly; the noise topic is balanced within both groups
    separating = np.array([1] * 20 + [0] * 60, dtype=float)
    noise = np.array(([1, 0] * 10) + ([1, 0] * 30), dtype=float)
    fit = fit_drivers(np.column_stack([separating, noise]), separating.copy())
    assert fit.r_squared == pytest.approx(1.0, abs=1e-12)
    assert fit.weights == pytest.approx([1.0, 0.0], abs=1e-12)
    assert fit.p_values[0] == 0.0
    assert fit.p_values[1] == 1.0


def test_ols_p_values_match_the_t_test_by_hand():
    # one predictor: p-value of the slope = the t-test of the correlation, t = r sqrt(n-2)/sqrt(1-r^2)
    from scipy import stats

    rng = np.random.default_rng(3)
    x = rng.integers(0, 2, size=60).astype(float)
    y = 0.4 * x + rng.normal(size=60)
    coefficients, p_values = ols_p_values(x.reshape(-1, 1), y)
    r = np.corrcoef(x, y)[0, 1]
    t = r * np.sqrt(58) / np.sqrt(1 - r**2)
    assert p_values[0] == pytest.approx(2 * stats.t.sf(abs(t), 58), rel=1e-9)
    slope = np.cov(x, y, ddof=1)[0, 1] / np.var(x, ddof=1)
    assert coefficients[0] == pytest.approx(slope, rel=1e-12)


def test_exactly_collinear_topics_are_not_identified_but_weights_still_sum():
    a = np.array([1, 0, 0, 1, 0, 1, 0, 0] * 10, dtype=float)
    b = a.copy()  # a parent topic with a single sub-topic
    c = np.array([0, 1, 0, 0, 1, 0, 1, 1] * 10, dtype=float)
    y = a - c + np.array([0.5, -0.5, 0.3, -0.3, 0.1, -0.1, 0.2, -0.2] * 10)
    fit = fit_drivers(np.column_stack([a, b, c]), y)
    assert np.isnan(fit.p_values[0]) and np.isnan(fit.p_values[1])
    assert np.isfinite(fit.p_values[2])
    assert fit.weights.sum() == pytest.approx(fit.r_squared, abs=1e-12)
    assert fit.weights[0] == pytest.approx(fit.weights[1], abs=1e-12)


def _frame(points, mentions):
    responses = pd.DataFrame(
        {
            "response_id": [f"r{i}" for i in range(len(points))],
            "period_start": pd.Timestamp("2024-01-01"),
            "nps_points": points,
        }
    )
    rows = [(f"r{i}", t) for i, topics in enumerate(mentions) for t in topics]
    return responses, pd.DataFrame(rows, columns=["response_id", "topic_id"])


def test_driver_table_zeroes_non_significant_topics_and_flags_them():
    topics = pd.DataFrame(
        {"topic_id": ["rel", "onb", "price"], "topic_name": ["R", "O", "P"], "topic_level": 1}
    )
    # 20 detractors all mention rel; onb is mentioned by half of every category; price by nobody
    points = [-1] * 20 + [0] * 20 + [1] * 40
    mentions = [["rel", "onb"] if i % 2 else ["rel"] for i in range(20)] + [
        ["onb"] if i % 2 else [] for i in range(60)
    ]
    responses, mention_rows = _frame(points, mentions)
    table = drivers_frame(responses, mention_rows, topics, "month", 0.05, 30)
    detractor = table[(table.outcome == "detractor") & (table.period_grain == "all_time")]
    by_topic = detractor.set_index("topic_id")
    assert by_topic.loc["rel", "r_squared"] == pytest.approx(1.0)
    assert by_topic.loc["rel", "relative_weight"] == pytest.approx(1.0)
    assert bool(by_topic.loc["rel", "is_significant"])
    assert by_topic.loc["onb", "raw_weight"] == pytest.approx(0.0, abs=1e-12)
    assert by_topic.loc["onb", "relative_weight"] == 0.0
    assert by_topic.loc["onb", "driver_status"] == "not_significant"
    assert by_topic.loc["price", "driver_status"] == "no_variation"
    assert by_topic.loc["price", "relative_weight"] == 0.0
    assert by_topic.loc["rel", "effect_direction"] == "raises"
    nps = table[(table.outcome == "nps_points") & (table.period_grain == "all_time")]
    assert nps.set_index("topic_id").loc["rel", "effect_direction"] == "lowers"
    # one month + all_time, three outcomes, three topics
    assert len(table) == 2 * 3 * 3


def test_too_few_responses_are_not_fitted_and_empty_input_gives_a_typed_empty_table():
    topics = pd.DataFrame({"topic_id": ["rel"], "topic_name": ["R"], "topic_level": 1})
    responses, mention_rows = _frame([-1, 1, 1], [["rel"], [], []])
    table = drivers_frame(responses, mention_rows, topics, "month", 0.05, 30)
    assert set(table.driver_status) == {"too_few_responses"}
    assert table.relative_weight.isna().all()
    empty = drivers_frame(responses.iloc[:0], mention_rows.iloc[:0], topics, "month", 0.05, 30)
    assert empty.empty and list(empty.columns)[:3] == ["period_grain", "period_start", "outcome"]
