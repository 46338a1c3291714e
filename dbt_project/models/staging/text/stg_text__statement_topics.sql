{#- Topics each statement mentions, multi-label (text.statement_topics;
    docs/metrics.md "Text feedback"). -#}

with

source as (

    select *
    from {{ source_or_empty('text', 'statement_topics', {
        'response_id': 'varchar',
        'statement_index': 'integer',
        'topic_id': 'varchar',
        'parent_topic_id': 'varchar',
        'confidence': 'double',
        'source': 'varchar',
        'model_version': 'varchar',
    }) }}

),

renamed as (

    select
        -- ids
        response_id,
        cast(statement_index as integer) as statement_index,
        topic_id,
        parent_topic_id,

        -- attributes
        cast(confidence as double) as confidence,
        source as tag_source,
        model_version as tagger_model_version

    from source

)

select * from renamed
