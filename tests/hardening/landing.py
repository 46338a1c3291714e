"""Small end-to-end builds for the hardening tests: the known account (tests/known_account.py)
as landing files, extracted by the real extractor (quarantine allowed), then a real `dbt build`
of a few marts, compared by row fingerprints (tests/mart_fingerprints.py).

The as-of date is derived from the data (CXLINK_AS_OF_DATE empty), so a row that moved it would
change the marts; the reporting currency is EUR, as in the known account.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import duckdb

from cxlink.contract import ENTITY_ORDER
from cxlink.extract import ExtractReport, extract_entity
from cxlink.extract.ledger import build_ledger
from tests.known_account import landing_rows
from tests.mart_fingerprints import mart_fingerprints
from tests.warehouse import dbt_build, write_csv, write_landing

ENV = {"CXLINK_AS_OF_DATE": "", "CXLINK_REPORTING_CURRENCY": "EUR"}


def known_account_landing(data_dir: Path) -> Path:
    landing = data_dir / "landing"
    write_landing(landing, landing_rows())
    return landing


def add_file(landing: Path, relative: str, rows: Sequence[Mapping[str, object]]) -> Path:
    """One more CSV (header from the first row) under landing/<relative>."""
    header = list(rows[0])
    path = landing / relative
    write_csv(path, header, ([r.get(h, "") for h in header] for r in rows))
    return path


def extract(data_dir: Path, keep_removed: bool = False) -> dict[str, ExtractReport]:
    """Every entity into data_dir/warehouse.duckdb; the ledger must balance."""
    con = duckdb.connect(str(data_dir / "warehouse.duckdb"))
    try:
        con.execute("set TimeZone = 'UTC'")
        reports = {
            e: extract_entity(con, data_dir / "landing", e, keep_removed=keep_removed)
            for e in ENTITY_ORDER
        }
        assert all(r.balanced for r in build_ledger(con))  # rows in = raw + quarantined
    finally:
        con.close()
    return reports


def build(data_dir: Path, select: str, check: bool = True):
    return dbt_build(data_dir, select, env=ENV, check=check)


def fingerprints(data_dir: Path, schema: str = "marts") -> dict[str, str]:
    return mart_fingerprints(data_dir / "warehouse.duckdb", schema)


def query(data_dir: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()
