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

import math
import re
import warnings
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.filters import AutoFilter
from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo

from cxlink.duckdb_sql import qualified, quote_identifier
from cxlink.publish.cell_formats import CellFormat
from cxlink.publish.common import Column, DataWindow, list_columns
from cxlink.publish.formula_guard import starts_like_formula
from cxlink.publish.manifest import TableDocs
from cxlink.publish.sheet_layout import (
    SheetColumn,
    grain,
    is_time_series,
    period_columns,
    sheet_columns,
    transposed,
)
from cxlink.publish.stable_zip import save_workbook

WORKBOOK_NAME = "cxlink_finance.xlsx"
EXCEL_MAX_ROWS = 1_048_576
FETCH_ROWS = 10_000
MIN_WIDTH, MAX_WIDTH = 6, 60  # column widths, in characters
HEADER_WRAP = 12  # a header longer than its column's content wraps at this width, at most
BOLD_FACTOR = 1.15  # a bold lowercase letter, in digit widths (what LibreOffice and Excel show)
TEXT_FACTOR = 0.82  # a regular one
ROW_HEIGHT = 14.5  # points per line of 11-point text
TABLE_STYLE = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
METRICS_DOC = "docs/metrics.md"

BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
HEADER_BORDER = Border(bottom=Side(style="thin", color="4472C4"))
HEADER_ALIGN = Alignment(wrap_text=True, vertical="bottom")
HEADER_RIGHT = Alignment(wrap_text=True, vertical="bottom", horizontal="right")
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")


@dataclass(frozen=True)
class WorkbookFacts:
    """What the README sheet states about the whole set."""

    version: str
    run_date: date
    window: DataWindow
    currency: str


@dataclass
class SheetPlan:
    table: str
    columns: list[SheetColumn]
    rows: int
    currency: str
    docs: TableDocs

    @property
    def transposed(self) -> bool:
        return transposed(self.columns, self.rows)

    @property
    def keys(self) -> list[SheetColumn]:
        return grain(self.columns)


def metrics_sections(text: str) -> list[str]:
    """The docs/metrics.md sections a description names: ``docs/metrics.md "CLV and CAC"``,
    or several: ``docs/metrics.md "A", "B" and "C"``."""
    found: list[str] = []
    pattern = re.escape(METRICS_DOC) + r'\s*((?:"[^"]+"(?:\s*(?:,|and)\s*)?)+)'
    for match in re.finditer(pattern, text):
        for section in re.findall(r'"([^"]+)"', match.group(1)):
            if section not in found:
                found.append(section)
    return found


def section_anchor(section: str) -> str:
    """GitHub's anchor of a heading: ``Subscription revenue (MRR) metrics`` ->
    ``subscription-revenue-mrr-metrics``."""
    return re.sub(r"[^\w\- ]", "", section.lower()).replace(" ", "-")


def definition_text(sections: Sequence[str]) -> str:
    return "; ".join(f'"{s}" ({METRICS_DOC}#{section_anchor(s)})' for s in sections)


def excel_value(value: Any) -> Any:
    """A value openpyxl can write: no time zones, no NaN/inf, nested values as text."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).replace(tzinfo=None)
    if value is None or isinstance(value, bool | int | str | Decimal | date | time):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    return str(value)


def _cell(ws: Any, value: Any, number_format: str | None = None, **style: Any) -> Any:
    """A write-only cell. A string is always a text cell: openpyxl would store one starting
    with '=' as a formula; a text that starts like one also gets Excel's quote prefix, so
    editing the cell keeps it text."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
        if starts_like_formula(value):
            cell.quotePrefix = True
    if number_format is not None and value is not None:
        cell.number_format = number_format
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def _header(ws: Any, value: str, right: bool = False) -> Any:
    """A header cell: bold, shaded, wrapped; right-aligned above numbers."""
    return _cell(
        ws,
        value,
        font=BOLD,
        fill=HEADER_FILL,
        border=HEADER_BORDER,
        alignment=HEADER_RIGHT if right else HEADER_ALIGN,
    )


def header_label(name: str) -> str:
    """A column's header on its sheet: its name with spaces for underscores, so that it wraps
    between words (``new_customers`` -> ``new customers``; the README lists both)."""
    return name.replace("_", " ")


def wrapped_lines(text: str, width: float, factor: float = 1.0) -> int:
    """Lines ``text`` takes in a column ``width`` characters wide, wrapped between words (a
    longer word is broken); ``factor``: how much wider than a digit a character is on
    average (bold headers: BOLD_FACTOR)."""
    room = max(1.0, width - 1)
    lines = 0
    for paragraph in text.split("\n"):
        lines += 1
        used = 0.0
        for word in paragraph.split():
            size = len(word) * factor
            gap = factor if used else 0.0
            if used + gap + size <= room:
                used += gap + size
                continue
            if used:
                lines += 1
            while size > room:  # a word longer than a line is broken
                lines += 1
                size -= room
            used = size
    return lines


def _width(content: int, header: str = "") -> float:
    """A column width: its content's, or up to ``HEADER_WRAP`` for its (bold) header, which
    wraps between words beyond that; never below the header's longest word."""
    words = [len(w) * BOLD_FACTOR for w in header.split()]
    wanted = max(content, min(len(header) * BOLD_FACTOR, HEADER_WRAP), *words, 0)
    return float(min(MAX_WIDTH, max(MIN_WIDTH, math.ceil(wanted) + 2)))


def _table_name(name: str, taken: set[str]) -> str:
    """An Excel table name: letters, digits and '_', not a cell reference, unique."""
    base = re.sub(r"\W", "_", name) or "table"
    if not re.match(r"[A-Za-z_]", base) or re.fullmatch(r"[A-Za-z]{1,3}\d+|[RrCc]", base):
        base = "t_" + base
    candidate, n = base, 1
    while candidate.lower() in taken:
        n += 1
        candidate = f"{base}_{n}"
    taken.add(candidate.lower())
    return candidate


def _add_table(ws: Any, name: str, headers: Sequence[str], rows: int, taken: set[str]) -> None:
    """An Excel table with filters over the header and ``rows`` data rows (at least one row,
    as Excel requires). Column names are given explicitly: write-only sheets cannot be read
    back for them."""
    last = get_column_letter(len(headers))
    ref = f"A{ws._table_top}:{last}{ws._table_top + max(rows, 1)}"
    table = Table(
        displayName=_table_name(name, taken),
        ref=ref,
        autoFilter=AutoFilter(ref=ref),
        tableStyleInfo=TABLE_STYLE,
        tableColumns=[TableColumn(id=i, name=h) for i, h in enumerate(headers, 1)],
    )
    with warnings.catch_warnings():
        # openpyxl warns on every write-only table: the columns above are what it asks for
        warnings.filterwarnings("ignore", "In write-only mode", UserWarning)
        ws.add_table(table)


def _print_setup(
    ws: Any, title_rows: str | None, footer: str, title_cols: str | None = None
) -> None:
    """Landscape, the page width fitted (as many pages down as needed), header rows (and key
    columns) repeated on every page, the sheet and page number in the footer."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.print_options.horizontalCentered = False
    if title_rows:
        ws.print_title_rows = title_rows
    if title_cols:
        ws.print_title_cols = title_cols
    ws.oddFooter.left.text = footer
    ws.oddFooter.left.size = 8
    ws.oddFooter.right.text = "&A, page &P of &N"
    ws.oddFooter.right.size = 8


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
    _write_readme(wb, con, catalog, schema, plans, facts, footer, taken)
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


def _new_sheet(wb: Workbook, title: str) -> Any:
    ws = wb.create_sheet(title[:31])  # Excel's sheet-name limit
    ws._table_top = 1
    return ws


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
                    content[i] = max(content[i], len(columns[i].format.render(value)))

    ws = _new_sheet(wb, plan.table)
    widths = [_width(n, header_label(c.name)) for n, c in zip(content, columns, strict=True)]
    for i, (column, width) in enumerate(zip(columns, widths, strict=True), 1):
        dimension = ws.column_dimensions[get_column_letter(i)]
        dimension.width = width
        if column.supporting:
            dimension.outlineLevel = 1
            dimension.hidden = True
    keys = len(grain(columns)) if is_time_series(columns) or grain(columns) else 0
    keys = min(keys, 3)
    ws.freeze_panes = f"{get_column_letter(keys + 1)}2"
    header_lines = max(
        wrapped_lines(header_label(c.name), w, BOLD_FACTOR)
        for c, w in zip(columns, widths, strict=True)
    )
    ws.row_dimensions[1].height = ROW_HEIGHT * min(header_lines, 4)
    _print_setup(ws, "1:1", footer)

    ws.append([_header(ws, header_label(c.name), c.format.numeric) for c in columns])
    for batch in _batches(con, sql):
        for row in batch:
            ws.append(
                [
                    _cell(ws, excel_value(v), c.format.number_format)
                    for v, c in zip(row, columns, strict=True)
                ]
            )
    _add_table(ws, plan.table, [header_label(c.name) for c in columns], plan.rows, taken)


def group_labels(plan: SheetPlan, rows: Sequence[tuple[Any, ...]]) -> list[str]:
    """The column header of each row of a transposed sheet: its grain's values joined by
    ' · ' (more columns are added while two rows would read the same)."""
    names = [c.name for c in plan.columns]
    keys = [names.index(c.name) for c in plan.keys]
    others = [i for i in range(len(names)) if i not in keys]

    def label(row: tuple[Any, ...], used: list[int]) -> str:
        parts = []
        for i in used:
            column, value = plan.columns[i], excel_value(row[i])
            text = "" if value is None else column.format.render(value)
            parts.append(text if i in keys else f"{column.name} {text}")
        return " · ".join(parts) or "value"

    used = list(keys)
    labels = [label(r, used) for r in rows]
    for extra in others:
        if len({s.lower() for s in labels}) == len(labels):
            break
        used.append(extra)
        labels = [label(r, used) for r in rows]
    if len({s.lower() for s in labels}) < len(labels):
        labels = [f"{text} #{n}" for n, text in enumerate(labels, 1)]
    return labels


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
    labels = group_labels(plan, rows)
    keys = {c.name for c in plan.keys}
    figures = [(i, c) for i, c in enumerate(plan.columns) if c.name not in keys]

    name_width = _width(max(len(c.name) for _, c in figures))
    value_widths = []
    for j, row in enumerate(rows):
        rendered = [
            len(c.format.render(v)) for i, c in figures if (v := excel_value(row[i])) is not None
        ]
        value_widths.append(_width(max(rendered, default=0), labels[j]))

    ws = _new_sheet(wb, plan.table)
    ws.column_dimensions["A"].width = name_width
    for j, width in enumerate(value_widths, 2):
        ws.column_dimensions[get_column_letter(j)].width = width
    for r, (_, column) in enumerate(figures, 2):
        if column.supporting:
            ws.row_dimensions[r].outlineLevel = 1
            ws.row_dimensions[r].hidden = True
    header_lines = max(
        (wrapped_lines(t, w, BOLD_FACTOR) for t, w in zip(labels, value_widths, strict=True)),
        default=1,
    )
    ws.row_dimensions[1].height = ROW_HEIGHT * min(header_lines, 4)
    ws.freeze_panes = "B2"
    _print_setup(ws, "1:1", footer, title_cols="A:A")

    ws.append([_header(ws, "figure"), *(_header(ws, t, right=True) for t in labels)])
    for i, column in figures:
        fmt: CellFormat = column.format
        ws.append(
            [
                _cell(ws, header_label(column.name)),
                *(_cell(ws, excel_value(row[i]), fmt.number_format) for row in rows),
            ]
        )
    _add_table(ws, plan.table, ["figure", *labels], len(figures), taken)


README_WIDTHS = {"A": 28, "B": 34, "C": 14, "D": 40, "E": 90, "F": 10}
README_NOTES = (
    "Each sheet is one table of the marts at one grain: totals and detail are on separate "
    "sheets (a column adds up to its total only within one period).",
    "Time series list the latest period first. Wide snapshots are transposed: one row per "
    "figure, one column per group.",
    "Intervals (ci_low, ci_high) sit beside their estimate; standard errors and ci_z are "
    "grouped and hidden: the + above the columns (or left of the rows) shows them.",
    "Money is in the reporting currency, rates are percentages, NPS is in points "
    "(-100..100); each figure's definition is the docs/metrics.md section named below.",
)


class _Rows:
    """Appends rows to a write-only sheet, counting them (row heights must be set before a
    row is written)."""

    def __init__(self, ws: Any) -> None:
        self.ws, self.count = ws, 0

    def append(self, cells: list[Any], lines: int = 1) -> int:
        self.count += 1
        if lines > 1:
            self.ws.row_dimensions[self.count].height = ROW_HEIGHT * lines
        self.ws.append(cells)
        return self.count

    def wrapped(self, texts: Sequence[Any], formats: Sequence[str | None] = ()) -> int:
        """A row of top-aligned cells, long text wrapped, its height from the longest."""
        letters = list(README_WIDTHS)
        lines = max(
            wrapped_lines(str(t or ""), README_WIDTHS[letters[i]], TEXT_FACTOR)
            for i, t in enumerate(texts)
        )
        formats = list(formats) + [None] * (len(texts) - len(formats))
        cells = [
            _cell(self.ws, t, f, alignment=WRAP if isinstance(t, str) else TOP)
            for t, f in zip(texts, formats, strict=True)
        ]
        return self.append(cells, lines)


def _distinct(
    con: duckdb.DuckDBPyConnection,
    catalog: str,
    schema: str,
    plans: Sequence[SheetPlan],
    column: str,
) -> list[Any]:
    """The distinct non-null values of ``column`` over the finance tables that have it."""
    values: set[Any] = set()
    for plan in plans:
        if any(c.name == column for c in plan.columns):
            source = qualified(catalog, schema, plan.table)
            name = quote_identifier(column)
            rows = con.execute(f"select distinct {name} from {source} where {name} is not null")
            values |= {r[0] for r in rows.fetchall()}
    return sorted(values)


def confidence_text(zs: Sequence[float]) -> str:
    """The intervals' level from the tables' ``ci_z`` values: '95% two-sided (z = 1.96)'."""
    if len(zs) != 1:
        return "as each sheet's ci_z says" if zs else ""
    z = float(zs[0])
    return f"{math.erf(z / math.sqrt(2)):.0%} two-sided (z = {z:g})"


def column_entries(
    plans: Sequence[SheetPlan],
) -> dict[tuple[str, str, str, str, str], list[str]]:
    """The README's column rows: (column, unit, definition, description, additive) -> the
    sheets that have that column so documented (the CLV sheets share most columns: listed
    once), in sheet order."""
    entries: dict[tuple[str, str, str, str, str], list[str]] = {}
    for plan in plans:
        table_sections = metrics_sections(plan.docs.description)
        for column in plan.columns:
            description = plan.docs.column(column.name)
            sections = metrics_sections(description) or table_sections
            unit = column.unit
            if unit == "money" and plan.currency:
                unit = f"money ({plan.currency})"
            additive = "yes" if plan.docs.is_additive(column.name) else ""
            key = (column.name, unit, definition_text(sections), description, additive)
            entries.setdefault(key, []).append(plan.table)
    return entries


def _write_readme(
    wb: Workbook,
    con: duckdb.DuckDBPyConnection,
    catalog: str,
    schema: str,
    plans: Sequence[SheetPlan],
    facts: WorkbookFacts,
    footer: str,
    taken: set[str],
) -> None:
    ws = _new_sheet(wb, "README")
    for letter, width in README_WIDTHS.items():
        ws.column_dimensions[letter].width = width
    _print_setup(ws, None, footer)
    rows = _Rows(ws)
    window = facts.window
    as_of = _distinct(con, catalog, schema, plans, "as_of_date")
    zs = _distinct(con, catalog, schema, plans, "ci_z")
    facts_rows: list[tuple[str, Any, str | None]] = [
        ("version", facts.version, None),
        ("run date", facts.run_date, "yyyy-mm-dd"),
        ("data window (first month)", window.first_month, "yyyy-mm"),
        ("data window (last month)", window.last_month, "yyyy-mm"),
        ("as of date", as_of[-1] if as_of else None, "yyyy-mm-dd"),
        ("reporting currency", facts.currency, None),
        ("intervals", confidence_text(sorted({round(float(z), 6) for z in zs})), None),
        ("source", "the cxlink marts: the same version as marts.duckdb's meta.publish_info", None),
    ]
    rows.append([_cell(ws, "cxlink finance workbook", font=TITLE)], lines=2)
    left = Alignment(horizontal="left")
    for label, value, fmt in facts_rows:
        rows.append([_cell(ws, label, font=BOLD), _cell(ws, value, fmt, alignment=left)])
    rows.append([])
    rows.append([_cell(ws, "How to read it", font=BOLD)])
    for note in README_NOTES:  # one line each, running over the empty cells to its right
        rows.append([_cell(ws, note)])

    rows.append([])
    rows.append([_cell(ws, "Sheets", font=BOLD)])
    headers = ["sheet", "one row per", "rows", "definition (docs/metrics.md)", "what it holds"]
    ws._table_top = rows.append([_header(ws, h) for h in headers])
    for plan in plans:
        keys = " x ".join(c.name for c in plan.keys)
        what = f"figure; one column per {keys or 'row'}" if plan.transposed else keys or "row"
        sections = definition_text(metrics_sections(plan.docs.description))
        rows.wrapped(
            [plan.table, what, plan.rows, sections, plan.docs.description], [None, None, "#,##0"]
        )
    if not plans:
        rows.append([])
    _add_table(ws, "sheets", headers, len(plans), taken)

    rows.append([])
    rows.append([_cell(ws, "Columns", font=BOLD)])
    headers = ["sheets", "column", "unit", "definition (docs/metrics.md)", "description"]
    headers.append("additive")
    ws._table_top = rows.append([_header(ws, h) for h in headers])
    entries = column_entries(plans)
    for (name, unit, sections, description, additive), tables in entries.items():
        rows.wrapped([", ".join(tables), name, unit, sections, description, additive])
    count = len(entries)
    _add_table(ws, "columns", headers, count, taken)
