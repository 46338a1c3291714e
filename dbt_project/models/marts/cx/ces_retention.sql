{#- Retention and churn by CES band at each horizon (docs/metrics.md "CSAT and CES", the seed
    method of "Linking NPS to retention and revenue"): of the customers whose latest CES answer
    had reached the horizon by the as-of date, how many were active k months after it, with a
    Wilson interval (one observation per customer: int_surveys__csat_ces_retention_observations).
    churn_gap_vs_low_effort compares each band's churn with the low-effort band's. -#}
{%- set z = var('ci_z') -%}

with

observations as (

    select * from {{ ref('int_surveys__csat_ces_retention_observations') }}
    where survey_type = 'ces'

),

counted as (

    select
        band as ces_band,
        horizon_months,
        count(*) as customers,
        count(*) filter (where is_retained) as retained,
        max(as_of_date) as as_of_date
    from observations
    group by band, horizon_months

),

rates as (

    select
        ces_band,
        horizon_months,
        customers,
        retained,
        cast(retained as double) / customers as retention_rate,
        {{ wilson_interval('retained', 'customers', z, 'lower') }} as retention_ci_low,
        {{ wilson_interval('retained', 'customers', z, 'upper') }} as retention_ci_high,
        as_of_date
    from counted

),

low_effort_churn as (

    select
        horizon_months,
        1 - retention_rate as low_effort_churn_rate
    from rates
    where ces_band = 'low_effort'

),

final as (

    select
        rates.ces_band,
        rates.horizon_months,
        rates.customers,
        rates.retained,
        rates.retention_rate,
        rates.retention_ci_low,
        rates.retention_ci_high,
        1 - rates.retention_rate as churn_rate,
        -- churn is 1 - retention: the mirrored interval
        1 - rates.retention_ci_high as churn_ci_low,
        1 - rates.retention_ci_low as churn_ci_high,
        (1 - rates.retention_rate)
        - low_effort_churn.low_effort_churn_rate as churn_gap_vs_low_effort,
        rates.as_of_date,
        '{{ ces_easy_end() }}' as ces_easy_end,
        cast({{ z }} as double) as ci_z,
        'wilson' as ci_method
    from rates
    left join low_effort_churn
        on rates.horizon_months = low_effort_churn.horizon_months

)

select * from final
