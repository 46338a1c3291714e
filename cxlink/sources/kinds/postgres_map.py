"""Pure parts of the postgres kind: PostgreSQL values as text, and stored rows -> contract rows.

Fetching stores every selected column of a row as text (``as_text``): dates ``YYYY-MM-DD``,
timestamps with a time zone in UTC (``...Z``), timestamps without one as they are (taken as
UTC), numerics as plain decimals, NULL as NULL. Mapping then applies the table's options:
columns, constants, value maps, scaling, exclusions. It is a pure function of the stored rows,
so a rerun with nothing new stages the same rows.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from cxlink.contract import ENTITIES
from cxlink.sources.kinds.postgres_spec import TableSpec
from cxlink.sources.rows import SourceError, SourceRow

# The source rules of this kind (docs/sources/postgres.md).
MISSING_KEY = "missing_key"
EXCLUDED_VALUE = "excluded_value"
UNMAPPED_VALUE = "unmapped_value"


def as_text(value: Any) -> str | None:
    """One PostgreSQL value (as psycopg loads it) as contract text."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return value.isoformat()
        return value.astimezone(UTC).replace(tzinfo=None).isoformat() + "Z"
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, float):
        return (
            format(Decimal(repr(value)), "f")
            if value == value and abs(value) != float("inf")
            else repr(value)
        )
    if isinstance(value, int | str):
        return str(value)
    if isinstance(value, uuid.UUID | timedelta):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    return json.dumps(value, sort_keys=True, default=str)  # json/jsonb, arrays, ranges


def record_id(spec: TableSpec, row: dict[str, str | None]) -> str | None:
    """The record's id: its key column(s), joined by | when there are several; None if any is
    NULL."""
    parts = [row.get(k) for k in spec.key]
    if any(p is None or p == "" for p in parts):
        return None
    return "|".join(parts)  # type: ignore[arg-type]


def _scaled(text: str, divisor: Decimal) -> str:
    try:
        number = Decimal(text)
    except InvalidOperation:
        return text  # the contract check quarantines it as invalid_decimal
    if not number.is_finite():
        return text
    return format(number / divisor, "f")


def _typed(entity: str, column: str, text: str) -> str:
    kind = ENTITIES[entity].column(column).type
    if kind == "date" and len(text) > 10 and text[10] in "T ":
        return text[:10]  # a timestamp mapped to a date column: its (UTC) date
    if kind in ("currency", "country"):
        return text.strip().upper()
    return text


def map_row(spec: TableSpec, row: dict[str, str | None], mapping: dict[str, str]) -> SourceRow:
    entity = spec.entity
    rid = record_id(spec, row)
    shown = rid or "(no id)"
    rule = detail = None
    values: dict[str, str | None] = {}
    for contract, column in mapping.items():
        values[contract] = row.get(column)
    values.update(spec.constants)
    for contract, value_map in spec.values.items():
        given = values.get(contract)
        if given is None:
            continue
        if given not in value_map and rule is None:
            column = mapping.get(contract, contract)
            rule, detail = (
                UNMAPPED_VALUE,
                f"{entity} record {shown}: {column} = {given!r} has no entry in "
                f"tables.{entity}.values.{contract} ({', '.join(value_map) or 'empty'}).",
            )
        values[contract] = value_map.get(given, given)
    for contract, divisor in spec.divide.items():
        if values.get(contract) is not None:
            values[contract] = _scaled(values[contract], divisor)
    values = {c: None if v is None else _typed(entity, c, v) for c, v in values.items()}
    for column, refused in spec.exclude.items():
        if row.get(column) in refused:
            rule, detail = (
                EXCLUDED_VALUE,
                f"{entity} record {shown}: {column} = {row.get(column)!r} is excluded "
                f"(tables.{entity}.exclude.{column}).",
            )
    if rid is None:
        rule, detail = (
            MISSING_KEY,
            f"{entity} row without an id: key {', '.join(spec.key)} is NULL or empty.",
        )
    return SourceRow(entity, values, shown, rule=rule, detail=detail, original=dict(row))


def map_rows(source: str, spec: TableSpec, rows: list[dict[str, str | None]]) -> list[SourceRow]:
    """Every stored row of one table as contract rows (refused ones carry their rule)."""
    if not rows:
        return []
    present = list(dict.fromkeys(c for r in rows for c in r))
    absent = [c for c in spec.referenced() if c not in present]
    if absent:  # the options changed since these rows were fetched
        raise SourceError(
            f"source {source}: {spec.entity}: the stored rows have no column "
            f"{', '.join(absent)} (the options name it, the rows fetched so far do not): run "
            "the source with a full reload to read the table again."
        )
    mapping = spec.mapping(present)
    return [map_row(spec, row, mapping) for row in rows]
