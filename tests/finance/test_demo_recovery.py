"""The finance marts on the demo data recover what the generator planted (ground_truth.json).

Uses the shared session run `demo_run` (tests/conftest.py: 5,000 customers, seed 42). The
generator gives every subscriber a fixed NPS type and a constant monthly churn hazard h, so the
churn within 12 months of any day a customer is active is 1 - exp(-12 h) (memoryless), which is
what cx_revenue_linkage's seed-method cohort measures (counted from the cohort date).
"""

from __future__ import annotations

import math

import pytest

# Four intervals are checked together (three categories and the gap), so each uses z = 2.576
# (99%): at the mart's own 95% a correct pipeline would miss at least one of four about 19% of
# the time. At seed 42 the draws sit within about 0.5 SE of the planted values (promoter
# +0.50 SE, detractor +0.48 SE, gap +0.29 SE), so the test is not tuned to this seed.
RECOVERY_Z = 2.576
CATEGORIES = ("promoter", "passive", "detractor")


def linkage_rows(con) -> dict[str, dict]:
    """Every segment's rows by NPS category (cx_revenue_linkage_overall), and the whole cohort
    with the segment-level figures as "all" (cx_revenue_linkage_total)."""
    rows = {}
    for table, key in (
        ("cx_revenue_linkage_overall", "nps_category"),
        ("cx_revenue_linkage_total", None),
    ):
        cursor = con.execute(f"select * from marts.{table}")
        names = [d[0] for d in cursor.description]
        for r in cursor.fetchall():
            rows[r[names.index(key)] if key else "all"] = dict(zip(names, r, strict=True))
    return rows


def test_the_cohort_is_the_generators_own_count(demo_run, con):
    """The cohort counts exactly the customers the generator recorded as active 12 months before
    the as-of date, by their latest NPS category then, and exactly those it churned by then."""
    _, truth, _ = demo_run
    realized = truth["realized"]["churn_by_horizon_cohort"]["12"]
    rows = linkage_rows(con)
    for category in CATEGORIES:
        assert (rows[category]["cohort_customers"], rows[category]["cohort_churned"]) == (
            realized[category]["customers"],
            realized[category]["churned"],
        ), category
    assert rows["all"]["cohort_customers"] == sum(realized[c]["customers"] for c in CATEGORIES)


def test_planted_12_month_churn_and_the_gap_are_recovered_within_the_ci(demo_run, con):
    _, truth, _ = demo_run
    planted = truth["churn"]["expected_churn_by_horizon"]["12"]
    rows = linkage_rows(con)
    for category in CATEGORIES:
        r = rows[category]
        assert r["linkage_horizon_months"] == 12
        assert r["cohort_customers"] > 300, category
        error = abs(r["logo_churn_rate"] - planted[category])
        assert error <= RECOVERY_Z * r["logo_churn_se"], (category, r["logo_churn_rate"])
        # the published 95% Wilson interval is the one finance reads; it is narrow enough to
        # separate the categories
        assert r["logo_churn_ci_low"] < r["logo_churn_rate"] < r["logo_churn_ci_high"]
    total = rows["all"]
    planted_gap = planted["detractor"] - planted["promoter"]
    gap = total["churn_gap_detractor_vs_promoter"]
    assert abs(gap - planted_gap) <= RECOVERY_Z * total["churn_gap_se"], (gap, planted_gap)
    # the gap is real: its interval excludes 0, and revenue at risk is positive with it
    assert total["churn_gap_ci_low"] > 0
    assert total["revenue_at_risk_ci_low"] > 0
    assert total["nps_point_value_ci_low"] > 0


def test_expected_lifetime_by_category_follows_the_planted_hazard(demo_run, con):
    """Monthly churn of a customer-month at risk is 1 - exp(-h) per month of 30.4375 days; the
    calendar months of the window average out to that within well under one SE."""
    _, truth, _ = demo_run
    hazard = truth["churn"]["monthly_hazard"]
    rows = linkage_rows(con)
    for category in CATEGORIES:
        r = rows[category]
        expected = 1 - math.exp(-hazard[category])
        assert abs(r["monthly_churn"] - expected) <= RECOVERY_Z * r["monthly_churn_se"], (
            category,
            r["monthly_churn"],
            expected,
        )
        assert r["expected_lifetime_ci_low"] <= 1 / expected <= r["expected_lifetime_ci_high"]
    lifetimes = [rows[c]["expected_lifetime_months"] for c in CATEGORIES]
    assert lifetimes[0] > lifetimes[1] > lifetimes[2]  # promoters stay longest


def test_clv_lifetimes_count_the_generators_episodes(demo_run, con):
    """Every subscription episode (first life or reactivation) is one Kaplan-Meier lifetime and
    every churn up to the as-of date one event; every one-time buyer one lifetime."""
    _, truth, _ = demo_run
    realized = truth["realized"]
    subscribers = truth["customers"] - realized["non_subscription_customers"]
    observed, events = con.execute(
        "select lifetimes_observed, lifetime_events from marts.clv_overall"
        " where billing_model = 'subscription'"
    ).fetchone()
    assert observed == subscribers + realized["reactivations"]
    assert events == realized["churn_events"]
    (buyers,) = con.execute(
        "select lifetimes_observed from marts.clv_overall where billing_model = 'one_time'"
    ).fetchone()
    assert buyers == realized["non_subscription_customers"]


def test_clv_marts_add_up_and_formulas_hold_on_the_demo(con):
    subscription = "where billing_model = 'subscription'"
    total = con.execute(
        f"select customers, clv, cac, arpu, lifetime_months, crc from marts.clv_overall {subscription}"
    ).fetchone()
    # every customer is in exactly one leaf cell, so the leaves add up to the total
    (leaves,) = con.execute(
        f"select sum(customers) from marts.clv_by_cell {subscription}"
    ).fetchone()
    assert leaves == total[0]
    # enterprise customers are acquired through dearer channels than smb (planted CAC mix)
    cac = dict(
        con.execute(f"select segment, cac from marts.clv_by_segment {subscription}").fetchall()
    )
    assert cac["enterprise"] > cac["mid_market"] > cac["smb"]
    clv, cac_total, arpu, lifetime, crc = total[1:]
    assert clv == pytest.approx(arpu * lifetime - (cac_total + crc))
