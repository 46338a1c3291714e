{#- marts.health_score_validation_deciles: calibration by decile of each score on the validation
    account-months (docs/metrics.md "Customer health and closing the loop", Validation): the
    account-months of a score in ten equal groups by risk (1 = the lowest risk; ties split by
    customer and month), the observed churn rate with a Wilson interval (var ci_z) and, for the
    learned score, the mean predicted probability to set against it. -#}

with

validation_scores as (

    select * from {{ ref('int_health__validation_scores') }}

),

time_split as (

    select * from {{ ref('int_health__time_split') }}

),

parameters as (

    select * from {{ ref('int_health__score_parameters') }}

),

ranked as (

    select
        *,
        ntile(10) over (
            partition by score_name order by risk_score asc, customer_id asc, month_start asc
        ) as risk_decile
    from validation_scores
    where risk_score is not null

),

counts as (

    select
        score_name,
        risk_decile,
        count(*) as account_months,
        count(*) filter (where churned) as churned,
        min(risk_score) as min_risk_score,
        max(risk_score) as max_risk_score,
        avg(predicted_probability) as mean_predicted_probability
    from ranked
    group by score_name, risk_decile

),

final as (

    select
        -- ids
        counts.score_name,
        cast(counts.risk_decile as integer) as risk_decile,

        -- attributes
        parameters.score_version,

        -- counts
        counts.account_months,
        counts.churned,

        -- rates
        cast(counts.churned / counts.account_months as double) as churn_rate,
        {{ wilson_interval('counts.churned', 'counts.account_months', var('ci_z'), 'lower') }}
            as churn_ci_low,
        {{ wilson_interval('counts.churned', 'counts.account_months', var('ci_z'), 'upper') }}
            as churn_ci_high,
        cast(counts.mean_predicted_probability as double) as mean_predicted_probability,
        cast(counts.min_risk_score as double) as min_risk_score,
        cast(counts.max_risk_score as double) as max_risk_score,
        cast({{ var('ci_z') }} as double) as ci_z,

        -- dates
        time_split.validation_first_month,
        time_split.last_labelled_month as validation_last_month,
        time_split.horizon_months

    from counts
    cross join time_split
    cross join parameters

)

select * from final
