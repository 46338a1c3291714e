"""Checks of a BI copy file: every expected table with its row count, and its publish version."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import duckdb

from cxlink.duckdb_sql import qualified

META_SCHEMA = "meta"
PUBLISH_INFO_TABLE = "publish_info"


class PublishError(RuntimeError):
    """The BI copy could not be published; the previous one (if any) is unchanged."""


def verify_copy(temp: Path, expected: Mapping[str, int], mapping: Mapping[str, str]) -> None:
    """Reopen the finished file read-only: every expected table, with its row count."""
    try:
        con = duckdb.connect(str(temp), read_only=True)
    except duckdb.Error as exc:
        raise PublishError(f"the new BI copy {temp} does not open read-only: {exc}") from exc
    try:
        catalog = con.execute("select current_database()").fetchone()[0]
        found = {
            f"{schema}.{table}"
            for schema, table in con.execute(
                "select table_schema, table_name from information_schema.tables "
                "where table_catalog = current_database()"
            ).fetchall()
        }
        published = {}
        for name, rows in expected.items():
            schema, table = name.split(".", 1)
            published[f"{mapping[schema]}.{table}"] = rows
        wanted = set(published) | {f"{META_SCHEMA}.{PUBLISH_INFO_TABLE}"}
        if found != wanted:
            raise PublishError(
                f"the new BI copy has tables {sorted(found)}, expected {sorted(wanted)}"
            )
        for name, rows in published.items():
            schema, table = name.split(".", 1)
            got = con.execute(
                f"select count(*) from {qualified(catalog, schema, table)}"
            ).fetchone()[0]
            if got != rows:
                raise PublishError(f"the new BI copy has {got} rows in {name}, expected {rows}")
    finally:
        con.close()


def published_version(path: Path) -> str | None:
    """The version recorded in the BI copy at ``path``; None when there is no readable copy or
    it has none (a copy from before versions, or a standalone ``publish_bi_copy``)."""
    if not Path(path).is_file():
        return None
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error:
        return None
    try:
        row = con.execute(
            f"select version from {qualified(META_SCHEMA, PUBLISH_INFO_TABLE)}"
        ).fetchone()
    except duckdb.Error:
        return None
    finally:
        con.close()
    return row[0] if row else None
