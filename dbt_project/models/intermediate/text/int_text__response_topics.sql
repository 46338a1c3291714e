{#- One row per response and topic its comment mentions (after the level-2 -> level-1
    roll-up), with the response's attributes: the unit of "responses mentioning a topic"
    (docs/metrics.md "Text feedback"). -#}

with

mentions as (

    select * from {{ ref('int_text__statement_topic_mentions') }}

),

responses as (

    select * from {{ ref('int_text__responses_enriched') }}

),

per_response as (

    select
        response_id,
        topic_id,
        count(*) as statements,
        avg(sentiment_score) as mean_sentiment,
        count(*) filter (where sentiment_label = 'negative') as negative_statements,
        count(*) filter (where sentiment_label = 'neutral') as neutral_statements,
        count(*) filter (where sentiment_label = 'positive') as positive_statements
    from mentions
    group by response_id, topic_id

),

final as (

    select
        -- ids
        per_response.response_id,
        per_response.topic_id,
        responses.customer_id,

        -- attributes
        responses.survey_type,
        responses.segment,
        responses.language,
        responses.nps_category,
        responses.nps_points,
        per_response.statements,
        per_response.negative_statements,
        per_response.neutral_statements,
        per_response.positive_statements,
        per_response.mean_sentiment,

        -- amounts
        responses.arr,

        -- dates
        responses.response_month,
        responses.period_start

    from per_response
    inner join responses
        on per_response.response_id = responses.response_id

)

select * from final
