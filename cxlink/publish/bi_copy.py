"""The BI copy: the warehouse's marts, and nothing else, in their own DuckDB file.

``stage_bi_copy`` writes ``cxlink_bi.duckdb.tmp-<pid>`` beside the target, refuses personal data,
checkpoints and closes it, and reopens it read-only to check every table and row count;
``install_bi_copy`` then renames it over the target with ``os.replace`` (``publish_bi_copy`` does
both; release.py stages the exports from the staged copy in between and stamps the publish
version into it). Readers that already have the old file open keep reading the old version
(the rename leaves its inode intact); new readers get the new one whole. On any failure the temporary file is removed and the target is left as it was.

The tables keep their schema: the marts are ``marts.<table>`` in the copy, whatever the file is
called and however it is opened (directly, or attached under any name and ``USE``d), as the docs
query them. DuckDB names a file's catalog after the file, and a catalog and a schema of the same
name make ``marts.<table>`` ambiguous (a Binder Error), so the file must not be named like a
schema it holds: the default is ``cxlink_bi.duckdb`` (``Layout.bi_copy_path``), and a target named
``marts.duckdb`` is refused. Until issue 14 the copy was ``marts.duckdb`` with the marts in its
default schema ``main``, which only read as ``marts.<table>`` while the file kept that name.

Table contents are deterministic (rows stored in ``ORDER BY ALL`` order, no timestamps added);
only ``meta.publish_info`` (version, run date, data window) may change between runs on the same
data.
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
from cxlink.publish.copy_check import (
    META_SCHEMA,
    PUBLISH_INFO_TABLE,
    PublishError,
    verify_copy,
)
from cxlink.publish.manifest import TableDocs
from cxlink.publish.personal_data import scan_for_personal_data

DEST_ALIAS = "publish_dst"
# The BI copy is written in the oldest storage format DuckDB 2.0 still writes, so BI drivers that
# bundle a DuckDB 1.x engine (JDBC/ODBC drivers, duckdb-engine on an older duckdb) open it too; a
# file in the default 2.0 format fails there ("version number ..."). docs/bi-tools.md.
BI_STORAGE_VERSION = "v1.0.0"


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
    version: str | None = None  # the publish version (release.py), in meta.publish_info

    @property
    def total_rows(self) -> int:
        return sum(self.tables.values())


def catalog_name(path: Path) -> str:
    """The catalog DuckDB gives the file at ``path`` when it is opened directly."""
    return Path(path).name.split(".", 1)[0]


@dataclass
class StagedCopy:
    """A finished, verified BI copy under its temporary name, not yet moved into place."""

    temp: Path
    report: PublishReport
    mapping: dict[str, str]  # source schema -> schema in the copy

    @property
    def leftovers(self) -> tuple[Path, Path]:
        return self.temp, self.temp.with_name(self.temp.name + ".wal")


def publish_bi_copy(
    source: Source,
    target_path: Path,
    schemas: tuple[str, ...] = ("marts",),
    *,
    run_date: date | None = None,
    docs: Mapping[str, TableDocs] | None = None,
    only: Collection[str] | None = None,
    version: str | None = None,
) -> PublishReport:
    """Copy the ``schemas`` of ``source`` into a new DuckDB file and move it over ``target_path``.

    ``source`` is the warehouse: a path (attached READ_ONLY to a private in-memory connection,
    so the caller must not hold a read-write connection to it in this process) or an open
    connection to it (read-only is enough; it stays open). ``docs`` (table -> descriptions,
    from dbt's manifest) become table and column comments. ``only`` (table names, e.g. the
    dbt mart models) restricts the copy to those tables: others in the schemas (say, left over
    from a dropped model) are skipped, and a missing one is an error. ``version`` goes to
    ``meta.publish_info``. Raises ``PersonalDataError`` if a
    table holds personal data, ``PublishError`` if the copy does not verify; either way the
    previous ``target_path`` is untouched and no temporary file is left behind.
    """
    staged = stage_bi_copy(
        source, target_path, schemas, run_date=run_date, docs=docs, only=only, version=version
    )
    try:
        return install_bi_copy(staged)
    except BaseException:
        remove_quietly(*staged.leftovers)
        raise


def stage_bi_copy(
    source: Source,
    target_path: Path,
    schemas: tuple[str, ...] = ("marts",),
    *,
    run_date: date | None = None,
    docs: Mapping[str, TableDocs] | None = None,
    only: Collection[str] | None = None,
    version: str | None = None,
) -> StagedCopy:
    """``publish_bi_copy`` up to, not including, the rename: the verified copy at its temporary
    name. On failure nothing is left behind; on success the caller installs or removes it."""
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
            mapping = {schema: schema for schema in schemas}
            if META_SCHEMA in mapping:
                raise PublishError(f"schema {META_SCHEMA!r} is the copy's own: {list(schemas)}")
            if catalog_name(target_path) in {*schemas, META_SCHEMA}:
                raise PublishError(
                    f"the BI copy {target_path.name} would open as catalog "
                    f"{catalog_name(target_path)!r}, which makes "
                    f"{catalog_name(target_path)}.<table> ambiguous beside its schema of that "
                    "name: give it another name (the default is cxlink_bi.duckdb)"
                )
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
            report = PublishReport(target_path, run_date, window, expected, mapping, 0, version)
            _write_copy(con, catalog, temp, tables, docs or {}, report)
        verify_copy(temp, expected, mapping)
    except BaseException:
        remove_quietly(temp, wal)
        raise
    return StagedCopy(temp, report, mapping)


def stamp_version(staged: StagedCopy, version: str) -> None:
    """Record ``version`` in the staged copy's ``meta.publish_info`` and verify it again."""
    con = duckdb.connect(str(staged.temp))
    try:
        info = qualified(META_SCHEMA, PUBLISH_INFO_TABLE)
        con.execute(f"update {info} set version = ?", [version])
        con.execute("checkpoint")
    finally:
        con.close()
    verify_copy(staged.temp, staged.report.tables, staged.mapping)
    staged.report.version = version


def install_bi_copy(staged: StagedCopy) -> PublishReport:
    """Move the staged copy over its target (atomic rename); returns the report."""
    target = staged.report.path
    replace_atomically(staged.temp, target)
    remove_quietly(staged.leftovers[1])
    staged.report.bytes = target.stat().st_size
    return staged.report


def _write_copy(
    con: duckdb.DuckDBPyConnection,
    catalog: str,
    temp: Path,
    tables: Mapping[str, list[str]],
    docs: Mapping[str, TableDocs],
    report: PublishReport,
) -> None:
    dst = quote_identifier(DEST_ALIAS)
    mapping = report.schemas
    con.execute(
        f"attach {quote_literal(str(temp))} as {dst} "
        f"(READ_WRITE, STORAGE_VERSION {quote_literal(BI_STORAGE_VERSION)})"
    )
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
            f"create table {info} (version varchar, run_date date, data_window_start date, "
            "data_window_end date, schemas varchar, tables integer, total_rows bigint)"
        )
        con.execute(
            f"insert into {info} values (?, ?, ?, ?, ?, ?, ?)",
            [
                report.version,
                report.run_date,
                report.window.first_month,
                report.window.last_month,
                ",".join(tables),
                sum(len(names) for names in tables.values()),
                report.total_rows,
            ],
        )
        con.execute(
            f"comment on table {info} is "
            + quote_literal(
                "Which publish this copy is (version: the same as exports/PUBLISHED.json and the "
                "workbook's README), when it ran and the months its marts cover. The only table "
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
