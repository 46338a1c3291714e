{#- Topic spike alerts per period x topic over every segment (docs/metrics.md "Text feedback"): the
    every-segment rows of int_text__topic_alerts_rollups. -#}
{%- set dimensions = ['segment'] -%}
{%- set kept = [] -%}

with

rollups as (

    select * from {{ ref('int_text__topic_alerts_rollups') }}

),

final as (

    select {{ grouping_set_columns(dimensions, kept, none, []) }}
    from rollups
    where {{ labelled_grouping_set_filter(dimensions, kept) }}

)

select * from final
