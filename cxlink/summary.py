"""The run summary printed by `cxlink run` / `make demo` and `cxlink summary`: the front page of
a run (cxlink/front_page.py formats it) and where the published copy, the workbook, the report
and the dbt docs are.

``read_front_page`` reads the figures: the warehouse's marts (with the warnings of
``marts.data_window``: events after the as-of date, a left-truncated history), the quarantine
ledger and the published copy's ``meta.publish_info``. Definitions: docs/metrics.md.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from cxlink.coverage import coverage_warnings, read_coverage
from cxlink.extract.ledger import read_ledger
from cxlink.front_page import (
    NPS_CATEGORIES,
    Estimate,
    FrontPage,
    Publication,
    ScoreHeadline,
    front_page_lines,
)
from cxlink.publish.follow_ups import FOLLOW_UPS_FILE
from cxlink.settings import Settings


def _tables(con: duckdb.DuckDBPyConnection, schema: str) -> set[str]:
    rows = con.execute(
        "select table_name from information_schema.tables where table_schema = ?", [schema]
    ).fetchall()
    return {r[0] for r in rows}


def _one(con: duckdb.DuckDBPyConnection, sql: str) -> dict | None:
    cursor = con.execute(sql)
    row = cursor.fetchone()
    if row is None:
        return None
    return dict(zip([d[0] for d in cursor.description], row, strict=True))


def _estimate(row: dict | None, value: str, low: str, high: str) -> Estimate | None:
    if row is None:
        return None
    return Estimate(row.get(value), row.get(low), row.get(high))


NPS_PERIODS = ("last_12_months", "all_time", "last_3_months")  # the first with responses


def _read_nps(con: duckdb.DuckDBPyConnection, page: FrontPage) -> None:
    rows = {
        period: (responses, Estimate(nps, low, high))
        for period, responses, nps, low, high in con.execute(
            "select period, responses, nps, ci_low, ci_high from marts.nps_overall"
        ).fetchall()
    }
    for period in NPS_PERIODS:
        responses, estimate = rows.get(period, (0, None))
        if responses:
            page.nps, page.nps_period, page.nps_responses = estimate, period, responses
            return


def _score_headline(con: duckdb.DuckDBPyConnection, mart: str, band: str) -> ScoreHeadline | None:
    rows = {
        period: ScoreHeadline(Estimate(share, low, high), mean, responses, period)
        for period, responses, share, low, high, mean in con.execute(
            f"select period, responses, {band}_share, {band}_ci_low, {band}_ci_high, "
            f"mean_score from marts.{mart}"
        ).fetchall()
    }
    return next((rows[p] for p in NPS_PERIODS if p in rows and rows[p].responses), None)


def _read_csat(con: duckdb.DuckDBPyConnection, page: FrontPage) -> None:
    page.csat = _score_headline(con, "csat_overall", "satisfied")


def _read_ces(con: duckdb.DuckDBPyConnection, page: FrontPage) -> None:
    page.ces = _score_headline(con, "ces_overall", "low_effort")
    row = _one(con, "select ces_easy_end from marts.ces_overall")
    if row is not None:
        page.ces_easy_end = row["ces_easy_end"]


def _read_linkage(con: duckdb.DuckDBPyConnection, page: FrontPage) -> None:
    columns = {
        r[0]
        for r in con.execute(
            "select column_name from information_schema.columns where table_schema = 'marts' "
            "and table_name = 'cx_revenue_linkage_overall'"
        ).fetchall()
    }
    source = "category_source" if "category_source" in columns else "'nps'"
    rows = con.execute(
        "select nps_category, linkage_horizon_months, logo_churn_rate, logo_churn_ci_low, "
        f"logo_churn_ci_high, as_of_date, {source} from marts.cx_revenue_linkage_overall"
    ).fetchall()
    for category, horizon, rate, low, high, as_of, category_source in rows:
        page.churn_horizon_months = horizon
        page.category_source = category_source
        page.as_of = as_of.date() if hasattr(as_of, "date") else as_of
        if category in NPS_CATEGORIES:
            page.churn_by_category[category] = Estimate(rate, low, high)


def _read_linkage_total(con: duckdb.DuckDBPyConnection, page: FrontPage) -> None:
    # the whole account base: one row
    row = _one(
        con,
        "select churn_gap_detractor_vs_promoter, churn_gap_ci_low, churn_gap_ci_high, "
        "revenue_at_risk, revenue_at_risk_ci_low, revenue_at_risk_ci_high, "
        "nps_point_value_per_year, nps_point_value_ci_low, nps_point_value_ci_high "
        "from marts.cx_revenue_linkage_total",
    )
    page.churn_gap = _estimate(
        row, "churn_gap_detractor_vs_promoter", "churn_gap_ci_low", "churn_gap_ci_high"
    )
    page.revenue_at_risk = _estimate(
        row, "revenue_at_risk", "revenue_at_risk_ci_low", "revenue_at_risk_ci_high"
    )
    page.nps_point_value = _estimate(
        row, "nps_point_value_per_year", "nps_point_value_ci_low", "nps_point_value_ci_high"
    )


def _read_clv(con: duckdb.DuckDBPyConnection, page: FrontPage) -> None:
    row = _one(
        con,
        "select clv_to_cac, clv_to_cac_ci_low, clv_to_cac_ci_high, cac_payback_months "
        "from marts.clv_overall where billing_model = 'subscription'",
    )
    if row is not None:
        page.clv_to_cac = _estimate(row, "clv_to_cac", "clv_to_cac_ci_low", "clv_to_cac_ci_high")
        page.cac_payback_months = row["cac_payback_months"]


def _read_health(con: duckdb.DuckDBPyConnection, page: FrontPage) -> None:
    rows = con.execute(
        "select health_band, count(*), sum(arr) from marts.customer_health "
        "where is_as_of_month group by health_band"
    ).fetchall()
    page.health_bands = {band: int(n) for band, n, _ in rows}
    page.red_arr = next((float(arr) for band, _, arr in rows if band == "red" and arr), None)


def _read_follow_ups(con: duckdb.DuckDBPyConnection, page: FrontPage) -> None:
    total, high, overdue = con.execute(
        "select count(*), count(*) filter (where priority = 'high'), "
        "count(*) filter (where is_overdue) from marts.account_follow_ups"
    ).fetchone()
    page.follow_ups = (int(total), int(high), int(overdue))


def _rule_counts(con: duckdb.DuckDBPyConnection, table: str, count: str) -> list[tuple[str, int]]:
    """(rule, rows) of a quarantine table, largest first."""
    sql = (
        f"select rule, {count} as n from {table} where rule is not null "
        "group by rule order by n desc, rule"
    )
    return [(rule, int(n)) for rule, n in con.execute(sql).fetchall()]


def _read_quarantine(con: duckdb.DuckDBPyConnection, page: FrontPage) -> None:
    ledger = read_ledger(con)
    page.rows_in = sum(row.rows_in for row in ledger)
    page.rows_quarantined = sum(row.rows_quarantined for row in ledger)
    quarantine = _tables(con, "quarantine")
    if "ledger" in quarantine:
        page.quarantined_by_rule = _rule_counts(con, "quarantine.ledger", "sum(rule_rows)")
    if "cleared_values" in quarantine:
        page.cleared_by_rule = _rule_counts(con, "quarantine.cleared_values", "count(*)")
    if "load_errors" in _tables(con, "landing"):
        page.unreadable_files = con.execute("select count(*) from landing.load_errors").fetchone()[
            0
        ]


def _read_publication(bi_copy: Path) -> Publication | None:
    if not bi_copy.exists():
        return None
    try:
        con = duckdb.connect(str(bi_copy), read_only=True)
    except duckdb.Error:  # being replaced by a publish right now: the title says less
        return None
    try:
        row = _one(
            con,
            "select version, data_window_start, data_window_end from meta.publish_info",
        )
    except duckdb.Error:
        return None
    finally:
        con.close()
    if row is None:
        return None
    return Publication(row["version"], row["data_window_start"], row["data_window_end"])


HEADLINE_MARTS = {
    "nps_overall": _read_nps,
    "csat_overall": _read_csat,
    "ces_overall": _read_ces,
    "cx_revenue_linkage_overall": _read_linkage,
    "cx_revenue_linkage_total": _read_linkage_total,
    "clv_overall": _read_clv,
}


# optional: the customer-success lines are left out where their marts are not built
CUSTOMER_SUCCESS_MARTS = {
    "customer_health": _read_health,
    "account_follow_ups": _read_follow_ups,
}


def read_front_page(settings: Settings, con: duckdb.DuckDBPyConnection) -> FrontPage:
    page = FrontPage(currency=settings.reporting_currency)
    marts = _tables(con, "marts")
    for mart, read in HEADLINE_MARTS.items():
        if mart in marts:
            read(con, page)
        else:
            page.missing_marts.append(mart)
    for mart, read in CUSTOMER_SUCCESS_MARTS.items():
        if mart in marts:
            read(con, page)
    page.follow_ups_file = str(settings.layout.exports_dir / FOLLOW_UPS_FILE)
    _read_quarantine(con, page)
    page.warnings = coverage_warnings(read_coverage(con))
    page.publication = _read_publication(settings.layout.bi_copy_path)
    return page


def summary_lines(settings: Settings) -> list[str]:
    path = settings.warehouse_path
    if not path.exists():
        return [f"No warehouse at {path} yet: run `make run` (or `make demo`)."]
    con = duckdb.connect(str(path), read_only=True)
    try:
        page = read_front_page(settings, con)
    finally:
        con.close()
    return [*front_page_lines(page), "", *_where_lines(settings)]


def _where_lines(settings: Settings) -> list[str]:
    # BI tools read the published copy, never the warehouse: the warehouse holds raw rows with
    # personal data and is locked while a run writes to it.
    layout = settings.layout
    bi_copy = layout.bi_copy_path
    published = "open it read-only" if bi_copy.exists() else "not there yet: no run published it"
    report = layout.report_dir / "index.html"
    report_note = "`make report` opens it" if report.exists() else "not written yet"
    docs_note = "`make docs` serves them" if layout.dbt_docs_dir.exists() else "not built yet"
    return [
        f"BI tools:     {bi_copy}  (the marts as marts.<name>, no personal data; {published})",
        f"workbook:     {layout.exports_dir / 'cxlink_finance.xlsx'}  (finance's tables; "
        f"parquet/ and csv/ per mart beside it)",
        f"report:       {report}  ({report_note})",
        f"dbt docs:     {layout.dbt_docs_dir}  ({docs_note}: every mart and column explained)",
        f"quarantine:   select * from quarantine.rejected_rows  (in {settings.warehouse_path}, "
        "the pipeline's own file: raw rows with personal data; not for BI tools)",
        f"landing zone: {settings.landing_dir}  (your files, or {settings.sources_path.name}: "
        "docs/sources.md; then `make run`)",
    ]


def print_summary(settings: Settings) -> None:
    print("\n".join(summary_lines(settings)))
