{#- The follow-up reasons that survey answers trigger (docs/metrics.md "Follow-up rules"), one row
    per account and reason, at the reason's latest trigger:
    - new_detractor: an NPS answer 0-6 in the lookback window (the latest such answer);
    - promoter_dropped: the account's latest NPS answer is in the window, scores 8 or less, and
      the NPS answer before it scored 9-10;
    - spike_topic: a comment in the window (any survey) mentions a topic with a spike alert in
      the latest topic period (int_text__topic_alerts_rollups: is_latest_period and is_alert) in
      the response's period, for the account's segment or over every segment ('all'). -#}

with

answers as (

    select * from {{ ref('int_follow_ups__nps_answers') }}

),

details as (

    select * from {{ ref('int_follow_ups__response_details') }}

),

response_topics as (

    select * from {{ ref('int_text__response_topics') }}

),

alerts as (

    select * from {{ ref('int_text__topic_alerts_rollups') }}

),

follow_up_window as (

    select * from {{ ref('int_follow_ups__window') }}

),

new_detractors as (

    select
        customer_id,
        'new_detractor' as reason_code,
        response_id,
        responded_at as trigger_at,
        response_date as trigger_date
    from answers
    where is_new and nps_category = 'detractor'
    qualify row_number() over (
        partition by customer_id order by responded_at desc, response_id desc
    ) = 1

),

promoter_drops as (

    select
        customer_id,
        'promoter_dropped' as reason_code,
        response_id,
        responded_at as trigger_at,
        response_date as trigger_date,
        previous_response_id,
        previous_score,
        previous_response_date
    from answers
    where is_latest and is_new and score <= 8 and previous_score >= 9

),

latest_alerts as (

    select distinct
        segment,
        topic_id,
        period_start
    from alerts
    where is_latest_period and is_alert

),

alerting_mentions as (

    select distinct
        response_topics.response_id,
        response_topics.customer_id,
        response_topics.topic_id
    from response_topics
    inner join latest_alerts
        on
            response_topics.topic_id = latest_alerts.topic_id
            and response_topics.period_start = latest_alerts.period_start
            and latest_alerts.segment in (response_topics.segment, 'all')

),

alerting_responses as (

    select
        response_id,
        customer_id,
        string_agg(topic_id, ', ' order by topic_id) as alert_topics
    from alerting_mentions
    group by response_id, customer_id

),

spike_mentions as (

    select
        alerting_responses.customer_id,
        'spike_topic' as reason_code,
        alerting_responses.response_id,
        details.responded_at as trigger_at,
        details.response_date as trigger_date,
        alerting_responses.alert_topics
    from alerting_responses
    inner join details
        on alerting_responses.response_id = details.response_id
    cross join follow_up_window
    where details.response_date >= follow_up_window.lookback_start_date
    qualify row_number() over (
        partition by alerting_responses.customer_id
        order by details.responded_at desc, details.response_id desc
    ) = 1

),

final as (

    select * from new_detractors
    union all by name
    select * from promoter_drops
    union all by name
    select * from spike_mentions

)

select * from final
