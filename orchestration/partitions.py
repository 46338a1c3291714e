"""Partitions shared by the text assets (translation, tagging): one per feedback month."""

from datetime import UTC, date, datetime

import dagster as dg


def feedback_month_partitions(start: date) -> dg.MonthlyPartitionsDefinition:
    """Months from ``start``'s month (setting CXLINK_PARTITIONS_START) up to and including the
    current one (end_offset=1), so this month's comments are processed while it runs."""
    return dg.MonthlyPartitionsDefinition(start_date=start.replace(day=1).isoformat(), end_offset=1)


def partition_window_utc(context: dg.AssetExecutionContext) -> tuple[datetime, datetime]:
    """The run's partition range as naive UTC datetimes [start, end), as the warehouse stores
    timestamps."""
    window = context.partition_time_window
    return _naive_utc(window.start), _naive_utc(window.end)


def _naive_utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment
