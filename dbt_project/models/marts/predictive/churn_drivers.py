"""Churn drivers (docs/metrics.md "Predictive CLV and churn drivers"): hazard ratios of the CX
signals in a Cox model of subscription customers' time to churn from their first subscription
start, with time-varying covariates from the latest NPS answer (category, comment sentiment,
top-level topics mentioned) and from support tickets and product usage (evaluated every var
churn_driver_grid_days days), per scope (overall, each segment). Computed in Python
(cxlink/predictive: churn_episodes.py, churn_signals.py, cox.py, churn_tables.py).
"""

from cxlink.predictive.churn_episodes import churn_episodes, covariates, customer_spans
from cxlink.predictive.churn_tables import drivers_table
from cxlink.predictive.schemas import DRIVERS, projection, typed


def model(dbt, session):
    dbt.config(materialized="table")
    min_events = int(dbt.config.get("churn_driver_min_events_per_covariate"))
    z = float(dbt.config.get("ci_z"))
    grid_days = int(dbt.config.get("churn_driver_grid_days"))
    as_of_dates = dbt.ref("int_calendar__as_of_dates").df()
    as_of = as_of_dates["as_of_date"].iloc[0]
    spells = dbt.ref("int_revenue__activity_spells").df()
    customers = dbt.ref("stg_crm__customers").df()
    answers = (
        dbt.ref("int_text__responses_enriched")
        .filter("survey_type = 'nps' and nps_category is not null")
        .project(
            "customer_id, response_id, response_date, nps_category, mean_sentiment, "
            "has_tagged_comment"
        )
        .df()
    )
    topics = dbt.ref("stg_text__topics").filter("topic_level = 1").project("topic_id").df()
    mentions = dbt.ref("int_text__response_topics").project("response_id, topic_id").df()
    tickets = dbt.ref("stg_support__tickets").project("customer_id, opened_date").df()
    usage = (
        dbt.ref("stg_product__usage_weeks").project("customer_id, week_start, active_users").df()
    )
    topic_ids = sorted(topics["topic_id"].astype(str))
    mentions = mentions[mentions["topic_id"].isin(topic_ids)]
    segments = customers.set_index("customer_id")["segment"]
    spells["segment"] = spells["customer_id"].map(segments).fillna("unknown")
    spans = customer_spans(spells, as_of)
    episodes = churn_episodes(spans, answers, mentions, topic_ids, tickets, usage, grid_days)
    frame = drivers_table(episodes, covariates(topic_ids), min_events, z)
    return session.from_df(typed(frame, DRIVERS)).project(projection(DRIVERS))
