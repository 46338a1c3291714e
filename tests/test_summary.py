"""The run summary: the headline linkage figures with their intervals, what was quarantined, and
where BI tools, the workbook, the report and the dbt docs are (never the warehouse for BI)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

from cxlink.front_page import Estimate, FrontPage, Publication, ScoreHeadline, front_page_lines
from cxlink.settings import Settings
from cxlink.summary import summary_lines


def _page() -> FrontPage:
    return FrontPage(
        currency="EUR",
        as_of=date(2026, 10, 31),
        publication=Publication("20261202-b7848719", date(2022, 1, 1), date(2026, 10, 1)),
        nps=Estimate(35.21, 33.38, 37.02),
        nps_period="last_12_months",
        nps_responses=6838,
        churn_horizon_months=12,
        churn_by_category={
            "promoter": Estimate(0.100966, 0.084788, 0.119826),
            "passive": Estimate(0.163934, 0.136675, 0.195401),
            "detractor": Estimate(0.367403, 0.319374, 0.418217),
        },
        churn_gap=Estimate(0.266438, 0.213782, 0.319093),
        revenue_at_risk=Estimate(1650166.68, 1324047.17, 1976286.19),
        nps_point_value=Estimate(58792.16, 47326.29, 70258.03),
        clv_to_cac=Estimate(4.2, 3.61, 4.93),
        cac_payback_months=14.26,
        rows_in=150083,
        rows_quarantined=36,
        quarantined_by_rule=[
            ("duplicate_key", 12),
            ("invalid_score", 9),
            ("bad_date", 6),
            ("negative_amount", 5),
            ("unknown_customer", 3),
            ("bad_currency", 1),
        ],
    )


def test_front_page_known_answer():
    assert front_page_lines(_page()) == [
        "cxlink summary · published 20261202-b7848719 · data 2022-01 .. 2026-10 · as of 2026-10-31",
        "",
        "headlines (95% intervals; docs/metrics.md):",
        "  NPS, last 12 months  +35.2 (+33.4 .. +37.0), n=6,838",
        "  12-month logo churn  detractors 36.7% (31.9% .. 41.8%)",
        "                       passives   16.4% (13.7% .. 19.5%)",
        "                       promoters  10.1% (8.5% .. 12.0%)",
        "  detractor churn gap  +26.6 (+21.4 .. +31.9) points over promoters",
        "  revenue at risk      EUR 1,650,167 of ARR over 12 months (1,324,047 .. 1,976,286)",
        "  one NPS point        EUR 58,792 a year (47,326 .. 70,258)",
        "  CLV / CAC            4.2x (3.6x .. 4.9x), CAC payback 14.3 months (subscriptions)",
        "",
        "quarantined: 36 of 150,083 rows (0.02%): duplicate_key 12, invalid_score 9, bad_date 6, "
        "negative_amount 5 and 2 more rules",
    ]


def test_front_page_lists_health_bands_and_follow_ups():
    page = FrontPage(
        currency="EUR",
        health_bands={"green": 2210, "yellow": 512, "red": 151},
        red_arr=1234567.4,
        follow_ups=(87, 31, 5),
        follow_ups_file="/data/exports/follow_ups.csv",
    )
    lines = front_page_lines(page)
    start = lines.index("customer success (docs/metrics.md):")
    assert lines[start + 1 : start + 3] == [
        "  health, as-of month  green 2,210 · yellow 512 · red 151 active accounts "
        "(red ARR EUR 1,234,567)",
        "  follow-ups           87 accounts to contact (31 high priority, 5 overdue): "
        "/data/exports/follow_ups.csv",
    ]
    quiet = front_page_lines(FrontPage(currency="EUR", follow_ups=(0, 0, 0)))
    assert "  follow-ups  no account meets a follow-up rule" in quiet
    # without the marts there is no block at all
    assert "customer success (docs/metrics.md):" not in front_page_lines(FrontPage("EUR"))


def test_front_page_says_what_is_missing():
    page = FrontPage(currency="USD", clv_to_cac=Estimate(None), missing_marts=["clv_overall"])
    lines = front_page_lines(page)
    assert lines[0] == "cxlink summary · not published"
    assert "  NPS        no NPS responses in the data" in lines
    assert "  CLV / CAC  not estimable: no acquisition cost in the CLV window" in lines
    assert "  not built: marts clv_overall (did dbt build fail?)" in lines
    assert lines[-1] == "quarantined: no rows loaded"


def _score_marts(con: duckdb.DuckDBPyConnection, csat_responses: int, ces_responses: int) -> None:
    con.execute(
        f"""
        create table marts.csat_overall as
        select * from (values
            ('all_time', {csat_responses}, 0.785, 0.76, 0.808, 4.123),
            ('last_12_months', {csat_responses}, 0.785, 0.76, 0.808, 4.123)
        ) as t (period, responses, satisfied_share, satisfied_ci_low, satisfied_ci_high,
                mean_score)
        """
    )
    con.execute(
        f"""
        create table marts.ces_overall as
        select * from (values
            ('all_time', {ces_responses}, 0.64, 0.6, 0.68, 5.3, 'high'),
            ('last_12_months', 0, null, null, null, null, 'high')
        ) as t (period, responses, low_effort_share, low_effort_ci_low, low_effort_ci_high,
                mean_score, ces_easy_end)
        """
    )


def _warehouse(data_dir: Path, nps_responses: int = 10, csat_responses: int = 0) -> Settings:
    settings = Settings(data_dir=data_dir)
    con = duckdb.connect(str(settings.warehouse_path))
    try:
        for schema in ("marts", "landing", "raw", "quarantine"):
            con.execute(f"create schema {schema}")
        nps = "30.0, 5.0, 50.0" if nps_responses else "null, null, null"
        con.execute(
            f"""
            create table marts.nps_overall as
            select * from (values
                ('all_time', {nps_responses}, {nps}),
                ('last_12_months', 0, null, null, null)
            ) as t (period, responses, nps, ci_low, ci_high)
            """
        )
        _score_marts(con, csat_responses, 0)
        source = "csat_mapped" if csat_responses and not nps_responses else "nps"
        con.execute(
            f"""
            create table marts.cx_revenue_linkage_overall as
            select * from (values
                ('promoter', 12, 0.1, 0.05, 0.15, date '2026-10-31', '{source}'),
                ('detractor', 12, 0.4, 0.3, 0.5, date '2026-10-31', '{source}')
            ) as t (nps_category, linkage_horizon_months, logo_churn_rate, logo_churn_ci_low,
                    logo_churn_ci_high, as_of_date, category_source)
            """
        )
        con.execute(
            """
            create table marts.cx_revenue_linkage_total as
            select 0.3 as churn_gap_detractor_vs_promoter, 0.2 as churn_gap_ci_low,
                0.4 as churn_gap_ci_high, 1000.0 as revenue_at_risk,
                null::double as revenue_at_risk_ci_low, null::double as revenue_at_risk_ci_high,
                null::double as nps_point_value_per_year, null::double as nps_point_value_ci_low,
                null::double as nps_point_value_ci_high
            """
        )
        con.execute(
            """
            create table marts.customer_health as
            select * from (values
                ('c1', 'green', 1200.0, true), ('c2', 'red', 3000.0, true),
                ('c3', 'red', 500.0, true), ('c3', 'green', 500.0, false)
            ) as t (customer_id, health_band, arr, is_as_of_month)
            """
        )
        con.execute(
            """
            create table marts.account_follow_ups as
            select * from (values ('c2', 'high', false), ('c3', 'medium', true))
                as t (customer_id, priority, is_overdue)
            """
        )
        con.execute("create table landing.customers as select range as id from range(10)")
        con.execute("create table raw.customers as select range as id from range(8)")
        con.execute(
            "create table quarantine.customers as select 'duplicate_key' as rule from range(2)"
        )
        con.execute(
            "create table quarantine.ledger as select 'customers' as entity, 10 as rows_in, "
            "8 as rows_raw, 2 as rows_quarantined, 'duplicate_key' as rule, 2 as rule_rows"
        )
        con.execute(
            "create table quarantine.cleared_values as select * from (values "
            "('feedback', 'unknown_language'), ('feedback', 'unknown_language'), "
            "('feedback', 'unknown_language')) as t (entity, rule)"
        )
    finally:
        con.close()
    return settings


def _line(lines: list[str], label: str) -> str:
    return next(line for line in lines if line.startswith(label))


def test_summary_reads_the_marts_and_the_ledger(tmp_path: Path):
    settings = _warehouse(tmp_path)
    lines = summary_lines(settings)

    # last_12_months has no responses, so the summary falls back to all time
    assert "  NPS, all time        +30.0 (+5.0 .. +50.0), n=10" in lines
    assert "  12-month logo churn  detractors 40.0% (30.0% .. 50.0%)" in lines
    assert "                       promoters  10.0% (5.0% .. 15.0%)" in lines
    assert "  detractor churn gap  +30.0 (+20.0 .. +40.0) points over promoters" in lines
    assert "  revenue at risk      EUR 1,000 of ARR over 12 months" in lines
    assert "  not built: marts clv_overall (did dbt build fail?)" in lines
    assert "quarantined: 2 of 10 rows (20.00%): duplicate_key 2" in lines
    exports = settings.layout.exports_dir / "follow_ups.csv"
    assert (
        "  health, as-of month  green 1 · yellow 0 · red 2 active accounts (red ARR EUR 3,500)"
    ) in lines
    assert (
        f"  follow-ups           2 accounts to contact (1 high priority, 1 overdue): {exports}"
    ) in lines
    assert (
        "cleared: 3 values set null, rows kept (unknown_language 3): "
        "select * from quarantine.cleared_values"
    ) in lines
    assert lines[0] == "cxlink summary · not published · as of 2026-10-31"


def test_a_csat_only_company_gets_csat_lines_not_no_responses(tmp_path: Path):
    # 7,043 CSAT answers and no NPS: the CSAT headline, the mapped churn, never "no responses"
    lines = summary_lines(_warehouse(tmp_path, nps_responses=0, csat_responses=7043))
    text = "\n".join(lines)
    assert "no NPS responses" not in text and "no responses" not in text
    assert (
        "  CSAT, last 12 months               78.5% (76.0% .. 80.8%) satisfied, mean 4.12 of 5, n=7,043"
        in lines
    )
    assert (
        "  NPS                                no NPS survey; the churn below maps CSAT to NPS categories"
        in lines
    )
    assert "  12-month logo churn (CSAT mapped)  detractors 40.0% (30.0% .. 50.0%)" in lines


def test_front_page_shows_csat_and_ces_next_to_nps():
    page = _page()
    page.csat = ScoreHeadline(Estimate(0.785, 0.76, 0.808), 4.123, 7043, "last_12_months")
    page.ces = ScoreHeadline(Estimate(0.64, 0.6, 0.68), 5.3, 812, "all_time")
    assert front_page_lines(page)[3:7] == [
        "  NPS, last 12 months   +35.2 (+33.4 .. +37.0), n=6,838",
        "  CSAT, last 12 months  78.5% (76.0% .. 80.8%) satisfied, mean 4.12 of 5, n=7,043",
        "  CES, all time         64.0% (60.0% .. 68.0%) low effort, mean 5.30 of 7 (7 = easy), n=812",
        "  12-month logo churn   detractors 36.7% (31.9% .. 41.8%)",
    ]


def test_summary_sends_bi_tools_to_the_published_copy(tmp_path: Path):
    settings = _warehouse(tmp_path)
    (tmp_path / "cxlink_bi.duckdb").touch()
    lines = summary_lines(settings)

    bi_line = _line(lines, "BI tools:")
    assert str(tmp_path / "cxlink_bi.duckdb") in bi_line
    assert "not there yet" not in bi_line
    assert str(tmp_path / "exports" / "cxlink_finance.xlsx") in _line(lines, "workbook:")
    assert str(tmp_path / "report" / "index.html") in _line(lines, "report:")
    assert "not built yet" in _line(lines, "dbt docs:")
    # the warehouse is named, but as the pipeline's file, never as the place for BI tools
    warehouse_lines = [line for line in lines if str(settings.warehouse_path) in line]
    assert len(warehouse_lines) == 1 and "not for BI tools" in warehouse_lines[0]


def test_summary_says_when_nothing_is_published_yet(tmp_path: Path):
    lines = summary_lines(_warehouse(tmp_path))
    assert "not there yet" in _line(lines, "BI tools:")
    assert "not written yet" in _line(lines, "report:")


def test_summary_without_a_warehouse_says_what_to_run(tmp_path: Path):
    assert summary_lines(Settings(data_dir=tmp_path)) == [
        f"No warehouse at {tmp_path / 'warehouse.duckdb'} yet: run `make run` (or `make demo`)."
    ]


def test_summary_repeats_the_data_window_warnings(tmp_path: Path):
    """marts.data_window (issue 14, bug 2 and item 10): events after a configured as-of date and
    a history where most customers start in the first month are on the front page, in the
    checks' words (cxlink/coverage.py)."""
    settings = _warehouse(tmp_path)
    con = duckdb.connect(str(settings.warehouse_path))
    con.execute(
        """
        create table marts.data_window as
        select date '2023-07-01' as first_event_date, date '2024-12-31' as last_event_date,
               date '2023-07-01' as first_event_month, date '2024-12-01' as last_event_month,
               date '2024-06-30' as as_of_date, 'configured' as as_of_date_source,
               1234 as events_after_as_of, date '2023-07-01' as first_period_month,
               7043 as subscription_customers, 6000 as customers_starting_in_first_month,
               6000 / 7043 as first_month_share, true as looks_left_truncated,
               null::date as history_starts_at, 'not_declared' as history_start_source,
               null::date as first_observed_month, 0 as left_truncated_customers
        """
    )
    con.close()
    lines = summary_lines(settings)
    at = lines.index("warnings:")
    assert lines[at + 1 : at + 3] == [
        "  1,234 events dated after the as-of date 2024-06-30 (the latest on 2024-12-31) count "
        "in no mart: CXLINK_AS_OF_DATE is 2024-06-30",
        "  85% of the 7,043 subscription customers start in the data's first month (2023-07): "
        "the history looks left-truncated (a snapshot or a migration), so cohort_retention and "
        "the churn windows count reconstructed time; set CXLINK_HISTORY_STARTS_AT to the day the "
        "history really starts (docs/metrics.md, History start)",
    ]
    assert lines[at - 1] == "" and lines[at + 3] == ""


def test_no_warnings_block_without_warnings():
    assert "warnings:" not in front_page_lines(_page())
