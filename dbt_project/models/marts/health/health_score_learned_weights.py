"""The learned health score's weights (docs/metrics.md "Customer health and closing the loop",
Learned score): an L2-regularised logistic regression (var ``health_learned_c``) of churn within
the next N months (var ``health_churn_horizon_months``) on the configured formula's normalised
indicators, fitted on the account-months of the time split's fit period
(int_health__time_split). One row per indicator: coefficient (log-odds of churn per unit of s)
with an approximate CI, the fit-set mean used for a missing value, and the suggested weight in
the configured formula's terms (to copy into the YAML). The fit is ``cxlink.health.learned``.
"""

from cxlink.health.tables import LEARNED_COLUMNS, learned_weights_frame, sql_projection


def model(dbt, session):
    dbt.config(materialized="table")
    # dbt passes a config key to the model only when it finds a plain dbt.config.get("key")
    c = float(dbt.config.get("health_learned_c"))
    z = float(dbt.config.get("ci_z"))
    fit_rows = (
        dbt.ref("int_health__indicator_values")
        .filter("time_split = 'fit'")
        .order("customer_id, month_start")
        .df()
    )
    # a ref inside a subscripted expression escapes dbt's parser: one relation per statement
    split_relation = dbt.ref("int_health__time_split")
    split = split_relation.df().to_dict("records")[0]
    config = (
        dbt.ref("int_health__score_config")
        .filter("segment = '*' and tenure_stage = 'established'")
        .df()
    )
    configured = dict(zip(config["indicator"], config["weight"], strict=True))
    version = str(config["score_version"].iloc[0])
    frame = learned_weights_frame(fit_rows, split, configured, c, z, version)
    return session.from_df(frame).project(sql_projection(LEARNED_COLUMNS))
