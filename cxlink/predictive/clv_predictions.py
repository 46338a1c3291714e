"""Per-customer predictions of the full-history fit (docs/metrics.md "Predictive CLV and churn
drivers"): P(alive), expected purchases over the next ``months`` months, the same discounted,
and the expected spend per purchase. The mart ``clv_predicted_customers`` (SQL) multiplies them
into the expected revenue and the predicted CLV (with the gross margin).

- expected_purchases = E[N(h)] (FHL eq. 10), h = months x 30.4375 / 7 weeks;
- discounted_purchases = sum over months m = 1..months of (E[N(m w)] - E[N((m - 1) w)]) /
  (1 + d)^m, w = 30.4375 / 7 weeks, d the monthly discount rate;
- expected_spend_per_purchase = the Gamma-Gamma conditional mean (Fader & Hardie 2013, eq. 5);
  where the customers' mean spend shows no heterogeneity (the fit's reason
  ``no_spend_heterogeneity``: the likelihood rises without bound in q), the model's limit, one
  mean for everyone: the mean repeat purchase value sum(x m_x) / sum(x) (``spend_model``
  ``common_mean``).

A customer whose prediction cannot be made keeps their row with null figures and the reason:
``prediction_null_reason`` = ``bg_nbd_<reason>`` when the BG/NBD fit failed (then every figure
is null); ``value_null_reason`` = the same, or ``gamma_gamma_<reason>`` when only the spend
model failed (P(alive) and purchases are published, the money figures are not).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cxlink.predictive import bgnbd, gamma_gamma
from cxlink.predictive.clv_tables import (
    FULL_HISTORY,
    MODEL_NOT_FITTED,
    SPEND_NOT_FITTED,
    WEEKS_PER_MONTH,
    params_of,
)

COMMON_MEAN = "common_mean"
SUMMARY_COLUMNS = [
    "customer_id",
    "segment",
    "first_order_date",
    "purchase_days",
    "frequency",
    "recency_weeks",
    "age_weeks",
    "monetary_value",
    "as_of_date",
]


def _reason(fits: pd.DataFrame, model: str) -> str | None:
    row = fits[fits["fit"] == FULL_HISTORY].iloc[0]
    reason = row[f"{model}_null_reason"]
    return None if reason is None or pd.isna(reason) else str(reason)


def predictions_table(
    summaries: pd.DataFrame,
    fits: pd.DataFrame,
    months: int,
    monthly_discount: float,
) -> pd.DataFrame:
    """One row per customer of ``summaries`` (module docstring)."""
    frame = summaries[SUMMARY_COLUMNS].copy().reset_index(drop=True)
    x, t_x, T, m = (
        frame[c].astype(float).to_numpy()
        for c in ("frequency", "recency_weeks", "age_weeks", "monetary_value")
    )
    n = len(frame)
    bg = params_of(fits, FULL_HISTORY, bgnbd.PARAMETERS)
    gg = params_of(fits, FULL_HISTORY, gamma_gamma.PARAMETERS)
    nan = np.full(n, np.nan)
    alive = purchases = discounted = spend = nan
    prediction_reason = value_reason = None
    if bg is None:
        prediction_reason = value_reason = MODEL_NOT_FITTED + (
            _reason(fits, "bg_nbd") or "not_fitted"
        )
    elif n:
        alive = bgnbd.probability_alive(bg, x, t_x, T)
        purchases = bgnbd.expected_purchases(bg, months * WEEKS_PER_MONTH, x, t_x, T)
        discounted = bgnbd.discounted_monthly_purchases(
            bg, months, WEEKS_PER_MONTH, monthly_discount, x, t_x, T
        )
    spend_model = None
    if bg is not None:
        gg_reason = _reason(fits, "gamma_gamma")
        if gg is None and gg_reason == gamma_gamma.NO_SPEND_HETEROGENEITY:
            # the model's limit as q -> infinity: one spend distribution for everyone, its mean
            # the mean repeat purchase value, sum(x m_x) / sum(x)
            spend_model = COMMON_MEAN
            spend = np.full(n, float(np.sum(x * m) / np.sum(x)))
        elif gg is None:
            value_reason = SPEND_NOT_FITTED + (gg_reason or "not_fitted")
        elif gamma_gamma.population_mean(gg) is None:
            value_reason = SPEND_NOT_FITTED + gamma_gamma.Q_NOT_ABOVE_ONE
        elif n:
            spend_model = gamma_gamma.MODEL
            spend = gamma_gamma.expected_spend(gg, x, m)
    frame["p_alive"] = alive
    frame["expected_purchases"] = purchases
    frame["discounted_purchases"] = discounted
    frame["spend_model"] = spend_model
    frame["expected_spend_per_purchase"] = spend
    frame["prediction_horizon_months"] = months
    frame["monthly_discount_rate"] = monthly_discount
    frame["prediction_null_reason"] = prediction_reason
    frame["value_null_reason"] = value_reason
    return frame
