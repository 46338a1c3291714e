"""Hold-out validation of the calibration BG/NBD fit per calibration frequency bucket
(docs/metrics.md "Predictive CLV and churn drivers"): customers, actual and predicted purchases
in the hold-out period, per customer and as the MAE. Computed in Python
(cxlink/predictive/clv_tables.py).
"""

from cxlink.predictive.clv_tables import validation_table
from cxlink.predictive.schemas import VALIDATION, projection, typed


def model(dbt, session):
    dbt.config(materialized="table")
    periods = dbt.ref("int_predictive__clv_periods").df()
    holdout_weeks = int(periods["holdout_weeks"].iloc[0])
    summaries = dbt.ref("int_predictive__purchase_summaries").df()
    fits = dbt.ref("int_predictive__clv_fits").df()
    frame = validation_table(summaries, fits, holdout_weeks)
    return session.from_df(typed(frame, VALIDATION)).project(projection(VALIDATION))
