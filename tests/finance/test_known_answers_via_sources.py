"""The known account through connectors gives the same marts as from contract files.

The account's customers become HubSpot companies, its subscriptions and invoices a Stripe
account (customers with metadata.account_id, prices, subscriptions, invoices with line periods,
credit notes for refunds), its NPS answers a Qualtrics export; marketing spend, service costs and
FX rates stay contract files. Every mart must equal the contract-file run, whose figures
tests/finance/test_known_answers.py checks by hand; a few headline figures are checked here too.
A rerun with nothing new at the vendors fetches nothing and leaves every mart byte-identical.
"""

from __future__ import annotations

import math
from pathlib import Path

import duckdb
import pytest

from tests.finance.conftest import ViaSources
from tests.mart_fingerprints import mart_fingerprints

pytestmark = pytest.mark.xdist_group("finance_known_answers")


def mart_rows(warehouse: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        names = [
            r[0]
            for r in con.execute(
                "select table_name from information_schema.tables where table_schema = 'marts' "
                "order by 1"
            ).fetchall()
        ]
        return {n: con.execute(f"select * from marts.{n} order by all").fetchall() for n in names}
    finally:
        con.close()


def same_value(a, b) -> bool:
    # Double sums may differ in the last bits with the order rows arrive in (the connector's
    # staging order is not the contract file's): equal to 1e-12 relative is the same figure.
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-9) or (math.isnan(a) and math.isnan(b))
    return a == b


def test_every_mart_equals_the_contract_file_run(
    known_account_warehouse: Path, known_account_via_sources: ViaSources
):
    expected = mart_rows(known_account_warehouse)
    got = mart_rows(known_account_via_sources.warehouse)
    assert sorted(got) == sorted(expected)
    for mart, rows in expected.items():
        assert len(got[mart]) == len(rows), mart
        for want, have in zip(rows, got[mart], strict=True):
            assert all(same_value(a, b) for a, b in zip(want, have, strict=True)), (
                mart,
                want,
                have,
            )


def one(warehouse: Path, sql: str) -> tuple:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        (row,) = con.execute(sql).fetchall()
        return row
    finally:
        con.close()


def test_headline_figures_by_hand(known_account_via_sources: ViaSources):
    warehouse = known_account_via_sources.warehouse
    # 10 NPS answers: 9, 10, 9, 10 promoters (4), 3, 5, 6, 4 detractors (4), 7, 8 passives:
    # NPS = 100 x (4 - 4) / 10 = 0
    assert one(
        warehouse, "select responses, nps from marts.nps_overall where period = 'all_time'"
    ) == (10, 0)
    # CLV window 2024: 6 subscribers, 58 customer-months (tests/finance/test_known_answers.py)
    customers, months = one(
        warehouse,
        "select customers, customer_months from marts.clv_overall "
        "where billing_model = 'subscription'",
    )
    assert (customers, months) == (6, 58)


def test_rerun_fetches_nothing_and_leaves_the_marts_byte_identical(
    known_account_via_sources: ViaSources,
):
    def fetched(run) -> dict[str, int]:
        out = {}
        for event in run.get_asset_materialization_events():
            materialization = event.event_specific_data.materialization
            key, metadata = materialization.asset_key.path, materialization.metadata
            if key[0] == "source" and "objects_fetched" in metadata:
                out[key[-1]] = metadata["objects_fetched"].value
        return out

    first = fetched(known_account_via_sources.first)
    assert first["hubspot"] == 7 and first["stripe"] > 0
    assert fetched(known_account_via_sources.rerun) == {"hubspot": 0, "stripe": 0}
    before = mart_fingerprints(known_account_via_sources.marts_after_first_run)
    assert mart_fingerprints(known_account_via_sources.warehouse) == before
