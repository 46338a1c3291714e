{#- Translated comments (text.feedback_translations; docs/metrics.md "Text feedback":
    every comment translated to English, keeping the original, its language and the model).
    The month column feedback_month is the response month: named response_month here. -#}

with

source as (

    select *
    from {{ source_or_empty('text', 'feedback_translations', {
        'response_id': 'varchar',
        'feedback_month': 'date',
        'source_language': 'varchar',
        'language_source': 'varchar',
        'original_text': 'varchar',
        'translated_text': 'varchar',
        'status': 'varchar',
        'model_name': 'varchar',
        'model_version': 'varchar',
        'translated_at': 'timestamp',
    }) }}

),

renamed as (

    select
        -- ids
        response_id,

        -- attributes
        nullif(lower(trim(source_language)), '') as source_language,
        language_source,
        original_text,
        translated_text,
        status as translation_status,
        model_name as translation_model_name,
        model_version as translation_model_version,

        -- dates and timestamps (UTC)
        feedback_month as response_month,
        translated_at

    from source

)

select * from renamed
