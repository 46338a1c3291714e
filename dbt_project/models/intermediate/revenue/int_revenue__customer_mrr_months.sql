{#- Month-end MRR snapshots: one row per customer and month in which at least one subscription
    period covers the month's snapshot date (the last day of the month; the as-of date in the
    as-of month). Overlapping subscriptions of a customer add up. Months after the as-of month
    are not built. The MRR of docs/metrics.md "Subscription revenue (MRR) metrics". -#}

with

periods as (

    select * from {{ ref('int_billing__subscription_periods_converted') }}

),

as_of as (

    select
        as_of_date,
        cast(date_trunc('month', as_of_date) as date) as as_of_month
    from {{ ref('int_calendar__as_of_dates') }}

),

period_months as (

    -- candidate months: from the period's start month to its last month, capped at the as-of
    -- month (an ongoing period runs to the as-of month)
    select
        periods.customer_id,
        periods.subscription_id,
        periods.plan_tier,
        periods.period_start_date,
        periods.period_end_date,
        periods.mrr_reporting,
        as_of.as_of_date,
        cast(unnest(generate_series(
            date_trunc('month', periods.period_start_date),
            least(
                date_trunc('month', coalesce(periods.period_end_date - 1, as_of.as_of_date)),
                as_of.as_of_month
            ),
            interval 1 month
        )) as date) as month
    from periods
    cross join as_of
    where periods.period_start_date <= as_of.as_of_date

),

snapshots as (

    select
        *,
        least(last_day(month), as_of_date) as snapshot_date
    from period_months

),

covering as (

    -- the period is active on the snapshot date (end exclusive)
    select * from snapshots
    where
        period_start_date <= snapshot_date
        and (period_end_date is null or period_end_date > snapshot_date)

),

final as (

    select
        customer_id,
        month,
        snapshot_date,
        cast(sum(mrr_reporting) as {{ derived_money_type() }}) as mrr,
        -- the tier of the customer's largest active period (ties: the alphabetically first)
        first(plan_tier order by mrr_reporting desc, plan_tier asc) as plan_tier,
        count(distinct subscription_id) as active_subscriptions
    from covering
    group by customer_id, month, snapshot_date

)

select * from final
