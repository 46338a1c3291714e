{#- One row per active account and month (docs/metrics.md "Customer health and closing the
    loop", Health score): a customer with a subscription period covering the month's snapshot
    date (its last day; the as-of date in the as-of month), as in int_revenue__customer_mrr_months.
    Tenure = days since the first day of the customer's first activity spell / 30.4375; the
    onboarding stage lasts onboarding_months (int_health__score_parameters). The outcome: churned
    within the next N months (var health_churn_horizon_months) when the activity spell covering
    the snapshot ends on or before the last day of month + N; known only when that day is on or
    before the as-of date (is_outcome_observed), else null. time_split: 'fit', 'validation' or
    'none' (int_health__time_split). -#}
{%- set horizon = health_churn_horizon_months() -%}

with

mrr_months as (

    select * from {{ ref('int_revenue__customer_mrr_months') }}

),

spells as (

    select * from {{ ref('int_revenue__activity_spells') }}

),

customers as (

    select * from {{ ref('stg_crm__customers') }}

),

as_of as (

    select * from {{ ref('int_calendar__as_of_dates') }}

),

parameters as (

    select * from {{ ref('int_health__score_parameters') }}

),

time_split as (

    select * from {{ ref('int_health__time_split') }}

),

first_starts as (

    select
        customer_id,
        min(spell_start_date) as first_active_date
    from spells
    group by customer_id

),

covered as (

    select
        mrr_months.customer_id,
        mrr_months.month as month_start,
        mrr_months.snapshot_date,
        mrr_months.plan_tier,
        cast(12 * mrr_months.mrr as {{ derived_money_type() }}) as arr,
        spells.spell_end_date,
        first_starts.first_active_date,
        cast(
            last_day(mrr_months.month + interval {{ horizon }} month) as date
        ) as outcome_end_date,
        (mrr_months.snapshot_date - first_starts.first_active_date)
        / {{ days_per_month() }} as tenure_months
    from mrr_months
    inner join spells
        on
            mrr_months.customer_id = spells.customer_id
            and mrr_months.snapshot_date >= spells.spell_start_date
            and (
                spells.spell_end_date is null
                or mrr_months.snapshot_date < spells.spell_end_date
            )
    inner join first_starts
        on mrr_months.customer_id = first_starts.customer_id

),

final as (

    select
        -- ids
        covered.customer_id,

        -- attributes
        coalesce(customers.segment, 'unknown') as segment,
        covered.plan_tier,
        case
            when covered.tenure_months < parameters.onboarding_months then 'onboarding'
            else 'established'
        end as tenure_stage,
        cast(covered.tenure_months as double) as tenure_months,
        cast({{ horizon }} as integer) as horizon_months,
        case
            when covered.outcome_end_date <= as_of.as_of_date
                then coalesce(covered.spell_end_date <= covered.outcome_end_date, false)
        end as churned_within_horizon,
        case
            when covered.month_start <= time_split.fit_last_month then 'fit'
            when
                covered.month_start
                between time_split.validation_first_month and time_split.last_labelled_month
                then 'validation'
            else 'none'
        end as time_split,

        -- amounts
        covered.arr,

        -- dates
        covered.month_start,
        covered.snapshot_date,
        covered.first_active_date,
        covered.outcome_end_date,

        -- flags
        covered.outcome_end_date <= as_of.as_of_date as is_outcome_observed

    from covered
    cross join as_of
    cross join parameters
    cross join time_split
    left join customers
        on covered.customer_id = customers.customer_id

)

select * from final
