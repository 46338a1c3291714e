"""What API and database sources fetched: their objects and cursors, in the warehouse.

``landing.source_objects`` keeps the latest version of every object a source returned (keyed by
source, resource and the vendor's id) and ``landing.source_cursors`` the cursor each resource
resumes from. A page and the cursor after it are stored in one transaction: a run that fails on
page 7 keeps pages 1-6 and the next run asks from there. A full reload forgets the cursors,
fetches everything and, once every resource succeeded, drops the objects it no longer saw.
"""

from __future__ import annotations

import json
from typing import Any

import duckdb
import pyarrow as pa

OBJECTS = "landing.source_objects"
CURSORS = "landing.source_cursors"


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create schema if not exists landing")
    con.execute(
        f"""
        create table if not exists {OBJECTS} (
            source varchar not null, resource varchar not null, object_id varchar not null,
            payload varchar not null, fetch_id varchar not null,
            fetched_at timestamp with time zone not null,
            primary key (source, resource, object_id)
        )
        """
    )
    con.execute(
        f"""
        create table if not exists {CURSORS} (
            source varchar not null, resource varchar not null, cursor varchar,
            updated_at timestamp with time zone not null,
            primary key (source, resource)
        )
        """
    )


def stored_cursor(con: duckdb.DuckDBPyConnection, source: str, resource: str) -> str | None:
    row = con.execute(
        f"select cursor from {CURSORS} where source = ? and resource = ?", [source, resource]
    ).fetchone()
    return row[0] if row else None


def store_page(
    con: duckdb.DuckDBPyConnection,
    source: str,
    resource: str,
    objects: list[tuple[str, dict[str, Any]]],
    cursor: str | None,
    fetch_id: str,
) -> None:
    """Upsert one page of objects and move the resource's cursor, atomically."""
    page = pa.table(  # noqa: F841 (DuckDB reads it by name)
        {
            "object_id": pa.array([str(i) for i, _ in objects], pa.string()),
            "payload": pa.array(
                [json.dumps(o, sort_keys=True, separators=(",", ":")) for _, o in objects],
                pa.string(),
            ),
        }
    )
    con.execute("begin transaction")
    try:
        if objects:
            con.execute(
                f"insert or replace into {OBJECTS} select ?, ?, object_id, payload, ?, now() "
                "from (select distinct on (object_id) * from page)",
                [source, resource, fetch_id],
            )
        if cursor is not None:
            con.execute(
                f"insert or replace into {CURSORS} values (?, ?, ?, now())",
                [source, resource, cursor],
            )
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise


def forget_cursors(con: duckdb.DuckDBPyConnection, source: str) -> None:
    con.execute(f"delete from {CURSORS} where source = ?", [source])


def drop_unseen(con: duckdb.DuckDBPyConnection, source: str, fetch_id: str) -> int:
    """After a complete full reload: objects the vendor no longer returns are gone."""
    n = con.execute(
        f"select count(*) from {OBJECTS} where source = ? and fetch_id <> ?", [source, fetch_id]
    ).fetchone()[0]
    con.execute(f"delete from {OBJECTS} where source = ? and fetch_id <> ?", [source, fetch_id])
    return n


def load_objects(
    con: duckdb.DuckDBPyConnection, source: str, resources: list[str]
) -> dict[str, list[dict[str, Any]]]:
    """Every stored object of a source, by resource, in object-id order (a stable input for the
    kind's mapping)."""
    out: dict[str, list[dict[str, Any]]] = {r: [] for r in resources}
    for resource, payload in con.execute(
        f"select resource, payload from {OBJECTS} where source = ? order by resource, object_id",
        [source],
    ).fetchall():
        out.setdefault(resource, []).append(json.loads(payload))
    return out
