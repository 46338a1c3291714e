"""Partitions shared by the text assets (translation, tagging): one per feedback month."""

from datetime import date

import dagster as dg


def feedback_month_partitions(start: date) -> dg.MonthlyPartitionsDefinition:
    """Months from ``start``'s month (setting CXLINK_PARTITIONS_START) up to and including the
    current one (end_offset=1), so this month's comments are processed while it runs."""
    return dg.MonthlyPartitionsDefinition(start_date=start.replace(day=1).isoformat(), end_offset=1)
