"""Per-customer purchase summaries for BG/NBD + Gamma-Gamma (docs/metrics.md "Predictive CLV
and churn drivers").

Fader, Hardie & Lee (2005) summarise each customer's purchases by

- x (``frequency``): the number of **repeat** purchases (purchase days after the first one),
- t_x (``recency_weeks``): the time from the first purchase to the latest one,
- T (``age_weeks``): the time from the first purchase to the end of the observation period,

and the Gamma-Gamma model (Fader & Hardie 2013) adds m_x (``monetary_value``): the mean value
of the repeat purchases (the first purchase is left out, as in the note). Times are in weeks,
the unit of the literature (days / 7, not rounded).

A purchase is a **purchase day**: every order of a customer on one day counts as one
transaction, of the day's total value. CDNOW's published summary (lifetimes'
``cdnow_customers_summary.csv``, 2,357 customers) is built the same way: counting order lines
instead gives a different frequency for 3.4% of its customers.

Two periods: the **calibration** period ends on ``calibration_end`` (the day included), the
**hold-out** period is the days after it up to ``as_of`` (included). The calibration columns
(``*_cal``) describe the customers whose first purchase is on or before ``calibration_end``
(``in_calibration``); ``holdout_purchases`` counts their purchase days in the hold-out period.
The full-history columns describe every customer up to ``as_of``.
"""

from __future__ import annotations

import pandas as pd

DAYS_PER_WEEK = 7.0
COLUMNS = [
    "customer_id",
    "first_order_date",
    "purchase_days",
    "frequency",
    "recency_weeks",
    "age_weeks",
    "monetary_value",
    "in_calibration",
    "frequency_cal",
    "recency_cal_weeks",
    "age_cal_weeks",
    "monetary_value_cal",
    "holdout_purchases",
]


def purchase_days(orders: pd.DataFrame) -> pd.DataFrame:
    """One row per customer and day with an order: customer_id, order_date, amount (the day's
    total), day_number (0 = the first purchase day)."""
    frame = pd.DataFrame(
        {
            "customer_id": orders["customer_id"].astype(str),
            "order_date": pd.to_datetime(orders["order_date"]).dt.normalize(),
            "amount": orders["amount"].astype(float),
        }
    )
    days = frame.groupby(["customer_id", "order_date"], as_index=False, sort=True)["amount"].sum()
    days["day_number"] = days.groupby("customer_id").cumcount()
    return days


def _period_summary(days: pd.DataFrame, end: pd.Timestamp) -> pd.DataFrame:
    """x, t_x, T and m_x per customer over the days up to ``end`` (included)."""
    seen = days[days["order_date"] <= end]
    per = seen.groupby("customer_id")
    first = per["order_date"].min()
    repeat = seen[seen["day_number"] > 0].groupby("customer_id")["amount"].mean()
    summary = pd.DataFrame(
        {
            "frequency": per.size() - 1,
            "recency_weeks": (per["order_date"].max() - first).dt.days / DAYS_PER_WEEK,
            "age_weeks": (end - first).dt.days / DAYS_PER_WEEK,
        }
    )
    summary["monetary_value"] = repeat.reindex(summary.index).fillna(0.0)
    return summary


def purchase_summaries(
    orders: pd.DataFrame, calibration_end: object, as_of: object
) -> pd.DataFrame:
    """The summary of every customer with an order on or before ``as_of`` (module docstring).

    ``orders``: customer_id, order_date, amount (> 0; one row per order). Orders after
    ``as_of`` are ignored. Sorted by customer_id.
    """
    as_of = pd.Timestamp(as_of).normalize()
    calibration_end = pd.Timestamp(calibration_end).normalize()
    if calibration_end > as_of:
        raise ValueError(f"calibration end {calibration_end.date()} after as-of {as_of.date()}")
    days = purchase_days(orders)
    days = days[days["order_date"] <= as_of]
    if days.empty:
        return pd.DataFrame({c: pd.Series(dtype=_dtype(c)) for c in COLUMNS})
    full = _period_summary(days, as_of)
    calibration = _period_summary(days, calibration_end).add_suffix("_cal")
    calibration = calibration.rename(
        columns={"recency_weeks_cal": "recency_cal_weeks", "age_weeks_cal": "age_cal_weeks"}
    )
    holdout = days[days["order_date"] > calibration_end].groupby("customer_id").size()
    frame = full.join(calibration, how="left")
    frame["first_order_date"] = days.groupby("customer_id")["order_date"].min()
    frame["purchase_days"] = frame["frequency"] + 1
    frame["in_calibration"] = frame["frequency_cal"].notna()
    frame["holdout_purchases"] = (
        holdout.reindex(frame.index).fillna(0).where(frame["in_calibration"])
    )
    frame = frame.reset_index().rename(columns={"index": "customer_id"})
    for column in ("frequency_cal", "holdout_purchases"):
        frame[column] = frame[column].astype("Int64")
    return frame[COLUMNS].sort_values("customer_id", kind="stable").reset_index(drop=True)


def _dtype(column: str) -> str:
    if column == "customer_id":
        return "object"
    if column == "first_order_date":
        return "datetime64[ns]"
    if column == "in_calibration":
        return "bool"
    if column in ("purchase_days", "frequency"):
        return "int64"
    if column in ("frequency_cal", "holdout_purchases"):
        return "Int64"
    return "float64"
