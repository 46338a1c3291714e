"""Issue 16: a huge but valid MRR (9e12 EUR a month, within DECIMAL(18, 4)) publishes.

Before, its ARR (12 x 9e12 = 1.08e14) overflowed DECIMAL(18, 4) in int_revenue__customer_arr_months
and no topic mart built. Landed amounts stay DECIMAL(18, 4) (at most 10^14, number_out_of_range
beyond); every amount derived from them (a converted amount, a customer's MRR summed over
subscriptions, ARR, an MRR movement) is DECIMAL(38, 4) (docs/design-decisions.md).

Three customers answer in 2024-03, each with one statement: A (100 EUR MRR, NPS 10) and
BIG (9e12 EUR, NPS 3) mention pricing, C (50 EUR, NPS 9) mentions nothing. ARR weights: A 1,200,
BIG 108,000,000,000,000, C 600. For pricing: W_t = 108,000,000,001,200, W = 108,000,000,001,800.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from tests.warehouse import (
    Customer,
    Response,
    Statement,
    build_topic_warehouse,
    dbt_build,
    query,
)

pytestmark = pytest.mark.xdist_group("hardening_e2e")

HUGE_MRR = 9e12


def test_a_huge_mrr_builds_every_revenue_and_topic_mart(tmp_path: Path):
    customers = [Customer("A", "smb", 100.0), Customer("BIG", "ent", HUGE_MRR), Customer("C")]
    customers[2].mrr = 50.0
    responses = [
        Response("rA", "A", "2024-03-15T09:00:00", 10, statements=[Statement(["pricing"], 0.5)]),
        Response("rB", "BIG", "2024-03-15T09:00:00", 3, statements=[Statement(["pricing"], -0.5)]),
        Response("rC", "C", "2024-03-15T09:00:00", 9, statements=[Statement([], 0.1)]),
    ]
    build_topic_warehouse(tmp_path, customers, responses)  # raises when dbt fails
    dbt_build(tmp_path, "+mrr_bridge_total +mrr_monthly")

    arr = query(
        tmp_path,
        "select arr_responses_mentioning, arr_responses, arr_share_mentioning "
        "from marts.topic_impact_overall where topic_id = 'pricing' and period_grain = 'all_time'",
    )
    # exact in a double: both are integers below 2^53; share = 1 - 600 / W
    assert arr == [(108_000_000_001_200.0, 108_000_000_001_800.0, pytest.approx(1 - 600 / 1.08e14))]
    mrr_end = query(
        tmp_path,
        "select mrr_end from marts.mrr_bridge_total where month = date '2024-03-01'",
    )
    assert mrr_end == [(Decimal("9000000000150"),)]  # 9e12 + 100 + 50, exact


def test_a_huge_mrr_builds_the_health_marts(tmp_path: Path):
    # the fault-injection script found the health models still casting ARR to DECIMAL(18, 4)
    customers = [Customer("A", "smb", 100.0), Customer("BIG", "ent", HUGE_MRR)]
    responses = [
        Response("rA", "A", "2024-03-15T09:00:00", 10, statements=[Statement(["pricing"], 0.5)]),
        Response("rB", "BIG", "2024-03-15T09:00:00", 3, statements=[Statement(["pricing"], -0.5)]),
    ]
    build_topic_warehouse(tmp_path, customers, responses)
    dbt_build(tmp_path, "+customer_health +account_follow_ups")

    arr = query(
        tmp_path,
        "select customer_id, arr from marts.customer_health where is_as_of_month order by 1",
    )
    assert arr == [("A", Decimal("1200")), ("BIG", Decimal("108000000000000"))]
