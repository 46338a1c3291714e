{#- Topic mentions per response month x topic x segment x language x sentiment label, the finest
    grain (docs/metrics.md "Text feedback"): one grouping set of int_text__topic_mentions_rollups.
    The totals over segment, language and sentiment are topic_mentions_overall. -#}
{%- set dimensions = ['segment', 'language', 'sentiment_label'] -%}
{%- set kept = ['segment', 'language', 'sentiment_label'] -%}

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
