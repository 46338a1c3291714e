"""Known-answer tests for the finance marts (clv_by_segment, cx_revenue_linkage).

A hand-built landing zone of seven customers, all smb, reporting currency EUR, as of 2025-01-31
(so the CLV window is 2024-01 .. 2024-12, the linkage cohort date 2024-01-31 and its horizon
date 2025-01-31), run through the real pipeline (`dg.materialize` of every asset and check on a
temporary data dir, loading the session's tagger). Every expected figure is worked out by hand in
the comments. The pipeline runs once per session (tests/finance/conftest.py).

The account (customers, periods, answers, spend, costs and the FX rate) is described and built in
tests/known_account.py.
"""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import duckdb
import pytest

pytestmark = pytest.mark.xdist_group("finance_known_answers")

DAYS_PER_MONTH = 30.4375
Z = 1.96


@pytest.fixture(scope="module")
def warehouse(known_account_warehouse: Path) -> Path:
    return known_account_warehouse


def row(warehouse: Path, sql: str) -> dict:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        cursor = con.execute(sql)
        names = [d[0] for d in cursor.description]
        rows = cursor.fetchall()
    finally:
        con.close()
    assert len(rows) == 1, rows
    return {
        name: (float(v) if hasattr(v, "as_tuple") else v)
        for name, v in zip(names, rows[0], strict=True)
    }


def clustered_ratio_se(pairs: list[tuple[float, float]]) -> float:
    """SE of sum(y) / sum(x) clustered by customer: sqrt(sum (y_c - R x_c)^2) / sum x."""
    ratio = sum(y for y, _ in pairs) / sum(x for _, x in pairs)
    return math.sqrt(sum((y - ratio * x) ** 2 for y, x in pairs)) / sum(x for _, x in pairs)


# --- clv_by_segment, subscription total ---------------------------------------------------------
# Window 2024-01 .. 2024-12. Per customer (net revenue EUR, active months, at-risk months, churns):
#   P1  12 x 100 = 1200, 12, 12, 0
#   P2  Jan-Jun + Oct-Dec = 9 invoices x 90 - 45 (refund -50 USD x 0.9) = 765, 9 months,
#       at risk 9 (on the 1st of Jan-Jun and Oct-Dec), 1 churn (active on Jun 1, not on Jul 1)
#   D1  Jan-Mar: 3 x 200 = 600, 3, 3, 1 (active on Mar 1, not on Apr 1)
#   D2  12 x 200 = 2400, 12, 12, 0
#   N1  12 x 150 = 1800, 12, 12, 0
#   N2  Mar-Dec: 10 x 120 = 1200, 10, 10, 0
SUBSCRIBERS = {
    "P1": (1200.0, 12),
    "P2": (765.0, 9),
    "D1": (600.0, 3),
    "D2": (2400.0, 12),
    "N1": (1800.0, 12),
    "N2": (1200.0, 10),
}


def test_clv_subscription_total(warehouse: Path):
    r = row(
        warehouse,
        "select * from marts.clv_overall where billing_model = 'subscription'",
    )
    assert r["window_start_month"] == date(2024, 1, 1)
    assert r["window_end_month"] == date(2025, 1, 1)
    assert r["customers"] == 6
    # 12 + 9 + 3 + 12 + 12 + 10
    assert r["customer_months"] == 58
    assert r["net_revenue"] == pytest.approx(7965.0)
    # ARPU = 7965 / 58 = 137.327586
    assert r["arpu"] == pytest.approx(7965 / 58)
    arpu_se = clustered_ratio_se(list(SUBSCRIBERS.values()))
    assert r["arpu_se"] == pytest.approx(arpu_se)
    assert r["arpu_ci_low"] == pytest.approx(7965 / 58 - Z * arpu_se)
    # churn = 2 / 58 at-risk customer-months; SE = sqrt(p (1 - p) / 58)
    p = 2 / 58
    assert (r["at_risk_months"], r["churned"]) == (58, 2)
    assert r["monthly_churn"] == pytest.approx(p)
    assert r["monthly_churn_se"] == pytest.approx(math.sqrt(p * (1 - p) / 58))
    # Wilson: centre (p + z^2/116) / (1 + z^2/58), half-width z / (1 + z^2/58) sqrt(p(1-p)/58 + z^2/(4 58^2))
    denom = 1 + Z**2 / 58
    centre = (p + Z**2 / 116) / denom
    half = Z / denom * math.sqrt(p * (1 - p) / 58 + Z**2 / (4 * 58**2))
    assert r["monthly_churn_ci_low"] == pytest.approx(centre - half)
    assert r["monthly_churn_ci_high"] == pytest.approx(centre + half)
    # lifetime 1 / (2/58) = 29 months; its interval maps the Wilson bounds
    assert r["lifetime_months_inverse_churn"] == pytest.approx(29.0)
    assert r["lifetime_inverse_churn_ci_low"] == pytest.approx(1 / (centre + half))
    assert r["lifetime_inverse_churn_ci_high"] == pytest.approx(1 / (centre - half))
    # CAC: organic 300 / 1 (O1, 2024-02), paid_search 1000 / 1 (N2, 2024-03); the six
    # subscribers are 3 organic + 3 paid_search -> (3 x 300 + 3 x 1000) / 6 = 650.
    # CRC = 260 support / 2 customers gained in the window (O1, N2) = 130.
    assert r["cac"] == pytest.approx(650.0)
    assert r["crc"] == pytest.approx(130.0)
    # CLV = 7965/58 x 29 - (650 + 130) = 3982.5 - 780 = 3202.5
    assert r["clv_lifetime_method"] == "inverse_churn"
    assert r["clv"] == pytest.approx(3202.5)
    lifetime_se = math.sqrt(p * (1 - p) / 58) / p**2
    clv_se = math.sqrt(29**2 * arpu_se**2 + (7965 / 58) ** 2 * lifetime_se**2)
    assert r["clv_se"] == pytest.approx(clv_se)
    assert r["clv_to_cac"] == pytest.approx(3202.5 / 650)
    # before costs 7965/58 x 29 = 3982.5 (revenue-based); gross-margin value 0.8 x 3982.5
    assert r["clv_before_costs"] == pytest.approx(3982.5)
    assert r["gross_margin_value"] == pytest.approx(3186.0)
    assert (r["cac_null_reason"], r["crc_null_reason"], r["clv_null_reason"]) == (None,) * 3
    # payback = 650 / (137.327586 x 0.8) = 5.916510 months
    assert r["gross_margin"] == pytest.approx(0.8)
    assert r["cac_payback_months"] == pytest.approx(650 / (7965 / 58 * 0.8))


def test_clv_kaplan_meier_rmst(warehouse: Path):
    # Spells (days to the event or to the as-of date 2025-01-31):
    #   P1, D2, N1: 2023-07-01 .. censored = 366 + 214 = 580; P2: 366 (churn 2024-07-01), then
    #   2024-10-01 .. censored = 122; D1: 275 (churn 2024-04-01); N2: 2024-03-01 .. = 336.
    # Sorted: 122c 275e 336c 366e 580c 580c 580c. t=275: 6 at risk, S = 5/6; t=366: 4 at
    # risk, S = 5/6 x 3/4 = 0.625. The horizon, 36 x 30.4375 = 1095.75 days, is capped at the
    # longest follow-up, 580 days = 19.055441 months (item 9; before, S was extended flat to
    # 1095.75, 26.51 months of RMST of which 10.59 extrapolated):
    # RMST = 275 + 91 x 5/6 + (580 - 366) x 0.625 = 484.583333 days = 15.920602 months.
    # Var: A(275) = 75.833333 + 133.75 = 209.583333, A(366) = 133.75;
    # 209.583333^2 / (6 x 5) + 133.75^2 / (4 x 3) = 1464.17 + 1490.76 -> SE in months.
    r = row(
        warehouse,
        "select * from marts.clv_overall where billing_model = 'subscription'",
    )
    assert (r["lifetimes_observed"], r["lifetime_events"]) == (7, 2)
    assert r["max_follow_up_months"] == pytest.approx(580 / DAYS_PER_MONTH)
    assert r["rmst_horizon_months"] == pytest.approx(580 / DAYS_PER_MONTH)
    assert r["rmst_horizon_capped"] is True
    rmst_days = 275 + 91 * 5 / 6 + (580 - 366) * 0.625
    assert r["lifetime_months_rmst"] == pytest.approx(rmst_days / DAYS_PER_MONTH)
    assert r["lifetime_rmst_ci_high"] <= r["rmst_horizon_months"]
    a1 = 91 * 5 / 6 + (580 - 366) * 0.625
    a2 = (580 - 366) * 0.625
    variance = a1**2 / (6 * 5) + a2**2 / (4 * 3)
    assert r["lifetime_rmst_se"] == pytest.approx(math.sqrt(variance) / DAYS_PER_MONTH)


def test_clv_paid_search_cell(warehouse: Path):
    # P2, D2, N2: revenue 765 + 2400 + 1200 = 4365 over 9 + 12 + 10 = 31 months; 1 churn
    # (P2) in 31 at-risk months -> lifetime 31; CAC 1000; CLV = 4365/31 x 31 - 1130 = 3235.
    r = row(
        warehouse,
        "select * from marts.clv_by_channel where billing_model = 'subscription'"
        " and acquisition_channel = 'paid_search'",
    )
    assert (r["customers"], r["customer_months"], r["churned"]) == (3, 31, 1)
    assert r["arpu"] == pytest.approx(4365 / 31)
    assert r["cac"] == pytest.approx(1000.0)
    assert r["clv"] == pytest.approx(4365 - 1130)


def test_clv_one_time_buyer(warehouse: Path):
    # O1: orders 2024-02-10 and 2024-05-10, lapses 6 months after the last: 2024-11-10 (before
    # the as-of date). Active 2024-02-10 .. 2024-11-10 = 274 days = 9.002053 months, all inside
    # the window. Net revenue 120 + 120 - 20 = 220 over 2 orders: AOV 110; 2 / 9.002053
    # transactions a month; 1 lapse / 9.002053 months -> lifespan 9.002053 months.
    # The same chain as subscriptions (item 8): before costs (2 / L) x 110 x L = 220,
    # gross-margin value 220 x 0.8 = 176 (the e-commerce form), CLV = 220 - (CAC 300 (organic)
    # + CRC 130) = -210.
    r = row(
        warehouse,
        "select * from marts.clv_overall where billing_model = 'one_time'",
    )
    months = 274 / DAYS_PER_MONTH
    assert "plan_tier" not in r and r["customers"] == 1
    assert r["customer_months"] == pytest.approx(months)
    assert r["orders"] == 2
    assert r["average_order_value"] == pytest.approx(110.0)
    assert r["monthly_transactions"] == pytest.approx(2 / months)
    assert r["monthly_churn"] == pytest.approx(1 / months)
    assert r["lifetime_months"] == pytest.approx(months)
    # a single lifetime ending at 274 days: the KM curve drops to 0 there, RMST = 274 days
    assert r["lifetime_months_rmst"] == pytest.approx(months)
    assert r["clv_before_costs"] == pytest.approx(220.0)
    assert r["gross_margin_value"] == pytest.approx(176.0)
    assert r["clv"] == pytest.approx(-210.0)
    assert r["cac"] == pytest.approx(300.0)
    assert r["clv_to_cac"] == pytest.approx(-210 / 300)
    # the follow-up (274 days) is shorter than the horizon; the curve reached 0 there, so the
    # cap changes nothing
    assert r["rmst_horizon_months"] == pytest.approx(months)


# --- cx_revenue_linkage ---------------------------------------------------------------------------
# Cohort: active on 2024-01-31 (P1, P2, D1, D2, N1; N2 starts in March), by the latest response on
# or before it: P1 promoter (2023-12-15), P2 promoter (2024-01-10), D1 detractor, D2 detractor
# (2023-11-20), N1 passive. Churned = not active on 2025-01-31: only D1 (P2 came back).
# Current accounts (active on 2025-01-31, latest answer after 2024-01-31): P1 promoter ARR 1200,
# N1 passive 1800, D2 detractor 2400, N2 detractor (4 on 2024-12-05) 1440; P2 (1080) did not
# answer in the period.


def linkage(warehouse: Path, segment: str | None, category: str | None) -> dict:
    """The row of one segment and NPS category; None = over every segment / category (the
    cx_revenue_linkage_overall, _by_segment and _total tables)."""
    table = {
        (True, True): "cx_revenue_linkage",
        (False, True): "cx_revenue_linkage_overall",
        (True, False): "cx_revenue_linkage_by_segment",
        (False, False): "cx_revenue_linkage_total",
    }[segment is not None, category is not None]
    where = [f"segment = '{segment}'"] * (segment is not None)
    where += [f"nps_category = '{category}'"] * (category is not None)
    return row(warehouse, f"select * from marts.{table} where {' and '.join(where) or 'true'}")


@pytest.mark.parametrize("segment", ["smb", None])
def test_linkage_category_rows(warehouse: Path, segment: str):
    promoters = linkage(warehouse, segment, "promoter")
    detractors = linkage(warehouse, segment, "detractor")
    passives = linkage(warehouse, segment, "passive")
    assert promoters["cohort_date"] == date(2024, 1, 31)
    assert promoters["cohort_horizon_date"] == date(2025, 1, 31)
    # current accounts and ARR (12 x MRR on the as-of date)
    assert (promoters["customers"], promoters["arr"]) == (1, 1200.0)
    assert (passives["customers"], passives["arr"]) == (1, 1800.0)
    assert (detractors["customers"], detractors["arr"]) == (2, 3840.0)
    # logo churn: promoters 0 / 2, detractors 1 / 2, passives 0 / 1
    assert (promoters["cohort_customers"], promoters["cohort_churned"]) == (2, 0)
    assert (detractors["cohort_customers"], detractors["cohort_churned"]) == (2, 1)
    assert detractors["logo_churn_rate"] == pytest.approx(0.5)
    assert detractors["logo_churn_se"] == pytest.approx(math.sqrt(0.25 / 2))
    assert promoters["logo_churn_ci_low"] == 0.0  # Wilson at 0 successes
    # NRR: promoters (P1 100 + P2 90) -> (100 + 90) = 1; detractors (200 + 200) -> (0 + 200) = 0.5
    assert promoters["nrr"] == pytest.approx(1.0)
    assert detractors["nrr"] == pytest.approx(0.5)
    # ratio SE: residuals end_c - 0.5 start_c = -100 (D1), +100 (D2): sqrt(20000) / 400
    assert detractors["nrr_se"] == pytest.approx(math.sqrt(20000) / 400)
    # Lifetime and ARPU from the window's customer-months, by the category before each month:
    # promoters: P1 Jan-Dec (12 at risk, 1200), P2 Feb-Jun + Oct-Dec (8 at risk, 1 churn,
    #   5 x 90 - 45 + 3 x 90 = 675), N2 Jun-Dec (7, 840): churn 1/27 -> lifetime 27,
    #   ARPU 2715 / 27; detractors: D1 Feb-Mar (2 at risk, 1 churn, 400), D2 Jan-Dec (12, 2400):
    #   churn 1/14 -> lifetime 14, ARPU 2800 / 14 = 200; passives N1 Feb-Dec: no churn.
    assert (promoters["at_risk_months"], promoters["churned_months"]) == (27, 1)
    assert promoters["expected_lifetime_months"] == pytest.approx(27.0)
    assert promoters["arpu"] == pytest.approx(2715 / 27)
    assert (detractors["at_risk_months"], detractors["churned_months"]) == (14, 1)
    assert detractors["arpu"] == pytest.approx(200.0)
    # CLV = 200 x 14 - (650 + 130) = 2020; promoters 2715 - 780 = 1935
    assert detractors["clv"] == pytest.approx(2020.0)
    assert promoters["clv"] == pytest.approx(1935.0)
    assert passives["expected_lifetime_months"] is None and passives["clv"] is None
    # the segment-level figures are in cx_revenue_linkage_by_segment / _total only
    assert "revenue_at_risk" not in detractors and "segment_customers" not in detractors
    # P2 (ARR 1080) is a current account without a response in the period: no_response, so
    # the categories add up to the 5 current accounts and their 7920 ARR
    silent = linkage(warehouse, segment, "no_response")
    assert (silent["customers"], silent["arr"]) == (1, 1080.0)
    assert (silent["cohort_customers"], silent["logo_churn_rate"], silent["clv"]) == (0, None, None)
    rows = [promoters, passives, detractors, silent]
    assert sum(r["customers"] for r in rows) == 5
    assert sum(r["arr"] for r in rows) == pytest.approx(7920.0)


@pytest.mark.parametrize("segment", ["smb", None])
def test_linkage_segment_figures(warehouse: Path, segment: str | None):
    r = linkage(warehouse, segment, None)
    assert (r["cohort_customers"], r["cohort_churned"]) == (5, 1)
    # churn gap = 0.5 - 0 = 0.5, SE sqrt(0.125 + 0)
    assert r["churn_gap_detractor_vs_promoter"] == pytest.approx(0.5)
    assert r["churn_gap_se"] == pytest.approx(math.sqrt(0.125))
    # revenue at risk = detractor ARR 3840 x 0.5 = 1920
    assert r["detractor_arr"] == pytest.approx(3840.0)
    assert r["revenue_at_risk"] == pytest.approx(1920.0)
    assert r["revenue_at_risk_ci_low"] == pytest.approx(3840 * (0.5 - Z * math.sqrt(0.125)))
    # value of one NPS point: scores s = +1 P1, +1 P2, -1 D1, -1 D2, 0 N1; retained y = 1, 1,
    # 0, 1, 1. Means 0 and 0.8; slope = sum s (y - 0.8) / sum s^2 = (0.2 + 0.2 + 0.8 - 0.2) / 4
    # = 0.25. Residuals e = y - 0.8 - 0.25 s: -0.05, -0.05, -0.55, 0.45 (N1 has s = 0);
    # HC0 SE = sqrt(0.0025 + 0.0025 + 0.2025 + 0.3025) / 4. Segment ARR = 1200 + 1080 + 2400 +
    # 1800 + 1440 = 7920: one point = 0.01 x 0.25 x 7920 = 19.8 a year.
    slope_se = math.sqrt(0.0025 + 0.0025 + 0.2025 + 0.3025) / 4
    assert r["retention_slope"] == pytest.approx(0.25)
    assert r["retention_slope_se"] == pytest.approx(slope_se)
    assert r["segment_arr"] == pytest.approx(7920.0)
    assert r["nps_point_value_per_year"] == pytest.approx(19.8)
    assert r["nps_point_value_se"] == pytest.approx(0.01 * slope_se * 7920)
    # respondent NPS over the period's 5 responses (10, 6, 8, 10, 4): 2 P, 1 Pa, 2 D -> 0;
    # SE = 100 sqrt((0.8 - 0) / 5)
    assert r["responses"] == 5
    assert r["nps_respondent"] == pytest.approx(0.0)
    assert r["nps_respondent_se"] == pytest.approx(100 * math.sqrt(0.8 / 5))
    # account NPS: P1 P, N1 Pa, D2 D, N2 D -> 100 (1 - 2) / 4 = -25
    assert r["accounts_answered"] == 4
    assert r["nps_account"] == pytest.approx(-25.0)
    # revenue-weighted: (1200 - 2400 - 1440) / (1200 + 1800 + 2400 + 1440) = -2640 / 6840
    m = -2640 / 6840
    assert r["nps_revenue_weighted"] == pytest.approx(100 * m)
    weights = [(1200, 1), (1800, 0), (2400, -1), (1440, -1)]
    se = math.sqrt(sum(w * w * (s - m) ** 2 for w, s in weights)) / 6840
    assert r["nps_revenue_weighted_se"] == pytest.approx(100 * se)
    # coverage: answered ARR 6840 of 7920
    assert r["segment_customers"] == 5
    assert r["revenue_coverage"] == pytest.approx(6840 / 7920)
    # all respondents: 52 at-risk months (27 + 14 + 11), 2 churns -> lifetime 26;
    # ARPU (2715 + 2800 + 1650) / 52; CLV = 7165 / 2 - 780 = 2802.5
    assert r["expected_lifetime_months"] == pytest.approx(26.0)
    assert r["clv"] == pytest.approx(2802.5)
