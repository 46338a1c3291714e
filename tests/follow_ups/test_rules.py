"""Known answers of every follow-up rule on the follow-up accounts (design.py has the accounts and
the arithmetic): marts.account_follow_ups and marts.promoter_asks."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from tests.follow_ups.design import A1_REDACTED_ORIGINAL, A1_REDACTED_TRANSLATED

SPIKE_PANEL = [f"S{i:02d}" for i in range(1, 11)]

# (rank, account, reason, priority, priority_score = ARR at risk, ARR, due date, overdue)
# ARR at risk = ARR x max(p - 0.4, 0) with p = 0.75 (detractor), 0.5 (passive), 0 (promoter),
# 0.4 (no NPS answer: the baseline). Ties on ARR at risk: newest trigger first (a ticket's is its
# opening), then larger ARR, then account and reason code. Due: trigger + 2 (new_detractor), 5
# (promoter_dropped, spike_topic), 1 (urgent_ticket_unanswered) days; overdue when before the
# as-of date 2025-01-31.
EXPECTED = [
    # A1 turned red in January (the trigger: January's snapshot day, 01-31, newer than its
    # 01-20 answer); due 7 days later
    (1, "A1", "red_health_high_arr", "high", 4200.0, 12000, "2025-02-07", False),
    (2, "A1", "new_detractor", "high", 4200.0, 12000, "2025-01-22", True),
    (3, "A1", "spike_topic", "high", 4200.0, 12000, "2025-01-25", True),
    (4, "A2", "new_detractor", "medium", 2100.0, 6000, "2025-01-27", True),
    (5, "A2", "promoter_dropped", "medium", 2100.0, 6000, "2025-01-30", True),
    # 420 each: A4's ticket (opened 01-10) is newer than A5's answer (01-02)
    (6, "A4", "urgent_ticket_unanswered", "medium", 420.0, 1200, "2025-01-11", True),
    (7, "A5", "new_detractor", "medium", 420.0, 1200, "2025-01-04", True),
    # 240 each: A3's ticket T1 (01-29 10:00) is newer than its answer (01-28)
    (8, "A3", "urgent_ticket_unanswered", "medium", 240.0, 2400, "2025-01-30", True),
    (9, "A3", "promoter_dropped", "medium", 240.0, 2400, "2025-02-02", False),
    (10, "A8", "promoter_dropped", "medium", 60.0, 600, "2025-01-25", True),
    # ARR at risk 0, newest first: A6's ticket (01-31 00:00), C1 (01-10 15:00), the panel
    # (01-10 12:00, by account id), A7 (01-05)
    (11, "A6", "urgent_ticket_unanswered", "low", 0.0, 3600, "2025-02-01", False),
    (12, "C1", "new_detractor", "low", 0.0, 0, "2025-01-12", True),
    *[
        (13 + i, s, "spike_topic", "low", 0.0, 1200, "2025-01-15", True)
        for i, s in enumerate(SPIKE_PANEL)
    ],
    (23, "A7", "new_detractor", "low", 0.0, 9600, "2025-01-07", True),
]


@pytest.fixture(scope="module")
def con(follow_ups_warehouse: Path):
    connection = duckdb.connect(str(follow_ups_warehouse), read_only=True)
    yield connection
    connection.close()


def rows(con, sql: str) -> list[dict]:
    cursor = con.execute(sql)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def test_every_follow_up_with_its_rank_priority_due_date(con):
    got = con.execute(
        """
        select priority_rank, customer_id, reason_code, priority, priority_score,
               cast(arr as double), cast(due_date as varchar), is_overdue
        from marts.account_follow_ups order by priority_rank
        """
    ).fetchall()
    assert got == EXPECTED


def test_outside_the_window_nothing_is_new(con):
    # A4's detractor answer and A9's promoter answer are dated 2025-01-01, a day before the
    # window 2025-01-02 .. 2025-01-31; A5's 01-02 answer is inside it (rank 5 above).
    # (A4 and A9 have tickets, below; A4's counts, A9's is not urgent)
    accounts = {
        r[0] for r in con.execute("select customer_id from marts.account_follow_ups").fetchall()
    }
    asks = {r[0] for r in con.execute("select customer_id from marts.promoter_asks").fetchall()}
    survey_reasons = {
        r[0]
        for r in con.execute(
            "select customer_id from marts.account_follow_ups "
            "where reason_code != 'urgent_ticket_unanswered'"
        ).fetchall()
    }
    assert "A4" not in survey_reasons and "A9" not in asks and "A9" not in accounts
    # the history accounts answered in 2023: no follow-up, no ask
    assert not {a for a in accounts | asks if a.startswith("H")}


def test_the_churn_probabilities_come_from_the_linkage_cohort(con):
    got = {
        r["customer_id"]: (
            r["nps_category"],
            r["churn_probability"],
            r["baseline_churn_probability"],
            r["churn_probability_source"],
        )
        for r in rows(con, "select * from marts.account_follow_ups")
    }
    assert got["A1"] == ("detractor", 0.75, 0.4, "nps_category")
    assert got["A3"] == ("passive", 0.5, 0.4, "nps_category")
    assert got["A7"] == ("promoter", 0.0, 0.4, "nps_category")
    assert got["S01"] == (None, 0.4, 0.4, "baseline")
    # the figures of the linkage rollups behind cx_revenue_linkage_overall and _total
    linkage = dict(
        con.execute(
            "select nps_category, logo_churn_rate "
            "from intermediate.int_finance__revenue_linkage_rollups where segment = 'all'"
        ).fetchall()
    )
    assert linkage == {
        "promoter": 0.0,
        "passive": 0.5,
        "detractor": 0.75,
        "all": 0.4,
        "no_response": None,
    }


def test_an_account_with_two_reasons_has_two_rows_naming_both(con):
    a2 = rows(
        con,
        "select * from marts.account_follow_ups where customer_id = 'A2' order by reason_code",
    )
    assert [r["reason_code"] for r in a2] == ["new_detractor", "promoter_dropped"]
    assert {(r["account_reasons"], r["all_reasons"]) for r in a2} == {
        (2, "new_detractor, promoter_dropped")
    }
    assert [r["reason_text"] for r in a2] == [
        "NPS 4 (detractor) on 2025-01-25",
        "NPS fell from 10 (promoter, 2024-06-10) to 4 (detractor) on 2025-01-25",
    ]
    assert {(r["response_id"], r["score"]) for r in a2} == {("A2-2", 4)}
    assert a2[1]["previous_score"] == 10 and a2[1]["previous_response_date"] == date(2024, 6, 10)


def test_promoter_to_passive_moves(con):
    moves = rows(
        con,
        "select customer_id, reason_text from marts.account_follow_ups "
        "where reason_code = 'promoter_dropped' order by customer_id",
    )
    assert moves == [
        {
            "customer_id": "A2",
            "reason_text": "NPS fell from 10 (promoter, 2024-06-10) to 4 (detractor) on 2025-01-25",
        },
        {
            "customer_id": "A3",
            "reason_text": "NPS fell from 9 (promoter, 2024-09-01) to 8 (passive) on 2025-01-28",
        },
        {
            "customer_id": "A8",
            "reason_text": "NPS fell from 10 (promoter, 2025-01-10) to 7 (passive) on 2025-01-20",
        },
    ]


def test_the_triggering_comment_original_translated_redacted_with_its_topics(con):
    (a1,) = rows(
        con,
        "select * from marts.account_follow_ups "
        "where customer_id = 'A1' and reason_code = 'spike_topic'",
    )
    assert a1["response_id"] == "A1-1" and a1["survey_type"] == "nps" and a1["score"] == 3
    assert a1["comment_original"] == A1_REDACTED_ORIGINAL
    assert a1["comment_translated"] == A1_REDACTED_TRANSLATED
    assert a1["comment_language"] == "de"
    assert a1["topics"] == "pricing, reliability"
    # only pricing alerts (over every segment: A1 is in ent, the spike is in smb's comments)
    assert a1["alert_topics"] == "pricing"
    assert a1["reason_text"] == (
        "Comment on 2025-01-20 mentions pricing, with a spike alert in the latest topic period"
    )
    assert a1["account_owner"] is None
    assert (a1["is_high_arr"], a1["high_arr_threshold"], a1["currency"]) == (True, 10000, "EUR")


def test_spike_topic_lists_the_panel_accounts_that_mentioned_the_topic(con):
    spiking = [
        r[0]
        for r in con.execute(
            "select customer_id from marts.account_follow_ups "
            "where reason_code = 'spike_topic' and customer_id like 'S%' order by customer_id"
        ).fetchall()
    ]
    assert spiking == SPIKE_PANEL  # S11-S30 commented on product only
    (survey,) = con.execute(
        "select distinct survey_type from marts.account_follow_ups where customer_id = 'S01'"
    ).fetchone()
    assert survey == "csat"  # any survey's comment counts


def test_an_inactive_detractor_is_listed_at_arr_zero(con):
    (c1,) = rows(con, "select * from marts.account_follow_ups where customer_id = 'C1'")
    assert (c1["is_active"], float(c1["arr"]), c1["arr_at_risk"]) == (False, 0.0, 0.0)


def test_promoter_asks(con):
    got = con.execute(
        """
        select ask_rank, customer_id, response_id, score, cast(arr as double),
               cast(due_date as varchar), is_overdue, has_follow_up, follow_up_reasons,
               comment_translated, topics
        from marts.promoter_asks order by ask_rank
        """
    ).fetchall()
    # A7 (ARR 9,600) before A6 (3,600); due = answer + 7 days; A7's 01-05 detractor answer
    # is still a follow-up. A8's latest answer is a 7, A9's promoter answer is too old.
    assert got == [
        (1, "A7", "A7-2", 9, 9600.0, "2025-02-02", False, True, "new_detractor", None, None),
        (
            2,
            "A6",
            "A6-1",
            10,
            3600.0,
            "2025-01-22",
            True,
            True,  # its urgent ticket T8 waits: close it before asking
            "urgent_ticket_unanswered",
            "Great support!",
            "support",
        ),
    ]


def test_unanswered_urgent_tickets(con):
    got = con.execute(
        """
        select customer_id, ticket_id, ticket_hours_open, open_urgent_tickets,
               cast(trigger_date as varchar), reason_text, response_id
        from marts.account_follow_ups
        where reason_code = 'urgent_ticket_unanswered' order by customer_id
        """
    ).fetchall()
    # T1 10:00 on 01-29 to 02-01 00:00 = 62 h; T6 01-10 08:00 to 02-01 00:00 = 21 x 24 + 16
    # = 520 h (closed on 02-03, after the as-of date); T8 exactly 24 h counts, T3 (23 h) not
    assert got == [
        (
            "A3",
            "T1",
            62,
            2,
            "2025-01-29",
            "Urgent ticket T1 open for 62 hours (opened 2025-01-29 10:00 UTC); "
            "2 urgent tickets unanswered",
            None,
        ),
        (
            "A4",
            "T6",
            520,
            1,
            "2025-01-10",
            "Urgent ticket T6 open for 520 hours (opened 2025-01-10 08:00 UTC)",
            None,
        ),
        (
            "A6",
            "T8",
            24,
            1,
            "2025-01-31",
            "Urgent ticket T8 open for 24 hours (opened 2025-01-31 00:00 UTC)",
            None,
        ),
    ]


def test_red_health_with_high_arr(con):
    got = rows(
        con,
        "select * from marts.account_follow_ups where reason_code = 'red_health_high_arr'",
    )
    # the configured score bands A1, A2, A4 and A5 red in January (green before): only A1 has
    # ARR >= 10,000; A2 (6,000), A4 and A5 (1,200) stay below the threshold
    red = {
        r[0]
        for r in con.execute(
            "select customer_id from marts.customer_health "
            "where month_start = date '2025-01-01' and health_band = 'red'"
        ).fetchall()
    }
    assert red == {"A1", "A2", "A4", "A5"}
    assert [r["customer_id"] for r in got] == ["A1"]
    (a1,) = got
    assert (a1["health_band"], a1["previous_health_band"], a1["is_new_red"]) == (
        "red",
        "green",
        True,
    )
    assert a1["trigger_date"] == date(2025, 1, 31)
    assert a1["reason_text"] == "Health score 34.0 (red, new this month) with ARR 12000 EUR"
    assert a1["response_id"] is None and a1["all_reasons"] == (
        "new_detractor, red_health_high_arr, spike_topic"
    )
    # the learned model has too few churns to fit here: ARR at risk from the NPS linkage
    assert (a1["churn_probability_source"], a1["churn_horizon_months"]) == ("nps_category", 12)
