"""Helpers shared by the BI copy and the exports: paths, table listing, the data window."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from cxlink.coverage import DATA_WINDOW_TABLE, read_coverage
from cxlink.duckdb_sql import qualified, quote_identifier, quote_literal

Source = str | os.PathLike[str] | duckdb.DuckDBPyConnection


def temp_path(target: Path) -> Path:
    """A name beside ``target`` (same file system, so ``os.replace`` is atomic), per process."""
    return target.with_name(f"{target.name}.tmp-{os.getpid()}")


def remove_quietly(*paths: Path) -> None:
    for path in paths:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def replace_atomically(temp: Path, target: Path) -> None:
    """Flush ``temp`` to disk, rename it over ``target``, and flush the directory entry."""
    fsync_file(temp)
    os.replace(temp, target)
    with contextlib.suppress(OSError):  # some file systems do not fsync directories
        fsync_file(target.parent)


@contextmanager
def catalog_connection(
    source: Source, alias: str = "publish_src"
) -> Iterator[tuple[duckdb.DuckDBPyConnection, str]]:
    """A connection and the catalog name under which ``source`` is readable on it.

    A path is attached READ_ONLY to a fresh in-memory connection (closed afterwards); an open
    connection is used as it is (its current database is the catalog; the caller closes it).
    """
    if isinstance(source, duckdb.DuckDBPyConnection):
        catalog = source.execute("select current_database()").fetchone()[0]
        yield source, catalog
        return
    path = Path(source)
    if not path.exists():
        raise FileNotFoundError(f"DuckDB file {path} does not exist")
    con = duckdb.connect(":memory:")
    try:
        con.execute("set TimeZone = 'UTC'")
        con.execute(f"attach {quote_literal(str(path))} as {quote_identifier(alias)} (READ_ONLY)")
        yield con, alias
    finally:
        con.close()


@dataclass(frozen=True)
class Column:
    name: str
    data_type: str


def list_tables(con: duckdb.DuckDBPyConnection, catalog: str, schema: str) -> list[str]:
    """Tables and views of ``catalog.schema``, sorted by name."""
    rows = con.execute(
        "select table_name from information_schema.tables "
        "where table_catalog = ? and table_schema = ? order by table_name",
        [catalog, schema],
    ).fetchall()
    return [r[0] for r in rows]


def list_columns(
    con: duckdb.DuckDBPyConnection, catalog: str, schema: str, table: str
) -> list[Column]:
    rows = con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_catalog = ? and table_schema = ? and table_name = ? "
        "order by ordinal_position",
        [catalog, schema, table],
    ).fetchall()
    return [Column(name, data_type) for name, data_type in rows]


def count_rows(con: duckdb.DuckDBPyConnection, catalog: str, schema: str, table: str) -> int:
    return con.execute(f"select count(*) from {qualified(catalog, schema, table)}").fetchone()[0]


@dataclass(frozen=True)
class DataWindow:
    """The first and last month the data hold events in (first days of months), or None when
    the published schema has no ``data_window`` mart (or it has no event)."""

    first_month: date | None
    last_month: date | None

    def __str__(self) -> str:
        if self.first_month is None or self.last_month is None:
            return "(no dated rows)"
        return f"{self.first_month:%Y-%m} .. {self.last_month:%Y-%m}"


def data_window(
    con: duckdb.DuckDBPyConnection, catalog: str, schema: str, tables: list[str]
) -> DataWindow:
    """The months of the first and last event, from the ``data_window`` mart among ``tables``
    (docs/metrics.md "Conventions shared by every mart"): the data's window, not the span of
    the marts' month columns, which can be far shorter (CDNOW's cohorts end in 1997-03, its
    orders run to 1998-06)."""
    if DATA_WINDOW_TABLE not in tables:
        return DataWindow(None, None)
    coverage = read_coverage(con, schema, catalog)
    if coverage is None:
        return DataWindow(None, None)
    return DataWindow(coverage.first_event_month, coverage.last_event_month)
