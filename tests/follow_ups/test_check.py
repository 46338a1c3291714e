"""The non-blocking check on marts/account_follow_ups (orchestration/checks/follow_ups.py)."""

from __future__ import annotations

import dagster as dg

from orchestration.checks.follow_ups import (
    CHECK_NAME,
    FOLLOW_UPS_KEY,
    FollowUpSummary,
    NewFollowUp,
    account_follow_ups_new,
    check_result,
)
from orchestration.resources import Warehouse


def test_a_new_high_arr_detractor_warns_listing_it(follow_ups_warehouse):
    result = account_follow_ups_new(warehouse=Warehouse(data_dir=str(follow_ups_warehouse.parent)))
    assert result.passed is False
    assert result.severity == dg.AssetCheckSeverity.WARN
    meta = {k: v.value for k, v in result.metadata.items()}
    # A1 (ARR 12,000) is the only high-ARR new detractor (A7's 9,600 is below) and the only
    # high-ARR account that turned red; its spike_topic row is no warning reason
    assert meta["new_high_arr"] == [
        {
            "priority_rank": 1,
            "customer_id": "A1",
            "reason_code": "red_health_high_arr",
            "reason_text": "Health score 34.0 (red, new this month) with ARR 12000 EUR",
            "arr": 12000.0,
            "arr_at_risk": 4200.0,
            "trigger_date": "2025-01-31",
            "due_date": "2025-02-07",
        },
        {
            "priority_rank": 2,
            "customer_id": "A1",
            "reason_code": "new_detractor",
            "reason_text": "NPS 3 (detractor) on 2025-01-20",
            "arr": 12000.0,
            "arr_at_risk": 4200.0,
            "trigger_date": "2025-01-20",
            "due_date": "2025-01-22",
        },
    ]
    assert (meta["new_high_arr_count"], meta["new_detractors"], meta["new_red_accounts"]) == (
        2,
        1,
        1,
    )
    assert (meta["as_of_date"], meta["high_arr_threshold"], meta["currency"]) == (
        "2025-01-31",
        10000.0,
        "EUR",
    )
    assert meta["follow_ups"] == 23
    assert (
        "| 2 | A1 | NPS 3 (detractor) on 2025-01-20 | 12,000 | 4,200 | 2025-01-22 |"
        in (meta["new_high_arr_table"])
    )
    assert result.description == (
        "2 new high-ARR follow-up(s) as of 2025-01-31 (ARR >= 10,000 EUR): "
        "A1 (red_health_high_arr), A1 (new_detractor)"
    )


def test_no_new_high_arr_account_passes():
    summary = FollowUpSummary("2025-01-31", 10000, "EUR", 3, [])
    result = check_result(summary)
    assert result.passed is True
    assert result.metadata["new_high_arr_count"].value == 0
    assert result.description == (
        "no new detractor or red account with ARR >= 10,000 EUR as of 2025-01-31 "
        "(3 follow-up(s) in all)"
    )


def test_red_accounts_are_counted_apart():
    red = NewFollowUp(2, "B1", "red_health_high_arr", "red", 50000.0, None, "2025-01-31", "x")
    result = check_result(FollowUpSummary("2025-01-31", 10000, "EUR", 2, [red]))
    assert result.passed is False
    assert result.metadata["new_red_accounts"].value == 1
    assert result.metadata["new_detractors"].value == 0
    assert "| 2 | B1 | red | 50,000 |  | x |" in result.metadata["new_high_arr_table"].value


def test_the_check_is_registered_non_blocking_on_the_mart():
    spec = next(iter(account_follow_ups_new.check_specs))
    assert (spec.asset_key, spec.name, spec.blocking) == (FOLLOW_UPS_KEY, CHECK_NAME, False)
    from cxlink.settings import Settings
    from orchestration.definitions import build_definitions

    defs = build_definitions(Settings.from_env({}))
    keys = {key for checks in defs.asset_checks or [] for key in checks.check_keys}
    assert dg.AssetCheckKey(FOLLOW_UPS_KEY, CHECK_NAME) in keys
