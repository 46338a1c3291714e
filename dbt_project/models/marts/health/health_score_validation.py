"""How well each health score predicts churn on the months it was not fitted on
(docs/metrics.md "Customer health and closing the loop", Validation): per score (configured,
learned, learned_as_configured, nps_only; int_health__validation_scores), over the validation
account-months of the time split, the AUC with DeLong's standard error and interval (var
``ci_z``), and the paired DeLong difference to NPS alone. ``cxlink.health.validation``.
"""

from cxlink.health.tables import VALIDATION_COLUMNS, sql_projection, validation_frame


def model(dbt, session):
    dbt.config(materialized="table")
    # dbt passes a config key to the model only when it finds a plain dbt.config.get("key")
    z = float(dbt.config.get("ci_z"))
    scores = (
        dbt.ref("int_health__validation_scores")
        .project("customer_id, month_start, score_name, risk_score, churned")
        .order("score_name, customer_id, month_start")
        .df()
    )
    # a ref inside a subscripted expression escapes dbt's parser: one relation per statement
    split_relation = dbt.ref("int_health__time_split")
    split = split_relation.df().to_dict("records")[0]
    parameters = dbt.ref("int_health__score_parameters")
    version = str(parameters.df()["score_version"].iloc[0])
    frame = validation_frame(scores, split, z, version)
    return session.from_df(frame).project(sql_projection(VALIDATION_COLUMNS))
