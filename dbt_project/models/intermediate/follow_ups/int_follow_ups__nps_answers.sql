{#- Every NPS answer dated on or before the as-of date, with the same account's previous NPS
    answer and whether it is new (in the lookback window) and the account's latest
    (docs/metrics.md "Follow-up rules"). NPS surveys only: a CSAT answer that stands in for NPS
    in the linkage marts is no NPS answer here. Order within an account: responded_at, then
    response_id (the tie-break of int_finance__current_accounts). -#}

with

responses as (

    select * from {{ ref('stg_surveys__responses') }}

),

follow_up_window as (

    select * from {{ ref('int_follow_ups__window') }}

),

answers as (

    select responses.*
    from responses
    cross join follow_up_window
    where
        responses.survey_type = 'nps'
        and responses.response_date <= follow_up_window.as_of_date

),

sequenced as (

    select
        response_id,
        customer_id,
        score,
        {{ nps_category('score') }} as nps_category,
        responded_at,
        response_date,
        lag(response_id) over account_order as previous_response_id,
        lag(score) over account_order as previous_score,
        lag(response_date) over account_order as previous_response_date,
        row_number() over (
            partition by customer_id order by responded_at desc, response_id desc
        ) = 1 as is_latest
    from answers
    window account_order as (partition by customer_id order by responded_at, response_id)

),

final as (

    select
        -- ids
        sequenced.response_id,
        sequenced.customer_id,
        sequenced.previous_response_id,

        -- attributes
        sequenced.score,
        sequenced.nps_category,
        sequenced.previous_score,
        {{ nps_category('sequenced.previous_score') }} as previous_nps_category,

        -- dates
        sequenced.responded_at,
        sequenced.response_date,
        sequenced.previous_response_date,

        -- flags
        sequenced.is_latest,
        sequenced.response_date >= follow_up_window.lookback_start_date as is_new

    from sequenced
    cross join follow_up_window

)

select * from final
