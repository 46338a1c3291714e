"""The ticket and usage indicators on the known accounts with support tickets and product usage
(tests/health/accounts.py, ``signal_rows``), by hand, with the test configuration of
tests/health/test_known_accounts.py."""

from __future__ import annotations

import pytest

from tests.health.test_known_accounts import row


def test_h1_all_nine_indicators(signals_con):
    r = row(signals_con, "H1", "2025-01-01")
    # tickets opened in (2024-10-31, 2025-01-31]: T1 (urgent), T2, T3; 10 active users a week
    # -> 0.3 per user, s = 1 - 0.3 / 1 = 0.7; one urgent, s = 1 - 1 / 2 = 0.5
    assert (r["support_tickets"], r["urgent_tickets"], r["mean_active_users"]) == (3, 1, 10.0)
    assert r["tickets_per_user"] == pytest.approx(0.3)
    assert (r["s_tickets_per_user"], r["s_urgent_tickets"]) == (pytest.approx(0.7), 0.5)
    # the last complete week by Friday 2025-01-31 starts Monday 2025-01-20; recent: the weeks
    # of 2024-12-30 to 2025-01-20 (60 events each), baseline: 2024-11-04 to 2024-12-23 (100):
    # trend 60 / 100 - 1 = -0.4, s = 1 - 0.4 / 0.5 = 0.2; seats 10 / 20 = 0.5, s = 0.5 / 0.8
    assert r["usage_trend"] == pytest.approx(-0.4)
    assert r["s_usage_trend"] == pytest.approx(0.2)
    assert (r["seat_utilisation"], r["s_seat_utilisation"]) == (0.5, 0.625)
    # all present (weights add up to 1): sum w s = 0.1 x 0.3 (sentiment) + 0.1 x 0.7 + 0.05 x
    # 0.5 + 0.1 x 0.2 + 0.05 x 0.625 + 0.1 x 0.5 (payment) = 0.22625
    assert r["missing_indicators"] is None and r["weight_present"] == pytest.approx(1.0)
    assert r["health_score"] == pytest.approx(22.625)
    # shortfalls: nps_category 0.4, nps_change 0.1, usage 0.1 x 0.8 = 0.08, sentiment 0.07
    assert r["top_shortfalls"] == "nps_category, nps_change, usage_trend"


def test_usage_needs_a_baseline_and_tickets_need_coverage(signals_con):
    september = row(signals_con, "H1", "2024-09-01")
    # usage starts 2024-09-02: four recent weeks, no baseline -> no trend (missing)
    assert september["usage_trend"] is None and september["s_usage_trend"] is None
    assert september["missing_indicators"] == "nps_change, usage_trend"
    # no ticket in (2024-06-30, 2024-09-30]: 0 per user, s 1
    assert (september["support_tickets"], september["s_tickets_per_user"]) == (0, 1.0)
    december = row(signals_con, "H1", "2024-12-01")
    # snapshot Tuesday 2024-12-31: recent 2024-12-02..23, baseline 2024-10-07..11-25, all 100
    assert december["usage_trend"] == 0.0 and december["s_usage_trend"] == 1.0
    # the support data start 2023-01-10 (T0): March's window starts 2022-12-31, before them
    # -> missing; April's starts 2023-01-30 -> covered, 0 tickets
    march, april = row(signals_con, "H3", "2023-03-01"), row(signals_con, "H3", "2023-04-01")
    assert march["support_tickets"] is None and march["s_urgent_tickets"] is None
    assert (april["support_tickets"], april["urgent_tickets"], april["s_urgent_tickets"]) == (
        0,
        0,
        1.0,
    )
    # H3 reports no usage: tickets per user stays missing
    assert april["s_tickets_per_user"] is None
