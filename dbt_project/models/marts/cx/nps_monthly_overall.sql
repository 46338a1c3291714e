{#- NPS per response month over every segment, tier, channel and language (the month total;
    docs/metrics.md "Survey metrics"): one grouping set of int_surveys__nps_monthly_rollups. -#}
{%- set dimensions = ['segment', 'plan_tier', 'acquisition_channel', 'language'] -%}
{%- set kept = [] -%}

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
