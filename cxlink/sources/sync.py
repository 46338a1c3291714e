"""Bringing one source up to date: its export files, or its API / database objects, into the
landing store as contract rows. The Dagster asset ``source/<name>`` calls ``sync_source``."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from cxlink.contract import ENTITIES
from cxlink.extract.files import discover
from cxlink.extract.store import (
    FileOutcome,
    ensure_schemas,
    ensure_store_table,
    file_status,
    manifest_entries,
    remove_files,
    supersede_kept_rows,
)
from cxlink.sources import objects, staging
from cxlink.sources.model import FetchContext, FetchKind, FileKind, Source
from cxlink.sources.rows import SourceError, SourceFileError, SourceRow


@dataclass
class SourceReport:
    source: str
    kind: str
    files: list[FileOutcome] = field(default_factory=list)
    ignored_files: list[str] = field(default_factory=list)
    fetched: dict[str, int] = field(default_factory=dict)  # resource -> objects fetched this run
    pages: dict[str, int] = field(default_factory=dict)  # resource -> pages fetched this run
    staged: dict[str, int] = field(default_factory=dict)  # entity -> rows now in landing
    refused: dict[str, int] = field(default_factory=dict)  # entity -> rows with a source rule
    dropped_unseen: int = 0  # objects a full reload no longer saw
    # export files gone from the source's folder since the last run, and the rows that went
    # with them (none with keep_removed) or that a present file's row of the same key replaced
    missing_from_folder: list[str] = field(default_factory=list)
    removed_rows: dict[str, int] = field(default_factory=dict)
    superseded_rows: dict[str, int] = field(default_factory=dict)

    @property
    def errors(self) -> list[str]:
        return [f.error for f in self.files if f.error]

    def count(self, status: str) -> int:
        return sum(1 for f in self.files if f.status == status)


def sync_source(
    con: duckdb.DuckDBPyConnection,
    landing_dir: Path,
    source: Source,
    full_reload: bool = False,
    log: Callable[[str], None] = print,
    env: dict[str, str] | None = None,
    keep_removed: bool = False,
) -> SourceReport:
    """Load what is new from one source. File errors are reported in ``errors`` (the other
    files still load); an API or database that cannot be read raises SourceError.
    ``keep_removed`` (CXLINK_KEEP_REMOVED_FILES): an export file gone from the source's folder
    keeps its rows, as contract files do, unless a present file delivers the same key."""
    ensure_schemas(con)
    report = SourceReport(source.name, source.kind_name)
    if isinstance(source.kind, FileKind):
        _sync_files(con, landing_dir, source, full_reload, keep_removed, report, log)
    else:
        _sync_fetched(con, source, source.kind, full_reload, report, log, env)
    return report


def _sync_files(con, landing_dir, source, full_reload, keep_removed, report, log) -> None:
    kind: FileKind = source.kind
    (entity,) = source.entities
    files, report.ignored_files = discover(landing_dir, source.landing_folder, kind.formats)
    known = manifest_entries(con, entity, under=source.landing_folder)
    present = sorted(f.relative_path for f in files)
    # A renamed or removed export file must not leave its rows behind: a rerun gives what a
    # clean build of the same folder gives (issue 16), as for contract files.
    report.missing_from_folder = sorted(set(known) - set(present))
    if report.missing_from_folder and not keep_removed:
        report.removed_rows = remove_files(con, ENTITIES[entity], report.missing_from_folder)
        for path, n in report.removed_rows.items():
            log(f"{path}: gone from the folder, its {n} rows removed")
    for file in files:
        status = file_status(known, file, reread=full_reload)
        if status == "unchanged":
            report.files.append(FileOutcome(file.relative_path, status))
            continue
        try:
            rows = kind.read(source, file.path, file.relative_path)
        except SourceFileError as exc:
            report.files.append(
                FileOutcome(file.relative_path, "failed", error=str(exc), problem=exc.problem)
            )
            log(f"{file.relative_path}: cannot be read: {exc.problem}")
            continue
        _check_entities(source, rows)
        n = staging.stage_file(con, entity, source.name, file, rows)
        report.files.append(FileOutcome(file.relative_path, status, rows=n))
        log(f"{file.relative_path}: {status}, {n} rows")
    if keep_removed:
        report.superseded_rows = supersede_kept_rows(
            con, ENTITIES[entity], report.missing_from_folder, present
        )
    _count_staged(con, source, report)


def _sync_fetched(con, source, kind: FetchKind, full_reload, report, log, env) -> None:
    objects.ensure_tables(con)
    fetch_id = uuid.uuid4().hex
    if full_reload:
        objects.forget_cursors(con, source.name)
        log(f"{source.name}: full reload, cursors cleared")
    context = FetchContext(source=source, log=log, env=dict(env) if env is not None else {})
    resources = kind.resources(source)
    for resource in resources:
        cursor = objects.stored_cursor(con, source.name, resource.name)
        report.fetched[resource.name] = report.pages[resource.name] = 0
        try:
            for batch in resource.fetch(context, cursor):
                objects.store_page(
                    con, source.name, resource.name, batch.objects, batch.cursor, fetch_id
                )
                report.pages[resource.name] += 1
                report.fetched[resource.name] += len(batch.objects)
        except OSError as exc:  # requests' ConnectionError and Timeout are OSErrors
            raise SourceError(
                f"source {source.name}: {resource.name}: cannot reach the {kind.transport} "
                f"({type(exc).__name__}: {str(exc)[:200]}); check base_url / the network, then "
                f"rerun: the {report.pages[resource.name]} page(s) stored so far are kept."
            ) from None
        log(
            f"{source.name}/{resource.name}: {report.fetched[resource.name]} object(s) in "
            f"{report.pages[resource.name]} page(s) since "
            + ("the start (full load)" if cursor is None else f"cursor {cursor}")
        )
    if full_reload:
        report.dropped_unseen = objects.drop_unseen(con, source.name, fetch_id)
    stored = objects.load_objects(con, source.name, [r.name for r in resources])
    rows = kind.map(source, stored)
    _check_entities(source, rows, allow_unfed=True)
    for entity in source.entities:
        mine = [r for r in rows if r.entity == entity]
        item = f"{source.name}/{kind.transport}/{entity}"
        staging.stage_fetched(con, entity, source.name, staging.numbered(mine, item))
    _count_staged(con, source, report)


def _check_entities(source: Source, rows: list[SourceRow], allow_unfed: bool = False) -> None:
    strays = sorted({r.entity for r in rows} - set(source.entities))
    if strays and not allow_unfed:
        raise SourceError(
            f"source {source.name}: produced rows for {', '.join(strays)}, which it does not feed"
        )


def _count_staged(con, source: Source, report: SourceReport) -> None:
    for entity in source.entities:
        ensure_store_table(con, ENTITIES[entity])  # a source whose every file failed has none yet
        total, refused = con.execute(
            f"select count(*), count(_source_rule) from landing.{entity} where _source = ?",
            [source.name],
        ).fetchone()
        report.staged[entity] = total
        report.refused[entity] = refused
