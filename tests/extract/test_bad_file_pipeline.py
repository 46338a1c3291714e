"""End to end: one unreadable landing file stops its entity, not the run.

A late customers delivery in Windows-1252 (cp1252 bytes) lands next to the good customers file of
a small demo landing zone. The whole pipeline runs: every extract asset materializes (customers
keeps its good rows), the file is in ``landing.load_errors`` / ``quarantine.files``, dbt's source
test ``no_unreadable_files_customers`` fails so dbt skips exactly the models that depend on
raw.customers and builds the rest, publish does not run and the run ends failed. After the file
is re-saved as UTF-8, a rerun succeeds and clears the error. Two pipeline runs: minutes.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from cxlink.contract import ENTITY_ORDER
from cxlink.demo import generate
from cxlink.extract import load_errors
from cxlink.settings import DBT_PROJECT_DIR
from tests.pipeline_run import materialize

CUSTOMERS = 150
LATE_ROWS = 20


def models_depending_on(manifest: dict, source: str) -> tuple[set[str], set[str]]:
    """(models downstream of ``source``, the other models), as ``<schema>/<name>`` asset keys."""
    seen, stack = set(), [source]
    while stack:
        for child in manifest["child_map"].get(stack.pop(), []):
            if child not in seen:
                seen.add(child)
                stack.append(child)
    models = {k: v for k, v in manifest["nodes"].items() if v["resource_type"] == "model"}
    keys = {k: f"{v['schema']}/{v['name']}" for k, v in models.items()}
    return {keys[k] for k in models if k in seen}, {keys[k] for k in models if k not in seen}


def split_off_a_cp1252_delivery(landing: Path) -> tuple[Path, str]:
    """Move the last customers into ``late_delivery.csv``, written in cp1252 (not UTF-8)."""
    main = landing / "customers" / "customers.csv"
    header, *rows = main.read_text(encoding="utf-8").splitlines(keepends=True)
    kept, late = rows[:-LATE_ROWS], rows[-LATE_ROWS:]
    late[0] = late[0].rsplit(",", 1)[0] + ",Jörg Müller\n"
    main.write_text(header + "".join(kept), encoding="utf-8")
    text = header + "".join(late)
    bad = landing / "customers" / "late_delivery.csv"
    bad.write_bytes(text.encode("cp1252", errors="replace"))
    return bad, text


def materialized(result) -> set[str]:
    return {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}


def test_a_cp1252_customers_file_stops_customers_models_only(tmp_path: Path, shared_tagger):
    landing = tmp_path / "landing"
    generate(landing, customers=CUSTOMERS, seed=11)
    bad, text = split_off_a_cp1252_delivery(landing)

    result = materialize(tmp_path, raise_on_error=False)

    assert not result.success
    done = materialized(result)
    assert {f"raw/{entity}" for entity in ENTITY_ORDER} <= done  # no extract step failed
    manifest = json.loads((DBT_PROJECT_DIR / "target" / "manifest.json").read_text())
    depending, independent = models_depending_on(manifest, "source.cxlink.crm.customers")
    assert {"staging/stg_crm__customers", "marts/nps_monthly"} <= depending
    assert {"staging/stg_billing__invoices", "intermediate/int_revenue__customer_mrr_months"} <= (
        independent
    )
    assert independent <= done, sorted(independent - done)
    assert not depending & done, sorted(depending & done)
    assert "publish/bi_copy" not in done  # the previous published marts stay

    with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as con:
        (error,) = load_errors(con)
        assert (error.entity, error.file_path) == ("customers", "customers/late_delivery.csv")
        assert error.problem.startswith("not UTF-8 text: byte 0xF6 at offset")
        assert "(line 2)" in error.problem
        # customers kept its good files' rows, and has none of the bad one
        by_file = dict(
            con.execute(
                "select _source_file, count(*) from landing.customers group by 1"
            ).fetchall()
        )
        assert by_file["customers/customers.csv"] == CUSTOMERS - LATE_ROWS
        assert "customers/late_delivery.csv" not in by_file

    bad.write_text(text, encoding="utf-8")
    rerun = materialize(tmp_path, raise_on_error=False)
    assert rerun.success
    assert {"marts/nps_monthly", "publish/bi_copy"} <= materialized(rerun)
    with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as con:
        assert load_errors(con) == []
        late = con.execute(
            "select count(*) from landing.customers "
            "where _source_file = 'customers/late_delivery.csv'"
        ).fetchone()[0]
        assert late == LATE_ROWS
