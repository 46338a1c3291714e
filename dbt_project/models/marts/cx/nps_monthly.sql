{#- NPS per response month x segment x plan_tier x acquisition_channel x language, the finest grain
    (docs/metrics.md "Survey metrics"): one grouping set of int_surveys__nps_monthly_rollups. Totals
    over a dimension are the nps_monthly_by_* and nps_monthly_overall tables. -#}
{%- set dimensions = ['segment', 'plan_tier', 'acquisition_channel', 'language'] -%}
{%- set kept = ['segment', 'plan_tier', 'acquisition_channel', 'language'] -%}

with

rollups as (

    select * from {{ ref('int_surveys__nps_monthly_rollups') }}

),

final as (

    select {{ grouping_set_columns(dimensions, kept) }}
    from rollups
    where {{ grouping_set_filter(dimensions, kept) }}

)

select * from final
