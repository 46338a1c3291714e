"""File exports of the marts: Parquet and CSV per table, and the finance workbook.

``export_marts`` writes ``exports/parquet/<table>.parquet``, ``exports/csv/<table>.csv`` (rows
in ``ORDER BY ALL`` order) and ``exports/cxlink_finance.xlsx``: a README sheet documenting every
column (descriptions from dbt's manifest), then one sheet per finance table that exists. Every
file is written under a temporary name first; only when all of them are written are they
renamed into place, so a failed run leaves the previous exports as they were.
"""

from __future__ import annotations

import contextlib
import math
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
from cxlink.publish.common import (
    Column,
    DataWindow,
    Source,
    catalog_connection,
    data_window,
    list_columns,
    list_tables,
    remove_quietly,
    replace_atomically,
    temp_path,
)
from cxlink.publish.manifest import TableDocs, mart_docs

WORKBOOK_NAME = "cxlink_finance.xlsx"
# Finance sheets, in workbook order; a table that does not exist (yet) is skipped.
FINANCE_TABLES = (
    "cx_revenue_linkage",
    "clv_by_segment",
    "cac_by_channel",
    "mrr_bridge",
    "nps_retention_summary",
    "nps_overall",
)
EXCEL_MAX_ROWS = 1_048_576
FETCH_ROWS = 10_000


@dataclass(frozen=True)
class ExportedFile:
    path: Path
    format: str  # parquet | csv | xlsx
    tables: tuple[str, ...]
    rows: int
    bytes: int


@dataclass
class ExportReport:
    exports_dir: Path
    run_date: date
    window: DataWindow
    files: list[ExportedFile] = field(default_factory=list)
    workbook_sheets: list[str] = field(default_factory=list)
    removed_stale: list[Path] = field(default_factory=list)


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
    """Export every table of ``source``'s ``schema``; see the module docstring.

    ``source``: the published BI copy (its marts are in schema ``main``) or the warehouse
    (schema ``marts``), as a path (opened read-only) or an open connection. Descriptions come
    from ``docs`` or else from the ``manifest_schema`` models of dbt's ``manifest_path``, by
    table name (missing ones are ''). Parquet/CSV files of tables that no longer exist are
    removed.
    """
    exports_dir = Path(exports_dir)
    run_date = run_date or datetime.now(UTC).date()
    docs = dict(docs) if docs is not None else mart_docs(manifest_path, manifest_schema)
    parquet_dir, csv_dir = exports_dir / "parquet", exports_dir / "csv"
    for folder in (parquet_dir, csv_dir):
        folder.mkdir(parents=True, exist_ok=True)
    pending: list[tuple[Path, Path]] = []  # (temporary, final)
    try:
        with catalog_connection(source) as (con, catalog):
            tables = list_tables(con, catalog, schema)
            if not tables:
                raise ValueError(f"nothing to export: schema {schema!r} has no tables")
            window = data_window(con, catalog, schema, tables)
            report = ExportReport(exports_dir, run_date, window)
            for table in tables:
                rows = con.execute(
                    f"select count(*) from {qualified(catalog, schema, table)}"
                ).fetchone()[0]
                ordered = f"select * from {qualified(catalog, schema, table)} order by all"
                for folder, fmt, options in (
                    (parquet_dir, "parquet", "format parquet, compression zstd"),
                    (csv_dir, "csv", "format csv, header true"),
                ):
                    final = folder / f"{table}.{fmt}"
                    temp = _pending(pending, final)
                    con.execute(f"copy ({ordered}) to {quote_literal(str(temp))} ({options})")
                    report.files.append(ExportedFile(final, fmt, (table,), rows, 0))
            sheets = [t for t in finance_tables if t in tables]
            workbook = exports_dir / WORKBOOK_NAME
            rows = _write_workbook(
                con, catalog, schema, sheets, docs, run_date, window, _pending(pending, workbook)
            )
            report.files.append(ExportedFile(workbook, "xlsx", tuple(sheets), rows, 0))
            report.workbook_sheets = ["README", *sheets]
        for temp, final in pending:
            replace_atomically(temp, final)
    except BaseException:
        remove_quietly(*(temp for temp, _ in pending))
        raise
    report.files = [
        ExportedFile(f.path, f.format, f.tables, f.rows, f.path.stat().st_size)
        for f in report.files
    ]
    report.removed_stale = _remove_stale(parquet_dir, csv_dir, tables)
    return report


def _pending(pending: list[tuple[Path, Path]], final: Path) -> Path:
    temp = temp_path(final)
    remove_quietly(temp)
    pending.append((temp, final))
    return temp


def _remove_stale(parquet_dir: Path, csv_dir: Path, tables: list[str]) -> list[Path]:
    """The export folders belong to the pipeline: drop files of marts that no longer exist."""
    removed = []
    for folder, suffix in ((parquet_dir, ".parquet"), (csv_dir, ".csv")):
        for path in sorted(folder.glob(f"*{suffix}")):
            if path.stem not in tables:
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
                    removed.append(path)
    return removed


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
    run_date: date,
    window: DataWindow,
    path: Path,
) -> int:
    """Write the workbook (write-only mode: rows stream to disk); returns the data rows."""
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
    readme.append(["run date", run_date])
    readme.append(["data window (first month)", window.first_month])
    readme.append(["data window (last month)", window.last_month])
    readme.append(["source", "the cxlink marts (the same data as marts.duckdb and exports/)"])
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
    wb.save(path)
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
