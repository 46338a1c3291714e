"""The landing store: an idempotent copy of every landing file, as text, in the warehouse.

``landing.<entity>`` keeps each file's records verbatim with their lineage, and
``landing.load_manifest`` records what was loaded (path, size, sha256, rows, loaded_at). A file
whose sha256 is unchanged is never read again; a changed file replaces its earlier rows; a new
file appends. A file that disappeared from the landing zone takes its rows with it at the next
run (raw follows the landing zone), unless the caller keeps them (``CXLINK_KEEP_REMOVED_FILES``,
for landing zones cleaned after delivery); either way it is reported. A kept row whose key a file
still in the landing zone delivers again is superseded by it: a renamed or re-delivered file then
gives what a clean build of the landing zone gives, instead of its rows being quarantined as
duplicates of the vanished file's.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from cxlink.contract import ENTITIES, Entity, unique_key
from cxlink.extract.files import LandingFile
from cxlink.extract.load_errors import ensure_load_errors
from cxlink.extract.readers import LandingFileError, describe_read_error, select_as_text
from cxlink.extract.rules import typed_value

MANIFEST = "landing.load_manifest"


@dataclass
class FileOutcome:
    relative_path: str
    status: str  # new | changed | unchanged | failed
    rows: int | None = None
    error: str | None = None  # "landing/<path>: <problem>"
    problem: str | None = None  # the problem alone (what landing.load_errors records)


@dataclass
class SyncReport:
    files: list[FileOutcome] = field(default_factory=list)
    missing_from_landing: list[str] = field(default_factory=list)
    removed_rows: dict[str, int] = field(default_factory=dict)  # removed file -> rows dropped
    # kept (removed) file -> its rows superseded by a present file's row with the same key
    superseded_rows: dict[str, int] = field(default_factory=dict)

    def count(self, status: str) -> int:
        return sum(1 for f in self.files if f.status == status)

    @property
    def errors(self) -> list[str]:
        return [f.error for f in self.files if f.error]


def ensure_schemas(con: duckdb.DuckDBPyConnection) -> None:
    for schema in ("landing", "raw", "quarantine"):
        con.execute(f"create schema if not exists {schema}")
    ensure_load_errors(con)
    con.execute(
        f"""
        create table if not exists {MANIFEST} (
            entity varchar not null,
            file_path varchar primary key,
            size_bytes bigint not null,
            sha256 varchar not null,
            rows bigint not null,
            loaded_at timestamp with time zone not null
        )
        """
    )


def store_table(entity: Entity) -> str:
    return f"landing.{entity.name}"


# Lineage of rows that came through a source (cxlink/sources/staging.py); NULL for the rows of
# landing/<entity>/ files. Added to stores created before sources existed.
SOURCE_LINEAGE = ("_source", "_source_record", "_source_rule", "_source_detail", "_source_original")


def ensure_store_table(con: duckdb.DuckDBPyConnection, entity: Entity) -> None:
    columns = ", ".join(f'"{c}" varchar' for c in entity.column_names)
    con.execute(
        f"create table if not exists {store_table(entity)} ({columns}, _bad_record varchar, "
        "_source_file varchar not null, _source_row bigint not null)"
    )
    for column in SOURCE_LINEAGE:
        con.execute(f"alter table {store_table(entity)} add column if not exists {column} varchar")


def manifest_entries(
    con: duckdb.DuckDBPyConnection, entity_name: str, under: str | None = None
) -> dict[str, str]:
    """file path -> sha256 of the files loaded for an entity (only those under a folder)."""
    sql = f"select file_path, sha256 from {MANIFEST} where entity = ?"
    params = [entity_name]
    if under is not None:
        sql += " and starts_with(file_path, ?)"
        params.append(f"{under}/")
    return dict(con.execute(sql, params).fetchall())


def file_status(known: dict[str, str], file: LandingFile, reread: bool = False) -> str:
    """new, changed or unchanged against the manifest (``reread``: a known file is changed)."""
    previous = known.get(file.relative_path)
    if previous is None:
        return "new"
    return "unchanged" if previous == file.sha256 and not reread else "changed"


def sync_files(
    con: duckdb.DuckDBPyConnection,
    entity: Entity,
    files: list[LandingFile],
    keep_removed: bool = False,
) -> SyncReport:
    """Bring ``landing.<entity>`` in line with the entity's landing files (``landing/<entity>/``;
    a source's exports are its own asset's). ``keep_removed``: a file no longer in the landing
    zone keeps its rows instead of losing them."""
    ensure_schemas(con)
    ensure_store_table(con, entity)
    known = manifest_entries(con, entity.name, under=entity.name)
    report = SyncReport()
    present = {f.relative_path for f in files}
    report.missing_from_landing = sorted(set(known) - present)
    if not keep_removed:
        report.removed_rows = remove_files(con, entity, report.missing_from_landing)

    for file in files:
        status = file_status(known, file)
        if status == "unchanged":
            report.files.append(FileOutcome(file.relative_path, status))
            continue
        try:
            rows = _replace_file_rows(con, entity, file)
        except LandingFileError as exc:
            report.files.append(
                FileOutcome(file.relative_path, "failed", error=str(exc), problem=exc.problem)
            )
            continue
        report.files.append(FileOutcome(file.relative_path, status, rows=rows))
    if keep_removed:
        report.superseded_rows = supersede_kept_rows(
            con, entity, report.missing_from_landing, sorted(present)
        )
    return report


def supersede_kept_rows(
    con: duckdb.DuckDBPyConnection, entity: Entity, kept: list[str], present: list[str]
) -> dict[str, int]:
    """Drop the rows of kept (removed) files whose key, typed as the contract types it, is also
    the key of a row of a present file; their manifest entries count what is left (and go
    with the last row). One transaction; rows dropped per kept file."""
    if not kept or not present:
        return {}
    store = store_table(entity)
    key = " and ".join(
        f"{typed_value(entity, c, 'k')} = {typed_value(entity, c, 'p')}" for c in unique_key(entity)
    )
    marks = ", ".join("?" * len(present))
    superseded = f"""
        select k.rowid from {store} k
        where k._source_file = ? and exists (
            select 1 from {store} p where p._source_file in ({marks}) and {key}
        )
    """
    out: dict[str, int] = {}
    con.execute("begin transaction")
    try:
        for path in kept:
            n = con.execute(
                f"delete from {store} where rowid in ({superseded})", [path, *present]
            ).fetchone()[0]
            if not n:
                continue
            out[path] = n
            left = con.execute(
                f"select count(*) from {store} where _source_file = ?", [path]
            ).fetchone()[0]
            if left:
                con.execute(
                    f"update {MANIFEST} set rows = ? where entity = ? and file_path = ?",
                    [left, entity.name, path],
                )
            else:
                con.execute(
                    f"delete from {MANIFEST} where entity = ? and file_path = ?",
                    [entity.name, path],
                )
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return out


def record_in_manifest(
    con: duckdb.DuckDBPyConnection, entity_name: str, file: LandingFile, rows: int
) -> None:
    """The file's manifest entry (inside the caller's transaction, with its rows)."""
    con.execute(
        f"insert or replace into {MANIFEST} (entity, file_path, size_bytes, sha256, rows, "
        "loaded_at) values (?, ?, ?, ?, ?, now())",
        [entity_name, file.relative_path, file.size_bytes, file.sha256, rows],
    )


def _replace_file_rows(con: duckdb.DuckDBPyConnection, entity: Entity, file: LandingFile) -> int:
    """Swap one file's rows and its manifest entry in a single transaction."""
    select = select_as_text(con, file, entity)
    con.execute("begin transaction")
    try:
        con.execute(
            f"delete from {store_table(entity)} where _source_file = ?", [file.relative_path]
        )
        con.execute(f"insert into {store_table(entity)} by name {select}")
        rows = con.execute(
            f"select count(*) from {store_table(entity)} where _source_file = ?",
            [file.relative_path],
        ).fetchone()[0]
        record_in_manifest(con, entity.name, file, rows)
        con.execute("commit")
    except duckdb.Error as exc:
        con.execute("rollback")
        raise describe_read_error(file, exc) from exc
    except BaseException:
        con.execute("rollback")
        raise
    return rows


def remove_files(
    con: duckdb.DuckDBPyConnection, entity: Entity, paths: list[str]
) -> dict[str, int]:
    """Drop removed files' rows and manifest entries, in one transaction; rows per file."""
    removed: dict[str, int] = {}
    if not paths:
        return removed
    con.execute("begin transaction")
    try:
        for path in paths:
            removed[path] = con.execute(
                f"select count(*) from {store_table(entity)} where _source_file = ?", [path]
            ).fetchone()[0]
            con.execute(f"delete from {store_table(entity)} where _source_file = ?", [path])
            con.execute(
                f"delete from {MANIFEST} where entity = ? and file_path = ?", [entity.name, path]
            )
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return removed


def retire_origins(
    con: duckdb.DuckDBPyConnection, entity_name: str, active_sources: set[str], contract_files: bool
) -> dict[str, int]:
    """Remove the rows (and manifest entries) of origins that no longer feed the entity: sources
    taken out of the sources file, and ``landing/<entity>/`` files once sources feed it.
    Returns rows removed per origin, for the run's log."""
    entity = ENTITIES[entity_name]
    ensure_schemas(con)
    ensure_store_table(con, entity)
    origins = con.execute(
        f"select coalesce(_source, ''), count(*) from {store_table(entity)} group by 1"
    ).fetchall()
    removed: dict[str, int] = {}
    for origin, n in origins:
        if origin in active_sources or (origin == "" and contract_files):
            continue
        files = [
            r[0]
            for r in con.execute(
                f"select distinct _source_file from {store_table(entity)} "
                "where coalesce(_source, '') = ?",
                [origin],
            ).fetchall()
        ]
        con.execute(f"delete from {store_table(entity)} where coalesce(_source, '') = ?", [origin])
        if files:
            con.execute(
                f"delete from {MANIFEST} where entity = ? and file_path in "
                f"({', '.join('?' * len(files))})",
                [entity_name, *files],
            )
        removed[origin or f"landing/{entity_name}/"] = n
    return removed
