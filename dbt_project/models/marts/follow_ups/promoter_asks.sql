{#- Promoters to ask for a review or a referral (docs/metrics.md "Follow-up rules", promoter
    asks): one row per account whose latest NPS answer, dated in the lookback window, scored
    9-10, ranked by ARR (the largest references first), then newest answer first. An account
    that also has a follow-up (an urgent ticket, red health, a spiking topic) is flagged
    (has_follow_up): close that first. -#}

with

answers as (

    select * from {{ ref('int_follow_ups__nps_answers') }}

),

details as (

    select * from {{ ref('int_follow_ups__response_details') }}

),

risk as (

    select * from {{ ref('int_follow_ups__account_risk') }}

),

triggers as (

    select * from {{ ref('int_follow_ups__triggers') }}

),

follow_up_window as (

    select * from {{ ref('int_follow_ups__window') }}

),

follow_up_accounts as (

    select
        customer_id,
        string_agg(reason_code, ', ' order by reason_code) as follow_up_reasons
    from triggers
    group by customer_id

),

promoters as (

    select
        answers.customer_id,
        answers.response_id,
        answers.score,
        answers.responded_at,
        answers.response_date,
        answers.previous_score,
        risk.segment,
        risk.is_active,
        risk.arr,
        details.comment_original,
        details.comment_translated,
        details.comment_language,
        details.topics,
        follow_up_accounts.follow_up_reasons,
        follow_up_window.as_of_date,
        follow_up_window.currency,
        cast(
            answers.response_date + to_days({{ follow_up_due_days('promoter_ask') }}) as date
        ) as due_date
    from answers
    cross join follow_up_window
    left join details
        on answers.response_id = details.response_id
    left join risk
        on answers.customer_id = risk.customer_id
    left join follow_up_accounts
        on answers.customer_id = follow_up_accounts.customer_id
    where answers.is_latest and answers.is_new and answers.nps_category = 'promoter'

),

final as (

    select
        -- rank and ids
        row_number() over (
            order by arr desc, responded_at desc, customer_id asc
        ) as ask_rank,
        customer_id,
        response_id,

        -- the ask
        'review_or_referral' as ask_type,
        cast(null as varchar) as account_owner,
        due_date,
        due_date < as_of_date as is_overdue,
        as_of_date,
        follow_up_reasons is not null as has_follow_up,
        follow_up_reasons,

        -- the account
        segment,
        is_active,
        arr,
        currency,

        -- the answer
        score,
        previous_score,
        response_date,
        comment_original,
        comment_translated,
        comment_language,
        topics

    from promoters

)

select * from final
