{#- Every follow-up reason of every account (docs/metrics.md "Follow-up rules"), one row per
    account and reason: the survey reasons (int_follow_ups__survey_triggers) and the account
    reasons. Columns a reason does not use are null. -#}

with

survey_triggers as (

    select * from {{ ref('int_follow_ups__survey_triggers') }}

),

final as (

    select
        -- ids
        customer_id,
        reason_code,
        response_id,
        previous_response_id,

        -- attributes
        previous_score,
        alert_topics,

        -- dates and timestamps
        trigger_at,
        trigger_date,
        previous_response_date

    from survey_triggers

)

select * from final
