"""What the data cover, read from ``marts.data_window``: the data window (first and last event),
the as-of date and the events after it, and whether the subscription history looks left-truncated.

One reader and one wording for everyone who says it: the Dagster checks ``events_after_as_of``
and ``history_left_truncated`` (orchestration/checks/data_window.py), the run summary
(cxlink/summary.py) and the publish step's data window (cxlink/publish/common.py). Definitions:
docs/metrics.md "Conventions shared by every mart" (As-of date, History start).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime

import duckdb

from cxlink.duckdb_sql import qualified, table_exists

DATA_WINDOW_TABLE = "data_window"
HISTORY_DOC = "docs/metrics.md, History start"


def _day(value: date | datetime | None) -> date | None:
    return value.date() if isinstance(value, datetime) else value


@dataclass(frozen=True)
class Coverage:
    first_event_date: date | None
    last_event_date: date | None
    first_event_month: date | None
    last_event_month: date | None
    as_of_date: date | None
    as_of_date_source: str
    events_after_as_of: int
    first_period_month: date | None
    subscription_customers: int
    customers_starting_in_first_month: int
    first_month_share: float | None
    looks_left_truncated: bool
    history_starts_at: date | None
    history_start_source: str


COLUMNS = tuple(f.name for f in fields(Coverage))
DATES = {
    "first_event_date",
    "last_event_date",
    "first_event_month",
    "last_event_month",
    "as_of_date",
    "first_period_month",
    "history_starts_at",
}


def read_coverage(
    con: duckdb.DuckDBPyConnection, schema: str = "marts", catalog: str | None = None
) -> Coverage | None:
    """The one row of ``[catalog.]schema.data_window``; None when the table is not there (a
    warehouse built before it existed, or a selection that did not build it) or empty."""
    if not table_exists(con, schema, DATA_WINDOW_TABLE, catalog):
        return None
    parts = (catalog, schema, DATA_WINDOW_TABLE) if catalog else (schema, DATA_WINDOW_TABLE)
    row = con.execute(f"select {', '.join(COLUMNS)} from {qualified(*parts)}").fetchall()
    if not row:
        return None
    values = dict(zip(COLUMNS, row[0], strict=True))
    for name in DATES:
        values[name] = _day(values[name])
    values["events_after_as_of"] = int(values["events_after_as_of"] or 0)
    values["subscription_customers"] = int(values["subscription_customers"] or 0)
    values["customers_starting_in_first_month"] = int(
        values["customers_starting_in_first_month"] or 0
    )
    values["looks_left_truncated"] = bool(values["looks_left_truncated"])
    return Coverage(**values)


def as_of_warning(coverage: Coverage) -> str | None:
    """Why events lie after the as-of date, or None when none does."""
    n = coverage.events_after_as_of
    if not n:
        return None
    events = f"{n:,} event{'s' if n != 1 else ''}"
    latest = coverage.last_event_date
    if coverage.as_of_date_source == "configured":
        why = f"CXLINK_AS_OF_DATE is {coverage.as_of_date}"
    else:
        why = "the data hold dates after the day of the run, so the marts stop at the run date"
    return (
        f"{events} dated after the as-of date {coverage.as_of_date} (the latest on {latest}) "
        f"count in no mart: {why}"
    )


def truncation_warning(coverage: Coverage) -> str | None:
    """Why the history looks left-truncated, or None when it does not (or a start is declared)."""
    if not coverage.looks_left_truncated or coverage.history_start_source == "declared":
        return None
    share = coverage.first_month_share or 0.0
    month = coverage.first_period_month
    first = f"{month:%Y-%m}" if month else "?"
    return (
        f"{share:.0%} of the {coverage.subscription_customers:,} subscription customers start "
        f"in the data's first month ({first}): the history looks left-truncated (a snapshot or a "
        "migration), so cohort_retention and the churn windows count reconstructed time; set "
        f"CXLINK_HISTORY_STARTS_AT to the day the history really starts ({HISTORY_DOC})"
    )


def coverage_warnings(coverage: Coverage | None) -> list[str]:
    if coverage is None:
        return []
    return [w for w in (as_of_warning(coverage), truncation_warning(coverage)) if w]
