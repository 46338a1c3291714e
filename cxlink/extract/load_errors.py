"""Landing files that could not be read: ``landing.load_errors``, shown as ``quarantine.files``.

A file that cannot be read at all (encoding, structure, a missing column) does not fail the
run's extract step: its entity keeps the rows it had, the file is recorded here with the
problem, and the dbt source test ``no_unreadable_files`` on the entity's raw table fails, so
dbt skips only the models that depend on that entity (docs/operations.md "What happens to a
file"). Each extract rewrites its own entity and origin, so a fixed file clears its row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import duckdb

from cxlink.duckdb_sql import table_exists

LOAD_ERRORS = "landing.load_errors"
FILES_VIEW = "quarantine.files"


def contract_origin(entity_name: str) -> str:
    """The origin of an entity's contract files (a source's origin is its name)."""
    return f"landing/{entity_name}/"


@dataclass(frozen=True)
class LoadError:
    entity: str
    origin: str  # "landing/<entity>/" for contract files, else the source's name
    file_path: str | None  # relative to the landing directory; None: a source not fetched
    problem: str  # what is wrong and the fix, in one sentence
    detected_at: datetime

    @property
    def message(self) -> str:
        """One line for a person: where, then what is wrong and the fix."""
        where = f"landing/{self.file_path}" if self.file_path else f"source {self.origin}"
        return f"{where}: {self.problem}"


def ensure_load_errors(con: duckdb.DuckDBPyConnection) -> None:
    for schema in ("landing", "quarantine"):
        con.execute(f"create schema if not exists {schema}")
    con.execute(
        f"""
        create table if not exists {LOAD_ERRORS} (
            entity varchar not null,
            origin varchar not null,
            file_path varchar,
            problem varchar not null,
            detected_at timestamp with time zone not null
        )
        """
    )
    con.execute(
        f"create or replace view {FILES_VIEW} as select entity, origin, file_path, problem, "
        f"detected_at from {LOAD_ERRORS}"
    )


def record_load_errors(
    con: duckdb.DuckDBPyConnection,
    entity_name: str,
    origin: str,
    problems: list[tuple[str | None, str]],
) -> None:
    """Replace the load errors of one entity and origin with ``problems`` (file path, problem;
    the path is None for a source that could not be fetched at all)."""
    ensure_load_errors(con)
    con.execute("begin transaction")
    try:
        con.execute(
            f"delete from {LOAD_ERRORS} where entity = ? and origin = ?", [entity_name, origin]
        )
        for file_path, problem in problems:
            con.execute(
                f"insert into {LOAD_ERRORS} values (?, ?, ?, ?, now())",
                [entity_name, origin, file_path, problem],
            )
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise


def forget_origins(con: duckdb.DuckDBPyConnection, entity_name: str, active: set[str]) -> None:
    """Drop the load errors of origins that no longer feed the entity."""
    ensure_load_errors(con)
    known = con.execute(
        f"select distinct origin from {LOAD_ERRORS} where entity = ?", [entity_name]
    ).fetchall()
    for (origin,) in known:
        if origin not in active:
            con.execute(
                f"delete from {LOAD_ERRORS} where entity = ? and origin = ?", [entity_name, origin]
            )


def load_errors(con: duckdb.DuckDBPyConnection, entity_name: str | None = None) -> list[LoadError]:
    """Every recorded load error (of one entity), by entity and file; [] before any extract.
    Reads only: safe on a read-only connection."""
    if not table_exists(con, "landing", "load_errors"):
        return []
    sql = f"select entity, origin, file_path, problem, detected_at from {LOAD_ERRORS}"
    params: list[str] = []
    if entity_name is not None:
        sql += " where entity = ?"
        params.append(entity_name)
    rows = con.execute(sql + " order by entity, origin, file_path", params).fetchall()
    return [LoadError(*row) for row in rows]
