"""The building blocks of the workbook's sheets (openpyxl write-only mode): cells, headers,
column widths and wrapped row heights, Excel tables, print settings.

Widths are in Excel's unit, the width of a digit of the default font (11-point Calibri;
LibreOffice uses the metric-compatible Carlito). Lowercase text is narrower, bold text wider:
``TEXT_FACTOR`` and ``BOLD_FACTOR`` turn a text's length into digit widths, measured on
LibreOffice's PDF rendering of the demo workbook.
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Sequence
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.filters import AutoFilter
from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo

from cxlink.publish.cell_formats import CellFormat
from cxlink.publish.formula_guard import starts_like_formula

MIN_WIDTH, MAX_WIDTH = 6, 60  # column widths, in characters
HEADER_WRAP = 12  # a header longer than its column's content wraps at this width, at most
BOLD_FACTOR = 1.15  # a bold lowercase letter, in digit widths (what LibreOffice and Excel show)
TEXT_FACTOR = 0.86  # a regular one
ROW_HEIGHT = 15.0  # points per line of 11-point text (Excel's; LibreOffice needs less)
TABLE_STYLE = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)

# The printable area of a Letter page (the smaller of Letter and A4 each way) inside the
# margins below: width in characters, height in points.
PAGES = {"portrait": (100, 640), "landscape": (135, 470)}
MIN_PRINT_SCALE = 0.6  # below this a fitted page's 11-point text is too small to read
FONT = "Calibri"  # the workbook's default font, named: an unnamed bold font prints as a serif
BOLD = Font(name=FONT, bold=True)
TITLE = Font(name=FONT, bold=True, size=14)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
HEADER_BORDER = Border(bottom=Side(style="thin", color="4472C4"))
HEADER_ALIGN = Alignment(wrap_text=True, vertical="bottom", indent=1)
TEXT_ALIGN = Alignment(indent=1)  # text after a right-aligned number keeps a gap
TEXT_WRAPPED = Alignment(indent=1, wrap_text=True, vertical="top")
TEXT_WRAP = 30  # text longer than this wraps in its cell rather than widening the column
HEADER_RIGHT = Alignment(wrap_text=True, vertical="bottom", horizontal="right")
WRAP = Alignment(wrap_text=True, vertical="top", indent=1)
TOP = Alignment(vertical="top")


def excel_value(value: Any) -> Any:
    """A value openpyxl can write: no time zones, no NaN/inf, nested values as text."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).replace(tzinfo=None)
    if value is None or isinstance(value, bool | int | str | Decimal | date | time):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    return str(value)


def cell(ws: Any, value: Any, number_format: str | None = None, **style: Any) -> Any:
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


def header_cell(ws: Any, value: str, right: bool = False) -> Any:
    """A header cell: bold, shaded, wrapped; right-aligned above numbers."""
    return cell(
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


def unique_headers(headers: Sequence[str]) -> list[str]:
    """``headers`` made unique ignoring case, as an Excel table needs (a repeat gets ' (2)')."""
    seen: set[str] = set()
    unique = []
    for header in headers:
        candidate, n = header, 1
        while candidate.lower() in seen:
            n += 1
            candidate = f"{header} ({n})"
        seen.add(candidate.lower())
        unique.append(candidate)
    return unique


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


def column_width(content: int, header: str = "") -> float:
    """A column width: its content's, or up to ``HEADER_WRAP`` for its (bold) header, which
    wraps between words beyond that; never below the header's longest word."""
    words = [len(w) * BOLD_FACTOR for w in header.split()]
    wanted = max(content, min(len(header) * BOLD_FACTOR, HEADER_WRAP), *words, 0)
    return float(min(MAX_WIDTH, max(MIN_WIDTH, math.ceil(wanted) + 2)))


def table_name(name: str, taken: set[str]) -> str:
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


def add_table(ws: Any, name: str, headers: Sequence[str], rows: int, taken: set[str]) -> None:
    """An Excel table with filters over the header and ``rows`` data rows (at least one row,
    as Excel requires). Column names are given explicitly: write-only sheets cannot be read
    back for them."""
    last = get_column_letter(len(headers))
    ref = f"A{ws._table_top}:{last}{ws._table_top + max(rows, 1)}"
    table = Table(
        displayName=table_name(name, taken),
        ref=ref,
        autoFilter=AutoFilter(ref=ref),
        tableStyleInfo=TABLE_STYLE,
        # the header cells' text exactly (cell() drops the characters XML cannot hold)
        tableColumns=[
            TableColumn(id=i, name=ILLEGAL_CHARACTERS_RE.sub("", h))
            for i, h in enumerate(headers, 1)
        ],
    )
    with warnings.catch_warnings():
        # openpyxl warns on every write-only table: the columns above are what it asks for
        warnings.filterwarnings("ignore", "In write-only mode", UserWarning)
        ws.add_table(table)


def orientation(width: float, rows: int) -> str:
    """The orientation that prints ``rows`` rows of a sheet ``width`` characters wide on the
    fewest pages, fitted to the page width, among those that keep the text at
    ``MIN_PRINT_SCALE`` or more (landscape when neither does: the larger text)."""
    options = []
    for name, (page_width, page_height) in PAGES.items():
        scale = min(1.0, page_width / max(width, 1.0))
        pages = math.ceil(rows * ROW_HEIGHT * scale / page_height)
        # ties: the larger text, then portrait (a short list reads down a portrait page)
        options.append((scale < MIN_PRINT_SCALE, pages, -scale, name == "landscape", name))
    too_small, *_, best = min(options)
    return "landscape" if too_small else best


def print_setup(
    ws: Any,
    title_rows: str | None,
    footer: str,
    width: float,
    rows: int,
    title_cols: str | None = None,
) -> None:
    """The page width fitted (as many pages down as needed), in the orientation that needs
    the fewest pages (``orientation``); header rows (and key columns) repeated on every page;
    the version, the sheet and the page number in the footer."""
    ws.page_setup.orientation = orientation(width, rows)
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


def new_sheet(wb: Workbook, title: str) -> Any:
    ws = wb.create_sheet(title[:31])  # Excel's sheet-name limit
    ws._table_top = 1
    return ws


def shown_length(fmt: CellFormat, value: Any, wrap: int = TEXT_WRAP) -> int:
    """The characters a value needs for its column's width (in format ``fmt``): a text longer than ``wrap``
    counts as ``wrap`` (it wraps instead of widening the column)."""
    length = len(fmt.render(value))
    return length if fmt.numeric else min(length, wrap)


def text_lines(fmt: CellFormat, value: Any, width: float) -> int:
    """Lines a text value wraps to in its column (1 for numbers and short text)."""
    if fmt.numeric or not isinstance(value, str):
        return 1
    return wrapped_lines(value, width - 1, TEXT_FACTOR)


def text_style(fmt: CellFormat, value: Any = None, width: float = 0) -> dict[str, Any]:
    """A text cell is indented (a gap after the number to its left) and, when longer than
    its column, wrapped."""
    if fmt.numeric:
        return {}
    wraps = text_lines(fmt, value, width) > 1
    return {"alignment": TEXT_WRAPPED if wraps else TEXT_ALIGN}
