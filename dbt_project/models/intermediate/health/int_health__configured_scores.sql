{#- The configured health score per active account-month (docs/metrics.md "Customer health and
    closing the loop", Health score): 100 x sum(w s) / sum(w) over the indicators present, the
    band by the account's cut-offs, the weight share present, the weighted indicators that are
    missing and the three largest weighted shortfalls w (1 - s) (macros/health.sql). -#}

with

indicator_scores as (

    select * from {{ ref('int_health__indicator_scores') }}

),

aggregated as (

    select
        customer_id,
        month_start,
        any_value(score_version) as score_version,
        any_value(green_min) as green_min,
        any_value(red_below) as red_below,
        {{ health_weighted_score('weight', 'indicator_score') }} as health_score,
        cast(
            coalesce(sum(weight) filter (where indicator_score is not null), 0) as double
        ) as weight_present,
        nullif(array_to_string(
            list(indicator order by indicator_order)
            filter (where indicator_score is null and weight > 0),
            ', '
        ), '') as missing_indicators,
        {{ health_top_shortfalls('indicator', 'weight', 'indicator_score', 'indicator_order') }}
            as top_shortfalls
    from indicator_scores
    group by customer_id, month_start

),

final as (

    select
        *,
        {{ health_band('health_score', 'green_min', 'red_below') }} as health_band
    from aggregated

)

select * from final
