"""A hand-made warehouse with every table the report's charts read, a few rows each, with
figures chosen so the tests can name the answers (the columns are the marts' own)."""

from __future__ import annotations

from pathlib import Path

import duckdb

TABLES = {
    "marts.nps_monthly_overall": """
        select * from (values
            (date '2026-08-01', 120, 30.0, 20.0, 39.0),
            (date '2026-09-01', 100, 35.0, 25.5, 44.0),
            (date '2026-10-01', 80, 40.0, 29.0, 50.0)
        ) t(response_month, responses, nps, ci_low, ci_high)
    """,
    "marts.nps_monthly_by_segment": """
        select * from (values
            (date '2026-09-01', 'enterprise', 40, 50.0, 30.0, 66.0),
            (date '2026-10-01', 'enterprise', 30, 45.0, 22.0, 63.0),
            (date '2026-09-01', 'smb', 60, 25.0, 10.0, 39.0),
            (date '2026-10-01', 'smb', 50, 35.0, 19.0, 49.0)
        ) t(response_month, segment, responses, nps, ci_low, ci_high)
    """,
    "marts.nps_retention_summary": """
        select * from (values
            ('detractor', 3, 100, 0.90, 0.84, 0.96),
            ('detractor', 12, 80, 0.60, 0.50, 0.70),
            ('passive', 3, 150, 0.95, 0.91, 0.99),
            ('passive', 12, 120, 0.80, 0.73, 0.87),
            ('promoter', 3, 300, 0.98, 0.96, 1.00),
            ('promoter', 12, 250, 0.91, 0.87, 0.95)
        ) t(nps_category, horizon_months, customers, retention_rate, retention_ci_low,
            retention_ci_high)
    """,
    "marts.cx_revenue_linkage_total": """
        select 12 as linkage_horizon_months, 0.25 as churn_gap_detractor_vs_promoter,
            0.18 as churn_gap_ci_low, 0.32 as churn_gap_ci_high, 500000.0 as revenue_at_risk,
            360000.0 as revenue_at_risk_ci_low, 640000.0 as revenue_at_risk_ci_high,
            20000.0 as nps_point_value_per_year, 12000.0 as nps_point_value_ci_low,
            28000.0 as nps_point_value_ci_high
    """,
    "marts.cx_revenue_linkage_by_segment": """
        select * from (values
            ('smb', 12, 0.20, 0.10, 0.30, 100000.0, 50000.0, 150000.0),
            ('enterprise', 12, 0.30, 0.15, 0.45, 400000.0, 200000.0, 600000.0),
            ('mid_market', 12, null, null, null, null, null, null)
        ) t(segment, linkage_horizon_months, churn_gap_detractor_vs_promoter, churn_gap_ci_low,
            churn_gap_ci_high, revenue_at_risk, revenue_at_risk_ci_low, revenue_at_risk_ci_high)
    """,
    # 14 months (Aug 2025 .. Sep 2026), MRR +100 a month; the waterfall takes the last 12
    # (Oct 2025 .. Sep 2026): from 10,200 at the start to 11,400 at the end.
    "marts.mrr_bridge_total": """
        select month,
            cast(10000 + 100 * i as decimal(18, 4)) as mrr_start,
            cast(150 as decimal(18, 4)) as new,
            cast(20 as decimal(18, 4)) as expansion,
            cast(5 as decimal(18, 4)) as reactivation,
            cast(10 as decimal(18, 4)) as contraction,
            cast(65 as decimal(18, 4)) as churn,
            cast(10000 + 100 * (i + 1) as decimal(18, 4)) as mrr_end,
            'EUR' as currency
        from (
            select range as i, cast(date '2025-08-01' + to_months(range) as date) as month
            from range(14)
        )
    """,
    "marts.revenue_retention_12m_total": """
        select * from (values
            (date '2026-09-01', 1.02, 0.88),
            (date '2026-10-01', 1.05, 0.90)
        ) t(month, nrr_12m, grr_12m)
    """,
    "marts.clv_by_channel": """
        select * from (values
            ('subscription', 'organic', 120, 9000.0, 4.5, 3.6, 5.4, 14.0, 12.0, 17.0),
            ('subscription', 'paid_search', 80, 6000.0, 3.0, 2.2, 3.8, 18.0, 15.0, 23.0),
            ('subscription', 'partner', 5, 100.0, null, null, null, null, null, null),
            ('one_time', 'organic', 30, 400.0, 1.2, 0.8, 1.6, 30.0, 20.0, 60.0)
        ) t(billing_model, acquisition_channel, customers, clv, clv_to_cac, clv_to_cac_ci_low,
            clv_to_cac_ci_high, cac_payback_months, cac_payback_ci_low, cac_payback_ci_high)
    """,
    "marts.clv_by_plan_tier": """
        select * from (values
            ('subscription', 'starter', 100, 3000.0, 2.5, 2.0, 3.0, 20.0, 17.0, 24.0),
            ('subscription', 'enterprise', 20, 40000.0, 6.0, 4.0, 8.0, 9.0, 7.0, 12.0)
        ) t(billing_model, plan_tier, customers, clv, clv_to_cac, clv_to_cac_ci_low,
            clv_to_cac_ci_high, cac_payback_months, cac_payback_ci_low, cac_payback_ci_high)
    """,
    "marts.topic_impact_overall": """
        select * from (values
            ('all_time', 2, 'Uptime and outages', 300, 0.12, -2.0, -2.5, -1.5),
            ('all_time', 2, 'Ease of use', 400, 0.16, 1.5, 1.1, 1.9),
            ('all_time', 2, 'Mobile app', 50, 0.02, -0.1, -0.4, 0.2),
            ('all_time', 1, 'Reliability and performance', 500, 0.2, -3.0, -3.5, -2.5),
            ('month', 2, 'Uptime and outages', 30, 0.10, -1.0, -2.0, 0.0)
        ) t(period_grain, topic_level, topic_name, responses_mentioning, share_mentioning,
            impact, impact_ci_low, impact_ci_high)
    """,
    "marts.nps_drivers": """
        select * from (values
            ('all_time', 'nps_points', 2, 'Uptime and outages', 2500, 0.12, -0.6, 0.0001,
                true, 0.40, 0.12, 'significant'),
            ('all_time', 'nps_points', 2, 'Ease of use', 2500, 0.16, 0.35, 0.001, true, 0.35,
                0.12, 'significant'),
            ('all_time', 'nps_points', 2, 'Mobile app', 2500, 0.02, -0.05, 0.6, false, 0.01,
                0.12, 'not_significant'),
            ('all_time', 'promoter', 2, 'Uptime and outages', 2500, 0.12, -0.3, 0.0001, true,
                0.40, 0.10, 'significant')
        ) t(period_grain, outcome, topic_level, topic_name, responses, mention_share,
            coefficient, p_value, is_significant, share_of_r_squared, r_squared, driver_status)
    """,
    "marts.topic_alerts_overall": """
        select * from (values
            (date '2026-10-01', 'month', true, 2, 'tested', 'Uptime and outages', 200, 50,
                0.25, 0.10, 0.001, 0.05, true),
            (date '2026-10-01', 'month', true, 2, 'tested', 'Ease of use', 200, 30, 0.15,
                0.16, 0.9, 0.05, false),
            (date '2026-10-01', 'month', true, 2, 'too_few_responses', 'Mobile app', 200, 1,
                0.005, null, null, 0.05, false),
            (date '2026-09-01', 'month', false, 2, 'tested', 'Uptime and outages', 180, 20,
                0.11, 0.10, 0.5, 0.05, false)
        ) t(period_start, period_grain, is_latest_period, topic_level, test_status,
            topic_name, commented_responses, responses_mentioning, share_now, baseline_share,
            q_value, fdr_level, is_alert)
    """,
    "quarantine.ledger": """
        select * from (values
            ('customers', 100, 97, 3, 'duplicate_key', 2),
            ('customers', 100, 97, 3, 'invalid_date', 1),
            ('invoices', 500, 499, 1, 'duplicate_key', 1),
            ('feedback', 300, 300, 0, null, null)
        ) t(entity, rows_in, rows_raw, rows_quarantined, rule, rule_rows)
    """,
}


def build(path: Path, *, without: tuple[str, ...] = (), empty: tuple[str, ...] = ()) -> Path:
    """The warehouse at ``path``: every table of TABLES but those ``without``; those in
    ``empty`` have their columns and no row."""
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    try:
        for schema in ("marts", "quarantine"):
            con.execute(f"create schema if not exists {schema}")
        for table, sql in TABLES.items():
            if table in without:
                continue
            con.execute(f"create table {table} as {sql}")
            if table in empty:
                con.execute(f"delete from {table}")
    finally:
        con.close()
    return path
