{#- Retention and churn by CSAT band at each horizon (docs/metrics.md "CSAT and CES", the seed
    method of "Linking NPS to retention and revenue"): of the customers whose latest CSAT answer
    had reached the horizon by the as-of date, how many were active k months after it, with a
    Wilson interval (one observation per customer: int_surveys__csat_ces_retention_observations).
    churn_gap_vs_satisfied compares each band's churn with the satisfied band's. -#}
{%- set z = var('ci_z') -%}

with

observations as (

    select * from {{ ref('int_surveys__csat_ces_retention_observations') }}
    where survey_type = 'csat'

),

counted as (

    select
        band as csat_band,
        horizon_months,
        count(*) as customers,
        count(*) filter (where is_retained) as retained,
        max(as_of_date) as as_of_date
    from observations
    group by band, horizon_months

),

rates as (

    select
        csat_band,
        horizon_months,
        customers,
        retained,
        cast(retained as double) / customers as retention_rate,
        {{ wilson_interval('retained', 'customers', z, 'lower') }} as retention_ci_low,
        {{ wilson_interval('retained', 'customers', z, 'upper') }} as retention_ci_high,
        as_of_date
    from counted

),

satisfied_churn as (

    select
        horizon_months,
        1 - retention_rate as satisfied_churn_rate
    from rates
    where csat_band = 'satisfied'

),

final as (

    select
        rates.csat_band,
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
        (1 - rates.retention_rate) - satisfied_churn.satisfied_churn_rate as churn_gap_vs_satisfied,
        rates.as_of_date,
        cast({{ z }} as double) as ci_z,
        'wilson' as ci_method
    from rates
    left join satisfied_churn
        on rates.horizon_months = satisfied_churn.horizon_months

)

select * from final
