"""The ``tables`` option of a postgres source: one entry per contract entity, checked when the
sources file is read (errors name the file, the source, the entity and the key).

    tables:
      subscriptions:
        query: select ... from billing.subscription_periods   # or  table: billing.subscription_periods
        key: id                     # the record id (a column, or a list of columns)
        cursor: updated_at          # optional: incremental on this column
        columns: {subscription_id: id, customer_id: account_id, mrr: mrr_cents}
        divide: {mrr: 100}          # optional scaling of decimal contract columns
        values: {plan_tier: {basic: starter}}      # optional value maps (unmapped -> quarantine)
        exclude: {status: [draft, void]}           # optional: rows quarantined as excluded_value
        constants: {currency: EUR}                 # optional fixed contract values
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from cxlink.contract import ENTITIES
from cxlink.sources.model import Source
from cxlink.sources.options import SourceConfigError

KEYS = (
    "table", "query", "key", "cursor", "lookback", "columns", "divide", "values", "exclude",
    "constants",
)  # fmt: skip
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_$]*$")


@dataclass(frozen=True)
class TableSpec:
    entity: str
    table: tuple[str, ...] | None  # (schema, table) or (table,)
    query: str | None
    key: tuple[str, ...]
    cursor: str | None
    columns: dict[str, str]  # contract column -> source column (given)
    lookback: str | None = None  # re-read rows this far before the stored cursor (text)
    divide: dict[str, Decimal] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    exclude: dict[str, tuple[str, ...]] = field(default_factory=dict)  # source column -> values
    constants: dict[str, str] = field(default_factory=dict)

    @property
    def what(self) -> str:
        """How the docs and messages name what it reads."""
        return "table " + ".".join(self.table) if self.table else "its query"

    def referenced(self) -> list[str]:
        """Every source column the options name (each must be in the result)."""
        names = [*self.key, *([self.cursor] if self.cursor else []), *self.columns.values()]
        names += list(self.exclude)
        return list(dict.fromkeys(names))

    def mapping(self, result_columns: list[str]) -> dict[str, str]:
        """contract column -> source column: the given map, then same-named result columns."""
        out = dict(self.columns)
        for name in ENTITIES[self.entity].column_names:
            if name not in out and name not in self.constants and name in result_columns:
                out[name] = name
        return out


def _text(value: Any) -> str:
    """A YAML scalar as the kind's text (true/false as PostgreSQL prints booleans as text)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _at(where: str) -> str:
    """The message prefix: the caller's context, if any (the sources file reader adds its own)."""
    return f"{where}: " if where else ""


def _names(where: str, key: str, value: Any) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not items or not all(isinstance(v, str) and v for v in items):
        raise SourceConfigError(
            f"{_at(where)}{key} must be a column name or a list of column names."
        )
    return tuple(items)


def _mapping(where: str, key: str, value: Any) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise SourceConfigError(f"{_at(where)}{key} must be a mapping.")
    return value


def _contract_column(where: str, key: str, entity: str, column: Any) -> str:
    names = ENTITIES[entity].column_names
    if column not in names:
        raise SourceConfigError(
            f"{_at(where)}{key}: {column!r} is not a {entity} contract column; use one of "
            f"{', '.join(names)}."
        )
    return column


def parse_spec(where: str, entity: str, raw: Any) -> TableSpec:
    where = f"{_at(where)}tables.{entity}"
    if not isinstance(raw, dict):
        raise SourceConfigError(f"{where} must be a mapping with table or query, key, ...")
    unknown = sorted(set(raw) - set(KEYS))
    if unknown:
        raise SourceConfigError(
            f"{_at(where)}unknown key(s) {', '.join(map(str, unknown))}; allowed: {', '.join(KEYS)}."
        )
    table, query = raw.get("table"), raw.get("query")
    if (table is None) == (query is None):
        raise SourceConfigError(f"{_at(where)}give exactly one of table (schema.name) or query.")
    parts = None
    if table is not None:
        parts = tuple(str(table).split("."))
        if len(parts) > 2 or not all(_IDENT.match(p) for p in parts):
            raise SourceConfigError(
                f"{_at(where)}table {table!r} is not a table name; use name or schema.name "
                "(or write a query)."
            )
    if query is not None and (not isinstance(query, str) or not query.strip()):
        raise SourceConfigError(f"{_at(where)}query must be a SELECT statement.")
    if "key" not in raw:
        raise SourceConfigError(f"{_at(where)}key is required (the column(s) that identify a row).")
    key = _names(where, "key", raw["key"])
    cursor = raw.get("cursor")
    if cursor is not None and (not isinstance(cursor, str) or not cursor):
        raise SourceConfigError(f"{_at(where)}cursor must be one column name.")
    lookback = raw.get("lookback")
    if lookback is not None:
        if cursor is None:
            raise SourceConfigError(f"{_at(where)}lookback needs a cursor column.")
        if isinstance(lookback, bool) or not isinstance(lookback, str | int | float):
            raise SourceConfigError(
                f"{_at(where)}lookback must be an interval such as '10 minutes' (a timestamp or "
                "date cursor) or a number (a numeric cursor)."
            )
        lookback = str(lookback)
    columns = {}
    for contract, column in _mapping(where, "columns", raw.get("columns")).items():
        _contract_column(where, "columns", entity, contract)
        if not isinstance(column, str) or not column:
            raise SourceConfigError(f"{_at(where)}columns.{contract} must name one source column.")
        columns[contract] = column
    divide = {}
    for contract, divisor in _mapping(where, "divide", raw.get("divide")).items():
        _contract_column(where, "divide", entity, contract)
        if ENTITIES[entity].column(contract).type not in ("decimal", "rate"):
            raise SourceConfigError(f"{_at(where)}divide.{contract}: only decimal columns scale.")
        try:
            number = Decimal(str(divisor))
        except InvalidOperation:
            number = Decimal(0)
        if isinstance(divisor, bool) or not number.is_finite() or number <= 0:
            raise SourceConfigError(f"{_at(where)}divide.{contract} must be a positive number.")
        divide[contract] = number
    values = {}
    for contract, table_map in _mapping(where, "values", raw.get("values")).items():
        _contract_column(where, "values", entity, contract)
        table_map = _mapping(where, f"values.{contract}", table_map)
        values[contract] = {_text(k): None if v is None else _text(v) for k, v in table_map.items()}
    exclude = {}
    for column, listed in _mapping(where, "exclude", raw.get("exclude")).items():
        items = listed if isinstance(listed, list) else [listed]
        exclude[str(column)] = tuple(_text(v) for v in items)
    constants = {}
    for contract, value in _mapping(where, "constants", raw.get("constants")).items():
        _contract_column(where, "constants", entity, contract)
        if contract in columns:
            raise SourceConfigError(f"{_at(where)}{contract} is in both columns and constants.")
        constants[contract] = _text(value)
    return TableSpec(
        entity, parts, query.strip().rstrip(";") if query else None, key, cursor, columns,
        lookback, divide, values, exclude, constants,
    )  # fmt: skip


def table_specs(where: str, source: Source) -> dict[str, TableSpec]:
    tables = source.options.get("tables") or {}
    missing = [e for e in source.entities if e not in tables]
    if missing:
        raise SourceConfigError(
            f"{_at(where)}tables has no entry for {', '.join(missing)}: say which table or query "
            "feeds each entity in `entities`."
        )
    strays = [str(e) for e in tables if e not in source.entities]
    if strays:
        raise SourceConfigError(
            f"{_at(where)}tables.{strays[0]} is not in entities ({', '.join(source.entities)}); "
            "add it to entities or remove it."
        )
    return {entity: parse_spec(where, entity, tables[entity]) for entity in source.entities}


def check(source: Source) -> None:
    """Kind.check: the whole ``tables`` option is well formed (the sources file reader puts the
    file and the source in front of the message: SourceConfigError is a ValueError)."""
    if source.options.get("batch_size", 1) < 1:
        raise SourceConfigError("option batch_size must be 1 or more.")
    table_specs("", source)
