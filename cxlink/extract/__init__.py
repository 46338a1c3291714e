"""Extraction: landing files -> landing store -> contract-valid ``raw`` + ``quarantine``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb

from cxlink.contract import ENTITIES
from cxlink.extract.files import discover, ignored_reason
from cxlink.extract.load_errors import (
    LoadError,
    contract_origin,
    forget_origins,
    load_errors,
    record_load_errors,
)
from cxlink.extract.store import (
    SyncReport,
    ensure_schemas,
    ensure_store_table,
    retire_origins,
    sync_files,
)
from cxlink.extract.validate import ValidationCounts, create_rejected_rows_view, validate_entity

# What the rest of cxlink uses: extract_entity for the assets, load_errors for the CLI's report.
__all__ = ["ExtractReport", "LoadError", "extract_entity", "load_errors"]


@dataclass
class ExtractReport:
    entity: str
    sync: SyncReport
    counts: ValidationCounts
    ignored_files: list[str] = field(default_factory=list)
    retired_rows: dict[str, int] = field(default_factory=dict)  # origin -> rows no longer fed

    @property
    def errors(self) -> list[str]:
        return self.sync.errors

    @property
    def ignored_reasons(self) -> dict[str, str]:
        """Each ignored file and why it is not read."""
        return {name: ignored_reason(name) for name in self.ignored_files}


def extract_entity(
    con: duckdb.DuckDBPyConnection,
    landing_dir: Path,
    entity_name: str,
    sources: list[str] | None = None,
    keep_removed: bool = False,
    loaded_at: datetime | None = None,
) -> ExtractReport:
    """Load an entity's landing files and rebuild its raw and quarantine tables.

    Files that cannot be read are reported in ``errors`` and recorded in
    ``landing.load_errors`` (their earlier rows, if any, stay); everything else is loaded
    regardless. A file removed from the landing zone loses its rows unless ``keep_removed``.

    ``sources`` names the sources that feed the entity (their rows are already staged by the
    ``source/<name>`` assets); then ``landing/<entity>/`` is not read (its files are reported
    as ignored) and rows of origins that no longer feed it are retired.

    ``loaded_at`` (default: now) is the load time that dates after it (plus a day) are
    quarantined against (``date_in_future``).
    """
    entity = ENTITIES[entity_name]
    ensure_schemas(con)
    ensure_store_table(con, entity)
    if sources:
        files, ignored = [], [f.relative_path for f in discover(landing_dir, entity_name)[0]]
    else:
        files, ignored = discover(landing_dir, entity_name)
    retired = retire_origins(con, entity_name, set(sources or ()), contract_files=not sources)
    sync = sync_files(con, entity, files, keep_removed=keep_removed)
    record_load_errors(
        con,
        entity_name,
        contract_origin(entity_name),
        [(f.relative_path, f.problem or f.error or "") for f in sync.files if f.error],
    )
    forget_origins(con, entity_name, {contract_origin(entity_name), *(sources or ())})
    counts = validate_entity(con, entity, loaded_at)
    create_rejected_rows_view(con)
    if not counts.balanced:  # an invariant, not a data problem: stop loudly if it ever breaks
        raise AssertionError(
            f"{entity_name}: rows in ({counts.rows_in}) != raw ({counts.rows_raw}) + "
            f"quarantined ({counts.rows_quarantined})"
        )
    return ExtractReport(entity_name, sync, counts, ignored, retired)
