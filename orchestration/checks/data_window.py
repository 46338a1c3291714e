"""Warnings, never stops, about what the data cover: non-blocking checks on ``marts/data_window``.

- ``events_after_as_of``: events (responses, invoices, subscription period starts or ends,
  signups) dated after the as-of date count in no mart: a configured ``CXLINK_AS_OF_DATE`` set
  too early, or future dates in the data (the derived date stops at the run date).
- ``history_left_truncated``: at least half of the subscription customers start in the data's
  first month and no ``CXLINK_HISTORY_STARTS_AT`` is declared: cohorts and churn windows count
  reconstructed time.

Both fail with WARN severity, so the run line says "warning: check ... did not pass: <why>" and
nothing downstream stops; the wording is cxlink/coverage.py's, which the run summary repeats.
"""

# No ``from __future__ import annotations``: Dagster inspects the resource annotation object.
from collections.abc import Callable

import dagster as dg

from cxlink.coverage import Coverage, as_of_warning, read_coverage, truncation_warning
from orchestration.resources import Warehouse

DATA_WINDOW_KEY = dg.AssetKey(["marts", "data_window"])


def _metadata(coverage: Coverage | None) -> dict:
    if coverage is None:
        return {}
    return {
        "as_of_date": str(coverage.as_of_date),
        "as_of_date_source": coverage.as_of_date_source,
        "last_event_date": str(coverage.last_event_date),
        "events_after_as_of": coverage.events_after_as_of,
        "first_month_share": dg.MetadataValue.float(float(coverage.first_month_share or 0.0)),
        "history_start_source": coverage.history_start_source,
    }


def check_result(
    coverage: Coverage | None, warning: Callable[[Coverage], str | None], passed_text: str
) -> dg.AssetCheckResult:
    """WARN with ``warning``'s text when it has one; passed otherwise (also without the mart)."""
    text = warning(coverage) if coverage is not None else None
    return dg.AssetCheckResult(
        passed=text is None,
        severity=dg.AssetCheckSeverity.WARN,
        description=text or (passed_text if coverage is not None else "no data_window row"),
        metadata=_metadata(coverage),
    )


def _coverage(warehouse: Warehouse) -> Coverage | None:
    with warehouse.connect(read_only=True) as con:
        return read_coverage(con)


@dg.asset_check(
    asset=DATA_WINDOW_KEY,
    name="events_after_as_of",
    blocking=False,
    description=(
        "Warns (non-blocking) when events lie after the as-of date: they count in no mart "
        "(CXLINK_AS_OF_DATE set before the end of the data, or dates after the run date)."
    ),
)
def events_after_as_of(warehouse: Warehouse) -> dg.AssetCheckResult:
    return check_result(_coverage(warehouse), as_of_warning, "no event after the as-of date")


@dg.asset_check(
    asset=DATA_WINDOW_KEY,
    name="history_left_truncated",
    blocking=False,
    description=(
        "Warns (non-blocking) when at least half of the subscription customers start in the "
        "data's first month and CXLINK_HISTORY_STARTS_AT is not declared (docs/metrics.md, "
        "History start)."
    ),
)
def history_left_truncated(warehouse: Warehouse) -> dg.AssetCheckResult:
    return check_result(
        _coverage(warehouse), truncation_warning, "the history does not look left-truncated"
    )


DATA_WINDOW_CHECKS = (events_after_as_of, history_left_truncated)
