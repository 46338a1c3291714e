"""SQL text and catalog look-ups for DuckDB, shared by every stage that writes its own SQL.

Identifiers and literals that come from files or settings (entity names, paths, descriptions)
are quoted here, in one way, instead of by hand in each module.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import duckdb


def quote_identifier(name: str) -> str:
    """``name`` as a double-quoted identifier (embedded quotes doubled)."""
    return '"' + name.replace('"', '""') + '"'


def quote_literal(value: str) -> str:
    """``value`` as a single-quoted string literal (embedded quotes doubled)."""
    return "'" + value.replace("'", "''") + "'"


def qualified(*parts: str) -> str:
    """A dotted, quoted name: ``qualified("main", "t")`` -> ``"main"."t"``."""
    return ".".join(quote_identifier(part) for part in parts)


def table_exists(
    con: duckdb.DuckDBPyConnection, schema: str, table: str, catalog: str | None = None
) -> bool:
    """Whether ``schema.table`` (a table or a view) exists, in ``catalog`` if one is given."""
    sql = "select count(*) from information_schema.tables where table_schema = ? and table_name = ?"
    params = [schema, table]
    if catalog is not None:
        sql += " and table_catalog = ?"
        params.append(catalog)
    # fetchall, not fetchone: DuckDB 2.0 refuses the next relation query on a connection whose
    # last result was not read to the end.
    return bool(con.execute(sql, params).fetchall()[0][0])
