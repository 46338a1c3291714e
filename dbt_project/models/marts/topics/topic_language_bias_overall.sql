{#- Language bias per comment language over every topic (share of tagged comments, overall
    sentiment) (docs/metrics.md "Text feedback"): the any-topic rows of
    int_text__topic_language_bias_rollups. -#}
{%- set dimensions = ['topic_id'] -%}
{%- set kept = [] -%}

with

rollups as (

    select * from {{ ref('int_text__topic_language_bias_rollups') }}

),

final as (

    select {{ grouping_set_columns(dimensions, kept, none, ['topic_name', 'topic_level']) }}
    from rollups
    where {{ labelled_grouping_set_filter(dimensions, kept) }}

)

select * from final
