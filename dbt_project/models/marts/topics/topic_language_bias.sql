{#- Language bias per comment language x topic (docs/metrics.md "Text feedback"): the topic rows of
    int_text__topic_language_bias_rollups. Any topic: topic_language_bias_overall. -#}
{%- set dimensions = ['topic_id'] -%}
{%- set kept = ['topic_id'] -%}

with

rollups as (

    select * from {{ ref('int_text__topic_language_bias_rollups') }}

),

final as (

    select {{ grouping_set_columns(dimensions, kept, none, []) }}
    from rollups
    where {{ labelled_grouping_set_filter(dimensions, kept) }}

)

select * from final
