{#- Per segment (and 'all') what the NPS link is worth (docs/metrics.md "Linking NPS to retention
    and revenue"): the current accounts' figures of int_finance__segment_nps_scores with the
    cohort's churn gap (int_finance__cohort_outcomes) and retention slope
    (int_finance__retention_slopes), and the two values derived from them: revenue at risk =
    detractor ARR x churn gap (detractor minus promoter logo churn), and one NPS point = 0.01 x
    slope x segment ARR, annualised over the linkage horizon. Only segments with current
    accounts have a row. -#}
{%- set z = var('ci_z') -%}
{%- set gap = 'gaps.churn_gap_detractor_vs_promoter' -%}
{%- set slope = 'retention_slopes.retention_slope' -%}
{%- set slope_se = 'retention_slopes.retention_slope_se' -%}
{%- set per_year = 'segment_nps.segment_arr * 12.0'
    ~ ' / measurement_window.linkage_horizon_months' -%}

with

segment_nps as (

    select * from {{ ref('int_finance__segment_nps_scores') }}

),

cohort_outcomes as (

    select * from {{ ref('int_finance__cohort_outcomes') }}

),

retention_slopes as (

    select * from {{ ref('int_finance__retention_slopes') }}

),

measurement_window as (

    select * from {{ ref('int_finance__measurement_windows') }}

),

final as (

    select
        segment_nps.*,
        gaps.churn_gap_detractor_vs_promoter,
        gaps.churn_gap_se,
        gaps.churn_gap_ci_low,
        gaps.churn_gap_ci_high,
        segment_nps.detractor_arr * {{ gap }} as revenue_at_risk,
        segment_nps.detractor_arr * gaps.churn_gap_ci_low as revenue_at_risk_ci_low,
        segment_nps.detractor_arr * gaps.churn_gap_ci_high as revenue_at_risk_ci_high,
        {{ slope }},
        {{ slope_se }},
        -- one NPS point = 0.01 on the mean +1/0/-1 score; retention over the horizon, annualised
        0.01 * {{ slope }} * {{ per_year }} as nps_point_value_per_year,
        0.01 * {{ slope_se }} * {{ per_year }} as nps_point_value_se,
        0.01 * {{ wald_bound(slope, slope_se, z, 'lower') }} * {{ per_year }}
            as nps_point_value_ci_low,
        0.01 * {{ wald_bound(slope, slope_se, z, 'upper') }} * {{ per_year }}
            as nps_point_value_ci_high
    from segment_nps
    cross join measurement_window
    left join cohort_outcomes as gaps
        on segment_nps.segment = gaps.segment and gaps.nps_category = 'all'
    left join retention_slopes
        on segment_nps.segment = retention_slopes.segment

)

select * from final
