"""Issue 16, end to end: one feedback row dated 2099-06-01 ends in quarantine and every mart
built equals the marts built without it (before: it passed the contract, became the latest
event and moved the as-of date from the data's 2025-01-01 to the run date, so the NPS windows
and the CLV marts changed). A subscription with a scheduled end in 2099 is kept and does not
move the as-of date either.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hardening.landing import add_file, build, extract, fingerprints, known_account_landing
from tests.hardening.landing import query as warehouse_query

pytestmark = pytest.mark.xdist_group("hardening_e2e")

MARTS = "+nps_overall +clv_overall +data_window +mrr_bridge_total"
FAR_FUTURE_RESPONSE = {
    "response_id": "R-2099",
    "customer_id": "P1",
    "responded_at": "2099-06-01",
    "survey_type": "nps",
    "score": "10",
    "channel": "email",
}


def test_a_far_future_row_is_quarantined_and_changes_no_mart(tmp_path: Path):
    clean = tmp_path / "clean"
    known_account_landing(clean)
    extract(clean)
    build(clean, MARTS)

    hostile = tmp_path / "hostile"
    landing = known_account_landing(hostile)
    add_file(landing, "feedback/late.csv", [FAR_FUTURE_RESPONSE])
    reports = extract(hostile)
    build(hostile, MARTS)

    assert reports["feedback"].counts.by_rule == {"date_in_future": 1}
    assert warehouse_query(
        hostile, "select source_file, source_row, rule from quarantine.feedback"
    ) == [("feedback/late.csv", 1, "date_in_future")]
    # the known account's latest event is its invoices of 2025-01-01, in both
    assert warehouse_query(
        hostile, "select as_of_date::varchar, as_of_date_source from marts.data_window"
    ) == [("2025-01-01", "derived_from_data")]
    before, after = fingerprints(clean), fingerprints(hostile)
    assert len(before) >= 4
    assert after == before


def test_a_scheduled_end_is_kept_and_does_not_move_the_as_of_date(tmp_path: Path):
    data_dir = tmp_path / "scheduled"
    landing = known_account_landing(data_dir)
    # an add-on of N1's that ends, as scheduled, on 2099-01-01: before, that end was the latest
    # event and the as-of date became the run date
    add_file(
        landing,
        "subscriptions/scheduled.csv",
        [
            {
                "subscription_id": "SN1-ADDON",
                "customer_id": "N1",
                "plan_tier": "growth",
                "period_start": "2024-12-01",
                "period_end": "2099-01-01",
                "mrr": "10",
                "currency": "EUR",
            }
        ],
    )
    reports = extract(data_dir)
    assert reports["subscriptions"].counts.rows_quarantined == 0
    build(data_dir, "+data_window")
    assert warehouse_query(
        data_dir,
        "select as_of_date::varchar, as_of_date_source, events_after_as_of from marts.data_window",
    ) == [("2025-01-01", "derived_from_data", 0)]
