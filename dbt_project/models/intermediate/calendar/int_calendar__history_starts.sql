{#- One row: where the subscription history starts and whether it looks left-truncated
    (docs/metrics.md "Conventions shared by every mart", History start). A history is flagged
    when at least macro left_truncation_share() (50%) of the subscription customers have their
    first period start in the first month of the subscription data: a snapshot or a migrated
    book of business, where those customers were already active before the data begin. The
    declared start (var history_starts_at, env CXLINK_HISTORY_STARTS_AT) makes the cohort and
    churn marts count observed time only (macros/history.sql). -#}
{%- set declared = history_starts_at() -%}

with

subscriptions as (

    select * from {{ ref('stg_billing__subscriptions') }}

),

first_starts as (

    select
        customer_id,
        min(period_start_date) as first_start_date
    from subscriptions
    group by customer_id

),

data_start as (

    select cast(date_trunc('month', min(first_start_date)) as date) as first_period_month
    from first_starts

),

counted as (

    select
        data_start.first_period_month,
        count(first_starts.customer_id) as subscription_customers,
        count(first_starts.customer_id) filter (
            where date_trunc('month', first_starts.first_start_date)
            = data_start.first_period_month
        ) as customers_starting_in_first_month,
        count(first_starts.customer_id) filter (
            where {{ is_left_truncated('first_starts.first_start_date') }}
        ) as left_truncated_customers
    from data_start
    left join first_starts on true
    group by data_start.first_period_month

),

final as (

    select
        first_period_month,
        subscription_customers,
        customers_starting_in_first_month,
        {{ safe_ratio('customers_starting_in_first_month', 'subscription_customers') }}
            as first_month_share,
        coalesce(
            {{ safe_ratio('customers_starting_in_first_month', 'subscription_customers') }}
            >= {{ left_truncation_share() }},
            false
        ) as looks_left_truncated,
        {%- if declared %}
            {{ declared }} as history_starts_at,
            'declared' as history_start_source,
        {%- else %}
            cast(null as date) as history_starts_at,
            'not_declared' as history_start_source,
        {%- endif %}
        {{ first_observed_month() }} as first_observed_month,
        left_truncated_customers
    from counted

)

select * from final
