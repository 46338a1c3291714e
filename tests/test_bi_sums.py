"""A BI tool that sums a measure over a published table's rows gets the true total (issue 13).

On the demo warehouse, for every mart and every column its dbt YAML marks `additive: true`, the
sum over the table's rows of each period (the table's `meta.period`; the whole table when it has
none) equals the total computed independently from the staging and billing data
(tests/bi_totals.py). Before issue 13 the rollup rows made these sums 8-16x too large.
"""

from __future__ import annotations

import math
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from cxlink.publish.manifest import TableDocs, mart_docs
from tests import bi_totals

# table name prefix -> its truth query (the longest matching prefix wins)
TRUTHS = {
    "nps_monthly": bi_totals.NPS_MONTHLY,
    "nps_overall": bi_totals.NPS_OVERALL,
    "nps_retention": bi_totals.NPS_RETENTION,
    "nps_retention_summary": bi_totals.NPS_RETENTION_SUMMARY,
    "mrr_monthly": bi_totals.MRR,
    "mrr_bridge": bi_totals.MRR,
    "cohort_retention": bi_totals.MRR,
    "revenue_retention_12m": bi_totals.RETENTION_12M,
    "cac_": bi_totals.CAC,
    "clv_": bi_totals.CLV,
    "cx_revenue_linkage": bi_totals.LINKAGE,
    "repeat_purchase_": bi_totals.REPEAT_PURCHASE,
    "purchase_cohorts": bi_totals.PURCHASE_COHORTS,
    "csat_monthly": bi_totals.CSAT_MONTHLY,
    "csat_overall": bi_totals.CSAT_OVERALL,
    "csat_retention": bi_totals.CSAT_RETENTION,
    "ces_monthly": bi_totals.CES_MONTHLY,
    "ces_overall": bi_totals.CES_OVERALL,
    "ces_retention": bi_totals.CES_RETENTION,
    "customer_health": bi_totals.CUSTOMER_HEALTH,
}
# where a column's true total has another name in the truth query
TRUTH_COLUMNS = {
    # the per-segment and total rows count the accounts that answered; all current accounts
    # are segment_customers / segment_arr there
    ("cx_revenue_linkage_by_segment", "customers"): "answered_customers",
    ("cx_revenue_linkage_by_segment", "arr"): "answered_arr",
    ("cx_revenue_linkage_total", "customers"): "answered_customers",
    ("cx_revenue_linkage_total", "arr"): "answered_arr",
}
# The measures finance and CX read most: they must stay marked additive (so this test cannot
# pass by marking nothing).
MUST_BE_ADDITIVE = {
    "nps_monthly": ["responses", "promoters", "passives", "detractors"],
    "nps_monthly_overall": ["responses"],
    "mrr_monthly": ["mrr"],
    "mrr_bridge": ["mrr_start", "new", "churn", "mrr_end", "customers_end"],
    "mrr_bridge_total": ["mrr_end"],
    "revenue_retention_12m": ["mrr_base", "mrr_current"],
    "cac_by_channel": ["spend", "new_customers"],
    "clv_by_cell": ["customers", "net_revenue"],
    "cx_revenue_linkage": ["customers", "arr", "cohort_customers", "cohort_churned"],
}


def truth_query(table: str) -> str | None:
    matches = [prefix for prefix in TRUTHS if table.startswith(prefix)]
    return TRUTHS[max(matches, key=len)] if matches else None


def rows_by_key(cursor: duckdb.DuckDBPyConnection) -> dict:
    names = [d[0] for d in cursor.description]
    return {row[0]: dict(zip(names[1:], row[1:], strict=True)) for row in cursor.fetchall()}


def same(published, truth) -> bool:
    published = 0 if published is None else published
    truth = 0 if truth is None else truth
    if isinstance(published, Decimal) and isinstance(truth, Decimal | int):
        return published == truth
    return math.isclose(float(published), float(truth), rel_tol=1e-9, abs_tol=1e-6)


def table_mismatches(con: duckdb.DuckDBPyConnection, table: str, docs: TableDocs) -> list[str]:
    """What a BI sum over `table` gets wrong, one line per period and column ([] = nothing)."""
    columns = docs.additive_columns()
    period = docs.meta.get("period") or "0"
    sums = ", ".join(f"sum({c}) as {c}" for c in columns)
    published = rows_by_key(
        con.execute(f"select {period} as period_key, {sums} from marts.{table} group by 1")
    )
    truth = rows_by_key(con.execute(truth_query(table)))
    problems = []
    for key in sorted(set(published) | set(truth), key=str):
        for column in columns:
            got = published.get(key, {}).get(column)
            expected = truth.get(key, {}).get(TRUTH_COLUMNS.get((table, column), column))
            if not same(got, expected):
                problems.append(f"{table}.{column} at {period} {key}: sum {got}, true {expected}")
    return problems


@pytest.fixture(scope="module")
def docs(dbt_manifest: Path) -> dict[str, TableDocs]:
    return mart_docs(dbt_manifest)


def test_every_additive_column_sums_to_the_true_total(con, docs):
    checked, problems = [], []
    for table, table_docs in docs.items():
        if not table_docs.additive_columns():
            continue
        assert truth_query(table), f"no independent total for {table}: add one to TRUTHS"
        problems += table_mismatches(con, table, table_docs)
        checked += [(table, c) for c in table_docs.additive_columns()]
    assert not problems, "\n".join(problems[:40])
    for table, columns in MUST_BE_ADDITIVE.items():
        assert set(columns) <= set(docs[table].additive_columns()), table
    # every mart has additive columns but the topic marts (distinct counts of responses that
    # mention several topics), the key drivers, the data window (one row of dates) and the
    # health score's fit and validation (model statistics)
    unchecked = set(docs) - {table for table, _ in checked}
    expected = {t for t in docs if t.startswith(("topic_", "health_score_"))}
    expected |= {"nps_drivers", "data_window"}
    # and the predictive marts (model estimates, not sums of the data)
    expected |= {t for t in docs if t.startswith("clv_predicted_")} | {"churn_drivers"}
    # and customer success's task lists (an account's ARR repeats on each of its reasons)
    expected |= {"account_follow_ups", "promoter_asks"}
    assert unchecked == expected, unchecked


def test_the_marts_have_exactly_their_documented_columns(con, docs):
    """A column the YAML does not document has no unit for a BI tool or the workbook."""
    for table, table_docs in docs.items():
        actual = [r[0] for r in con.execute(f"describe marts.{table}").fetchall()]
        assert actual == list(table_docs.columns), table


def test_no_dimension_of_a_published_table_reads_all(con, docs):
    for table, table_docs in docs.items():
        for column, meta in table_docs.column_meta.items():
            if meta.get("unit") == "dimension":
                (n,) = con.execute(
                    f"select count(*) from marts.{table} where cast({column} as varchar) = 'all'"
                ).fetchone()
                assert n == 0, f"{table}.{column} reads 'all' on {n} rows"


def test_money_tables_carry_the_reporting_currency(con, docs):
    for table, table_docs in docs.items():
        if "currency" in table_docs.columns:
            values = con.execute(f"select distinct currency from marts.{table}").fetchall()
            assert values in ([("EUR",)], []), (table, values)  # the default reporting currency
