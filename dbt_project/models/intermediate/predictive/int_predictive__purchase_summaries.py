"""Per one-time buyer: frequency, recency, age and mean repeat value in weeks, over the
calibration period and the full history, and the hold-out purchases (docs/metrics.md
"Predictive CLV and churn drivers"). Orders: the one-time buyers' order lines (macro
is_one_time_order) up to the as-of date, every order of one day one purchase. Computed in
Python (cxlink/predictive/summary.py).
"""

from cxlink.predictive.clv_tables import summary_table
from cxlink.predictive.schemas import SUMMARIES, projection, typed


def model(dbt, session):
    dbt.config(materialized="table")
    periods = dbt.ref("int_predictive__clv_periods").df()
    orders = (
        dbt.ref("int_finance__one_time_lines")
        .filter("is_order")
        .project(
            "customer_id, segment, issued_date as order_date, "
            "cast(amount_reporting as double) as amount"
        )
        .df()
    )
    frame = summary_table(
        orders, periods["calibration_end_date"].iloc[0], periods["as_of_date"].iloc[0]
    )
    return session.from_df(typed(frame, SUMMARIES)).project(projection(SUMMARIES))
