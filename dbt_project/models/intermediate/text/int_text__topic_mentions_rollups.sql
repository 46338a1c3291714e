{#- Topic mentions per response month, topic and every grouping set of segment x language x
    sentiment label (docs/metrics.md "Text feedback"; group by ..., cube(...): a rolled-up
    dimension is null, grouping_id names the set, macros/rollups.sql; topic_mentions and
    topic_mentions_overall select one each). A level-2 mention
    counts for its level-1 parent too. The share's denominator is the tagged comments of the
    same month, segment and language (every survey type: a comment is a comment); its interval
    is Wilson's. -#}
{#- A table, not a view: its published slices and its tests read it, so it is computed once. -#}
{{ config(materialized='table') }}
{%- set z = var('ci_z') -%}
{%- set dimensions = ['segment', 'language', 'sentiment_label'] -%}

with

mentions as (

    select * from {{ ref('int_text__statement_topic_mentions') }}

),

responses as (

    select * from {{ ref('int_text__responses_enriched') }}

),

topics as (

    select * from {{ ref('stg_text__topics') }}

),

commented as (

    select * from responses
    where has_tagged_comment

),

statement_rows as (

    select
        commented.response_month,
        commented.segment,
        commented.language,
        mentions.sentiment_label,
        mentions.topic_id,
        mentions.response_id,
        mentions.sentiment_score
    from mentions
    inner join commented
        on mentions.response_id = commented.response_id

),

counted as (

    select
        response_month,
        topic_id,
        segment,
        language,
        sentiment_label,
        {{ grouping_id(dimensions) }} as grouping_id,
        count(*) as statements,
        count(distinct response_id) as responses,
        avg(sentiment_score) as mean_sentiment
    from statement_rows
    group by response_month, topic_id, cube(segment, language, sentiment_label)

),

denominators as (

    select
        response_month,
        segment,
        language,
        {{ grouping_id(['segment', 'language']) }} as grouping_id,
        count(*) as commented_responses
    from commented
    group by response_month, cube(segment, language)

),

final as (

    select
        -- keys
        counted.response_month,
        counted.topic_id,
        counted.segment,
        counted.language,
        counted.sentiment_label,

        -- attributes
        topics.topic_name,
        topics.topic_level,
        topics.parent_topic_id,
        counted.grouping_id,

        -- counts and shares
        counted.statements,
        counted.responses,
        denominators.commented_responses,
        cast(
            counted.responses / denominators.commented_responses as double
        ) as share_of_responses,
        {{ wilson_interval('counted.responses', 'denominators.commented_responses', z, 'lower') }}
            as share_ci_low,
        {{ wilson_interval('counted.responses', 'denominators.commented_responses', z, 'upper') }}
            as share_ci_high,
        counted.mean_sentiment

    from counted
    inner join denominators
        on
            -- the same set without the sentiment bit (the last dimension, bit 0)
            counted.response_month = denominators.response_month
            and counted.grouping_id // 2 = denominators.grouping_id
            and counted.segment is not distinct from denominators.segment
            and counted.language is not distinct from denominators.language
    left join topics
        on counted.topic_id = topics.topic_id

)

select * from final
