{#- Every subscription customer's position on the as-of date for the B2B aggregations of
    docs/metrics.md "Survey metrics": active or not, MRR and ARR (12 x MRR) in the reporting currency
    (the periods covering the as-of date, int_billing__subscription_periods_converted), and its NPS
    answers of the last var linkage_horizon_months (response dates after the cohort date, up to
    the as-of date): the number of responses per category (respondent-level NPS) and the
    category and score of the latest one (the account's score: account-level and
    revenue-weighted NPS, "current detractors"). One row per customer that is active now or
    answered in the period. -#}

with

periods as (

    select * from {{ ref('int_billing__subscription_periods_converted') }}

),

nps_responses as (

    select * from {{ ref('int_surveys__nps_responses_categorized') }}

),

customers as (

    select * from {{ ref('stg_crm__customers') }}

),

measurement_window as (

    select * from {{ ref('int_finance__measurement_windows') }}

),

current_mrr as (

    select
        periods.customer_id,
        sum(periods.mrr_reporting) as mrr
    from periods
    cross join measurement_window
    where
        periods.period_start_date <= measurement_window.as_of_date
        and (
            periods.period_end_date is null
            or periods.period_end_date > measurement_window.as_of_date
        )
    group by periods.customer_id

),

period_responses as (

    select nps_responses.*
    from nps_responses
    cross join measurement_window
    where
        nps_responses.response_date > measurement_window.cohort_date
        and nps_responses.response_date <= measurement_window.as_of_date

),

response_counts as (

    select
        customer_id,
        count(*) as responses,
        count(*) filter (where nps_category = 'promoter') as promoter_responses,
        count(*) filter (where nps_category = 'passive') as passive_responses,
        count(*) filter (where nps_category = 'detractor') as detractor_responses
    from period_responses
    group by customer_id

),

latest_responses as (

    select
        customer_id,
        response_date,
        nps_category,
        nps_points
    from period_responses
    qualify row_number() over (
        partition by customer_id order by responded_at desc, response_id desc
    ) = 1

),

accounts as (

    select customer_id from current_mrr
    union
    select customer_id from latest_responses

),

final as (

    select
        accounts.customer_id,
        customers.segment,
        current_mrr.customer_id is not null as is_active,
        cast(coalesce(current_mrr.mrr, 0) as decimal(38, 4)) as mrr,
        cast(12 * coalesce(current_mrr.mrr, 0) as decimal(38, 4)) as arr,
        coalesce(response_counts.responses, 0) as responses,
        coalesce(response_counts.promoter_responses, 0) as promoter_responses,
        coalesce(response_counts.passive_responses, 0) as passive_responses,
        coalesce(response_counts.detractor_responses, 0) as detractor_responses,
        latest_responses.response_date as latest_response_date,
        latest_responses.nps_category as latest_nps_category,
        latest_responses.nps_points as latest_nps_points
    from accounts
    inner join customers
        on accounts.customer_id = customers.customer_id
    left join current_mrr
        on accounts.customer_id = current_mrr.customer_id
    left join response_counts
        on accounts.customer_id = response_counts.customer_id
    left join latest_responses
        on accounts.customer_id = latest_responses.customer_id

)

select * from final
