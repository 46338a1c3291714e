"""Partitions shared by the text assets (translation, tagging): one per feedback month."""

import os
from collections.abc import Mapping
from datetime import date

import dagster as dg

DEFAULT_START = "2022-01-01"


def feedback_month_partitions(
    env: Mapping[str, str] | None = None,
) -> dg.MonthlyPartitionsDefinition:
    """Months from `CXLINK_PARTITIONS_START` (default 2022-01-01, the demo's first month) up to
    and including the current one (end_offset=1), so this month's comments are processed
    while it runs."""
    env = os.environ if env is None else env
    raw = (env.get("CXLINK_PARTITIONS_START") or DEFAULT_START).strip()
    try:
        start = date.fromisoformat(raw).replace(day=1)
    except ValueError as err:
        raise ValueError(f"CXLINK_PARTITIONS_START must be a date YYYY-MM-DD, got {raw!r}") from err
    return dg.MonthlyPartitionsDefinition(start_date=start.isoformat(), end_offset=1)
