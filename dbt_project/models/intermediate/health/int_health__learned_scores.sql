{#- The learned health score per active account-month (docs/metrics.md "Customer health and
    closing the loop", Learned score), from the coefficients of
    marts.health_score_learned_weights: the churn probability within the horizon
    (macros/health.sql health_learned_probability; null when the model was not fitted), and
    learned_as_configured_score, the configured formula with the suggested weights (what the
    score would be after copying them into the YAML file), banded with the account's cut-offs. -#}

with

indicator_scores as (

    select * from {{ ref('int_health__indicator_scores') }}

),

learned_weights as (

    select * from {{ ref('health_score_learned_weights') }}

),

aggregated as (

    select
        indicator_scores.customer_id,
        indicator_scores.month_start,
        any_value(indicator_scores.green_min) as green_min,
        any_value(indicator_scores.red_below) as red_below,
        bool_or(learned_weights.model_status = 'fitted') as is_fitted,
        {{ health_learned_probability(
            'learned_weights.intercept',
            'learned_weights.coefficient',
            'indicator_scores.indicator_score',
            'learned_weights.imputation_value',
            'learned_weights.is_in_model'
        ) }} as learned_probability,
        {{ health_weighted_score(
            'learned_weights.suggested_weight', 'indicator_scores.indicator_score'
        ) }} as learned_as_configured_score
    from indicator_scores
    inner join learned_weights
        on indicator_scores.indicator = learned_weights.indicator
    group by indicator_scores.customer_id, indicator_scores.month_start

),

final as (

    select
        -- ids
        customer_id,

        -- numbers
        case when is_fitted then learned_probability end as learned_churn_probability,
        learned_as_configured_score,
        {{ health_band('learned_as_configured_score', 'green_min', 'red_below') }}
            as learned_as_configured_band,

        -- dates
        month_start

    from aggregated

)

select * from final
