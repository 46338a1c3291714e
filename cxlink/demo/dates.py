"""Vectorised date arithmetic on day numbers (days since 1970-01-01) and ISO formatting.

The generator works on integer day numbers so that every date computation is a numpy
operation; text is produced only when a chunk is written.
"""

from __future__ import annotations

from datetime import date

import numpy as np

SECONDS_PER_DAY = 86_400


def day_number(d: date) -> int:
    return int(np.datetime64(d, "D").astype(np.int64))


def month_number(days: np.ndarray | int) -> np.ndarray:
    """Months since 1970-01 of each day."""
    return (
        np.asarray(days, dtype=np.int64)
        .astype("datetime64[D]")
        .astype("datetime64[M]")
        .astype(np.int64)
    )


def month_start(months: np.ndarray | int) -> np.ndarray:
    """Day number of the first day of each month number."""
    return (
        np.asarray(months, dtype=np.int64)
        .astype("datetime64[M]")
        .astype("datetime64[D]")
        .astype(np.int64)
    )


def add_months(days: np.ndarray, months: np.ndarray | int) -> np.ndarray:
    """Same day of month ``months`` later, clamped to the month's last day (Jan 31 + 1 = Feb 28)."""
    days = np.asarray(days, dtype=np.int64)
    base = month_number(days)
    day_of_month = days - month_start(base)  # 0-based
    target = base + np.asarray(months, dtype=np.int64)
    first = month_start(target)
    length = month_start(target + 1) - first
    return first + np.minimum(day_of_month, length - 1)


def iso_dates(days: np.ndarray) -> np.ndarray:
    """``YYYY-MM-DD`` strings."""
    return np.datetime_as_string(np.asarray(days, dtype=np.int64).astype("datetime64[D]"))


def iso_timestamps(seconds: np.ndarray) -> np.ndarray:
    """``YYYY-MM-DDTHH:MM:SS`` strings (UTC, no offset)."""
    return np.datetime_as_string(np.asarray(seconds, dtype=np.int64).astype("datetime64[s]"))


def ragged(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For per-owner counts, (owner index, position within owner) of every element."""
    counts = np.asarray(counts, dtype=np.int64)
    owner = np.repeat(np.arange(counts.size), counts)
    starts = np.cumsum(counts) - counts
    position = np.arange(owner.size) - starts[owner]
    return owner, position
