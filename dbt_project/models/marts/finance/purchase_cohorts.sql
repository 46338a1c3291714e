{#- Purchase cohorts of one-time buyers (docs/metrics.md "Transactional customers"): buyers
    grouped by the month of their first order, followed month by month up to the as-of month.
    Retention in month k = the share of the cohort with an order in cohort month + k (Wilson
    interval, var ci_z); 1 at k = 0 by construction. Orders and net revenue (every line of the
    cohort's buyers, refunds negative) per month, and the cohort's cumulative net revenue per
    buyer. A line before the buyer's first order (a credit) has no cohort month and is left
    out. -#}
{%- set z = var('ci_z') -%}

with

lines as (

    select * from {{ ref('int_finance__one_time_lines') }}

),

buyers as (

    select * from {{ ref('int_finance__repeat_buyers') }}

),

as_of as (

    select
        as_of_date,
        cast(date_trunc('month', as_of_date) as date) as as_of_month
    from {{ ref('int_calendar__as_of_dates') }}

),

cohorts as (

    select
        first_order_month as cohort_month,
        count(*) as cohort_customers
    from buyers
    group by first_order_month

),

spine as (

    select
        cohorts.cohort_month,
        cohorts.cohort_customers,
        cast(unnest(generate_series(
            cohorts.cohort_month, as_of.as_of_month, interval 1 month
        )) as date) as month
    from cohorts
    cross join as_of

),

activity as (

    select
        buyers.first_order_month as cohort_month,
        lines.invoice_month as month,
        count(distinct lines.customer_id) filter (where lines.is_order) as customers_buying,
        count(*) filter (where lines.is_order) as orders,
        sum(lines.amount_reporting) as net_revenue
    from lines
    inner join buyers
        on lines.customer_id = buyers.customer_id
    group by buyers.first_order_month, lines.invoice_month

),

months as (

    select
        spine.cohort_month,
        cast(datediff('month', spine.cohort_month, spine.month) as integer)
            as months_since_first_order,
        spine.month,
        spine.month = as_of.as_of_month
        and as_of.as_of_date < cast(last_day(as_of.as_of_month) as date) as is_partial_month,
        spine.cohort_customers,
        coalesce(activity.customers_buying, 0) as customers_buying,
        coalesce(activity.orders, 0) as orders,
        coalesce(activity.net_revenue, 0) as net_revenue
    from spine
    cross join as_of
    left join activity
        on
            spine.cohort_month = activity.cohort_month
            and spine.month = activity.month

),

final as (

    select
        cohort_month,
        months_since_first_order,
        month,
        is_partial_month,
        -- the reporting currency of the money columns
        '{{ reporting_currency() }}' as currency,
        cast(cohort_customers as integer) as cohort_customers,
        cast(customers_buying as integer) as customers_buying,
        {{ safe_ratio('customers_buying', 'cohort_customers') }} as retention,
        {{ wilson_interval('customers_buying', 'cohort_customers', z, 'lower') }}
            as retention_ci_low,
        {{ wilson_interval('customers_buying', 'cohort_customers', z, 'upper') }}
            as retention_ci_high,
        cast(orders as integer) as orders,
        cast(net_revenue as decimal(38, 4)) as net_revenue,
        {{ safe_ratio(
            'sum(net_revenue) over (partition by cohort_month order by month)',
            'cohort_customers'
        ) }} as cumulative_net_revenue_per_customer,
        cast({{ z }} as double) as ci_z
    from months

)

select * from final
