{#- CAC per acquisition month over every channel (docs/metrics.md "CLV and CAC"): one grouping set
    of int_revenue__cac_rollups. Spend is null when any channel's spend is unknown for the month.
    -#}
{%- set dimensions = ['acquisition_channel'] -%}
{%- set kept = [] -%}

with

rollups as (

    select * from {{ ref('int_revenue__cac_rollups') }}

),

final as (

    select {{ grouping_set_columns(dimensions, kept) }}
    from rollups
    where {{ grouping_set_filter(dimensions, kept) }}

)

select * from final
