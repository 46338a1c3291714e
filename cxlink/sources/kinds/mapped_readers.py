"""Reading one export file of the ``mapped_file`` kind into records: CSV (any delimiter and
encoding), XLSX (one sheet), a JSON array or JSON Lines.

Nothing is interpreted here: cells keep the value the file holds (text for CSV; text, numbers,
datetimes for XLSX; JSON values for JSON). ``mapped_values.py`` turns them into contract text.
A file that cannot be read at all raises ``ExportError`` with the problem and the fix.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BOM_UTF8 = codecs.BOM_UTF8
BOMS_UTF16 = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


class ExportError(Exception):
    """The file cannot be read; the message says what is wrong and what to set."""


@dataclass(frozen=True)
class Record:
    number: int  # the spreadsheet row (CSV/XLSX, header and skipped rows counted) or the record's
    # 1-based position (JSON array, JSON Lines line)
    values: dict[str, Any] = field(default_factory=dict)
    problem: str | None = None  # the record is malformed (wrong field count, not an object)
    text: str | None = None  # the malformed record as written


@dataclass(frozen=True)
class Export:
    header: list[str] | None  # column names (CSV/XLSX); None for JSON, whose keys vary by record
    records: list[Record]
    unit: str  # how a record is named in messages: "row" or "record"
    epoch: Any = None  # XLSX: the workbook's date epoch, for serial-number dates


@dataclass(frozen=True)
class Layout:
    format: str  # csv | xlsx | json | jsonl
    encoding: str = "utf-8"
    delimiter: str = ","
    quotechar: str = '"'
    skip_rows: int = 0  # rows above the header
    skip_footer: int = 0  # rows after the last record (totals, "exported by ...")
    sheet: str | None = None
    records_path: str | None = None


def decode(data: bytes, encoding: str) -> str:
    """The file's text. A BOM decides (UTF-8 or UTF-16, stripped); otherwise ``encoding``."""
    if data.startswith(BOM_UTF8):
        data, encoding = data[len(BOM_UTF8) :], "utf-8"
    elif data.startswith(BOMS_UTF16):
        encoding = "utf-16"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise ExportError(_decode_problem(data, encoding, exc)) from None
    single_byte = codecs.lookup(encoding).name in ("cp1252", "iso8859-1", "iso8859-15")
    if single_byte and _is_utf8_text(data):
        raise ExportError(
            f"the file is UTF-8 text but encoding is {encoding}: its umlauts and accents would "
            "be read as two wrong characters each (Ã¤ for ä); set `encoding: utf-8`"
        )
    return text


def _is_utf8_text(data: bytes) -> bool:
    if data.isascii():
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _decode_problem(data: bytes, encoding: str, exc: UnicodeDecodeError) -> str:
    line = data[: exc.start].count(b"\n") + 1
    where = f"byte 0x{data[exc.start]:02x} on line {line}"
    for candidate in ("cp1252", "latin-1"):
        try:
            data.decode(candidate)
        except UnicodeDecodeError:
            continue
        return (
            f"not valid {encoding} text ({where}); it looks like a Windows/Excel export: set "
            f"`encoding: {candidate}` in the source's options"
        )
    return f"not valid {encoding} text ({where}); set `encoding:` to the file's encoding"


def read_export(path: Path, layout: Layout) -> Export:
    if layout.format == "xlsx":
        return _read_xlsx(path, layout)
    text = decode(path.read_bytes(), layout.encoding)
    if layout.format == "csv":
        return _read_csv(text, layout)
    if layout.format == "json":
        return _read_json(text, layout)
    return _read_jsonl(text)


def _tabular(rows: list[list[Any]], layout: Layout, pad: bool = False) -> Export:
    """Header and records from a grid of rows (first row number 1). ``pad``: a short row is
    complete (a sheet's trailing empty cells), not broken (a CSV line)."""
    numbered = list(enumerate(rows, start=1))[layout.skip_rows :]
    if not numbered:
        raise ExportError(
            f"no header row: the file has {len(rows)} row(s) and skip_rows is {layout.skip_rows}"
        )
    (_, header_cells), body = numbered[0], numbered[1:]
    if layout.skip_footer:
        body = body[: -layout.skip_footer] if len(body) > layout.skip_footer else []
    header = [_name(cell) for cell in header_cells]
    width = len(header)
    needed = max((i + 1 for i, name in enumerate(header) if name), default=0)
    records = []
    for number, cells in body:
        if all(_blank(c) for c in cells):
            continue  # an empty line (or a row of bare delimiters) holds no record
        if pad:
            cells = cells + [None] * (width - len(cells))
        if len(cells) < needed or not all(_blank(c) for c in cells[width:]):
            records.append(
                Record(
                    number,
                    {name: cell for name, cell in zip(header, cells, strict=False) if name},
                    problem=f"row {number} has {len(cells)} fields, the header has {width} "
                    "(a delimiter inside an unquoted value, or a broken line?)",
                    text=layout.delimiter.join("" if c is None else str(c) for c in cells),
                )
            )
            continue
        values = {name: cells[i] if i < len(cells) else None for i, name in enumerate(header)}
        records.append(Record(number, {k: v for k, v in values.items() if k}))
    return Export(header=header, records=records, unit="row")


def _name(cell: Any) -> str:
    return "" if cell is None else " ".join(str(cell).replace("\ufeff", "").split())


def _blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _read_csv(text: str, layout: Layout) -> Export:
    reader = csv.reader(
        io.StringIO(text, newline=""),
        delimiter=layout.delimiter,
        quotechar=layout.quotechar,
        doublequote=True,
        strict=True,
    )
    try:
        rows = list(reader)
    except csv.Error as exc:
        raise ExportError(
            f"not a readable CSV file near line {reader.line_num} ({exc}); check `delimiter` "
            f"({layout.delimiter!r}) and `quotechar` ({layout.quotechar!r})"
        ) from None
    export = _tabular(rows, layout)
    named = [n for n in export.header or [] if n]
    if len(named) == 1 and any(d in named[0] for d in (";", "\t", "|", ",")):
        raise ExportError(
            f"the header is one column {named[0][:60]!r}: the file uses another delimiter than "
            f'{layout.delimiter!r}; set `delimiter:` (e.g. ";" for Excel exports in Europe)'
        )
    return export


def _read_xlsx(path: Path, layout: Layout) -> Export:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ExportError(
            f"not a readable XLSX workbook ({type(exc).__name__}: {exc}); save it from Excel as "
            "'Excel Workbook (*.xlsx)' or as CSV"
        ) from None
    try:
        if layout.sheet is None:
            sheet = workbook.worksheets[0]
        elif layout.sheet in workbook.sheetnames:
            sheet = workbook[layout.sheet]
        else:
            raise ExportError(
                f"no sheet {layout.sheet!r}; the workbook has {', '.join(workbook.sheetnames)}"
            )
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        epoch = workbook.epoch
    finally:
        workbook.close()
    export = _tabular(rows, layout, pad=True)
    return Export(export.header, export.records, export.unit, epoch=epoch)


def _read_json(text: str, layout: Layout) -> Export:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ExportError(
            f"not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}); a file with "
            "one object per line is JSON Lines: name it .jsonl or set `format: jsonl`"
        ) from None
    if layout.records_path:
        for step in layout.records_path.split("."):
            if not isinstance(document, dict) or step not in document:
                raise ExportError(
                    f"records_path {layout.records_path!r}: no key {step!r} "
                    f"(keys there: {_keys(document)})"
                )
            document = document[step]
    if isinstance(document, dict):
        lists = [k for k, v in document.items() if isinstance(v, list)]
        hint = f" (arrays at: {', '.join(lists)})" if lists else ""
        raise ExportError(
            f"the file is one JSON object, not an array of records: set `records_path:` to the "
            f"key that holds the records{hint}"
        )
    if not isinstance(document, list):
        raise ExportError("the JSON document is not an array of records")
    records = [_json_record(i, item) for i, item in enumerate(document, start=1)]
    return Export(header=None, records=records, unit="record")


def _keys(value: Any) -> str:
    return (
        ", ".join(value) if isinstance(value, dict) else f"a {type(value).__name__}, not an object"
    )


def _json_record(number: int, item: Any) -> Record:
    if isinstance(item, dict):
        return Record(number, item)
    return Record(
        number,
        problem=f"record {number} is a JSON {type(item).__name__}, not an object",
        text=json.dumps(item, ensure_ascii=False),
    )


def _read_jsonl(text: str) -> Export:
    records = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            records.append(
                Record(number, problem=f"line {number} is not valid JSON ({exc.msg})", text=line)
            )
            continue
        records.append(_json_record(number, item))
    return Export(header=None, records=records, unit="line")
