"""The follow-up marts, the check and follow_ups.csv on the default demo (5,000 customers, seed
42, as of 2026-10-31: the window is 2026-10-02 .. 2026-10-31)."""

from __future__ import annotations

import csv

from cxlink.publish.follow_ups import FOLLOW_UPS_FILE


def test_the_check_lists_the_new_high_arr_detractors(demo_run):
    _, _, result = demo_run
    (evaluation,) = [
        e for e in result.get_asset_check_evaluations() if e.check_name == "account_follow_ups_new"
    ]
    meta = {k: v.value for k, v in evaluation.metadata.items()}
    assert evaluation.passed is False and evaluation.severity.value == "WARN"
    # 31 detractor answers of accounts with ARR >= 10,000 in the window; no red account of the
    # demo reaches that ARR (its 11 red accounts in October are small ones)
    assert (meta["new_detractors"], meta["new_red_accounts"]) == (31, 0)
    assert meta["as_of_date"] == "2026-10-31"


def test_every_row_is_a_rule_and_the_ranking_puts_arr_at_risk_first(con):
    rows = con.execute(
        """
        select priority_rank, priority_score, reason_code, churn_probability_source
        from marts.account_follow_ups order by priority_rank
        """
    ).fetchall()
    assert [r[0] for r in rows] == list(range(1, len(rows) + 1))
    scores = [r[1] for r in rows]
    assert scores == sorted(scores, reverse=True) and scores[0] > 0
    # the demo keeps every customer's NPS category for life (no promoter ever drops), closes
    # every ticket, and its latest topic period has no spike: only detractors here
    assert {r[2] for r in rows} == {"new_detractor"}
    # the learned health score is fitted on the demo: it gives the churn probabilities
    assert {r[3] for r in rows if r[1] > 0} == {"health_learned"}
    (detractors,) = con.execute(
        """
        select count(*) from intermediate.int_follow_ups__nps_answers
        where is_new and nps_category = 'detractor'
        """
    ).fetchone()
    # one row per account: an account with two detractor answers in the window is listed once
    (accounts,) = con.execute(
        """
        select count(distinct customer_id) from intermediate.int_follow_ups__nps_answers
        where is_new and nps_category = 'detractor'
        """
    ).fetchone()
    assert len(rows) == accounts <= detractors


def test_the_crm_file_has_every_follow_up(demo_run, con):
    data_dir, _, _ = demo_run
    with (data_dir / "exports" / FOLLOW_UPS_FILE).open(newline="", encoding="utf-8-sig") as f:
        exported = list(csv.DictReader(f))
    (n,) = con.execute("select count(*) from marts.account_follow_ups").fetchone()
    assert len(exported) == n
    assert [r["priority_rank"] for r in exported] == [str(i) for i in range(1, n + 1)]
    assert {r["owner"] for r in exported} == {""}
