"""Support and usage covariates of the churn episodes (docs/metrics.md "Predictive CLV and churn
drivers"), evaluated at the start of every episode from the data before it, on a grid of
``grid_days`` from the subscription start (plus the NPS answer days):

- ``tickets_90d``: support tickets opened in the 90 days up to the episode's start (the day
  itself included; tickets opened before the subscription count too), per ticket;
- ``usage_declining``: 1 when the customer's mean weekly active users over the complete weeks
  ending in the last 28 days is below 80% of their mean over the complete weeks ending in the 56
  days before those (the last 4 weeks against the 8 before, as the health score's usage trend);
- ``no_usage_trend``: 1 when that comparison cannot be made (fewer than 2 reported weeks in
  the last 28 days or fewer than 4 in the 56 before: early tenure, no usage data, gaps).

A week (Monday start) is complete on its Monday + 7 days. Without ticket (usage) data the
covariates have no variation and are dropped (``no_variation``), as every mart works without
the optional inputs.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

TICKET_WINDOW_DAYS = 90
RECENT_DAYS, BEFORE_DAYS = 28, 56
MIN_RECENT_WEEKS, MIN_BEFORE_WEEKS = 2, 4
DECLINE_RATIO = 0.8
SIGNAL_COVARIATES = ("tickets_90d", "usage_declining", "no_usage_trend")


def _keys(codes: np.ndarray, days: np.ndarray) -> np.ndarray:
    """One sortable number per (customer code, day): days stay far below the factor."""
    return codes.astype(np.int64) * 10_000_000 + days.astype(np.int64) + 5_000_000


def _window_sums(points, values, codes, starts, low, high) -> tuple[np.ndarray, np.ndarray]:
    """Per piece: count and sum of the customer's ``values`` at days in (start - low,
    start - high]; ``points`` are (code, day) keys sorted with ``values``."""
    cumulative = np.concatenate([[0.0], np.cumsum(values)])
    upper = np.searchsorted(points, _keys(codes, starts - high), side="right")
    lower = np.searchsorted(points, _keys(codes, starts - low), side="right")
    return (upper - lower).astype(float), cumulative[upper] - cumulative[lower]


def _day_points(frame, date_column, spans, codes_of, extra=0) -> tuple[np.ndarray, np.ndarray]:
    """Sorted (customer code, day + ``extra``) keys of the rows of ``frame`` and their ``value``
    column (1 per row without one); days count from the customer's subscription start."""
    joined = frame.merge(spans[["customer_id", "start_date"]], on="customer_id")
    days = (pd.to_datetime(joined[date_column]) - joined["start_date"]).dt.days + extra
    keys = _keys(joined["customer_id"].map(codes_of).to_numpy(), days.to_numpy())
    values = joined["value"].to_numpy(dtype=float) if "value" in joined else np.ones(len(keys))
    order = np.argsort(keys, kind="stable")
    return keys[order], values[order]


def signal_covariates(
    pieces: pd.DataFrame,
    spans: pd.DataFrame,
    tickets: pd.DataFrame | None,
    usage: pd.DataFrame | None,
) -> pd.DataFrame:
    """``pieces`` (customer_id, day) with the three covariates of the module docstring."""
    codes_of = {c: i for i, c in enumerate(spans["customer_id"])}
    codes = pieces["customer_id"].map(codes_of).to_numpy()
    starts = pieces["day"].to_numpy(dtype=np.int64)
    out = pd.DataFrame(index=pieces.index)
    out["tickets_90d"] = 0.0
    if tickets is not None and len(tickets):
        opened = tickets[["customer_id", "opened_date"]]
        points, ones = _day_points(opened, "opened_date", spans, codes_of)
        count, _ = _window_sums(points, ones, codes, starts, TICKET_WINDOW_DAYS, 0)
        out["tickets_90d"] = count
    out["usage_declining"] = 0.0
    out["no_usage_trend"] = 1.0
    if usage is not None and len(usage):
        weeks = usage[["customer_id", "week_start"]].assign(value=usage["active_users"])
        points, values = _day_points(weeks, "week_start", spans, codes_of, extra=7)
        recent_n, recent = _window_sums(points, values, codes, starts, RECENT_DAYS, 0)
        before_n, before = _window_sums(
            points, values, codes, starts, RECENT_DAYS + BEFORE_DAYS, RECENT_DAYS
        )
        known = (recent_n >= MIN_RECENT_WEEKS) & (before_n >= MIN_BEFORE_WEEKS)
        with np.errstate(divide="ignore", invalid="ignore"):
            declining = recent / np.maximum(recent_n, 1) < DECLINE_RATIO * (
                before / np.maximum(before_n, 1)
            )
        out["usage_declining"] = (known & declining).astype(float)
        out["no_usage_trend"] = (~known).astype(float)
    return out
