"""BG/NBD + Gamma-Gamma fits of the one-time buyers (docs/metrics.md "Predictive CLV and churn
drivers"): one row per fit, calibration (validated on the hold-out period) and full_history
(the fit the per-customer predictions use), with each model's status and reason, parameters,
the SEs of their logarithms, log-likelihood, the frequency-value correlation and, on the
calibration row, the hold-out totals. Computed in Python (cxlink/predictive/clv_tables.py).
"""

from cxlink.predictive.clv_tables import fits_table
from cxlink.predictive.schemas import FITS, projection, typed


def model(dbt, session):
    dbt.config(materialized="table")
    min_repeat_buyers = int(dbt.config.get("predicted_clv_min_repeat_buyers"))
    z = float(dbt.config.get("ci_z"))
    periods = dbt.ref("int_predictive__clv_periods").df()
    holdout_weeks = int(periods["holdout_weeks"].iloc[0])
    summaries = dbt.ref("int_predictive__purchase_summaries").df()
    frame = fits_table(summaries, holdout_weeks, min_repeat_buyers, z)
    return session.from_df(typed(frame, FITS)).project(projection(FITS))
