"""The finance workbook ``cxlink_finance.xlsx``: a README sheet, then one sheet per finance table.

Every table sheet opens ready: each column formatted by its unit (cell_formats.py: money with
thousands separators and the currency, fractions as percentages, counts as integers, months as
``yyyy-mm``, NPS with one decimal), widths fitted to the content, the header row frozen, the
data an Excel table with filters, the latest period first, intervals beside their estimate,
and print settings that fit the page width (landscape, header row repeated on every page).
The layout rules are in sheet_layout.py. The README sheet holds the version, run date, data
window and reporting currency, what each sheet is, and every column's unit, definition
(its docs/metrics.md section) and description, wrapped.

Written in openpyxl's write-only mode (rows stream to disk; widths come from a first pass over
the rows) and saved with fixed timestamps (stable_zip.py): the same data gives the same bytes.
Text is always stored as text, never as a formula (formula_guard.py).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime, time
from pathlib import Path
from typing import Any

import duckdb
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from cxlink.duckdb_sql import qualified, quote_identifier
from cxlink.publish.common import Column, list_columns
from cxlink.publish.manifest import TableDocs
from cxlink.publish.sheet_cells import (
    BOLD_FACTOR,
    ROW_HEIGHT,
    TOP,
    add_table,
    cell,
    column_width,
    excel_value,
    header_cell,
    header_label,
    new_sheet,
    print_setup,
    shown_length,
    text_lines,
    text_style,
    unique_headers,
    wrapped_lines,
)
from cxlink.publish.sheet_layout import (
    SheetColumn,
    SheetPlan,
    grain,
    group_labels,
    period_columns,
    sheet_columns,
)
from cxlink.publish.stable_zip import save_workbook
from cxlink.publish.workbook_readme import WorkbookFacts, write_readme

__all__ = ["WORKBOOK_NAME", "WorkbookFacts", "write_workbook"]

WORKBOOK_NAME = "cxlink_finance.xlsx"
EXCEL_MAX_ROWS = 1_048_576
FIGURE_TEXT_WRAP = 16  # a transposed sheet's text figures wrap at this width
FETCH_ROWS = 10_000


def _batches(con: duckdb.DuckDBPyConnection, sql: str) -> Iterator[list[tuple[Any, ...]]]:
    con.execute(sql)
    while batch := con.fetchmany(FETCH_ROWS):
        yield batch


def sheet_sql(source: str, columns: Sequence[SheetColumn]) -> str:
    """The sheet's rows: the latest period first (every month or date column descending,
    in column order), then the other columns ascending."""
    periods = period_columns(columns)
    order = [f"{quote_identifier(c.name)} desc nulls last" for c in periods]
    order += [quote_identifier(c.name) for c in columns if c not in periods]
    select = ", ".join(quote_identifier(c.name) for c in columns)
    return f"select {select} from {source} order by {', '.join(order)}"


def table_currency(
    con: duckdb.DuckDBPyConnection, source: str, columns: Sequence[Column], default: str
) -> str:
    """The currency a table's money is in: its ``currency`` column when that holds one code,
    '' (no code shown) when it holds several, else ``default`` (the reporting currency)."""
    if not any(c.name == "currency" for c in columns):
        return default
    codes = con.execute(
        f"select distinct currency from {source} where currency is not null order by 1"
    ).fetchall()
    if len(codes) > 1:
        return ""
    return codes[0][0] if codes else default


def plan_sheet(
    con: duckdb.DuckDBPyConnection,
    catalog: str,
    schema: str,
    table: str,
    docs: TableDocs,
    default_currency: str,
) -> SheetPlan:
    source = qualified(catalog, schema, table)
    columns = list_columns(con, catalog, schema, table)
    currency = table_currency(con, source, columns, default_currency)
    rows = con.execute(f"select count(*) from {source}").fetchone()[0]
    if rows >= EXCEL_MAX_ROWS:
        raise ValueError(
            f"{schema}.{table} has {rows} rows, too many for an Excel sheet; take it out of "
            "the finance tables (it is in the CSV and Parquet exports)"
        )
    return SheetPlan(table, sheet_columns(columns, docs, currency), rows, currency, docs)


def write_workbook(
    con: duckdb.DuckDBPyConnection,
    catalog: str,
    schema: str,
    tables: Sequence[str],
    docs: Mapping[str, TableDocs],
    facts: WorkbookFacts,
    path: Path,
) -> int:
    """Write the workbook of ``tables`` (in that order) to ``path``; returns the data rows."""
    wb = Workbook(write_only=True)
    stamp = datetime.combine(facts.run_date, time())  # reproducible: the run date, not now
    wb.properties.creator = "cxlink"
    wb.properties.title = "cxlink finance workbook"
    wb.properties.created = stamp
    plans = [
        plan_sheet(con, catalog, schema, t, docs.get(t, TableDocs()), facts.currency)
        for t in tables
    ]
    taken: set[str] = set()
    footer = f"cxlink finance workbook, version {facts.version}"
    write_readme(wb, con, catalog, schema, plans, facts, footer, taken)
    total = 0
    for plan in plans:
        source = qualified(catalog, schema, plan.table)
        if plan.transposed:
            _write_figures(wb, con, source, plan, footer, taken)
        else:
            _write_rows(wb, con, source, plan, footer, taken)
        total += plan.rows
    save_workbook(wb, path, stamp)
    return total


def _write_rows(
    wb: Workbook,
    con: duckdb.DuckDBPyConnection,
    source: str,
    plan: SheetPlan,
    footer: str,
    taken: set[str],
) -> None:
    """One row per grain, the latest period first; widths from a first pass over the rows."""
    columns = plan.columns
    sql = sheet_sql(source, columns)
    content = [0] * len(columns)
    for batch in _batches(con, sql):
        for row in batch:
            for i, value in enumerate(row):
                value = excel_value(value)
                if value is not None:
                    content[i] = max(content[i], shown_length(columns[i].format, value))

    ws = new_sheet(wb, plan.table)
    headers = unique_headers([header_label(c.name) for c in columns])
    widths = [
        column_width(n, h) + (0 if c.format.numeric else 1)  # text is indented by one
        for n, h, c in zip(content, headers, columns, strict=True)
    ]
    for i, (column, width) in enumerate(zip(columns, widths, strict=True), 1):
        dimension = ws.column_dimensions[get_column_letter(i)]
        dimension.width = width
        if column.supporting:
            dimension.outlineLevel = 1
            dimension.hidden = True
    keys = min(len(grain(columns)), 3)  # frozen with the header: the row's period and names
    ws.freeze_panes = f"{get_column_letter(keys + 1)}2"
    header_lines = max(
        wrapped_lines(h, w, BOLD_FACTOR) for h, w in zip(headers, widths, strict=True)
    )
    ws.row_dimensions[1].height = ROW_HEIGHT * min(header_lines, 4)
    shown = sum(w for w, c in zip(widths, columns, strict=True) if not c.supporting)
    print_setup(ws, "1:1", footer, shown, plan.rows + header_lines)

    ws.append([header_cell(ws, h, c.format.numeric) for h, c in zip(headers, columns, strict=True)])
    written = 1
    for batch in _batches(con, sql):
        for row in batch:
            values = [excel_value(v) for v in row]
            written += 1
            lines = max(
                text_lines(c.format, v, w) for c, v, w in zip(columns, values, widths, strict=True)
            )
            if lines > 1:
                ws.row_dimensions[written].height = ROW_HEIGHT * lines
            ws.append(
                [
                    cell(ws, v, c.format.number_format, **text_style(c.format, v, w))
                    for v, c, w in zip(values, columns, widths, strict=True)
                ]
            )
    add_table(ws, plan.table, headers, plan.rows, taken)


def _write_figures(
    wb: Workbook,
    con: duckdb.DuckDBPyConnection,
    source: str,
    plan: SheetPlan,
    footer: str,
    taken: set[str],
) -> None:
    """One row per figure, one column per grain (see sheet_layout.py)."""
    rows = con.execute(sheet_sql(source, plan.columns)).fetchall()
    labels = unique_headers(["figure", *group_labels(plan, rows)])[1:]
    keys = {c.name for c in plan.keys}
    figures = [(i, c) for i, c in enumerate(plan.columns) if c.name not in keys]

    name_width = column_width(max(len(c.name) for _, c in figures))
    value_widths = []
    for j, row in enumerate(rows):
        # a group's column is as wide as its numbers: text figures wrap in it
        rendered = [
            shown_length(c.format, v, FIGURE_TEXT_WRAP)
            for i, c in figures
            if (v := excel_value(row[i])) is not None
        ]
        value_widths.append(column_width(max(rendered, default=0), labels[j]))

    ws = new_sheet(wb, plan.table)
    ws.column_dimensions["A"].width = name_width
    for j, width in enumerate(value_widths, 2):
        ws.column_dimensions[get_column_letter(j)].width = width
    wrapped: set[int] = set()  # figures whose row is taller: their name at its top
    for r, (i, column) in enumerate(figures, 2):
        if column.supporting:
            ws.row_dimensions[r].outlineLevel = 1
            ws.row_dimensions[r].hidden = True
        lines = max(
            (
                text_lines(column.format, excel_value(row[i]), w)
                for row, w in zip(rows, value_widths, strict=True)
            ),
            default=1,
        )
        if lines > 1:
            wrapped.add(i)
            ws.row_dimensions[r].height = ROW_HEIGHT * lines
    header_lines = max(
        (wrapped_lines(t, w, BOLD_FACTOR) for t, w in zip(labels, value_widths, strict=True)),
        default=1,
    )
    ws.row_dimensions[1].height = ROW_HEIGHT * min(header_lines, 4)
    ws.freeze_panes = "B2"
    shown_rows = sum(not c.supporting for _, c in figures) + header_lines
    width = name_width + sum(value_widths)
    print_setup(ws, "1:1", footer, width, shown_rows, title_cols="A:A")

    ws.append([header_cell(ws, "figure"), *(header_cell(ws, t, right=True) for t in labels)])
    for i, column in figures:
        values = [excel_value(row[i]) for row in rows]
        ws.append(
            [
                cell(ws, header_label(column.name), **({"alignment": TOP} if i in wrapped else {})),
                *(
                    cell(ws, v, column.format.number_format, **text_style(column.format, v, w))
                    for v, w in zip(values, value_widths, strict=True)
                ),
            ]
        )
    add_table(ws, plan.table, ["figure", *labels], len(figures), taken)
