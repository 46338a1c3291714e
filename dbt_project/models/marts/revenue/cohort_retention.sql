{#- Cohort retention (docs/metrics.md "Subscription revenue (MRR) metrics"): customers grouped
    by the month of their first MRR (their `new` movement), followed month by month up to the as-of
    month. Logo retention counts active customers; net revenue retention compares the cohort's
    MRR with its starting MRR (expansion and reactivation included); gross revenue retention
    caps each customer at their starting MRR. With a declared history start
    (CXLINK_HISTORY_STARTS_AT), customers whose first period starts on or before it are
    left-truncated: their `new` month is the start of the data, not their acquisition, so they
    are in no cohort (macros/history.sql, docs/metrics.md "Conventions shared by every mart"). -#}

with

mrr_monthly as (

    select * from {{ ref('mrr_monthly') }}

),

spells as (

    select * from {{ ref('int_revenue__activity_spells') }}

),

as_of as (

    select cast(date_trunc('month', as_of_date) as date) as as_of_month
    from {{ ref('int_calendar__as_of_dates') }}

),

left_truncated as (

    select customer_id
    from spells
    group by customer_id
    having {{ is_left_truncated('min(spell_start_date)') }}

),

starts as (

    -- each customer's month-0 MRR (the `new` movement row), acquired inside the history
    select
        mrr_monthly.customer_id,
        mrr_monthly.first_active_month as cohort_month,
        mrr_monthly.mrr as starting_mrr
    from mrr_monthly
    anti join left_truncated
        on mrr_monthly.customer_id = left_truncated.customer_id
    where mrr_monthly.movement = 'new'

),

cohorts as (

    select
        cohort_month,
        count(*) as cohort_customers,
        sum(starting_mrr) as cohort_starting_mrr
    from starts
    group by cohort_month

),

spine as (

    select
        cohorts.cohort_month,
        cohorts.cohort_customers,
        cohorts.cohort_starting_mrr,
        cast(unnest(generate_series(
            cohorts.cohort_month, as_of.as_of_month, interval 1 month
        )) as date) as month
    from cohorts
    cross join as_of

),

active as (

    select
        starts.cohort_month,
        mrr_monthly.month,
        count(*) as customers_active,
        sum(mrr_monthly.mrr) as mrr,
        sum(least(mrr_monthly.mrr, starts.starting_mrr)) as mrr_capped_at_start
    from mrr_monthly
    inner join starts
        on mrr_monthly.customer_id = starts.customer_id
    where mrr_monthly.is_active
    group by starts.cohort_month, mrr_monthly.month

),

final as (

    select
        spine.cohort_month,
        cast(datediff('month', spine.cohort_month, spine.month) as integer) as months_since_start,
        spine.month,
        spine.cohort_customers,
        -- the reporting currency of the MRR columns
        '{{ reporting_currency() }}' as currency,
        cast(spine.cohort_starting_mrr as decimal(38, 4)) as cohort_starting_mrr,
        coalesce(active.customers_active, 0) as customers_active,
        {{ safe_ratio('coalesce(active.customers_active, 0)', 'spine.cohort_customers') }}
            as logo_retention,
        cast(coalesce(active.mrr, 0) as decimal(38, 4)) as mrr,
        {{ safe_ratio('coalesce(active.mrr, 0)', 'spine.cohort_starting_mrr') }}
            as net_revenue_retention,
        {{ safe_ratio('coalesce(active.mrr_capped_at_start, 0)', 'spine.cohort_starting_mrr') }}
            as gross_revenue_retention
    from spine
    left join active
        on
            spine.cohort_month = active.cohort_month
            and spine.month = active.month

)

select * from final
