{#- The accounts a customer success manager should contact (docs/metrics.md "Follow-up rules"):
    one row per account and reason (an account with several reasons has several rows, each
    naming the others in all_reasons), ranked by ARR at risk first and, among equal ARR at
    risk, newest trigger first (priority_rank 1 = first call). Each row carries the reason in
    words, the triggering response with its comment as written and in English and its topics
    (or the triggering ticket),
    the account's ARR and ARR at risk, a due date and an owner (null: the CRM contract has no
    owner field yet). -#}

with

triggers as (

    select * from {{ ref('int_follow_ups__triggers') }}

),

risk as (

    select * from {{ ref('int_follow_ups__account_risk') }}

),

details as (

    select * from {{ ref('int_follow_ups__response_details') }}

),

follow_up_window as (

    select * from {{ ref('int_follow_ups__window') }}

),

account_reasons as (

    select
        customer_id,
        count(*) as account_reasons,
        string_agg(reason_code, ', ' order by reason_code) as all_reasons
    from triggers
    group by customer_id

),

assembled as (

    select
        triggers.*,
        risk.segment,
        risk.is_active,
        risk.arr,
        risk.arr_at_risk,
        risk.churn_probability,
        risk.baseline_churn_probability,
        risk.churn_probability_source,
        risk.churn_horizon_months,
        risk.nps_category,
        risk.health_score,
        risk.health_band,
        risk.previous_health_band,
        details.survey_type,
        details.score,
        details.comment_original,
        details.comment_translated,
        details.comment_language,
        details.topics,
        account_reasons.account_reasons,
        account_reasons.all_reasons,
        follow_up_window.as_of_date,
        follow_up_window.high_arr_threshold,
        follow_up_window.currency,
        coalesce(risk.arr_at_risk, 0) as priority_score,
        coalesce(risk.arr, 0) >= follow_up_window.high_arr_threshold as is_high_arr,
        {{ follow_up_due_date('triggers.reason_code', 'triggers.trigger_date') }} as due_date
    from triggers
    cross join follow_up_window
    left join risk
        on triggers.customer_id = risk.customer_id
    left join details
        on triggers.response_id = details.response_id
    inner join account_reasons
        on triggers.customer_id = account_reasons.customer_id

),

final as (

    select
        -- rank and ids
        row_number() over (
            order by
                priority_score desc, trigger_at desc, arr desc, customer_id asc, reason_code asc
        ) as priority_rank,
        customer_id,

        -- the follow-up
        reason_code,
        case reason_code
            when 'new_detractor'
                then 'NPS ' || score || ' (detractor) on ' || trigger_date
            when 'promoter_dropped'
                then
                    'NPS fell from ' || previous_score || ' (promoter, '
                    || previous_response_date || ') to ' || score || ' ('
                    || {{ nps_category('score') }} || ') on ' || trigger_date
            when 'spike_topic'
                then
                    'Comment on ' || trigger_date || ' mentions ' || alert_topics
                    || ', with a spike alert in the latest topic period'
            when 'red_health_high_arr'
                then
                    'Health score ' || round(health_score, 1) || ' (red'
                    || case
                        when is_new_red then ', new this month'
                        else ' since ' || trigger_date
                    end
                    || ') with ARR ' || cast(round(arr) as bigint) || ' ' || currency
            when 'urgent_ticket_unanswered'
                then
                    'Urgent ticket ' || ticket_id || ' open for ' || ticket_hours_open
                    || ' hours (opened ' || strftime(trigger_at, '%Y-%m-%d %H:%M') || ' UTC)'
                    || case
                        when open_urgent_tickets > 1
                            then '; ' || open_urgent_tickets || ' urgent tickets unanswered'
                        else ''
                    end
        end as reason_text,
        case
            when priority_score > 0 and is_high_arr then 'high'
            when priority_score > 0 then 'medium'
            else 'low'
        end as priority,
        priority_score,
        cast(null as varchar) as account_owner,
        due_date,
        due_date < as_of_date as is_overdue,
        trigger_date,
        as_of_date,

        -- the account
        segment,
        is_active,
        arr,
        arr_at_risk,
        churn_probability,
        baseline_churn_probability,
        churn_probability_source,
        churn_horizon_months,
        health_score,
        health_band,
        previous_health_band,
        is_new_red,
        nps_category,
        is_high_arr,
        high_arr_threshold,
        currency,
        account_reasons,
        all_reasons,

        -- the triggering response
        response_id,
        survey_type,
        score,
        previous_score,
        previous_response_date,
        comment_original,
        comment_translated,
        comment_language,
        topics,
        alert_topics,

        -- the triggering ticket
        ticket_id,
        ticket_hours_open,
        open_urgent_tickets

    from assembled

)

select * from final
