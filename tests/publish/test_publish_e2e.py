"""End to end: the shared demo run (tests/conftest.py `demo_run`: every asset and check on the
5,000-customer demo) ends with publish/bi_copy and the exports.

The BI copy must hold exactly the warehouse's marts (same rows), no personal data, and the
exports must match it.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import openpyxl

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")


def mart_rows(path: Path, schema: str) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        tables = con.execute(
            "select table_name from information_schema.tables where table_schema = ? order by 1",
            [schema],
        ).fetchall()
        return {
            t: con.execute(f'select * from "{schema}"."{t}" order by all').fetchall()
            for (t,) in tables
        }
    finally:
        con.close()


def test_full_pipeline_publishes_the_marts(demo_run):
    from orchestration.assets.publish import PUBLISH_KEY

    data_dir, _, result = demo_run
    assert result.success
    materialized = {e.asset_key for e in result.get_asset_materialization_events()}
    assert PUBLISH_KEY in materialized

    warehouse_marts = mart_rows(data_dir / "warehouse.duckdb", "marts")
    published = mart_rows(data_dir / "cxlink_bi.duckdb", "marts")
    assert set(warehouse_marts) >= {"nps_monthly", "nps_overall", "nps_retention_summary"}
    assert published == warehouse_marts

    con = duckdb.connect(str(data_dir / "cxlink_bi.duckdb"), read_only=True)
    try:
        columns = con.execute(
            "select table_schema, table_name, column_name from information_schema.columns"
        ).fetchall()
        assert not {c[2].lower() for c in columns} & {"email", "name", "customer_name"}
        for schema, table, column in columns:
            values = con.execute(
                f'select distinct cast("{column}" as varchar) from "{schema}"."{table}"'
            ).fetchall()
            assert not any(v and EMAIL.search(v) for (v,) in values), (table, column)
    finally:
        con.close()

    exports = data_dir / "exports"
    for table, rows in warehouse_marts.items():
        con = duckdb.connect()
        parquet = con.execute(
            f"select * from read_parquet('{exports / 'parquet' / f'{table}.parquet'}')"
        ).fetchall()
        con.close()
        assert parquet == rows, table
    wb = openpyxl.load_workbook(exports / "cxlink_finance.xlsx", read_only=True)
    sheets = wb.sheetnames
    overall_rows = sum(1 for _ in wb["nps_overall"].iter_rows()) - 1
    wb.close()
    assert sheets[0] == "README"
    assert {"nps_retention_summary", "nps_overall"} <= set(sheets)
    assert overall_rows == len(warehouse_marts["nps_overall"])
