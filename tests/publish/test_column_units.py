"""Every column of every mart says its unit (`meta: {unit: ...}`, read from dbt's manifest with
cxlink.publish.manifest), so BI tools, the workbook and the docs format and add it correctly."""

from __future__ import annotations

from pathlib import Path

import pytest

from cxlink.publish.manifest import UNITS, mart_docs

ADDITIVE_UNITS = {"count", "money", "months"}


@pytest.fixture(scope="module")
def docs(dbt_manifest: Path):
    return mart_docs(dbt_manifest)


def test_every_mart_column_has_a_known_unit(docs):
    assert len(docs) >= 40
    missing = [
        f"{table}.{column}: {(meta or {}).get('unit')!r}"
        for table, table_docs in docs.items()
        for column in table_docs.columns
        if (meta := table_docs.column_meta.get(column)) is None or meta.get("unit") not in UNITS
    ]
    assert not missing, "columns without a known unit (meta: {unit: ...}):\n" + "\n".join(missing)


def test_only_counts_money_and_durations_are_additive(docs):
    for table, table_docs in docs.items():
        for column in table_docs.additive_columns():
            assert table_docs.unit(column) in ADDITIVE_UNITS, f"{table}.{column}"


def test_a_table_with_additive_columns_names_its_period_column(docs):
    for table, table_docs in docs.items():
        period = table_docs.meta.get("period")
        if period is not None:
            assert period in table_docs.columns, table
            assert period not in table_docs.additive_columns(), table


def test_rates_are_fractions_and_nps_is_in_points(docs):
    units = {
        (table, column): table_docs.unit(column)
        for table, table_docs in docs.items()
        for column in table_docs.columns
    }
    assert units["mrr_bridge", "customer_churn_rate"] == "fraction"
    assert units["revenue_retention_12m", "nrr_12m"] == "fraction"
    assert units["cx_revenue_linkage", "logo_churn_rate"] == "fraction"
    assert units["nps_monthly", "nps"] == units["nps_monthly", "ci_low"] == "nps_points"
    assert units["clv_by_cell", "clv_to_cac"] == "ratio"
    assert units["mrr_bridge", "churn"] == "money"
    assert units["nps_retention_summary", "churn_rate"] == "fraction"
