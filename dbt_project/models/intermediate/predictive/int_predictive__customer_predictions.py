"""Per one-time buyer, from the full-history BG/NBD + Gamma-Gamma fit (docs/metrics.md
"Predictive CLV and churn drivers"): P(alive), expected purchases over the next var
predicted_clv_months months, the same discounted monthly at var predicted_clv_monthly_discount,
and the expected spend per purchase; null with the reason where a model was not fitted.
clv_predicted_customers turns them into money. Computed in Python
(cxlink/predictive/clv_predictions.py).
"""

from cxlink.predictive.clv_predictions import predictions_table
from cxlink.predictive.schemas import PREDICTIONS, projection, typed


def model(dbt, session):
    dbt.config(materialized="table")
    months = int(dbt.config.get("predicted_clv_months"))
    discount = float(dbt.config.get("predicted_clv_monthly_discount"))
    summaries = dbt.ref("int_predictive__purchase_summaries").df()
    fits = dbt.ref("int_predictive__clv_fits").df()
    frame = predictions_table(summaries, fits, months, discount)
    return session.from_df(typed(frame, PREDICTIONS)).project(projection(PREDICTIONS))
