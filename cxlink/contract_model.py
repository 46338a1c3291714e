"""The vocabulary of the landing contract: column types, their DuckDB types, columns, entities.

``cxlink/contract.py`` describes the entities with these (and ``cxlink/contract_signals.py`` the
optional customer-experience signals); import everything from ``cxlink.contract``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Literal

ColumnType = Literal[
    "text", "date", "timestamp", "decimal", "rate", "integer", "currency", "country", "language"
]

# DuckDB types the validated (``raw``) tables use for each contract type. Money is DECIMAL(18, 4):
# exact sums for the MRR bridge identity, four places for per-unit prices. Exchange rates need
# more places than money: 1 JPY is about 0.0062 EUR, which four places would round by up to 1%.
DUCKDB_TYPES: dict[str, str] = {
    "text": "VARCHAR",
    "date": "DATE",
    "timestamp": "TIMESTAMP",
    "decimal": "DECIMAL(18, 4)",
    "rate": "DECIMAL(18, 10)",
    "integer": "INTEGER",
    "currency": "VARCHAR",
    "country": "VARCHAR",
    "language": "VARCHAR",
}

# Dates outside this window are rejected as implausible (typos such as 0202-01-01 or 2202-01-01).
PLAUSIBLE_DATE_MIN = "1990-01-01"
PLAUSIBLE_DATE_MAX = "2100-01-01"
# Dates after the load time are quarantined (date_in_future): the data cannot have observed
# them, and one such row would otherwise become the latest event. One day of tolerance covers
# local dates written ahead of UTC (up to UTC+14) and clocks that differ by a few hours.
FUTURE_TOLERANCE = timedelta(days=1)


@dataclass(frozen=True)
class Column:
    name: str
    type: ColumnType = "text"
    required: bool = False
    allowed: tuple[str, ...] | None = None
    personal: bool = False
    description: str = ""
    # a date that may lie after the load time because it is scheduled, not observed (a
    # subscription's end); every other date and timestamp column is checked by date_in_future
    may_be_future: bool = False


@dataclass(frozen=True)
class Entity:
    name: str
    description: str
    columns: tuple[Column, ...]
    key: str | None = None
    optional: bool = False
    # references to other entities: column -> (entity, column)
    references: dict[str, tuple[str, str]] = field(default_factory=dict)
    # rules that relate several columns of a row, as (rule, SQL condition that marks a bad row)
    row_rules: tuple[tuple[str, str], ...] = ()
    # per-value score ranges by survey type: (type column, score column, {type: (lo, hi)})
    score_ranges: tuple[str, str, dict[str, tuple[int, int]]] | None = None

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.name} has no column {name!r}")
