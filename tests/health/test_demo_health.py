"""The health marts on the default demo (the shared demo run, tests/conftest.py): red accounts
churn clearly more than green ones, the learned score beats NPS alone on the months it was not
fitted on, and its coefficients recover the planted effects (ground_truth.json: usage declines
in the months before a churn, ticket bursts precede detractor answers, churn by latent NPS
type)."""

from __future__ import annotations

import pytest

from cxlink.health.config import load_config


def figures(con, sql: str) -> dict:
    cursor = con.execute(sql)
    names = [d[0] for d in cursor.description]
    return {r[0]: dict(zip(names[1:], r[1:], strict=True)) for r in cursor.fetchall()}


def test_one_row_per_active_account_month_with_the_shipped_version(con):
    (rows, accounts, versions), *_ = con.execute(
        "select count(*), count(distinct customer_id), count(distinct score_version) "
        "from marts.customer_health"
    ).fetchall()
    (active,) = con.execute(
        "select count(*) from intermediate.int_revenue__customer_mrr_months"
    ).fetchone()
    assert rows == active and accounts > 4000 and versions == 1
    (version,) = con.execute(
        "select any_value(score_version) from marts.customer_health"
    ).fetchone()
    assert version == load_config().version
    # the demo delivers tickets and usage: the four indicators are present on most rows
    (with_usage,) = con.execute(
        "select avg((s_usage_trend is not null)::int) from marts.customer_health"
    ).fetchone()
    assert with_usage > 0.8


def test_red_accounts_churn_clearly_more_than_green(con):
    bands = figures(
        con,
        "select health_band, account_months, churn_rate, churn_ci_low, churn_ci_high, lift "
        "from marts.health_score_validation_bands where score_name = 'configured'",
    )
    red, yellow, green = bands["red"], bands["yellow"], bands["green"]
    # the default cut-offs make red rare on the demo (184 of 34,299 validation account-months)
    assert red["account_months"] > 100 and green["account_months"] > 10000
    # the intervals are apart, red at least twice green, and the bands are ordered
    assert red["churn_ci_low"] > green["churn_ci_high"]
    assert red["churn_rate"] > 2 * green["churn_rate"]
    assert red["churn_rate"] > yellow["churn_rate"] > green["churn_rate"]
    assert red["lift"] > 1 > green["lift"]


def test_the_learned_score_beats_nps_alone(con):
    scores = figures(
        con,
        "select score_name, account_months, auc, auc_ci_low, auc_ci_high, auc_gap_vs_nps, "
        "auc_gap_ci_low, auc_gap_ci_high from marts.health_score_validation",
    )
    learned, nps = scores["learned"], scores["nps_only"]
    assert learned["account_months"] == nps["account_months"] > 10000
    assert learned["auc"] > nps["auc"] and learned["auc_ci_low"] > 0.5
    # the paired DeLong interval of the gap excludes 0
    assert learned["auc_gap_ci_low"] > 0
    # the configured formula uses usage and tickets too: better than NPS alone as well
    assert scores["configured"]["auc_gap_vs_nps"] > 0


def test_the_learned_weights_recover_the_planted_effects(con):
    weights = figures(
        con,
        "select indicator, model_status, coefficient, coefficient_ci_high, suggested_weight "
        "from marts.health_score_learned_weights",
    )
    # a healthier NPS category and usage trend lower churn, beyond their intervals
    for indicator in ("nps_category", "usage_trend"):
        assert weights[indicator]["model_status"] == "fitted"
        assert weights[indicator]["coefficient_ci_high"] < 0, indicator
    # the suggested weights are a full set to copy
    total = sum(w["suggested_weight"] or 0 for w in weights.values())
    assert total == pytest.approx(1.0, abs=1e-9)
    assert weights["usage_trend"]["suggested_weight"] > 0.1


def test_the_learned_score_is_calibrated_by_decile(con):
    deciles = figures(
        con,
        "select risk_decile, churn_rate, churn_ci_low, churn_ci_high, mean_predicted_probability "
        "from marts.health_score_validation_deciles where score_name = 'learned'",
    )
    assert sorted(deciles) == list(range(1, 11))
    # observed churn rises from the lowest to the highest risk decile
    assert deciles[10]["churn_ci_low"] > deciles[1]["churn_ci_high"]
    assert deciles[10]["mean_predicted_probability"] > deciles[1]["mean_predicted_probability"]
