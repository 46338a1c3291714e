"""Retention: what a run leaves behind is kept for the last ``CXLINK_KEEP_RUNS`` runs only.

Three things grow with every run, whatever the data: the Dagster run history (a run's events,
its planned materializations and check rows: tens of MB per run in SQLite), the dbt target
folder dagster-dbt writes per invocation (manifest, run results, compiled SQL, dbt.log: ~22 MB)
and the run log files under ``$CXLINK_DATA_DIR/logs/``. ``prune`` keeps the newest N of each
and deletes the rest; it is called at the start of ``cxlink run``, before the new run exists,
so after a run there are N + 1.

Only these folders and the instance's own storage are touched: dbt target folders are matched
by the name dagster-dbt gives them (``<op>-<run id[:7]>-<uuid[:7]>``), log files by
``run-*.log``; anything else in those folders stays.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import dagster as dg

    from cxlink.settings import Settings

# dagster-dbt's per-invocation target folder: f"{op name}-{run_id[:7]}-{uuid4()[:7]}".
DBT_RUN_TARGET = re.compile(r"^.+-[0-9a-f]{7}-[0-9a-f]{7}$")
RUN_LOG_GLOB = "run-*.log"
# A run still in one of these states is never deleted, however old (a queued UI run).
_UNFINISHED = {"QUEUED", "NOT_STARTED", "STARTING", "STARTED", "CANCELING", "MANAGED"}


@dataclass
class PruneReport:
    runs_deleted: list[str] = field(default_factory=list)
    runs_kept: int = 0
    dbt_targets_deleted: list[Path] = field(default_factory=list)
    logs_deleted: list[Path] = field(default_factory=list)
    bytes_freed: int = 0  # files removed and databases shrunk (VACUUM), as measured on disk

    def __str__(self) -> str:
        return (
            f"retention: kept {self.runs_kept} runs; deleted {len(self.runs_deleted)} runs, "
            f"{len(self.dbt_targets_deleted)} dbt target folders, {len(self.logs_deleted)} log "
            f"files ({self.bytes_freed / 1e6:.1f} MB freed)"
        )


def _size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _newest_first(paths: list[Path]) -> list[Path]:
    # Modification time, then name (run logs carry a timestamp), so equal mtimes stay stable.
    return sorted(paths, key=lambda p: (p.stat().st_mtime_ns, p.name), reverse=True)


def stale_dbt_targets(root: Path, keep: int) -> list[Path]:
    """All but the ``keep`` newest per-invocation target folders under ``root``."""
    if not root.is_dir():
        return []
    folders = [p for p in root.iterdir() if p.is_dir() and DBT_RUN_TARGET.match(p.name)]
    return _newest_first(folders)[keep:]


def stale_logs(folder: Path, keep: int) -> list[Path]:
    """All but the ``keep`` newest ``run-*.log`` files in ``folder``."""
    if not folder.is_dir():
        return []
    return _newest_first([p for p in folder.glob(RUN_LOG_GLOB) if p.is_file()])[keep:]


def remove(paths: list[Path]) -> tuple[list[Path], int]:
    """Delete files and folders; (those deleted, the bytes they held). One that cannot be
    deleted (a read-only checkout's ``dbt_project/target``) is left and not reported."""
    removed, freed = [], 0
    for path in paths:
        size = _size(path)
        try:
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink(missing_ok=True)
        except OSError:
            continue
        removed.append(path)
        freed += size
    return removed, freed


def prune_runs(instance: dg.DagsterInstance, keep: int) -> tuple[list[str], int]:
    """Delete every finished run but the ``keep`` newest, with their events, check rows and
    captured logs; (deleted run ids, runs kept)."""
    runs = instance.get_runs()  # newest first
    doomed = [r.run_id for r in runs[keep:] if r.status.value not in _UNFINISHED]
    for run_id in doomed:
        instance.delete_run(run_id)
        # The run's captured stdout/stderr (storage/<run id>/ for the local manager).
        with contextlib.suppress(NotImplementedError):
            instance.compute_log_manager.delete_logs(prefix=[run_id])
    _delete_check_rows(instance, doomed)
    return doomed, len(runs) - len(doomed)


def _delete_check_rows(instance: dg.DagsterInstance, run_ids: list[str]) -> None:
    # delete_run leaves a run's asset-check rows (planned and evaluated) behind; they are most
    # of what a run writes (one per check per planned partition), so they go with the run.
    from dagster._core.storage.event_log.schema import AssetCheckExecutionsTable
    from dagster._core.storage.event_log.sql_event_log import SqlEventLogStorage

    storage = instance.event_log_storage
    if not run_ids or not isinstance(storage, SqlEventLogStorage):
        return
    table = AssetCheckExecutionsTable
    with storage.index_connection() as conn:
        for start in range(0, len(run_ids), 500):
            conn.execute(table.delete().where(table.c.run_id.in_(run_ids[start : start + 500])))


def _sqlite_files(
    instance: dg.DagsterInstance, run_ids: list[str]
) -> tuple[list[Path], list[Path]]:
    """(per-run event shards to remove, SQLite databases to VACUUM) of a SQLite-backed instance;
    nothing for other storages (an ephemeral instance, Postgres)."""
    from dagster._core.storage.event_log.sqlite.consolidated_sqlite_event_log import (
        ConsolidatedSqliteEventLogStorage,
    )
    from dagster._core.storage.event_log.sqlite.sqlite_event_log import (
        INDEX_SHARD_NAME,
        SqliteEventLogStorage,
    )
    from dagster._core.storage.runs.sqlite.sqlite_run_storage import SqliteRunStorage
    from sqlalchemy.engine import make_url

    shards: list[Path] = []
    databases: list[Path] = []
    events = instance.event_log_storage
    if isinstance(events, SqliteEventLogStorage):
        # One file per run: delete_events empties it but leaves the file; remove it instead.
        shards = [Path(events.path_for_shard(run_id)) for run_id in run_ids]
        databases.append(Path(events.path_for_shard(INDEX_SHARD_NAME)))
    elif isinstance(events, ConsolidatedSqliteEventLogStorage):
        databases.append(Path(events.get_db_path()))
    runs = instance.run_storage
    if isinstance(runs, SqliteRunStorage):
        # The run storage keeps only its connection string (sqlite:////abs/path/runs.db).
        databases.append(Path(make_url(runs._conn_string).database or ""))
    return shards, [d for d in databases if d.is_file()]


def shrink_history(instance: dg.DagsterInstance, run_ids: list[str]) -> int:
    """Remove deleted runs' event files and VACUUM the SQLite databases (deleted rows only
    free pages inside the file; VACUUM gives them back to the disk); bytes freed."""
    shards, databases = _sqlite_files(instance, run_ids)
    freed = 0
    for shard in shards:
        for path in (
            shard,
            shard.with_name(shard.name + "-wal"),
            shard.with_name(shard.name + "-shm"),
        ):
            if path.is_file():
                freed += path.stat().st_size
                path.unlink(missing_ok=True)
    for database in databases:
        before = database.stat().st_size
        # A busy database (the UI writing) is left for the next prune rather than waited on.
        with contextlib.suppress(sqlite3.OperationalError):
            con = sqlite3.connect(database, timeout=5, isolation_level=None)
            try:
                con.execute("VACUUM")
            finally:
                con.close()
        freed += max(0, before - database.stat().st_size)
    return freed


def prune(settings: Settings, instance: dg.DagsterInstance | None) -> PruneReport:
    """Keep the newest ``settings.keep_runs`` runs in ``instance`` (None: no run history, as
    for ``cxlink run`` without DAGSTER_HOME), dbt target folders and run log files; delete
    the rest. The per-run dbt folders older versions left in ``dbt_project/target`` count too
    (its manifest and partial parse file stay)."""
    from cxlink.settings import DBT_PROJECT_DIR

    keep = settings.keep_runs
    report = PruneReport()
    if instance is not None:
        report.runs_deleted, report.runs_kept = prune_runs(instance, keep)
        if report.runs_deleted:
            report.bytes_freed += shrink_history(instance, report.runs_deleted)
    for root in (settings.layout.dbt_target_dir, DBT_PROJECT_DIR / "target"):
        removed, freed = remove(stale_dbt_targets(root, keep))
        report.dbt_targets_deleted += removed
        report.bytes_freed += freed
    report.logs_deleted, freed = remove(stale_logs(settings.layout.run_logs_dir, keep))
    report.bytes_freed += freed
    return report
