"""File exports of the marts: Parquet and CSV per table, and the finance workbook, as one set.

``stage_exports`` writes ``parquet/<table>.parquet``, ``csv/<table>.csv`` (rows in ``ORDER BY
ALL`` order), then ``cxlink_finance.xlsx`` (a README sheet with the publish version, run date,
data window and every column's description from dbt's manifest, then one sheet per finance table
that exists) and ``PUBLISHED.json`` into a fresh staging folder. ``export_marts`` stages a set
and switches ``exports`` to it (exports_set.py); the full publish (release.py) puts the BI copy
in place between the two.
"""

from __future__ import annotations

import math
import shutil
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from cxlink.duckdb_sql import qualified, quote_literal
from cxlink.publish import exports_set
from cxlink.publish.common import (
    Column,
    DataWindow,
    Source,
    catalog_connection,
    data_window,
    list_columns,
    list_tables,
)
from cxlink.publish.exports_set import ExportedFile, file_sha256
from cxlink.publish.manifest import TableDocs, mart_docs
from cxlink.publish.stable_zip import save_workbook

WORKBOOK_NAME = "cxlink_finance.xlsx"
# Finance sheets, in workbook order; a table that does not exist (yet) is skipped.
FINANCE_TABLES = (
    "cx_revenue_linkage",
    "clv_by_segment",
    "cac_by_channel",
    "mrr_bridge",
    # one grain per table (docs/upgrading.md): the totals are tables of their own
    "cx_revenue_linkage_total",
    "clv_overall",
    "cac_total",
    "mrr_bridge_total",
    "nps_retention_summary",
    "nps_overall",
)
EXCEL_MAX_ROWS = 1_048_576
FETCH_ROWS = 10_000


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
            "bi_copy": "marts.duckdb (meta.publish_info.version is this version)",
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
) -> ExportReport:
    """Export every table of ``source``'s ``schema`` as a new set and switch ``exports_dir`` (a
    symlink) to it; older sets are removed. On failure the previous set is untouched.

    ``source``: the published BI copy (its marts are in schema ``main``) or the warehouse
    (schema ``marts``), as a path (opened read-only) or an open connection. Descriptions come
    from ``docs`` or else from the ``manifest_schema`` models of dbt's ``manifest_path``, by
    table name (missing ones are '').
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
) -> ExportReport:
    """Write a complete set into ``exports.staging-<pid>/`` beside ``exports_dir`` (the version
    is computed from the data files before the workbook, which shows it, is written). Returns
    the report, ``folder`` being the staging folder; on failure that folder is removed."""
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
                rows = con.execute(
                    f"select count(*) from {qualified(catalog, schema, table)}"
                ).fetchone()[0]
                ordered = f"select * from {qualified(catalog, schema, table)} order by all"
                for fmt, options in (
                    ("parquet", "format parquet, compression zstd"),
                    ("csv", "format csv, header true"),
                ):
                    relative = f"{fmt}/{table}.{fmt}"
                    con.execute(
                        f"copy ({ordered}) to {quote_literal(str(staging / relative))} ({options})"
                    )
                    report.files.append(_exported(staging, exports_dir, relative, fmt, table, rows))
            report.version = exports_set.version_id(
                run_date, [(f.relative_to(exports_dir), f.sha256) for f in report.files], docs
            )
            sheets = [t for t in finance_tables if t in tables]
            rows = _write_workbook(
                con, catalog, schema, sheets, docs, report, staging / WORKBOOK_NAME
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


def _bold(ws: Any, values: list[Any]) -> list[WriteOnlyCell]:
    cells = []
    for value in values:
        cell = WriteOnlyCell(ws, value=value)
        cell.font = Font(bold=True)
        cells.append(cell)
    return cells


def _write_workbook(
    con: duckdb.DuckDBPyConnection,
    catalog: str,
    schema: str,
    sheets: list[str],
    docs: Mapping[str, TableDocs],
    report: ExportReport,
    path: Path,
) -> int:
    """Write the workbook (write-only mode: rows stream to disk); returns the data rows."""
    run_date, window = report.run_date, report.window
    wb = Workbook(write_only=True)
    # Reproducible document properties: the run date, not the wall clock.
    stamp = datetime.combine(run_date, time())
    wb.properties.creator = "cxlink"
    wb.properties.created = stamp
    columns = {table: list_columns(con, catalog, schema, table) for table in sheets}

    readme = wb.create_sheet("README")
    readme.column_dimensions["A"].width = 26
    readme.column_dimensions["B"].width = 30
    readme.column_dimensions["C"].width = 16
    readme.column_dimensions["D"].width = 100
    readme.append(_bold(readme, ["cxlink finance export"]))
    readme.append(["version", report.version])
    readme.append(["run date", run_date])
    readme.append(["data window (first month)", window.first_month])
    readme.append(["data window (last month)", window.last_month])
    readme.append(
        ["source", "the cxlink marts: the same version as marts.duckdb's meta.publish_info"]
    )
    readme.append(["sheets", ", ".join(sheets) or "(no finance tables yet)"])
    readme.append([])
    readme.append(_bold(readme, ["sheet", "column", "type", "description"]))
    for table in sheets:
        table_docs = docs.get(table, TableDocs())
        readme.append([table, "(table)", "", table_docs.description])
        for column in columns[table]:
            readme.append([table, column.name, column.data_type, table_docs.column(column.name)])

    total = 0
    for table in sheets:
        total += _write_sheet(wb, con, catalog, schema, table, columns[table])
    save_workbook(wb, path, stamp)
    return total


def _write_sheet(
    wb: Workbook,
    con: duckdb.DuckDBPyConnection,
    catalog: str,
    schema: str,
    table: str,
    columns: list[Column],
) -> int:
    ws = wb.create_sheet(table[:31])  # Excel's sheet-name limit
    ws.freeze_panes = "A2"
    ws.append(_bold(ws, [c.name for c in columns]))
    rows = 0
    for batch in _batches(con, f"select * from {qualified(catalog, schema, table)} order by all"):
        for row in batch:
            rows += 1
            if rows >= EXCEL_MAX_ROWS:
                raise ValueError(f"{schema}.{table} has too many rows for an Excel sheet")
            ws.append([_excel_value(value) for value in row])
    return rows


def _batches(con: duckdb.DuckDBPyConnection, sql: str) -> Iterator[list[tuple[Any, ...]]]:
    con.execute(sql)
    while batch := con.fetchmany(FETCH_ROWS):
        yield batch


def _excel_value(value: Any) -> Any:
    """A value openpyxl can write: no time zones, no NaN/inf, nested values as text."""
    if value is None or isinstance(value, bool | int | str | Decimal | date | time):
        if isinstance(value, datetime) and value.tzinfo is not None:
            return value.astimezone(UTC).replace(tzinfo=None)
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    return str(value)
