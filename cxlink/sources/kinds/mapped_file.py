"""``mapped_file``: any tool's CSV, XLSX, JSON or JSON Lines export, mapped to one contract
entity by options instead of code (docs/sources/mapped_file.md).

    - name: survey_tool
      kind: mapped_file
      entities: [feedback]
      encoding: cp1252
      delimiter: ";"
      date_format: "%d.%m.%Y"
      columns: {response_id: Antwort-ID, customer_id: Kundennummer, responded_at: Datum,
                score: Bewertung, comment: Kommentar}
      constants: {survey_type: csat, channel: email}

Each file under ``landing/<source name>/`` is read (mapped_readers.py), every record becomes one
contract row (mapped_values.py converts the cells), and a record that cannot be mapped keeps its
row with a rule: ``malformed_record``, ``unmapped_value``, ``invalid_date``,
``invalid_timestamp``, ``invalid_number`` or ``score_out_of_scale``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cxlink.contract import SURVEY_SCORE_RANGES
from cxlink.sources.kinds.mapped_options import (
    OPTIONS,
    SUFFIX_FORMATS,
    Settings,
    check,
    settings,
)
from cxlink.sources.kinds.mapped_readers import Export, ExportError, Layout, Record, read_export
from cxlink.sources.kinds.mapped_values import Formats, Problem, cell_text, scale_score
from cxlink.sources.model import FileKind, Source
from cxlink.sources.rows import SourceFileError, SourceRow


def read(source: Source, path: Path, relative_path: str) -> list[SourceRow]:
    config = settings(source)
    fmt = config.format or SUFFIX_FORMATS[path.suffix.lower()]
    if fmt == "xls":
        raise SourceFileError(
            source.name,
            relative_path,
            "a legacy Excel 97-2003 .xls workbook: open it in Excel and save it as .xlsx "
            "(Excel Workbook) or as CSV",
        )
    delimiter = config.delimiter or ("\t" if path.suffix.lower() == ".tsv" else ",")
    layout = Layout(
        format=fmt,
        encoding=config.encoding,
        delimiter=delimiter,
        quotechar=config.quotechar,
        skip_rows=config.skip_rows,
        skip_footer=config.skip_footer,
        sheet=config.sheet,
        records_path=config.records_path,
    )
    try:
        export = read_export(path, layout)
        names = _resolve_columns(config, export)
    except ExportError as exc:
        raise SourceFileError(source.name, relative_path, str(exc)) from None
    formats = Formats(
        decimal=config.decimal,
        thousands=config.thousands,
        date_format=config.date_format,
        timestamp_format=config.timestamp_format,
        timezone=config.timezone,
        epoch=export.epoch,
    )
    return [_row(config, formats, names, export.unit, r) for r in export.records]


def _row(
    config: Settings, formats: Formats, names: dict[str, str], unit: str, record: Record
) -> SourceRow:
    entity = config.entity
    record_id = _record_id(config, names, unit, record)
    if record.problem:
        return SourceRow(
            entity.name,
            {},
            record_id,
            row=record.number,
            rule="malformed_record",
            detail=record.problem,
            original={"_text": record.text},
        )
    original = {names[c]: cell_text(_get(record.values, names[c])) for c in names}
    values: dict[str, str | None] = dict(config.constants)
    problems: list[Problem] = []
    for column in config.columns:
        raw = _get(record.values, names[column])
        try:
            values[column] = _convert(config, formats, column, raw)
        except Problem as problem:
            values[column] = cell_text(raw)
            problems.append(problem)
    if config.score_scale and not problems:
        target = SURVEY_SCORE_RANGES.get((values.get("survey_type") or "").strip().lower())
        try:
            values["score"] = scale_score(*config.score_scale, target, values.get("score"))
        except Problem as problem:
            problems.append(problem)
    first = problems[0] if problems else None
    return SourceRow(
        entity.name,
        {c: values.get(c) for c in entity.column_names if c in values},
        record_id,
        row=record.number,
        rule=first.rule if first else None,
        detail=f"{unit} {record.number}: {first.detail}" if first else None,
        original=original,
    )


def _convert(config: Settings, formats: Formats, column: str, raw: Any) -> str | None:
    text = cell_text(raw)
    if text is None or text in config.null_values:
        return None
    if column in config.value_maps:
        return config.value_maps[column].lookup(column, text)
    kind = config.entity.column(column).type
    if kind == "date":
        return formats.date(column, raw)
    if kind == "timestamp":
        return formats.timestamp(column, raw)
    if kind in ("decimal", "rate", "integer"):
        return formats.number(column, raw)
    return text


def _record_id(config: Settings, names: dict[str, str], unit: str, record: Record) -> str:
    """The record_id column's value, else the entity key's, else the record's position (a
    malformed row is named by what its id column holds, as far as its fields go)."""
    for name in (names.get("_record_id"), names.get(config.entity.key or "")):
        if name:
            text = cell_text(_get(record.values, name))
            if text:
                return text
    return f"{unit} {record.number}"


def _get(values: dict[str, Any], name: str) -> Any:
    """A column's value; in JSON, ``a.b`` reads key b of object a unless "a.b" is a key."""
    if name in values or "." not in name:
        return values.get(name)
    value: Any = values
    for step in name.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(step)
    return value


def _resolve_columns(config: Settings, export: Export) -> dict[str, str]:
    """Contract column (and ``_record_id``) -> the export's column name as written; a mapped
    column that is not in the file (renamed or removed in the export) fails the file."""
    wanted = dict(config.columns)
    if config.record_id:
        wanted["_record_id"] = config.record_id
    if export.header is not None:
        available = [n for n in export.header if n]
    else:
        available = sorted({k for r in export.records for k in r.values})
        if not export.records:
            return wanted
    by_fold = {}
    for name in available:
        by_fold.setdefault(_fold(name), []).append(name)
    resolved = {}
    for column, name in wanted.items():
        if export.header is not None and export.header.count(name) > 1:
            raise ExportError(f"column {name!r} appears {export.header.count(name)} times")
        if name in available or (export.header is None and _present(export, name)):
            resolved[column] = name
        elif len(by_fold.get(_fold(name), [])) == 1:
            resolved[column] = by_fold[_fold(name)][0]
        else:
            option = "record_id" if column == "_record_id" else f"columns.{column}"
            found = ", ".join(repr(n) for n in available[:40])
            raise ExportError(
                f"column {name!r} ({option}) is not in the file; it has {found}. If the export "
                f"renamed it, set {option} to the new name"
            )
    return resolved


def _present(export: Export, name: str) -> bool:
    return any(_get(r.values, name) is not None for r in export.records)


def _fold(name: str) -> str:
    return " ".join(name.casefold().split())


KIND = FileKind(
    name="mapped_file",
    doc="Any CSV, XLSX, JSON or JSON Lines export, mapped to one contract entity by options.",
    entities=(
        "customers",
        "subscriptions",
        "invoices",
        "feedback",
        "marketing_spend",
        "service_costs",
        "fx_rates",
    ),
    options=OPTIONS,
    suffixes=tuple(SUFFIX_FORMATS),
    read=read,
    check=check,
)
