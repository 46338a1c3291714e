{#- Every follow-up reason of every account (docs/metrics.md "Follow-up rules"), one row per
    account and reason: the survey reasons (int_follow_ups__survey_triggers), the unanswered
    urgent tickets (int_follow_ups__ticket_triggers) and red health with high ARR
    (int_follow_ups__health_triggers). Columns a reason does not use are null. -#}

with

survey_triggers as (

    select * from {{ ref('int_follow_ups__survey_triggers') }}

),

ticket_triggers as (

    select * from {{ ref('int_follow_ups__ticket_triggers') }}

),

health_triggers as (

    select * from {{ ref('int_follow_ups__health_triggers') }}

),

unioned as (

    select * from survey_triggers
    union all by name
    select * from ticket_triggers
    union all by name
    select * from health_triggers

),

final as (

    select
        -- ids
        customer_id,
        reason_code,
        response_id,
        previous_response_id,
        ticket_id,

        -- attributes
        previous_score,
        alert_topics,
        ticket_hours_open,
        open_urgent_tickets,
        is_new_red,

        -- dates and timestamps
        trigger_at,
        trigger_date,
        previous_response_date

    from unioned

)

select * from final
