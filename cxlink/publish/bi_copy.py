"""The BI copy: the warehouse's marts, and nothing else, in their own DuckDB file.

``publish_bi_copy`` writes ``marts.duckdb.tmp-<pid>`` beside the target, refuses personal data,
checkpoints and closes it, reopens it read-only to check every table and row count, and only
then renames it over the target with ``os.replace``. Readers that already have the old file
open keep reading the old version (the rename leaves its inode intact); new readers get the new
one whole. On any failure the temporary file is removed and the target is left as it was.

DuckDB names a file's catalog after the file (``marts.duckdb`` -> ``marts``), and a schema of the
same name inside it would make ``marts.<table>`` ambiguous. So the schema named like the file
(``marts``) is stored as the copy's default schema ``main``: opened directly, ``marts.nps_monthly``
and ``nps_monthly`` both work, as the README's queries against the warehouse do. Other schemas
keep their names.

Table contents are deterministic (rows stored in ``ORDER BY ALL`` order, no timestamps added);
only ``meta.publish_info`` (run date, data window) may change between runs on the same data.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from cxlink.duckdb_sql import qualified, quote_identifier, quote_literal
from cxlink.publish.common import (
    DataWindow,
    Source,
    catalog_connection,
    count_rows,
    data_window,
    list_tables,
    remove_quietly,
    replace_atomically,
    temp_path,
)
from cxlink.publish.manifest import TableDocs
from cxlink.publish.personal_data import scan_for_personal_data

META_SCHEMA = "meta"
PUBLISH_INFO_TABLE = "publish_info"
DEST_ALIAS = "publish_dst"
DEFAULT_SCHEMA = "main"


class PublishError(RuntimeError):
    """The BI copy could not be published; the previous one (if any) is unchanged."""


class PersonalDataError(PublishError):
    """A table to be published holds personal data."""


@dataclass
class PublishReport:
    path: Path
    run_date: date
    window: DataWindow
    tables: dict[str, int] = field(default_factory=dict)  # "schema.table" (source) -> rows
    schemas: dict[str, str] = field(default_factory=dict)  # source schema -> schema in the copy
    bytes: int = 0

    @property
    def total_rows(self) -> int:
        return sum(self.tables.values())


def published_schema(schema: str, target_path: Path) -> str:
    """The schema ``schema``'s tables get in the copy at ``target_path`` (see the module doc)."""
    return DEFAULT_SCHEMA if schema == Path(target_path).name.split(".", 1)[0] else schema


def publish_bi_copy(
    source: Source,
    target_path: Path,
    schemas: tuple[str, ...] = ("marts",),
    *,
    run_date: date | None = None,
    docs: Mapping[str, TableDocs] | None = None,
    only: Collection[str] | None = None,
) -> PublishReport:
    """Copy the ``schemas`` of ``source`` into a new DuckDB file and move it over ``target_path``.

    ``source`` is the warehouse: a path (attached READ_ONLY to a private in-memory connection,
    so the caller must not hold a read-write connection to it in this process) or an open
    connection to it (read-only is enough; it stays open). ``docs`` (table -> descriptions,
    from dbt's manifest) become table and column comments. ``only`` (table names, e.g. the
    dbt mart models) restricts the copy to those tables: others in the schemas (say, left over
    from a dropped model) are skipped, and a missing one is an error. Raises ``PersonalDataError`` if a
    table holds personal data, ``PublishError`` if the copy does not verify; either way the
    previous ``target_path`` is untouched and no temporary file is left behind.
    """
    target_path = Path(target_path)
    target_path.parent.mkdir(parents=True, exist_ok=True)
    run_date = run_date or datetime.now(UTC).date()
    temp = temp_path(target_path)
    wal = temp.with_name(temp.name + ".wal")
    remove_quietly(temp, wal)
    try:
        with catalog_connection(source) as (con, catalog):
            tables = {schema: list_tables(con, catalog, schema) for schema in schemas}
            if only is not None:
                present = {table for names in tables.values() for table in names}
                missing = sorted(set(only) - present)
                if missing:
                    raise PublishError(
                        f"table(s) {missing} missing from schema(s) {list(schemas)} of the source"
                    )
                tables = {
                    schema: [t for t in names if t in only] for schema, names in tables.items()
                }
            if not any(tables.values()):
                raise PublishError(f"nothing to publish: no tables in schema(s) {list(schemas)}")
            mapping = {schema: published_schema(schema, target_path) for schema in schemas}
            if len(set(mapping.values()) | {META_SCHEMA}) != len(mapping) + 1:
                raise PublishError(f"schemas {list(schemas)} clash in the copy: {mapping}")
            # Refuse before anything is written: personal data never reaches the disk here.
            findings = [
                finding
                for schema, names in tables.items()
                for finding in scan_for_personal_data(con, catalog, schema, names)
            ]
            if findings:
                raise PersonalDataError(
                    "refusing to publish personal data to the BI copy:\n"
                    + "\n".join(f"  {f}" for f in findings)
                )
            expected = {
                f"{schema}.{table}": count_rows(con, catalog, schema, table)
                for schema, names in tables.items()
                for table in names
            }
            window = data_window(con, catalog, schemas[0], tables[schemas[0]])
            _write_copy(
                con,
                catalog,
                temp,
                tables,
                mapping,
                docs or {},
                run_date,
                window,
                sum(expected.values()),
            )
        _verify(temp, expected, mapping)
        replace_atomically(temp, target_path)
    except BaseException:
        remove_quietly(temp, wal)
        raise
    return PublishReport(
        path=target_path,
        run_date=run_date,
        window=window,
        tables=expected,
        schemas=mapping,
        bytes=target_path.stat().st_size,
    )


def _write_copy(
    con: duckdb.DuckDBPyConnection,
    catalog: str,
    temp: Path,
    tables: Mapping[str, list[str]],
    mapping: Mapping[str, str],
    docs: Mapping[str, TableDocs],
    run_date: date,
    window: DataWindow,
    total_rows: int,
) -> None:
    dst = quote_identifier(DEST_ALIAS)
    con.execute(f"attach {quote_literal(str(temp))} as {dst} (READ_WRITE)")
    try:
        for schema, names in tables.items():
            con.execute(f"create schema if not exists {dst}.{quote_identifier(mapping[schema])}")
            for table in names:
                target = qualified(DEST_ALIAS, mapping[schema], table)
                # ORDER BY ALL: the same data gives the same stored rows in the same order.
                con.execute(
                    f"create table {target} as "
                    f"select * from {qualified(catalog, schema, table)} order by all"
                )
                _comment(con, target, docs.get(table))
        con.execute(f"create schema {dst}.{META_SCHEMA}")
        info = qualified(DEST_ALIAS, META_SCHEMA, PUBLISH_INFO_TABLE)
        con.execute(
            f"create table {info} (run_date date, data_window_start date, data_window_end date, "
            "schemas varchar, tables integer, total_rows bigint)"
        )
        con.execute(
            f"insert into {info} values (?, ?, ?, ?, ?, ?)",
            [
                run_date,
                window.first_month,
                window.last_month,
                ",".join(tables),
                sum(len(names) for names in tables.values()),
                total_rows,
            ],
        )
        con.execute(
            f"comment on table {info} is "
            + quote_literal(
                "When this copy was published and the months its marts cover. The only table "
                "that may differ between two publishes of the same data."
            )
        )
        con.execute(f"checkpoint {dst}")
    finally:
        con.execute(f"detach {dst}")


def _comment(con: duckdb.DuckDBPyConnection, target: str, docs: TableDocs | None) -> None:
    if docs is None:
        return
    if docs.description:
        con.execute(f"comment on table {target} is {quote_literal(docs.description)}")
    existing = {
        r[0] for r in con.execute(f"select column_name from (describe {target})").fetchall()
    }
    for column, description in docs.columns.items():
        if description and column in existing:
            con.execute(
                f"comment on column {target}.{quote_identifier(column)} is {quote_literal(description)}"
            )


def _verify(temp: Path, expected: Mapping[str, int], mapping: Mapping[str, str]) -> None:
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
