"""The options of the ``mapped_file`` kind (docs/sources/mapped_file.md documents each one) and
their checks against the entity the source feeds, run when the sources file is read."""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cxlink.contract import ENTITIES, Entity
from cxlink.sources.kinds.mapped_values import UNIX_FORMATS, ValueMap, cell_text, parse_scale
from cxlink.sources.model import Source
from cxlink.sources.options import Option

FORMATS = ("csv", "xlsx", "json", "jsonl")
SUFFIX_FORMATS = {
    ".csv": "csv",
    ".txt": "csv",
    ".tsv": "csv",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".xls": "xls",  # read as an error that says to save it as .xlsx
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}
DELIMITERS = {",": ",", ";": ";", "|": "|", "\t": "\t", "\\t": "\t", "tab": "\t"}
THOUSANDS = {",": ",", ".": ".", " ": " ", "'": "'", "space": " "}

OPTIONS = (
    Option("format", "text", None, "csv, xlsx, json or jsonl; by default from each file's suffix",
           allowed=FORMATS),
    Option("columns", "mapping", None, "contract column -> the export's column name", required=True),
    Option("constants", "mapping", {}, "contract column -> one value for every row"),
    Option("value_maps", "mapping", {}, "contract column -> {export value: contract value}"),
    Option("null_values", "list", [], "export values that mean empty, e.g. ['-', 'n/a']"),
    Option("record_id", "text", None, "the export column that names a record in quarantine"),
    Option("encoding", "text", "utf-8", "the text encoding (cp1252, latin-1, utf-8-sig, ...)"),
    Option("delimiter", "text", None, "the CSV field separator: , ; | or tab (default , and "
           "tab for .tsv)"),
    Option("quotechar", "text", '"', "the CSV quote character"),
    Option("decimal", "text", ".", "the decimal mark of numbers written as text",
           allowed=(".", ",")),
    Option("thousands", "text", None, "the thousands separator of numbers written as text: "
           ", . ' or space"),
    Option("skip_rows", "int", 0, "rows above the header (a title, an export date)"),
    Option("header_row", "int", None, "the header's 1-based row number (= skip_rows + 1)"),
    Option("skip_footer", "int", 0, "rows below the last record (totals, 'exported by')"),
    Option("sheet", "text", None, "XLSX: the sheet's name (default the first sheet)"),
    Option("records_path", "text", None, "JSON: the dotted key holding the records array"),
    Option("date_format", "text", None, "strptime pattern of date values, e.g. %d.%m.%Y"),
    Option("timestamp_format", "text", None, "strptime pattern of timestamps, e.g. "
           "%m/%d/%Y %I:%M %p, or unix / unix_ms"),
    Option("timezone", "text", "UTC", "the IANA time zone of timestamps without an offset"),
    Option("score_scale", "text", None, "feedback: the export's score range, e.g. 1-5 or 0-100, "
           "mapped linearly onto the contract's range for the survey type"),
)  # fmt: skip


@dataclass(frozen=True)
class Settings:
    entity: Entity
    format: str | None
    columns: dict[str, str]
    constants: dict[str, str | None]
    value_maps: dict[str, ValueMap]
    null_values: frozenset[str]
    record_id: str | None
    encoding: str
    delimiter: str | None
    quotechar: str
    decimal: str
    thousands: str | None
    skip_rows: int
    skip_footer: int
    sheet: str | None
    records_path: str | None
    date_format: str | None
    timestamp_format: str | None
    timezone: str
    score_scale: tuple[Decimal, Decimal] | None


def settings(source: Source) -> Settings:
    """The source's options, checked and normalised; ValueError names the option."""
    o = source.options
    entity = ENTITIES[source.entities[0]]
    columns = _names(o["columns"], "columns", entity)
    constants = {}
    for column, value in _names(o["constants"], "constants", entity, raw=True).items():
        if isinstance(value, bool):
            raise ValueError(
                f"option constants.{column}: YAML read the value as {value}; quote it "
                f'({column}: "NO" for Norway, "yes")'
            )
        constants[column] = cell_text(value)
    both = sorted(set(columns) & set(constants))
    if both:
        raise ValueError(f"column(s) {', '.join(both)} are in both columns and constants: keep one")
    missing = [c for c in entity.required_columns if c not in columns and c not in constants]
    if missing:
        raise ValueError(
            f"option columns must map every required {entity.name} column; missing "
            f"{', '.join(missing)} (map each to the export's column name, or give it in constants)"
        )
    value_maps = {}
    for column, spec in _names(o["value_maps"], "value_maps", entity, raw=True).items():
        if column not in columns:
            raise ValueError(f"option value_maps.{column}: {column} is not in columns")
        value_maps[column] = ValueMap.parse(column, spec)
    scale = parse_scale(o["score_scale"]) if o["score_scale"] is not None else None
    if scale and entity.name != "feedback":
        raise ValueError("option score_scale applies to feedback only")
    if scale and "score" in value_maps:
        raise ValueError("score has both a value map and score_scale: keep one")
    skip_rows = _skip_rows(o["skip_rows"], o["header_row"])
    if o["skip_footer"] < 0:
        raise ValueError("option skip_footer must be 0 or more")
    return Settings(
        entity=entity,
        format=o["format"],
        columns=columns,
        constants=constants,
        value_maps=value_maps,
        null_values=frozenset(cell_text(v) or "" for v in o["null_values"]),
        record_id=o["record_id"],
        encoding=_encoding(o["encoding"]),
        delimiter=_choice("delimiter", o["delimiter"], DELIMITERS),
        quotechar=_quotechar(o["quotechar"]),
        decimal=o["decimal"],
        thousands=_thousands(o["thousands"], o["decimal"]),
        skip_rows=skip_rows,
        skip_footer=o["skip_footer"],
        sheet=o["sheet"],
        records_path=o["records_path"],
        date_format=_pattern("date_format", o["date_format"]),
        timestamp_format=_pattern("timestamp_format", o["timestamp_format"]),
        timezone=_timezone(o["timezone"]),
        score_scale=scale,
    )


def check(source: Source) -> None:
    settings(source)


def _names(mapping: dict, option: str, entity: Entity, raw: bool = False) -> dict[str, Any]:
    unknown = sorted(str(c) for c in mapping if c not in entity.column_names)
    if unknown:
        raise ValueError(
            f"option {option}: {', '.join(unknown)} is not a column of {entity.name}; its "
            f"columns are {', '.join(entity.column_names)}"
        )
    if raw:
        return dict(mapping)
    bad = [c for c, v in mapping.items() if not isinstance(v, str) or not v.strip()]
    if bad:
        raise ValueError(f"option {option}.{bad[0]} must be the export's column name (text)")
    return {c: v.strip() for c, v in mapping.items()}


def _skip_rows(skip_rows: int, header_row: int | None) -> int:
    if skip_rows < 0:
        raise ValueError("option skip_rows must be 0 or more")
    if header_row is None:
        return skip_rows
    if header_row < 1:
        raise ValueError("option header_row is the header's row number: 1 or more")
    if skip_rows and skip_rows != header_row - 1:
        raise ValueError(
            f"options skip_rows={skip_rows} and header_row={header_row} disagree (header_row is "
            "skip_rows + 1): give one of them"
        )
    return header_row - 1


def _encoding(name: str) -> str:
    try:
        return codecs.lookup(name).name
    except LookupError:
        raise ValueError(
            f"option encoding={name!r} is not an encoding Python knows: use e.g. utf-8, "
            "utf-8-sig, cp1252, latin-1, iso-8859-15, utf-16"
        ) from None


def _choice(option: str, value: str | None, allowed: dict[str, str]) -> str | None:
    if value is None or value in allowed:
        return None if value is None else allowed[value]
    names = ", ".join(repr(k) for k in allowed)
    raise ValueError(f"option {option}={value!r} is not allowed: use one of {names}")


def _quotechar(value: str) -> str:
    if len(value) != 1:
        raise ValueError(f"option quotechar={value!r} must be one character, e.g. '\"' or \"'\"")
    return value


def _thousands(value: str | None, decimal: str) -> str | None:
    separator = _choice("thousands", value, THOUSANDS)
    if separator == decimal:
        raise ValueError(f"options decimal and thousands are both {decimal!r}: they must differ")
    return separator


def _pattern(option: str, pattern: str | None) -> str | None:
    if pattern is None or (option == "timestamp_format" and pattern in UNIX_FORMATS):
        return pattern
    sample = datetime(2024, 11, 22, 13, 14, 15)
    try:
        if "%" not in pattern:
            raise ValueError
        datetime.strptime(sample.strftime(pattern), pattern)
    except ValueError:
        raise ValueError(
            f"option {option}={pattern!r} is not a strptime pattern that reads back what it "
            "writes: use directives such as %d.%m.%Y, %m/%d/%Y %I:%M %p, %Y-%m-%d %H:%M:%S"
        ) from None
    return pattern


def _timezone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"option timezone={name!r} is not an IANA time zone: use e.g. UTC, Europe/Berlin, "
            "America/New_York"
        ) from None
    return name
