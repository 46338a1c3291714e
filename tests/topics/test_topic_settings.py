"""Settings of the topic marts: quarterly periods and a validated false-discovery rate."""

from __future__ import annotations

import duckdb
import pytest

from tests.topics.designs import design_a
from tests.warehouse import build_topic_warehouse, run_dbt


@pytest.fixture(scope="module")
def quarterly(tmp_path_factory):
    customers, responses = design_a()
    data_dir = tmp_path_factory.mktemp("topics_quarter")
    build_topic_warehouse(data_dir, customers, responses, dbt_vars={"topic_period": "quarter"})
    return data_dir


def test_quarterly_periods(quarterly):
    con = duckdb.connect(str(quarterly / "warehouse.duckdb"), read_only=True)
    try:
        impact = con.execute(
            """
            select period_start, responses, impact from marts.topic_impact_overall
            where period_grain = 'quarter' and topic_id = 'reliability'
            order by period_start
            """
        ).fetchall()
        drivers = con.execute(
            "select distinct period_grain, period_start from marts.nps_drivers order by all"
        ).fetchall()
        alert_periods = con.execute(
            "select distinct period_grain, period_start from marts.topic_alerts order by all"
        ).fetchall()
    finally:
        con.close()
    # Jan-Aug 2024: Q1 and Q2 have 3 months of 80 responses, Q3 two
    assert [(str(r[0]), r[1]) for r in impact] == [
        ("2024-01-01", 240),
        ("2024-04-01", 240),
        ("2024-07-01", 160),
    ]
    assert all(r[2] == pytest.approx(0.25 * (-100 - 200 / 3)) for r in impact)
    assert [(g, str(s)) for g, s in drivers] == [
        ("all_time", "2024-01-01"),
        ("quarter", "2024-01-01"),
        ("quarter", "2024-04-01"),
        ("quarter", "2024-07-01"),
    ]
    assert [(g, str(s)) for g, s in alert_periods] == [
        ("quarter", "2024-01-01"),
        ("quarter", "2024-04-01"),
        ("quarter", "2024-07-01"),
    ]


def test_a_false_discovery_rate_outside_0_1_fails_the_build_naming_the_setting(quarterly):
    with pytest.raises(AssertionError, match="alert_fdr / CXLINK_ALERT_FDR must be a number"):
        run_dbt(quarterly, ["compile", "--select", "topic_alerts"], {"alert_fdr": "1.5"})
