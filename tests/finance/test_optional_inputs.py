"""Issue 14, bug 1 and item 8: a missing optional input nulls the figures that need it, never the
rows, and says why; the CLV parts that need no cost stay.

CDNOW's shape on the known account (tests/known_account.py): nobody acquired inside the CLV
window (2024-01 .. 2024-12; N2 and O1, acquired in it, are left out), no marketing spend and no
service costs. Before, int_finance__acquisition_costs came out empty and `clv_by_segment` had 0
rows with every dbt test passing (CDNOW gave 0 rows). A hand-made landing zone through the real
extractor and `dbt build` of the CLV marts (tests/warehouse.py).

Per customer in the window (net revenue EUR, active months, churns): P1 1200, 12, 0; P2 765, 9,
1; D1 600, 3, 1; D2 2400, 12, 0; N1 1800, 12, 0.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.known_account import AS_OF, landing_rows
from tests.shared_builds import record_build
from tests.warehouse import build, query

ACQUIRED_IN_WINDOW = {"N2", "O1"}


def cdnow_shaped_rows() -> dict[str, list[dict]]:
    rows = landing_rows()
    kept = {
        entity: [r for r in entity_rows if r.get("customer_id") not in ACQUIRED_IN_WINDOW]
        for entity, entity_rows in rows.items()
    }
    return {**kept, "marketing_spend": [], "service_costs": []}


@pytest.fixture(scope="module")
def warehouse(request, tmp_path_factory) -> Path:
    data_dir = tmp_path_factory.mktemp("finance_optional_inputs")
    env = {"CXLINK_AS_OF_DATE": AS_OF.isoformat(), "CXLINK_REPORTING_CURRENCY": "EUR"}
    with record_build(request.config, "finance optional inputs"):
        build(data_dir, cdnow_shaped_rows(), env=env, select="+clv_by_segment +clv_by_channel")
    return data_dir


COLUMNS = (
    "customers, customer_months, net_revenue, lifetime_months, clv_before_costs,"
    " gross_margin_value, cac, cac_null_reason, crc, crc_null_reason, clv, clv_ci_low,"
    " clv_ci_high, clv_null_reason, clv_to_cac"
)


def rows(data_dir: Path, table: str, key: str) -> dict:
    names = [c.strip() for c in COLUMNS.split(",")]
    found = query(
        data_dir, f"select {key}, {COLUMNS} from marts.{table} where billing_model = 'subscription'"
    )
    return {
        r[0]: dict(
            zip(names, (float(v) if hasattr(v, "as_tuple") else v for v in r[1:]), strict=True)
        )
        for r in found
    }


def test_clv_by_segment_keeps_its_row_with_null_costs_and_the_reason(warehouse: Path):
    by_segment = rows(warehouse, "clv_by_segment", "segment")
    assert list(by_segment) == ["smb"]  # was empty before
    r = by_segment["smb"]
    # 12 + 9 + 3 + 12 + 12 = 48 months; 6765 EUR; 2 churns in 48 at-risk months -> L = 24
    assert (r["customers"], r["customer_months"]) == (5, 48)
    assert r["net_revenue"] == pytest.approx(6765.0)
    assert r["lifetime_months"] == pytest.approx(24.0)
    # no spend known for any window month, no service cost in it
    assert (r["cac"], r["cac_null_reason"]) == (None, "no_spend_in_window")
    assert (r["crc"], r["crc_null_reason"]) == (None, "no_service_costs_in_window")
    assert (r["clv"], r["clv_ci_low"], r["clv_ci_high"], r["clv_to_cac"]) == (None,) * 4
    assert r["clv_null_reason"] == "no_spend_in_window"
    # what needs no cost stays: 6765 / 48 x 24 = 3382.5, x 0.8 = 2706
    assert r["clv_before_costs"] == pytest.approx(3382.5)
    assert r["gross_margin_value"] == pytest.approx(2706.0)


def test_every_channel_keeps_its_row(warehouse: Path):
    by_channel = rows(warehouse, "clv_by_channel", "acquisition_channel")
    assert sorted(by_channel) == ["organic", "paid_search"]
    # ARPU x 1 / churn = revenue / churns: organic (P1, D1, N1) 3600 / 1, paid_search (P2, D2)
    # 3165 / 1
    assert by_channel["organic"]["clv_before_costs"] == pytest.approx(3600.0)
    assert by_channel["paid_search"]["clv_before_costs"] == pytest.approx(3165.0)
    for r in by_channel.values():
        assert r["clv"] is None and r["clv_null_reason"] == "no_spend_in_window"
