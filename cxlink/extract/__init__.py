"""Extraction: landing files -> landing store -> contract-valid ``raw`` + ``quarantine``."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from cxlink.contract import ENTITIES
from cxlink.extract.files import discover
from cxlink.extract.store import SyncReport, ensure_schemas, ensure_store_table, sync_files
from cxlink.extract.validate import ValidationCounts, create_rejected_rows_view, validate_entity


@dataclass
class ExtractReport:
    entity: str
    sync: SyncReport
    counts: ValidationCounts
    ignored_files: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[str]:
        return self.sync.errors


def extract_entity(
    con: duckdb.DuckDBPyConnection, landing_dir: Path, entity_name: str
) -> ExtractReport:
    """Load an entity's landing files and rebuild its raw and quarantine tables.

    Files that cannot be read are reported in ``errors`` (their earlier rows, if any, stay);
    the caller decides to fail. Everything else is loaded regardless.
    """
    entity = ENTITIES[entity_name]
    files, ignored = discover(landing_dir, entity_name)
    ensure_schemas(con)
    ensure_store_table(con, entity)
    sync = sync_files(con, entity, files)
    counts = validate_entity(con, entity)
    create_rejected_rows_view(con)
    if not counts.balanced:  # an invariant, not a data problem: stop loudly if it ever breaks
        raise AssertionError(
            f"{entity_name}: rows in ({counts.rows_in}) != raw ({counts.rows_raw}) + "
            f"quarantined ({counts.rows_quarantined})"
        )
    return ExtractReport(entity_name, sync, counts, ignored)
