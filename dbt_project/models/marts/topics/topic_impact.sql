{#- Topic impact on NPS per period x topic x segment (docs/metrics.md "Text feedback"): the segment
    rows of int_text__topic_impact_rollups. Over every segment: topic_impact_overall. -#}
{%- set dimensions = ['segment'] -%}
{%- set kept = ['segment'] -%}

with

rollups as (

    select * from {{ ref('int_text__topic_impact_rollups') }}

),

final as (

    select {{ grouping_set_columns(dimensions, kept, none, []) }}
    from rollups
    where {{ labelled_grouping_set_filter(dimensions, kept) }}

)

select * from final
