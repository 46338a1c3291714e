{#- Per active account-month with an answer in the lookback: the latest NPS answer (or mapped
    CSAT answer, as int_surveys__nps_responses_categorized gives the categories) dated on or
    before the snapshot date and after snapshot date - nps_lookback_months, and the change in
    NPS points (+1 / 0 / -1) from the customer's answer before it (any age; null for a first
    answer). Same-day answers are ordered by time, then id. docs/metrics.md "Customer health
    and closing the loop", Health score. -#}

with

responses as (

    select * from {{ ref('int_surveys__nps_responses_categorized') }}

),

account_months as (

    select * from {{ ref('int_health__account_months') }}

),

parameters as (

    select * from {{ ref('int_health__score_parameters') }}

),

sequenced as (

    select
        customer_id,
        response_id,
        responded_at,
        response_date,
        nps_category,
        nps_points,
        lag(nps_category) over (
            partition by customer_id order by responded_at, response_id
        ) as previous_nps_category,
        lag(nps_points) over (
            partition by customer_id order by responded_at, response_id
        ) as previous_nps_points
    from responses
    where nps_points is not null

),

in_window as (

    select
        account_months.customer_id,
        account_months.month_start,
        sequenced.response_id,
        sequenced.response_date,
        sequenced.nps_category,
        sequenced.nps_points,
        sequenced.previous_nps_category,
        sequenced.previous_nps_points,
        row_number() over (
            partition by account_months.customer_id, account_months.month_start
            order by sequenced.responded_at desc, sequenced.response_id desc
        ) as recency
    from account_months
    cross join parameters
    inner join sequenced
        on
            account_months.customer_id = sequenced.customer_id
            and account_months.snapshot_date >= sequenced.response_date
            and sequenced.response_date > cast(
                account_months.snapshot_date - to_months(parameters.nps_lookback_months)
                as date
            )

),

final as (

    select
        customer_id,
        month_start,
        response_id as latest_nps_response_id,
        nps_category as latest_nps_category,
        nps_points as latest_nps_points,
        previous_nps_category,
        nps_points - previous_nps_points as nps_points_change,
        response_date as latest_nps_response_date
    from in_window
    where recency = 1

)

select * from final
