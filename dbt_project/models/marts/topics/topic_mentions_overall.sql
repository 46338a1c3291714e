{#- Topic mentions per response month x topic over every segment, language and sentiment
    (docs/metrics.md "Text feedback"): one grouping set of int_text__topic_mentions_rollups. -#}
{%- set dimensions = ['segment', 'language', 'sentiment_label'] -%}
{%- set kept = [] -%}

with

rollups as (

    select * from {{ ref('int_text__topic_mentions_rollups') }}

),

final as (

    select {{ grouping_set_columns(dimensions, kept) }}
    from rollups
    where {{ grouping_set_filter(dimensions, kept) }}

)

select * from final
