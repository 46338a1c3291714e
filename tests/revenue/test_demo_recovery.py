"""The revenue marts on the demo data recover what the generator planted (ground_truth.json).

Uses the shared session run `demo_run` (tests/conftest.py): 5,000 customers, lag 0.
"""

from __future__ import annotations

import math

import pytest

pytestmark = pytest.mark.xdist_group("demo_run")

# Standard deviations allowed around the expected value: a 4-sigma band misses a correct
# estimate with probability 6e-5 per channel, while the planted CACs of neighbouring channels
# (2,500 / 3,000, 6,000 / 9,000 EUR) lie far more than 4 sigma apart at this scale.
Z = 4.0


def test_cac_by_channel_recovers_the_planted_cac(demo_run, con):
    _, truth, _ = demo_run
    assert truth["spend_to_acquisition_lag_months"] == 0  # the mart runs at the default lag 0
    sigma = truth["cac_noise_sigma"]
    # The generator books spend_m = n_m x CAC x exp(eps_m), eps_m ~ N(0, sigma^2), per month m
    # and channel. The whole-window CAC is sum(spend) / sum(n) = CAC x R with
    # R = sum(n_m exp(eps_m)) / sum(n_m): E[R] = exp(sigma^2 / 2) and
    # Var[R] = (exp(sigma^2) - 1) exp(sigma^2) sum(n_m^2) / sum(n_m)^2.
    mean_factor = math.exp(sigma**2 / 2)
    noise_variance = (math.exp(sigma**2) - 1) * math.exp(sigma**2)
    for channel, planted in truth["cac_by_channel"].items():
        months = con.execute(
            "select spend, new_customers from marts.cac_by_channel"
            " where acquisition_channel = ? and spend is not null",
            [channel],
        ).fetchall()
        spend = sum(float(s) for s, _ in months)
        new = sum(n for _, n in months)
        assert new > 0, channel
        sd = planted * math.sqrt(noise_variance * sum(n * n for _, n in months)) / new
        expected = planted * mean_factor
        assert abs(spend / new - expected) <= Z * sd, (channel, spend / new, expected, sd)
        # the band is narrow enough to tell the channels apart (< 10% of the planted CAC)
        assert Z * sd < 0.1 * planted, (channel, sd)


def test_every_customer_is_acquired_once(demo_run, con):
    _, truth, _ = demo_run
    # subscribers in their first subscription month, one-time buyers in their first invoice
    # month: every generated customer exactly once
    (acquired,) = con.execute("select sum(new_customers) from marts.cac_total").fetchone()
    assert acquired == truth["customers"]
    # and the channels' rows add up to the same (one grain per table, no total rows mixed in)
    (by_channel,) = con.execute("select sum(new_customers) from marts.cac_by_channel").fetchone()
    assert by_channel == truth["customers"]


def test_active_customers_at_the_as_of_date_match_the_generator(demo_run, con):
    _, truth, _ = demo_run
    realized = truth["realized"]
    # every subscription episode (first life or reactivation) that has not churned by the
    # as-of date is active on it; a churn ends exactly one episode
    subscribers = truth["customers"] - realized["non_subscription_customers"]
    ongoing = subscribers + realized["reactivations"] - realized["churn_events"]
    (customers_end,) = con.execute(
        "select customers_end from marts.mrr_bridge_total order by month desc limit 1"
    ).fetchone()
    assert customers_end == ongoing
    # the bridge chains movement by movement to the same count
    (moved,) = con.execute(
        "select sum(customers_new + customers_reactivated - customers_churned)"
        " from marts.mrr_bridge_total"
    ).fetchone()
    assert moved == ongoing
