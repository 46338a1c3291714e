{#- The validation account-months (time_split 'validation': outcome observed, after the fit
    period) once per score, each as a risk score where higher = more churn risk
    (docs/metrics.md "Customer health and closing the loop", Validation): configured = 100 -
    health_score; learned = the learned churn probability; learned_as_configured = 100 - the
    configured formula with the suggested weights; nps_only = 1 - s of the latest NPS category,
    the fit-set mean where the account has no answer in the lookback. The banded scores carry
    their band. -#}

with

indicator_values as (

    select * from {{ ref('int_health__indicator_values') }}

),

configured as (

    select * from {{ ref('int_health__configured_scores') }}

),

learned as (

    select * from {{ ref('int_health__learned_scores') }}

),

learned_weights as (

    select * from {{ ref('health_score_learned_weights') }}

),

validation_months as (

    select
        indicator_values.customer_id,
        indicator_values.month_start,
        indicator_values.churned_within_horizon as churned,
        indicator_values.s_nps_category,
        configured.health_score,
        configured.health_band,
        learned.learned_churn_probability,
        learned.learned_as_configured_score,
        learned.learned_as_configured_band
    from indicator_values
    inner join configured
        on
            indicator_values.customer_id = configured.customer_id
            and indicator_values.month_start = configured.month_start
    inner join learned
        on
            indicator_values.customer_id = learned.customer_id
            and indicator_values.month_start = learned.month_start
    where indicator_values.time_split = 'validation'

),

nps_fallback as (

    select imputation_value
    from learned_weights
    where indicator = 'nps_category'

),

final as (

    select
        customer_id,
        month_start,
        'configured' as score_name,
        100.0 - health_score as risk_score,
        cast(null as double) as predicted_probability,
        health_band,
        churned
    from validation_months
    union all
    select
        customer_id,
        month_start,
        'learned' as score_name,
        learned_churn_probability as risk_score,
        learned_churn_probability as predicted_probability,
        null as health_band,
        churned
    from validation_months
    union all
    select
        customer_id,
        month_start,
        'learned_as_configured' as score_name,
        100.0 - learned_as_configured_score as risk_score,
        cast(null as double) as predicted_probability,
        learned_as_configured_band as health_band,
        churned
    from validation_months
    union all
    select
        validation_months.customer_id,
        validation_months.month_start,
        'nps_only' as score_name,
        1.0 - coalesce(
            validation_months.s_nps_category, nps_fallback.imputation_value
        ) as risk_score,
        cast(null as double) as predicted_probability,
        null as health_band,
        validation_months.churned
    from validation_months
    cross join nps_fallback

)

select * from final
