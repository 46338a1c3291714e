"""Writing a source's contract rows into the landing store (``landing.<entity>``).

Source rows sit beside the rows of contract files, with their lineage: ``_source`` (the source
name; NULL for ``landing/<entity>/`` files), ``_source_file`` (the export file or
``<source>/api/<resource>``), ``_source_row``, ``_source_record`` (the vendor's id) and, for a
record the kind refused, ``_source_rule`` / ``_source_detail``. Validation then treats them like
any landing row (cxlink/extract/validate.py), so every source row ends in raw or in quarantine.
"""

from __future__ import annotations

import json
from dataclasses import replace

import duckdb
import pyarrow as pa

from cxlink.contract import ENTITIES, Entity
from cxlink.extract.files import LandingFile
from cxlink.extract.store import (
    ensure_schemas,
    ensure_store_table,
    record_in_manifest,
    store_table,
)
from cxlink.sources.rows import SourceRow


def _frame(entity: Entity, source: str, rows: list[SourceRow]) -> pa.Table:
    unknown = sorted({c for r in rows for c in r.values} - set(entity.column_names))
    if unknown:  # a kind's mapping bug, not a data problem
        raise AssertionError(f"source {source}: {entity.name} has no column(s) {unknown}")
    columns: dict[str, list] = {c: [r.values.get(c) for r in rows] for c in entity.column_names}
    columns["_bad_record"] = [None] * len(rows)
    columns["_source_file"] = [r.item for r in rows]
    columns["_source_row"] = [r.row for r in rows]
    columns["_source"] = [source] * len(rows)
    columns["_source_record"] = [r.record_id for r in rows]
    columns["_source_rule"] = [r.rule for r in rows]
    columns["_source_detail"] = [r.detail for r in rows]
    columns["_source_original"] = [
        json.dumps(r.original, sort_keys=True, default=str) if r.original else None for r in rows
    ]
    types = {"_source_row": pa.int64()}
    return pa.table({k: pa.array(v, type=types.get(k, pa.string())) for k, v in columns.items()})


def numbered(rows: list[SourceRow], item: str) -> list[SourceRow]:
    """Rows with their item and 1-based record numbers filled in where the kind left them."""
    return [
        row if row.item and row.row else replace(row, item=row.item or item, row=row.row or i)
        for i, row in enumerate(rows, start=1)
    ]


def _insert(con: duckdb.DuckDBPyConnection, entity: Entity, source: str, rows: list[SourceRow]):
    if rows:
        frame = _frame(entity, source, rows)  # noqa: F841 (DuckDB reads it by name)
        con.execute(f"insert into {store_table(entity)} by name select * from frame")


def stage_file(
    con: duckdb.DuckDBPyConnection,
    entity_name: str,
    source: str,
    file: LandingFile,
    rows: list[SourceRow],
) -> int:
    """Replace one export file's rows and its manifest entry in a single transaction."""
    entity = ENTITIES[entity_name]
    ensure_schemas(con)
    ensure_store_table(con, entity)
    con.execute("begin transaction")
    try:
        con.execute(
            f"delete from {store_table(entity)} where _source_file = ?", [file.relative_path]
        )
        _insert(con, entity, source, numbered(rows, file.relative_path))
        record_in_manifest(con, entity_name, file, len(rows))
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return len(rows)


def stage_fetched(
    con: duckdb.DuckDBPyConnection, entity_name: str, source: str, rows: list[SourceRow]
) -> int:
    """Replace every row an API or database source gave an entity (its mapping is a pure
    function of everything fetched so far, so the whole set is rewritten)."""
    entity = ENTITIES[entity_name]
    ensure_schemas(con)
    ensure_store_table(con, entity)
    con.execute("begin transaction")
    try:
        con.execute(f"delete from {store_table(entity)} where _source = ?", [source])
        _insert(con, entity, source, rows)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return len(rows)
