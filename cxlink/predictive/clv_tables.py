"""The predictive-CLV tables as the dbt models publish them (docs/metrics.md "Predictive CLV and
churn drivers"): the two fits, the per-customer predictions and the hold-out validation.

Two fits of BG/NBD + Gamma-Gamma on the one-time buyers' purchase summaries
(``cxlink.predictive.summary``):

- ``calibration``: on the calibration period (the customers whose first purchase is on or
  before its end), validated on the hold-out period that follows: predicted purchase days
  (FHL eq. 10 over the hold-out's length) against the actual ones, per customer;
- ``full_history``: on everything up to the as-of date; the per-customer predictions of the
  next ``horizon_months`` come from this fit.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cxlink.predictive import bgnbd, gamma_gamma
from cxlink.predictive.fits import ModelFit
from cxlink.predictive.summary import COLUMNS as SUMMARY_COLUMNS
from cxlink.predictive.summary import purchase_summaries

CALIBRATION = "calibration"
FULL_HISTORY = "full_history"
DAYS_PER_MONTH = 30.4375  # docs/metrics.md "Months from days"
WEEKS_PER_MONTH = DAYS_PER_MONTH / 7
BUCKETS = ["0", "1", "2", "3", "4", "5", "6", "7+"]  # calibration repeat purchases (FHL fig. 3)
# per-customer reasons for a null prediction (prediction_null_reason / value_null_reason)
MODEL_NOT_FITTED = "bg_nbd_"  # + the fit's reason, e.g. bg_nbd_too_few_repeat_buyers
SPEND_NOT_FITTED = "gamma_gamma_"


def summary_table(orders: pd.DataFrame, calibration_end, as_of) -> pd.DataFrame:
    """``purchase_summaries`` of the orders (customer_id, segment, order_date, amount) with the
    customer's segment and the two period ends; no rows without an as-of date (no data)."""
    if as_of is None or pd.isna(as_of):
        return pd.DataFrame(columns=[*SUMMARY_COLUMNS, "segment"])
    frame = purchase_summaries(orders, calibration_end, as_of)
    segments = orders.drop_duplicates("customer_id").set_index("customer_id")["segment"]
    frame["segment"] = frame["customer_id"].map(segments)
    frame["calibration_end_date"] = pd.Timestamp(calibration_end)
    frame["as_of_date"] = pd.Timestamp(as_of)
    return frame


def _columns(frame: pd.DataFrame, calibration: bool) -> tuple[pd.Series, ...]:
    if calibration:
        frame = frame[frame["in_calibration"]]
        names = ("frequency_cal", "recency_cal_weeks", "age_cal_weeks", "monetary_value_cal")
    else:
        names = ("frequency", "recency_weeks", "age_weeks", "monetary_value")
    return tuple(frame[name].astype(float) for name in names)


def fit_models(summaries: pd.DataFrame, calibration: bool, min_repeat_buyers: int):
    """(BG/NBD fit, Gamma-Gamma fit) on the calibration or full-history columns."""
    x, t_x, T, m = _columns(summaries, calibration)
    return (
        bgnbd.fit(x, t_x, T, min_repeat_buyers),
        gamma_gamma.fit(x, m, min_repeat_buyers),
    )


def holdout_predictions(summaries: pd.DataFrame, fit: ModelFit, weeks: float) -> pd.DataFrame:
    """Per calibration customer: bucket, actual and predicted hold-out purchases."""
    cal = summaries[summaries["in_calibration"]]
    x, t_x, T, _ = _columns(summaries, calibration=True)
    predicted = (
        bgnbd.expected_purchases(fit.params, weeks, x, t_x, T)
        if fit.fitted and len(cal)
        else np.full(len(cal), np.nan)
    )
    return pd.DataFrame(
        {
            "bucket": np.where(x >= 7, "7+", x.astype(int).astype(str)),
            "actual": cal["holdout_purchases"].astype(float).to_numpy(),
            "predicted": predicted,
        }
    )


def _fit_columns(prefix: str, fit: ModelFit, names: list[str]) -> dict:
    row = {
        f"{prefix}_status": fit.status,
        f"{prefix}_null_reason": fit.reason,
        f"{prefix}_customers": fit.n_customers,  # BG/NBD: every customer (``customers``)
        f"{prefix}_log_likelihood": fit.log_likelihood,
    }
    for name in names:
        row[name] = fit.params.get(name)
        se = fit.log_se.get(name)
        row[f"{name}_log_se"] = se if se is not None and np.isfinite(se) else None
    return row


def fits_table(
    summaries: pd.DataFrame, holdout_weeks: int, min_repeat_buyers: int, z: float
) -> pd.DataFrame:
    """One row per fit (module docstring): each model's status, reason, n, parameters with the
    SEs of their logs, log-likelihood; the frequency-value correlation (Gamma-Gamma's
    independence assumption); on the calibration row the hold-out totals and MAE."""
    # the same customers in the same order give the same fit, bit for bit, on every run
    summaries = summaries.sort_values("customer_id", kind="stable").reset_index(drop=True)
    rows = []
    for name, calibration in ((CALIBRATION, True), (FULL_HISTORY, False)):
        bg, gg = fit_models(summaries, calibration, min_repeat_buyers)
        x, _, _, m = _columns(summaries, calibration)
        r, low, high, n_r = gamma_gamma.frequency_value_correlation(x, m, z)
        row = {
            "fit": name,
            "customers": len(x),
            "repeat_buyers": int((x > 0).sum()),
            **_fit_columns("bg_nbd", bg, bgnbd.PARAMETERS),
            **_fit_columns("gamma_gamma", gg, gamma_gamma.PARAMETERS),
            "population_mean_spend": (
                gamma_gamma.population_mean(gg.params) if gg.fitted else None
            ),
            "frequency_value_correlation": r,
            "frequency_value_correlation_ci_low": low,
            "frequency_value_correlation_ci_high": high,
            "correlation_customers": n_r,
            "holdout_weeks": None,
            "holdout_actual_purchases": None,
            "holdout_predicted_purchases": None,
            "holdout_mae": None,
        }
        if calibration:
            holdout = holdout_predictions(summaries, bg, holdout_weeks)
            row["holdout_weeks"] = holdout_weeks
            row["holdout_actual_purchases"] = int(holdout["actual"].sum())
            if bg.fitted and len(holdout):
                row["holdout_predicted_purchases"] = float(holdout["predicted"].sum())
                row["holdout_mae"] = float((holdout["predicted"] - holdout["actual"]).abs().mean())
        rows.append(row)
    return pd.DataFrame(rows)


def params_of(fits: pd.DataFrame, fit: str, names: list[str]) -> dict[str, float] | None:
    """The parameters of one row of ``fits_table`` (None when that model was not fitted)."""
    row = fits[fits["fit"] == fit].iloc[0]
    values = {name: row[name] for name in names}
    if any(v is None or pd.isna(v) for v in values.values()):
        return None
    return {name: float(v) for name, v in values.items()}


def validation_table(summaries: pd.DataFrame, fits: pd.DataFrame, holdout_weeks: int):
    """Per calibration-frequency bucket 0 .. 6, 7+: customers, actual and predicted hold-out
    purchases (sums and means per customer) and the MAE per customer. Every bucket has a row;
    predicted figures are null when the calibration fit is not."""
    params = params_of(fits, CALIBRATION, bgnbd.PARAMETERS)
    fit = ModelFit(bgnbd.MODEL, "fitted" if params else "not_fitted", 0, 0, params=params or {})
    holdout = holdout_predictions(summaries, fit, holdout_weeks)
    holdout["error"] = (holdout["predicted"] - holdout["actual"]).abs()
    per = holdout.groupby("bucket")
    table = pd.DataFrame(
        {
            "customers": per.size(),
            "actual_purchases": per["actual"].sum(),
            "predicted_purchases": per["predicted"].sum(min_count=1),
            "mae": per["error"].mean(),
        }
    ).reindex(BUCKETS)
    table["customers"] = table["customers"].fillna(0).astype(int)
    table["actual_purchases"] = table["actual_purchases"].fillna(0)
    if params is None:
        table[["predicted_purchases", "mae"]] = np.nan
    table["actual_per_customer"] = table["actual_purchases"] / table["customers"].replace(0, np.nan)
    table["predicted_per_customer"] = table["predicted_purchases"] / table["customers"].replace(
        0, np.nan
    )
    table.insert(0, "bucket_order", range(len(BUCKETS)))
    table["holdout_weeks"] = holdout_weeks
    return table.rename_axis("frequency_bucket").reset_index()
