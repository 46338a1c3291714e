{#- The two periods of the predictive CLV (docs/metrics.md "Predictive CLV and churn drivers"):
    the calibration period ends clv_holdout_weeks (env CXLINK_CLV_HOLDOUT_WEEKS, default 39)
    weeks before the as-of date (that day included), the hold-out period is the days after it up
    to the as-of date. One row; null dates when the data have no as-of date. -#}

with

as_of as (

    select as_of_date from {{ ref('int_calendar__as_of_dates') }}

),

final as (

    select
        cast({{ var('clv_holdout_weeks') }} as integer) as holdout_weeks,
        cast(
            as_of_date - 7 * cast({{ var('clv_holdout_weeks') }} as integer) as date
        ) as calibration_end_date,
        as_of_date
    from as_of

)

select * from final
