"""The report's queries on a hand-made warehouse: what each chart reads, and why it has none."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from cxlink.report import queries
from cxlink.report.queries import NoData
from tests.report import handmade


@pytest.fixture
def con(tmp_path: Path):
    connection = duckdb.connect(str(handmade.build(tmp_path / "w.duckdb")), read_only=True)
    yield connection
    connection.close()


def test_the_mrr_bridge_is_the_last_twelve_months_oldest_first_in_doubles(con):
    frame = queries.mrr_bridge(con)
    assert len(frame) == 12
    assert frame["month"].iloc[0].date() == date(2025, 10, 1)
    assert frame["month"].iloc[-1].date() == date(2026, 9, 1)
    assert frame["mrr_start"].iloc[0] == 10200.0
    assert frame["mrr_end"].iloc[-1] == 11400.0
    assert frame["new"].dtype == "float64"  # not Decimal: the figure's JSON needs floats


def test_linkage_puts_the_whole_base_first_and_drops_segments_without_figures(con):
    frame = queries.linkage_by_segment(con)
    assert list(frame["segment"]) == ["all segments", "enterprise", "smb"]
    assert frame.loc[0, "churn_gap"] == 0.25
    assert frame.loc[1, "revenue_at_risk_ci_high"] == 600000.0


def test_clv_drops_cells_whose_ratio_is_not_estimable(con):
    by_channel = queries.clv_by(con, "acquisition_channel")
    assert list(zip(by_channel["billing_model"], by_channel["label"], strict=True)) == [
        ("subscription", "organic"),
        ("subscription", "paid_search"),
        ("one_time", "organic"),
    ]
    assert list(queries.clv_by(con, "plan_tier")["label"]) == ["enterprise", "starter"]


def test_topic_charts_read_the_level_two_topics_of_all_time(con):
    impact = queries.topic_impact(con)
    assert list(impact["topic_name"]) == ["Uptime and outages", "Mobile app", "Ease of use"]
    drivers = queries.nps_drivers(con)
    assert list(drivers["topic_name"]) == ["Uptime and outages", "Mobile app", "Ease of use"]
    assert list(drivers["coefficient"]) == [-0.6, -0.05, 0.35]  # nps_points, not promoter


def test_alerts_are_the_latest_periods_tested_topics(con):
    alerts = queries.topic_alerts(con)
    assert list(alerts["topic_name"]) == ["Ease of use", "Uptime and outages"]
    assert list(alerts["is_alert"]) == [False, True]


def test_quarantine_counts_rows_per_rule_and_entity(con):
    frame = queries.quarantine_by_rule(con)
    assert sorted(zip(frame["entity"], frame["rule"], frame["rows"], strict=True)) == [
        ("customers", "duplicate_key", 2),
        ("customers", "invalid_date", 1),
        ("invoices", "duplicate_key", 1),
    ]


def test_revenue_headline_is_the_latest_month(con):
    headline = queries.revenue_headline(con)
    assert (headline.month, headline.mrr) == (date(2026, 9, 1), 11400.0)
    assert (headline.nrr_month, headline.nrr, headline.grr) == (date(2026, 10, 1), 1.05, 0.90)


QUERIES = {
    "marts.nps_monthly_overall": queries.nps_trend_overall,
    "marts.nps_monthly_by_segment": queries.nps_trend_by_segment,
    "marts.nps_retention_summary": queries.retention_by_category,
    "marts.cx_revenue_linkage_by_segment": queries.linkage_by_segment,
    "marts.mrr_bridge_total": queries.mrr_bridge,
    "marts.clv_by_channel": lambda con: queries.clv_by(con, "acquisition_channel"),
    "marts.topic_impact_overall": queries.topic_impact,
    "marts.nps_drivers": queries.nps_drivers,
    "marts.topic_alerts_overall": queries.topic_alerts,
    "quarantine.ledger": queries.quarantine_by_rule,
}


@pytest.mark.parametrize("table", sorted(QUERIES))
def test_a_missing_table_is_no_data_naming_it(tmp_path: Path, table: str):
    path = handmade.build(tmp_path / "w.duckdb", without=(table,))
    with duckdb.connect(str(path), read_only=True) as con, pytest.raises(NoData) as missing:
        QUERIES[table](con)
    assert str(missing.value).startswith(f"{table} is not in the warehouse: the run did not")


EMPTY = {
    "marts.nps_monthly_overall": "nobody answered an NPS survey in the data window",
    "marts.nps_retention_summary": "no NPS response is old enough",
    "marts.mrr_bridge_total": "no subscription was active in the data window",
    "marts.clv_by_channel": "no acquisition cost falls in the CLV window",
    "marts.topic_alerts_overall": "the latest period has too few commented responses",
    "quarantine.ledger": "no landing row was loaded yet",
}


@pytest.mark.parametrize("table", sorted(EMPTY))
def test_an_empty_table_is_no_data_saying_why(tmp_path: Path, table: str):
    path = handmade.build(tmp_path / "w.duckdb", empty=(table,))
    query = QUERIES[table]
    with duckdb.connect(str(path), read_only=True) as con, pytest.raises(NoData) as missing:
        query(con)
    assert str(missing.value).startswith(EMPTY[table])


def test_no_quarantined_row_says_every_row_passed(tmp_path: Path):
    path = handmade.build(tmp_path / "w.duckdb")
    with duckdb.connect(str(path)) as con:
        con.execute("update quarantine.ledger set rule = null, rule_rows = null")
    with duckdb.connect(str(path), read_only=True) as con, pytest.raises(NoData) as missing:
        queries.quarantine_by_rule(con)
    assert str(missing.value) == (
        "no row was quarantined: every loaded row passed the landing contract's rules"
    )
