"""Key drivers of NPS among the topics (docs/metrics.md "Text feedback", key-driver analysis).

Per period (var ``topic_period`` plus one ``all_time`` set), outcome and topic level: Johnson's
relative weights of the topic-mention indicators (0/1 per NPS response with a tagged comment,
level-2 mentions rolled up to their parents) for three outcomes: the respondent's NPS points
(+1 / 0 / -1), being a promoter (0/1) and being a detractor (0/1). The raw weights sum to the
model's R^2; a driver whose OLS coefficient is not significant (two-sided t-test, var
``driver_alpha``) is reported with ``relative_weight`` 0 and ``is_significant`` false. The
computation lives in ``cxlink.key_drivers`` (pure functions, tested on their own); it sorts
its inputs first, so the same data give the same bytes although dbt hands them over in no fixed
order.
"""

from cxlink.key_drivers import drivers_frame, sql_projection


def model(dbt, session):
    dbt.config(materialized="table")
    # dbt passes a config key to the model only when it finds a plain dbt.config.get("key")
    grain = dbt.config.get("topic_period")
    grain = str(grain or "month").strip().lower()
    alpha = float(dbt.config.get("driver_alpha"))
    min_responses = int(dbt.config.get("driver_min_responses"))
    responses = (
        dbt.ref("int_text__responses_enriched")
        .filter("survey_type = 'nps' and has_tagged_comment and nps_points is not null")
        .project("response_id, period_start, nps_points")
        .df()
    )
    mentions = (
        dbt.ref("int_text__response_topics")
        .filter("survey_type = 'nps'")
        .project("response_id, topic_id")
        .df()
    )
    topics = dbt.ref("stg_text__topics").project("topic_id, topic_name, topic_level").df()
    frame = drivers_frame(responses, mentions, topics, grain, alpha, min_responses)
    # typed like the SQL marts (a date, not a timestamp; varchar even when there are no rows)
    return session.from_df(frame).project(sql_projection())
