{#- One row per statement and topic it mentions, with level-2 mentions rolled up: a statement
    tagged with a sub-topic also mentions its level-1 parent (taken from the taxonomy, else from
    the tag row). `is_direct` is false for a parent that only the roll-up added
    (docs/metrics.md "Text feedback": statements tagged with multi-label topics). -#}

with

statement_topics as (

    select * from {{ ref('stg_text__statement_topics') }}

),

topics as (

    select * from {{ ref('stg_text__topics') }}

),

statements as (

    select * from {{ ref('stg_text__feedback_statements') }}

),

tagged as (

    select
        statement_topics.response_id,
        statement_topics.statement_index,
        statement_topics.topic_id,
        statement_topics.confidence,
        true as is_direct
    from statement_topics

),

rolled_up as (

    select
        statement_topics.response_id,
        statement_topics.statement_index,
        coalesce(topics.parent_topic_id, statement_topics.parent_topic_id) as topic_id,
        statement_topics.confidence,
        false as is_direct
    from statement_topics
    left join topics
        on statement_topics.topic_id = topics.topic_id
    where coalesce(topics.parent_topic_id, statement_topics.parent_topic_id) is not null

),

mentions as (

    select
        response_id,
        statement_index,
        topic_id,
        max(confidence) as confidence,
        bool_or(is_direct) as is_direct
    from (
        select * from tagged
        union all
        select * from rolled_up
    ) as all_mentions
    group by response_id, statement_index, topic_id

),

final as (

    select
        -- ids
        mentions.response_id,
        mentions.statement_index,
        mentions.topic_id,
        topics.parent_topic_id,

        -- attributes
        topics.topic_name,
        topics.topic_level,
        statements.sentiment_score,
        statements.sentiment_label,
        mentions.confidence,

        -- flags
        mentions.is_direct

    from mentions
    inner join statements
        on
            mentions.response_id = statements.response_id
            and mentions.statement_index = statements.statement_index
    left join topics
        on mentions.topic_id = topics.topic_id

)

select * from final
