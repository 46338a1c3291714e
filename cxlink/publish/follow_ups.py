"""``exports/follow_ups.csv``: marts.account_follow_ups as a CRM task import.

One row per follow-up (an account and a reason), in ``priority_rank`` order (ARR at risk first,
then the newest trigger), with the columns a CRM's task or activity import maps: an external id
to update the same task on the next import (``follow_up_id`` = account id and reason code), the
account id, an owner (empty until the CRM contract delivers one), a subject, the reason, due
date, priority and status, then the context: ARR, ARR at risk, the triggering ticket or
response, its comment as written and in English, its topics.

The file is written like every CSV export (cxlink/publish/data_files.py): UTF-8 with a BOM, the
``CXLINK_CSV_DIALECT`` dialect, every text field quoted and, since comments are customers' own
words, guarded against formula injection (cxlink/publish/formula_guard.py: a comment starting
with ``=`` gets a leading ``'``).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from cxlink.duckdb_sql import qualified, quote_identifier
from cxlink.publish.common import Column, list_columns
from cxlink.publish.data_files import CsvDialect, write_csv

FOLLOW_UPS_TABLE = "account_follow_ups"
FOLLOW_UPS_FILE = "follow_ups.csv"

# (CSV header, expression over the mart's row); the first column orders the file.
CRM_COLUMNS: tuple[tuple[str, str], ...] = (
    ("priority_rank", "priority_rank"),
    ("follow_up_id", "customer_id || ':' || reason_code"),
    ("account_id", "customer_id"),
    ("owner", "account_owner"),
    ("subject", "'Follow up: ' || replace(reason_code, '_', ' ')"),
    ("reason_code", "reason_code"),
    ("reason", "reason_text"),
    ("due_date", "due_date"),
    ("priority", "priority"),
    ("status", "'open'"),
    ("arr", "arr"),
    ("arr_at_risk", "arr_at_risk"),
    ("currency", "currency"),
    ("trigger_date", "trigger_date"),
    ("ticket_id", "ticket_id"),
    ("response_id", "response_id"),
    ("score", "score"),
    ("comment", "comment_original"),
    ("comment_english", "comment_translated"),
    ("comment_language", "comment_language"),
    ("topics", "topics"),
    ("all_reasons", "all_reasons"),
)


# The mart's columns the CRM file reads.
SOURCE_COLUMNS = frozenset(
    {
        "priority_rank",
        "customer_id",
        "account_owner",
        "reason_code",
        "reason_text",
        "due_date",
        "priority",
        "arr",
        "arr_at_risk",
        "currency",
        "trigger_date",
        "ticket_id",
        "response_id",
        "score",
        "comment_original",
        "comment_translated",
        "comment_language",
        "topics",
        "all_reasons",
    }
)


def is_follow_up_mart(con: duckdb.DuckDBPyConnection, catalog: str, schema: str) -> bool:
    """True when ``catalog.schema`` has the follow-up mart with every column the file reads
    (a table of that name without them, e.g. a test's placeholder, gets no file)."""
    names = {c.name for c in list_columns(con, catalog, schema, FOLLOW_UPS_TABLE)}
    return names >= SOURCE_COLUMNS


def crm_select(catalog: str, schema: str) -> str:
    """The SELECT of the CRM columns over ``catalog.schema.account_follow_ups``."""
    expressions = ", ".join(
        f"{expression} as {quote_identifier(header)}" for header, expression in CRM_COLUMNS
    )
    return f"select {expressions} from {qualified(catalog, schema, FOLLOW_UPS_TABLE)}"


def write_follow_ups_csv(
    con: duckdb.DuckDBPyConnection, catalog: str, schema: str, path: Path, dialect: CsvDialect
) -> int:
    """Write the CRM file to ``path``; returns its number of rows."""
    select = crm_select(catalog, schema)
    columns = [Column(row[0], row[1]) for row in con.execute(f"describe {select}").fetchall()]
    write_csv(con, f"({select})", columns, path, dialect)
    (rows,) = con.execute(f"select count(*) from ({select})").fetchone()
    return int(rows)
