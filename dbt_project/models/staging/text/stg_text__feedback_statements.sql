{#- Statements of the translated comments with their sentiment (text.feedback_statements;
    docs/metrics.md "Text feedback": statements tagged with a sentiment in [-1, 1]). The
    month column feedback_month is the response month: named response_month here. -#}

with

source as (

    select *
    from {{ source_or_empty('text', 'feedback_statements', {
        'response_id': 'varchar',
        'feedback_month': 'date',
        'statement_index': 'integer',
        'statement_text': 'varchar',
        'sentiment_score': 'double',
        'sentiment_label': 'varchar',
        'model_version': 'varchar',
        'tagged_at': 'timestamp',
    }) }}

),

renamed as (

    select
        -- ids
        response_id,
        cast(statement_index as integer) as statement_index,

        -- attributes
        statement_text,
        -- exact decimal: averages then do not depend on the order rows are stored in (the
        -- tagging asset rewrites a month's rows on a rerun), so the marts stay reproducible
        cast(sentiment_score as decimal(5, 4)) as sentiment_score,
        sentiment_label,
        model_version as tagger_model_version,

        -- dates and timestamps (UTC)
        feedback_month as response_month,
        tagged_at

    from source

)

select * from renamed
