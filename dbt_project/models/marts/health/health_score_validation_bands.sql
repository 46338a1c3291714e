{#- marts.health_score_validation_bands: churn within the horizon per band of the banded scores
    (configured, learned_as_configured) on the validation account-months (docs/metrics.md
    "Customer health and closing the loop", Validation): churn rate with a Wilson interval (var
    ci_z) and lift = the band's churn rate / the churn rate of all of the score's banded
    account-months. Every band has a row, 0 account-months included. -#}

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

grid as (

    select
        scores.score_name,
        bands.health_band,
        bands.band_order
    from (values ('configured'), ('learned_as_configured')) as scores (score_name)
    cross join (values ('green', 1), ('yellow', 2), ('red', 3)) as bands (health_band, band_order)

),

counts as (

    select
        score_name,
        health_band,
        count(*) as account_months,
        count(*) filter (where churned) as churned
    from validation_scores
    where health_band is not null
    group by score_name, health_band

),

totals as (

    select
        score_name,
        sum(account_months) as score_account_months,
        sum(churned) as score_churned
    from counts
    group by score_name

),

final as (

    select
        -- ids
        grid.score_name,
        grid.health_band,

        -- attributes
        grid.band_order,
        parameters.score_version,

        -- counts
        coalesce(counts.account_months, 0) as account_months,
        coalesce(counts.churned, 0) as churned,

        -- rates
        cast(counts.churned / counts.account_months as double) as churn_rate,
        {{ wilson_interval('counts.churned', 'counts.account_months', var('ci_z'), 'lower') }}
            as churn_ci_low,
        {{ wilson_interval('counts.churned', 'counts.account_months', var('ci_z'), 'upper') }}
            as churn_ci_high,
        cast(
            (counts.churned / counts.account_months)
            / nullif(totals.score_churned / totals.score_account_months, 0)
            as double
        ) as lift,
        cast({{ var('ci_z') }} as double) as ci_z,

        -- dates
        time_split.validation_first_month,
        time_split.last_labelled_month as validation_last_month,
        time_split.horizon_months

    from grid
    cross join time_split
    cross join parameters
    left join counts
        on
            grid.score_name = counts.score_name
            and grid.health_band = counts.health_band
    left join totals
        on grid.score_name = totals.score_name

)

select * from final
