"""The workbook's README sheet: what the set is (version, run date, data window, as-of date,
reporting currency, interval level), how to read it, what each sheet holds and its definition,
and every column once, with the sheets that have it, its unit, its definition (the
docs/metrics.md section its dbt description names, or else its table's), its description
(wrapped) and whether it adds up across one period's rows.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb
from openpyxl import Workbook
from openpyxl.styles import Alignment

from cxlink.duckdb_sql import qualified, quote_identifier
from cxlink.publish.common import DataWindow
from cxlink.publish.sheet_cells import (
    BOLD,
    ROW_HEIGHT,
    TEXT_FACTOR,
    TITLE,
    TOP,
    WRAP,
    add_table,
    cell,
    header_cell,
    new_sheet,
    print_setup,
    wrapped_lines,
)
from cxlink.publish.sheet_layout import SheetPlan

METRICS_DOC = "docs/metrics.md"


@dataclass(frozen=True)
class WorkbookFacts:
    """What the README sheet states about the whole set."""

    version: str
    run_date: date
    window: DataWindow
    currency: str


def metrics_sections(text: str) -> list[str]:
    """The docs/metrics.md sections a description names: one (``docs/metrics.md "CLV and
    CAC"``) or several, a quoted name each, separated by commas or 'and'."""
    found: list[str] = []
    pattern = re.escape(METRICS_DOC) + r'\s*((?:"[^"]+"(?:\s*(?:,|and)\s*)?)+)'
    for match in re.finditer(pattern, text):
        for quoted in re.findall(r'"([^"]+)"', match.group(1)):
            section = " ".join(quoted.split())  # a yml description may break a name's line
            if section not in found:
                found.append(section)
    return found


def first_sentence(text: str) -> str:
    """The first sentence of a dbt description (the README's summary of a sheet; the whole
    text is in the dbt docs): up to the first '.' outside parentheses followed by a capital
    letter or the end."""
    depth = 0
    for i, char in enumerate(text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "." and depth <= 0 and re.match(r"\s+[A-Z]|\s*$", text[i + 1 :]):
            return text[: i + 1]
    return text


def definition_text(sections: Sequence[str]) -> str:
    """The README's definition cell: the docs/metrics.md section names (its headings)."""
    return "; ".join(sections)


README_WIDTHS = {"A": 32, "B": 34, "C": 14, "D": 44, "E": 90, "F": 10}
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
            cell(self.ws, t, f, alignment=WRAP if isinstance(t, str) else TOP)
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


def write_readme(
    wb: Workbook,
    con: duckdb.DuckDBPyConnection,
    catalog: str,
    schema: str,
    plans: Sequence[SheetPlan],
    facts: WorkbookFacts,
    footer: str,
    taken: set[str],
) -> None:
    ws = new_sheet(wb, "README")
    for letter, width in README_WIDTHS.items():
        ws.column_dimensions[letter].width = width
    print_setup(ws, None, footer, sum(README_WIDTHS.values()), 0)  # wide: landscape
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
        (
            "source",
            "the cxlink marts: the same version as cxlink_bi.duckdb's meta.publish_info",
            None,
        ),
    ]
    rows.append([cell(ws, "cxlink finance workbook", font=TITLE)], lines=2)
    left = Alignment(horizontal="left", indent=1)
    for label, value, fmt in facts_rows:
        rows.append([cell(ws, label, font=BOLD), cell(ws, value, fmt, alignment=left)])
    rows.append([])
    rows.append([cell(ws, "How to read it", font=BOLD)])
    for note in README_NOTES:  # one line each, running over the empty cells to its right
        rows.append([cell(ws, note)])

    rows.append([])
    rows.append([cell(ws, "Sheets", font=BOLD)])
    headers = [
        "sheet",
        "one row per",
        "rows",
        "definition (docs/metrics.md section)",
        "summary (in full: the dbt docs)",
    ]
    ws._table_top = rows.append([header_cell(ws, h) for h in headers])
    for plan in plans:
        keys = " x ".join(c.name for c in plan.keys)
        if plan.transposed:
            what = f"figure; one column per {keys}" if keys else "figure (one row)"
        else:
            what = keys or "row"
        sections = definition_text(metrics_sections(plan.docs.description))
        summary = first_sentence(plan.docs.description)
        rows.wrapped([plan.table, what, plan.rows, sections, summary], [None, None, "#,##0"])
    if not plans:
        rows.append([])
    add_table(ws, "sheets", headers, len(plans), taken)

    rows.append([])
    rows.append([cell(ws, "Columns", font=BOLD)])
    headers = ["sheets", "column", "unit", "definition (docs/metrics.md section)", "description"]
    headers.append("additive")
    ws._table_top = rows.append([header_cell(ws, h) for h in headers])
    entries = column_entries(plans)
    for (name, unit, sections, description, additive), tables in entries.items():
        rows.wrapped([", ".join(tables), name, unit, sections, description, additive])
    count = len(entries)
    add_table(ws, "columns", headers, count, taken)
