{#- Per comment language and topic (topic_id 'all' = every statement of the language's tagged
    comments), the mean statement sentiment in [-1, 1] of the language's statements that mention the
    topic against that of every other language's (docs/metrics.md "Text feedback": a translation
    that shifts sentiment shows up as a language whose sentiment differs from the others'). The
    languages are those of int_text__language_topic_shares. -#}

with

responses as (

    select * from {{ ref('int_text__responses_enriched') }}

),

mentions as (

    select * from {{ ref('int_text__statement_topic_mentions') }}

),

statements as (

    select * from {{ ref('stg_text__feedback_statements') }}

),

languages as (

    select distinct language from {{ ref('int_text__language_topic_shares') }}

),

commented as (

    select
        response_id,
        language
    from responses
    where has_tagged_comment

),

statement_sentiment as (

    select
        commented.language,
        mentions.topic_id,
        mentions.sentiment_score
    from mentions
    inner join commented
        on mentions.response_id = commented.response_id
    union all
    select
        commented.language,
        'all' as topic_id,
        statements.sentiment_score
    from statements
    inner join commented
        on statements.response_id = commented.response_id

),

sentiment as (

    select
        languages.language,
        statement_sentiment.topic_id,
        avg(statement_sentiment.sentiment_score) filter (
            where statement_sentiment.language = languages.language
        ) as mean_sentiment,
        count(*) filter (where statement_sentiment.language = languages.language) as statements,
        avg(statement_sentiment.sentiment_score) filter (
            where statement_sentiment.language != languages.language
        ) as other_mean_sentiment,
        count(*) filter (
            where statement_sentiment.language != languages.language
        ) as other_statements
    from languages
    cross join statement_sentiment
    group by languages.language, statement_sentiment.topic_id

)

select * from sentiment
