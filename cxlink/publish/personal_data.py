"""Personal data in tables about to be published: named like it, or e-mail-shaped values.

The BI copy refuses to publish any table with a finding (bi_copy.py); findings name the table and
column and count the rows, never repeating the values.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import duckdb

from cxlink.duckdb_sql import qualified, quote_identifier, quote_literal
from cxlink.publish.common import list_columns

# Column names that hold personal data (compared case-insensitively). The landing contract's
# `email` and `name` never leave raw/staging; the rest are the usual aliases.
PERSONAL_COLUMN_NAMES = frozenset(
    {"email", "email_address", "name", "customer_name", "first_name", "last_name", "full_name"}
)
# Something that looks like an e-mail address anywhere inside a text value (RE2 syntax, used by
# DuckDB's regexp_matches, and compatible with Python's re).
EMAIL_PATTERN = r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"


@dataclass(frozen=True)
class PersonalDataFinding:
    table: str  # schema.table
    column: str
    reason: str  # "column name" or "e-mail-shaped values"
    rows: int = 0

    def __str__(self) -> str:
        if self.reason == "column name":
            return f"{self.table}.{self.column}: column name suggests personal data"
        return f"{self.table}.{self.column}: {self.rows} value(s) look like e-mail addresses"


def _is_textual(data_type: str) -> bool:
    # VARCHAR, JSON, and nested types holding text (VARCHAR[], STRUCT(... VARCHAR), MAP).
    return "VARCHAR" in data_type or data_type == "JSON"


def scan_for_personal_data(
    con: duckdb.DuckDBPyConnection, catalog: str, schema: str, tables: Iterable[str]
) -> list[PersonalDataFinding]:
    """Columns named like personal data, and text columns with e-mail-shaped values.

    Findings name the table and column and count the rows; they never repeat the values.
    """
    findings = []
    for table in tables:
        label = f"{schema}.{table}"
        columns = list_columns(con, catalog, schema, table)
        for column in columns:
            if column.name.lower() in PERSONAL_COLUMN_NAMES:
                findings.append(PersonalDataFinding(label, column.name, "column name"))
        textual = [c for c in columns if _is_textual(c.data_type)]
        if not textual:
            continue
        counts = ", ".join(
            f"count(*) filter (where regexp_matches(cast({quote_identifier(c.name)} as varchar), "
            f"{quote_literal(EMAIL_PATTERN)}))"
            for c in textual
        )
        row = con.execute(f"select {counts} from {qualified(catalog, schema, table)}").fetchone()
        for column, hits in zip(textual, row, strict=True):
            if hits:
                findings.append(
                    PersonalDataFinding(label, column.name, "e-mail-shaped values", hits)
                )
    return findings
