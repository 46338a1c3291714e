{#- Topic mentions per response month, topic, segment, language and sentiment label
    (docs/metrics.md "Text feedback"), with rollups where a dimension reads 'all'. A level-2 mention
    counts for its level-1 parent too. The share's denominator is the tagged comments of the
    same month, segment and language (every survey type: a comment is a comment); its interval
    is Wilson's. -#}
{%- set z = var('ci_z') -%}

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
        {{ rollup_label('segment') }} as segment,
        {{ rollup_label('language') }} as language,
        {{ rollup_label('sentiment_label') }} as sentiment_label,
        cast(
            grouping(segment) + grouping(language) + grouping(sentiment_label) as integer
        ) as grouping_level,
        count(*) as statements,
        count(distinct response_id) as responses,
        avg(sentiment_score) as mean_sentiment
    from statement_rows
    group by response_month, topic_id, cube(segment, language, sentiment_label)

),

denominators as (

    select
        response_month,
        {{ rollup_label('segment') }} as segment,
        {{ rollup_label('language') }} as language,
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
        counted.grouping_level,

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
            counted.response_month = denominators.response_month
            and counted.segment = denominators.segment
            and counted.language = denominators.language
    left join topics
        on counted.topic_id = topics.topic_id

)

select * from final
