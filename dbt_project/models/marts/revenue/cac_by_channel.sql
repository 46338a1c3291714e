{#- CAC per acquisition month x acquisition_channel (docs/metrics.md "CLV and CAC"): one grouping
    set of int_revenue__cac_rollups. The month total over every channel is cac_total. -#}
{%- set dimensions = ['acquisition_channel'] -%}
{%- set kept = ['acquisition_channel'] -%}

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
