"""What each chart of the report reads: one query per chart, over the marts and the quarantine.

Every function takes a connection to the warehouse (schemas ``marts`` and ``quarantine``) and
returns a DataFrame with the columns its figure plots, or raises ``NoData`` with the reason
the page shows in the chart's place: the mart is not built, or it has no rows for the chart.
The marts have one grain each (docs/metrics.md "Conventions shared by every mart"): a chart over segments reads the
``*_by_segment`` table, the whole base the ``*_overall`` / ``*_total`` one, never a filter on
rollup rows. Money columns are cast to DOUBLE here (DuckDB's DECIMAL arrives as Python
``Decimal``, which the figures' JSON cannot hold).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb
import pandas as pd

from cxlink.duckdb_sql import table_exists

# The finer topic level (level 2: "Uptime and outages" under "Reliability and performance"):
# the topic charts show the topics a team can act on.
TOPIC_LEVEL = 2
NPS_CATEGORIES = ("promoter", "passive", "detractor")
BRIDGE_MONTHS = 12  # the MRR waterfall covers the last year of the bridge


class NoData(Exception):
    """A chart cannot be drawn; the message says why, in a sentence a reader of the page
    understands (it is shown in the chart's place)."""


def _require(con: duckdb.DuckDBPyConnection, *tables: str) -> None:
    for table in tables:
        schema, name = table.split(".")
        if not table_exists(con, schema, name):
            raise NoData(
                f"{table} is not in the warehouse: the run did not build it (see the run's "
                "log for the failed dbt model), or the warehouse predates it; run `make run`"
            )


def _frame(
    con: duckdb.DuckDBPyConnection, tables: tuple[str, ...], sql: str, empty: str, params=()
) -> pd.DataFrame:
    _require(con, *tables)
    frame = con.execute(sql, list(params)).df()
    if frame.empty:
        raise NoData(empty)
    return frame


def nps_trend_overall(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Monthly NPS of every respondent with its interval (marts.nps_monthly_overall)."""
    return _frame(
        con,
        ("marts.nps_monthly_overall",),
        "select response_month, responses, nps, ci_low, ci_high "
        "from marts.nps_monthly_overall order by response_month",
        "nobody answered an NPS survey in the data window",
    )


def nps_trend_by_segment(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Monthly NPS per segment with its interval (marts.nps_monthly_by_segment)."""
    return _frame(
        con,
        ("marts.nps_monthly_by_segment",),
        "select response_month, segment, responses, nps, ci_low, ci_high "
        "from marts.nps_monthly_by_segment order by segment, response_month",
        "nobody answered an NPS survey in the data window",
    )


def retention_by_category(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Logo retention 3, 6 and 12 months after an NPS response, per NPS category, with
    intervals (marts.nps_retention_summary; only horizons that have passed have rows)."""
    return _frame(
        con,
        ("marts.nps_retention_summary",),
        "select nps_category, horizon_months, customers, retention_rate, retention_ci_low, "
        "retention_ci_high from marts.nps_retention_summary where customers > 0 "
        "order by nps_category, horizon_months",
        "no NPS response is old enough for its 3-month retention horizon to have passed "
        "(marts.nps_retention_summary is empty)",
    )


def linkage_by_segment(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Churn gap (detractor minus promoter logo churn) and revenue at risk with intervals, for
    the whole base ('all segments', first) and per segment (marts.cx_revenue_linkage_total and
    marts.cx_revenue_linkage_by_segment). Rows where neither figure is estimable are dropped."""
    columns = (
        "linkage_horizon_months, churn_gap_detractor_vs_promoter as churn_gap, "
        "churn_gap_ci_low, churn_gap_ci_high, revenue_at_risk, revenue_at_risk_ci_low, "
        "revenue_at_risk_ci_high"
    )
    return _frame(
        con,
        ("marts.cx_revenue_linkage_total", "marts.cx_revenue_linkage_by_segment"),
        f"""
        select * from (
            select 'all segments' as segment, 0 as _order, {columns}
            from marts.cx_revenue_linkage_total
            union all
            select segment, 1 as _order, {columns} from marts.cx_revenue_linkage_by_segment
        )
        where churn_gap is not null or revenue_at_risk is not null
        order by _order, segment
        """,
        "no segment has both promoters and detractors whose linkage horizon has passed, so "
        "neither the churn gap nor the revenue at risk is estimable",
    ).drop(columns="_order")


def mrr_bridge(con: duckdb.DuckDBPyConnection, months: int = BRIDGE_MONTHS) -> pd.DataFrame:
    """The last ``months`` months of the MRR bridge of the whole base (marts.mrr_bridge_total),
    oldest first. Contraction and churn are positive amounts that reduce MRR."""
    return _frame(
        con,
        ("marts.mrr_bridge_total",),
        """
        select * from (
            select month, cast(mrr_start as double) as mrr_start, cast(new as double) as new,
                cast(expansion as double) as expansion,
                cast(reactivation as double) as reactivation,
                cast(contraction as double) as contraction, cast(churn as double) as churn,
                cast(mrr_end as double) as mrr_end
            from marts.mrr_bridge_total order by month desc limit ?
        ) order by month
        """,
        "no subscription was active in the data window (marts.mrr_bridge_total is empty)",
        (months,),
    )


def clv_by(con: duckdb.DuckDBPyConnection, dimension: str) -> pd.DataFrame:
    """CLV/CAC and CAC payback with intervals per billing model and ``dimension``
    (``acquisition_channel`` -> marts.clv_by_channel, ``plan_tier`` -> marts.clv_by_plan_tier).
    Cells whose CLV/CAC is not estimable (no acquisition cost in the window) are dropped."""
    table = {"acquisition_channel": "clv_by_channel", "plan_tier": "clv_by_plan_tier"}[dimension]
    return _frame(
        con,
        (f"marts.{table}",),
        f"""
        select billing_model, {dimension} as label, customers, clv, clv_to_cac,
            clv_to_cac_ci_low, clv_to_cac_ci_high, cac_payback_months, cac_payback_ci_low,
            cac_payback_ci_high
        from marts.{table}
        where clv_to_cac is not null
        order by billing_model desc, label
        """,
        "no acquisition cost falls in the CLV window (no marketing spend or no new customer), "
        "so CLV/CAC and CAC payback are not estimable",
    )


def topic_impact(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """NPS points each topic costs or adds over all time, with intervals, for every
    respondent (marts.topic_impact_overall, level-2 topics), most negative first."""
    return _frame(
        con,
        ("marts.topic_impact_overall",),
        """
        select topic_name, responses_mentioning, share_mentioning, impact, impact_ci_low,
            impact_ci_high
        from marts.topic_impact_overall
        where period_grain = 'all_time' and topic_level = ? and impact is not null
        order by impact, topic_name
        """,
        "no tagged comment mentions a topic (no comment was tagged: see the run's text "
        "statement_tags line)",
        (TOPIC_LEVEL,),
    )


def nps_drivers(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The all-time key-driver model of NPS points on the level-2 topics (marts.nps_drivers):
    each topic's coefficient, how often it is mentioned and its share of R^2."""
    return _frame(
        con,
        ("marts.nps_drivers",),
        """
        select topic_name, responses, mention_share, coefficient, p_value, is_significant,
            share_of_r_squared, r_squared, driver_status
        from marts.nps_drivers
        where period_grain = 'all_time' and outcome = 'nps_points' and topic_level = ?
            and coefficient is not null
        order by coefficient, topic_name
        """,
        "the key-driver model has too few tagged NPS responses to estimate",
        (TOPIC_LEVEL,),
    )


def topic_alerts(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The latest period's spike tests over every respondent (marts.topic_alerts_overall,
    level-2 topics that could be tested): share now against its baseline, and the alerts."""
    return _frame(
        con,
        ("marts.topic_alerts_overall",),
        """
        select period_start, period_grain, topic_name, commented_responses,
            responses_mentioning, share_now, baseline_share, q_value, fdr_level, is_alert
        from marts.topic_alerts_overall
        where is_latest_period and topic_level = ? and test_status = 'tested'
        order by share_now - baseline_share, topic_name
        """,
        "the latest period has too few commented responses (or too short a baseline) for "
        "any topic to be tested",
        (TOPIC_LEVEL,),
    )


def quarantine_by_rule(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Rows quarantined per entity and contract rule (quarantine.ledger)."""
    _require(con, "quarantine.ledger")
    frame = con.execute(
        "select entity, rule, rule_rows as rows from quarantine.ledger "
        "where rule is not null and rule_rows > 0 order by rule, entity"
    ).df()
    if frame.empty:
        loaded = con.execute(
            "select coalesce(sum(rows_in), 0) from (select distinct entity, rows_in "
            "from quarantine.ledger)"
        )
        rows_in = loaded.fetchall()[0][0]
        raise NoData(
            "no row was quarantined: every loaded row passed the landing contract's rules"
            if rows_in
            else "no landing row was loaded yet"
        )
    return frame


@dataclass(frozen=True)
class RevenueHeadline:
    """The base's MRR in its latest month and its 12-month revenue retention (no intervals:
    they are counts and sums of the whole base, not estimates)."""

    month: date | None = None
    mrr: float | None = None
    nrr_month: date | None = None
    nrr: float | None = None
    grr: float | None = None


def revenue_headline(con: duckdb.DuckDBPyConnection) -> RevenueHeadline:
    mrr_month = mrr = nrr_month = nrr = grr = None
    if table_exists(con, "marts", "mrr_bridge_total"):
        rows = con.execute(
            "select month, cast(mrr_end as double) from marts.mrr_bridge_total "
            "order by month desc limit 1"
        ).fetchall()
        if rows:
            mrr_month, mrr = rows[0]
    if table_exists(con, "marts", "revenue_retention_12m_total"):
        rows = con.execute(
            "select month, cast(nrr_12m as double), cast(grr_12m as double) "
            "from marts.revenue_retention_12m_total "
            "where nrr_12m is not null order by month desc limit 1"
        ).fetchall()
        if rows:
            nrr_month, nrr, grr = rows[0]
    return RevenueHeadline(mrr_month, mrr, nrr_month, nrr, grr)
