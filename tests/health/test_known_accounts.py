"""The health marts on the known accounts (tests/health/accounts.py), every figure by hand.

Test configuration: established weights nps_category 0.4, nps_change 0.1, comment_sentiment 0.1,
tickets_per_user 0.1, urgent_tickets 0.05, usage_trend 0.1, seat_utilisation 0.05,
payment_problems 0.1, tenure 0; onboarding (the first 3 months) nps_category 0.5, tenure 0.5;
bands 70 / 40, enterprise green from 60. Scales: the defaults (NPS lookback 12 months, sentiment
6, payments 6 months, 2 problems score 0). No tickets and no usage are delivered, so those four
indicators are missing on every row and the scores renormalise over the rest.
"""

from __future__ import annotations

import math
from datetime import date

import pytest
import yaml

from cxlink.health.config import parse_config
from tests.health.accounts import TEST_CONFIG

NO_TICKETS_OR_USAGE = "tickets_per_user, urgent_tickets, usage_trend, seat_utilisation"
DAYS = 30.4375


def row(con, customer: str, month: str) -> dict:
    cursor = con.execute(
        "select * from marts.customer_health where customer_id = ? and month_start = ?",
        [customer, date.fromisoformat(month)],
    )
    names = [d[0] for d in cursor.description]
    (values,) = cursor.fetchall()
    return dict(zip(names, values, strict=True))


def test_one_row_per_active_account_month(health_con):
    counts = dict(
        health_con.execute(
            "select customer_id, count(*) from marts.customer_health group by 1 order by 1"
        ).fetchall()
    )
    # H1 Jan 2024-Jan 2025, H2 Dec-Jan, H3 Jan 2023-Jan 2025, H4 Jan-May 2024 (ends 2024-06-01)
    assert counts == {"H1": 13, "H2": 2, "H3": 25, "H4": 5}
    versions = health_con.execute("select distinct score_version from marts.customer_health")
    assert versions.fetchall() == [(parse_config(yaml.safe_load(TEST_CONFIG)).version,)]


def test_h1_detractor_after_promoter_with_a_refund(health_con):
    r = row(health_con, "H1", "2025-01-01")
    # NPS 5 on 2024-12-10: detractor (s 0), down from promoter (9): change -2 -> s 0
    assert (r["latest_nps_category"], r["previous_nps_category"]) == ("detractor", "promoter")
    assert (r["nps_points_change"], r["s_nps_category"], r["s_nps_change"]) == (-2, 0.0, 0.0)
    # sentiment: the December comment only (June is outside the 6 months to 2025-01-31):
    # (-0.6 - 0.2) / 2 = -0.4 -> s = (1 - 0.4) / 2 = 0.3
    assert r["tagged_comments"] == 1
    assert r["mean_comment_sentiment"] == pytest.approx(-0.4)
    assert r["s_comment_sentiment"] == pytest.approx(0.3)
    # one refund (2024-11-15) in the 6 months: s = 1 - 1 / 2 = 0.5
    assert (r["payment_problem_lines"], float(r["payment_problem_amount"])) == (1, -50.0)
    assert r["s_payment_problems"] == 0.5
    # tenure 396 days / 30.4375 = 13.01 months: established, s 1 (weight 0)
    assert r["tenure_months"] == pytest.approx(396 / DAYS)
    assert (r["tenure_stage"], r["s_tenure"]) == ("established", 1.0)
    # present weights 0.4 + 0.1 + 0.1 + 0.1 + 0 = 0.7; sum w s = 0.1 x 0.3 + 0.1 x 0.5 = 0.08
    assert r["weight_present"] == pytest.approx(0.7)
    assert r["health_score"] == pytest.approx(100 * 0.08 / 0.7)  # 11.43
    assert r["health_band"] == "red"
    assert r["missing_indicators"] == NO_TICKETS_OR_USAGE
    # shortfalls w (1 - s): nps_category 0.4, nps_change 0.1, sentiment 0.07, payment 0.05
    assert r["top_shortfalls"] == "nps_category, nps_change, comment_sentiment"
    assert r["s_tickets_per_user"] is None and r["s_usage_trend"] is None
    assert (float(r["arr"]), r["currency"], r["is_as_of_month"]) == (1200.0, "EUR", True)
    # the outcome of January is not known on 2025-01-31
    assert r["churned_within_horizon"] is None


def test_h1_months_before(health_con):
    september = row(health_con, "H1", "2024-09-01")
    # promoter (9 on 2024-06-10), a first answer (no change); the June comment +0.8 -> 0.9;
    # no refund yet: (0.4 x 1 + 0.1 x 0.9 + 0.1 x 1) / 0.6 = 98.33
    assert september["s_nps_change"] is None
    assert september["s_comment_sentiment"] == pytest.approx(0.9)
    assert september["health_score"] == pytest.approx(100 * 0.59 / 0.6)
    assert september["health_band"] == "green"
    assert september["missing_indicators"] == "nps_change, " + NO_TICKETS_OR_USAGE
    assert september["top_shortfalls"] == "comment_sentiment"
    assert september["churned_within_horizon"] is False
    march = row(health_con, "H1", "2024-03-01")
    # 90 days: onboarding; no answer yet: tenure alone, 90 / 30.4375 / 3 = 0.9856
    assert march["tenure_stage"] == "onboarding"
    assert march["s_tenure"] == pytest.approx(90 / DAYS / 3)
    assert march["health_score"] == pytest.approx(100 * 90 / DAYS / 3)
    assert (march["missing_indicators"], march["top_shortfalls"]) == ("nps_category", "tenure")


def test_h2_onboarding(health_con):
    january = row(health_con, "H2", "2025-01-01")
    # 61 days: s_tenure = 61 / 30.4375 / 3 = 0.6680; promoter: 0.5 x 1 + 0.5 x 0.6680 = 83.40
    assert january["tenure_stage"] == "onboarding"
    assert january["health_score"] == pytest.approx(100 * (0.5 + 0.5 * 61 / DAYS / 3))
    assert january["health_band"] == "green"
    # onboarding weights leave tickets and usage out: nothing weighted is missing
    assert january["missing_indicators"] is None and january["weight_present"] == 1.0
    december = row(health_con, "H2", "2024-12-01")
    # 30 days, no answer yet: 100 x 30 / 30.4375 / 3 = 32.85, red
    assert december["health_score"] == pytest.approx(100 * 30 / DAYS / 3)
    assert (december["health_band"], december["missing_indicators"]) == ("red", "nps_category")


def test_h3_enterprise_cut_offs(health_con):
    r = row(health_con, "H3", "2025-01-01")
    # passive (7) after passive (8): s 0.5 and no drop (s 1); payment 1:
    # (0.4 x 0.5 + 0.1 x 1 + 0.1 x 1) / 0.6 = 66.67: green at enterprise's 60 (yellow at 70)
    assert (r["s_nps_category"], r["s_nps_change"], r["nps_points_change"]) == (0.5, 1.0, 0)
    assert r["health_score"] == pytest.approx(100 * 0.4 / 0.6)
    assert (r["segment"], r["health_band"]) == ("enterprise", "green")
    assert r["top_shortfalls"] == "nps_category"
    may_2023 = row(health_con, "H3", "2023-05-01")
    # before any answer: payment alone, 100
    assert may_2023["health_score"] == 100.0 and may_2023["top_shortfalls"] is None


def test_h4_churn_outcome(health_con):
    outcomes = health_con.execute(
        "select month_start, churned_within_horizon from marts.customer_health "
        "where customer_id = 'H4' order by month_start"
    ).fetchall()
    # the spell ends 2024-06-01: churned within 3 months from March (by 2024-06-30), not from
    # February (by 2024-05-31)
    assert [c for _, c in outcomes] == [False, False, True, True, True]
    march = row(health_con, "H4", "2024-03-01")
    # onboarding (90 days), detractor: 0.5 x 0 + 0.5 x 0.9856 = 49.28, yellow
    assert march["health_score"] == pytest.approx(50 * 90 / DAYS / 3)
    assert march["health_band"] == "yellow"
    april = row(health_con, "H4", "2024-04-01")
    # established (120 days): detractor 0, first answer, payment 1: 0.1 / 0.5 = 20, red
    assert (april["tenure_stage"], april["health_score"], april["health_band"]) == (
        "established",
        pytest.approx(20.0),
        "red",
    )


def test_time_split_and_the_unfitted_learned_score(health_con):
    split = health_con.execute("select * from intermediate.int_health__time_split").fetchone()
    # as of 2025-01-31 (a month end), N = 3: last labelled month 2024-10; validation 2023-11 to
    # 2024-10; fit up to 2024-10 - (12 + 3) months = 2023-07
    assert split[1:] == (3, date(2024, 10, 1), date(2023, 11, 1), date(2023, 7, 1))
    weights = health_con.execute(
        "select model_status, fit_account_months, fit_churned, suggested_weight "
        "from marts.health_score_learned_weights"
    ).fetchall()
    # fit: H3's months 2023-01 to 2023-07, none churned: too few outcomes, nothing fitted
    assert set(weights) == {("too_few_outcomes", 7, 0, None)}
    learned = health_con.execute(
        "select count(*) from marts.customer_health where learned_churn_probability is not null"
    ).fetchone()
    assert learned == (0,)


def test_validation_by_hand(health_con):
    figures = {
        r[0]: r[1:]
        for r in health_con.execute(
            "select score_name, account_months, accounts, churned, auc, auc_gap_vs_nps "
            "from marts.health_score_validation"
        ).fetchall()
    }
    # validation months: H1 2024-01..10 (10), H3 2023-11..2024-10 (12), H4 2024-01..05 (5);
    # churned: H4 March, April, May. Configured risks 100 - score: churned 50.72, 80, 80;
    # the 24 others at most 67.69 (H4 February), two more above 50.72 (H1 and H4 January,
    # 67.15): (24 + 24 + 21) / (3 x 24) = 69 / 72.
    n, accounts, churned, auc, gap = figures["configured"]
    assert (n, accounts, churned) == (27, 3, 3)
    assert auc == pytest.approx(69 / 72)
    # NPS alone: the detractors 1, no answer the fit-set mean 0.5 (H3's passive in 2023-06 and
    # 07), promoters 0; each churned month ties H4 February (detractor): 23.5 x 3 / 72
    assert figures["nps_only"][3] == pytest.approx(70.5 / 72)
    assert gap == pytest.approx(69 / 72 - 70.5 / 72)
    assert figures["learned"][:3] == (0, 0, 0) and figures["learned"][3] is None


def test_validation_bands_by_hand(health_con):
    bands = {
        r[0]: r[1:]
        for r in health_con.execute(
            "select health_band, account_months, churned, churn_rate, churn_ci_low, lift "
            "from marts.health_score_validation_bands where score_name = 'configured'"
        ).fetchall()
    }
    # green: H1 March-October (8), H3 all 12 (60 and 66.67 >= 60): 20, none churned;
    # yellow: H1 February (64.6), H4 March (49.3, churned); red: H1 January (32.9), H4
    # January (32.9), February (32.3), April and May (20, churned)
    assert bands["green"][:3] == (20, 0, 0.0)
    assert bands["yellow"][:3] == (2, 1, 0.5)
    assert bands["red"][:3] == (5, 2, 0.4)
    # lift: 0.4 / (3 / 27) = 3.6; Wilson lower bound of 2 / 5 at z = 1.96
    z, p, n = 1.96, 0.4, 5
    low = (p + z * z / (2 * n) - z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))) / (
        1 + z * z / n
    )
    assert bands["red"][3] == pytest.approx(low)
    assert bands["red"][4] == pytest.approx(3.6)
    deciles = health_con.execute(
        "select score_name, sum(account_months), count(*) from marts.health_score_validation_deciles "
        "group by 1 order by 1"
    ).fetchall()
    # the learned scores have no values (nothing fitted); the others split their 27
    # account-months into 10 groups
    assert deciles == [("configured", 27, 10), ("nps_only", 27, 10)]
