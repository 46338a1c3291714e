"""File exports of the marts: Parquet and CSV per table, and the finance workbook, as one set.

``stage_exports`` writes ``parquet/<table>.parquet`` and ``csv/<table>.csv`` (rows in ``ORDER
BY ALL`` order; data_files.py: Parquet with the dbt descriptions as metadata, CSV in the
dialect of ``ExportOptions``), ``follow_ups.csv`` when the follow-up mart exists (the CRM task
import, cxlink/publish/follow_ups.py), then ``cxlink_finance.xlsx`` (workbook.py: a README sheet,
then one formatted sheet per finance table that exists) and ``PUBLISHED.json`` into a fresh staging
folder. ``export_marts`` stages a set and switches ``exports`` to it (exports_set.py); the
full publish (release.py) puts the BI copy in place between the two.
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from cxlink.duckdb_sql import qualified
from cxlink.publish import exports_set
from cxlink.publish.common import (
    DataWindow,
    Source,
    catalog_connection,
    count_rows,
    data_window,
    list_columns,
    list_tables,
)
from cxlink.publish.data_files import csv_dialect, write_csv, write_parquet
from cxlink.publish.exports_set import ExportedFile, file_sha256
from cxlink.publish.follow_ups import (
    FOLLOW_UPS_FILE,
    FOLLOW_UPS_TABLE,
    is_follow_up_mart,
    write_follow_ups_csv,
)
from cxlink.publish.manifest import TableDocs, mart_docs
from cxlink.publish.workbook import WORKBOOK_NAME, WorkbookFacts, write_workbook

__all__ = ["FINANCE_TABLES", "WORKBOOK_NAME", "ExportOptions", "ExportReport", "export_marts"]

# Finance sheets, in workbook order (one grain each, docs/upgrading.md: totals before their
# breakdowns); a table that does not exist is skipped. The big detail tables (mrr_bridge,
# clv_by_cell, nps_monthly, ...) are left to the CSV and Parquet files.
FINANCE_TABLES = (
    "cx_revenue_linkage_total",
    "cx_revenue_linkage_overall",
    "cx_revenue_linkage_by_segment",
    "cx_revenue_linkage",
    "nps_overall",
    "nps_retention_summary",
    # CSAT / CES programmes: their headline windows and churn by band
    "csat_overall",
    "csat_retention",
    "ces_overall",
    "ces_retention",
    "clv_overall",
    "clv_by_channel",
    "clv_by_plan_tier",
    "clv_by_segment",
    "cac_total",
    "cac_by_channel",
    "mrr_bridge_total",
    "mrr_bridge_by_segment",
)


@dataclass(frozen=True)
class ExportOptions:
    """How the files are written: the CSV dialect (``CXLINK_CSV_DIALECT``: comma or
    semicolon) and the currency money columns show when a table has no ``currency`` column
    (``CXLINK_REPORTING_CURRENCY``)."""

    csv_dialect: str = "comma"
    currency: str = "EUR"


@dataclass
class ExportReport:
    exports_dir: Path  # the path users open (the `exports` symlink)
    run_date: date
    window: DataWindow
    version: str = ""
    folder: Path | None = None  # the staging folder, then exports-<version>/
    files: list[ExportedFile] = field(default_factory=list)
    workbook_sheets: list[str] = field(default_factory=list)
    removed_versions: list[Path] = field(default_factory=list)

    def published_document(self) -> dict[str, Any]:
        """What ``PUBLISHED.json`` says: the version and every file with its checksum."""
        window = self.window
        return {
            "version": self.version,
            "run_date": self.run_date.isoformat(),
            "data_window": [
                window.first_month and window.first_month.isoformat(),
                window.last_month and window.last_month.isoformat(),
            ],
            "bi_copy": "cxlink_bi.duckdb (meta.publish_info.version is this version)",
            "files": [
                {
                    "path": f.relative_to(self.exports_dir),
                    "format": f.format,
                    "tables": list(f.tables),
                    "rows": f.rows,
                    "bytes": f.bytes,
                    "sha256": f.sha256,
                }
                for f in self.files
            ],
        }


def export_marts(
    source: Source,
    exports_dir: Path,
    *,
    schema: str = "marts",
    manifest_path: Path | None = None,
    manifest_schema: str = "marts",
    docs: Mapping[str, TableDocs] | None = None,
    run_date: date | None = None,
    finance_tables: tuple[str, ...] = FINANCE_TABLES,
    options: ExportOptions | None = None,
) -> ExportReport:
    """Export every table of ``source``'s ``schema`` as a new set and switch ``exports_dir`` (a
    symlink) to it; older sets are removed. On failure the previous set is untouched.

    ``source``: the published BI copy (its marts are in schema ``main``) or the warehouse
    (schema ``marts``), as a path (opened read-only) or an open connection. Descriptions and
    units come from ``docs`` or else from the ``manifest_schema`` models of dbt's
    ``manifest_path``, by table name (missing ones are '').
    """
    if docs is None:
        docs = mart_docs(manifest_path, manifest_schema)
    report = stage_exports(
        source,
        exports_dir,
        schema=schema,
        docs=docs,
        run_date=run_date,
        finance_tables=finance_tables,
        options=options,
    )
    try:
        report.folder = exports_set.commit(report.folder, exports_dir, report.version)
    except BaseException:
        shutil.rmtree(report.folder, ignore_errors=True)
        raise
    exports_set.switch(exports_dir, report.version)
    report.removed_versions = exports_set.remove_versions(exports_dir, {report.version})
    exports_set.retire_legacy(exports_dir)
    return report


def stage_exports(
    source: Source,
    exports_dir: Path,
    *,
    schema: str,
    docs: Mapping[str, TableDocs],
    run_date: date | None = None,
    finance_tables: tuple[str, ...] = FINANCE_TABLES,
    options: ExportOptions | None = None,
) -> ExportReport:
    """Write a complete set into ``exports.staging-<pid>/`` beside ``exports_dir`` (the version
    is computed from the data files before the workbook, which shows it, is written). Returns
    the report, ``folder`` being the staging folder; on failure that folder is removed."""
    options = options or ExportOptions()
    dialect = csv_dialect(options.csv_dialect)
    exports_dir = Path(exports_dir)
    run_date = run_date or datetime.now(UTC).date()
    staging = exports_set.staging_dir(exports_dir)
    shutil.rmtree(staging, ignore_errors=True)
    try:
        for sub in ("parquet", "csv"):
            (staging / sub).mkdir(parents=True)
        with catalog_connection(source) as (con, catalog):
            tables = list_tables(con, catalog, schema)
            if not tables:
                raise ValueError(f"nothing to export: schema {schema!r} has no tables")
            window = data_window(con, catalog, schema, tables)
            report = ExportReport(exports_dir, run_date, window, folder=staging)
            for table in tables:
                name = qualified(catalog, schema, table)
                rows = count_rows(con, catalog, schema, table)
                columns = list_columns(con, catalog, schema, table)
                table_docs = docs.get(table, TableDocs())
                parquet, csv = f"parquet/{table}.parquet", f"csv/{table}.csv"
                write_parquet(con, name, table, columns, table_docs, staging / parquet)
                report.files.append(
                    _exported(staging, exports_dir, parquet, "parquet", table, rows)
                )
                write_csv(con, name, columns, staging / csv, dialect)
                report.files.append(_exported(staging, exports_dir, csv, "csv", table, rows))
            # the CRM task import (cxlink/publish/follow_ups.py)
            if FOLLOW_UPS_TABLE in tables and is_follow_up_mart(con, catalog, schema):
                rows = write_follow_ups_csv(
                    con, catalog, schema, staging / FOLLOW_UPS_FILE, dialect
                )
                report.files.append(
                    _exported(staging, exports_dir, FOLLOW_UPS_FILE, "csv", FOLLOW_UPS_TABLE, rows)
                )
            report.version = exports_set.version_id(
                run_date, [(f.relative_to(exports_dir), f.sha256) for f in report.files], docs
            )
            sheets = [t for t in finance_tables if t in tables]
            facts = WorkbookFacts(report.version, run_date, window, options.currency)
            rows = write_workbook(
                con, catalog, schema, sheets, docs, facts, staging / WORKBOOK_NAME
            )
            report.files.append(
                _exported(staging, exports_dir, WORKBOOK_NAME, "xlsx", tuple(sheets), rows)
            )
            report.workbook_sheets = ["README", *sheets]
        exports_set.write_published(staging, report.published_document())
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return report


def _exported(
    staging: Path, link: Path, relative: str, fmt: str, tables: str | tuple[str, ...], rows: int
) -> ExportedFile:
    written = staging / relative
    names = (tables,) if isinstance(tables, str) else tables
    return ExportedFile(
        link / relative, fmt, names, rows, written.stat().st_size, file_sha256(written)
    )
