{#- The two-level topic taxonomy (text.topics; docs/metrics.md "Text feedback"). -#}

with

source as (

    select *
    from {{ source_or_empty('text', 'topics', {
        'topic_id': 'varchar',
        'name': 'varchar',
        'parent_topic_id': 'varchar',
        'level': 'integer',
        'description': 'varchar',
    }) }}

),

renamed as (

    select
        -- ids
        topic_id,
        parent_topic_id,

        -- attributes
        name as topic_name,
        cast(level as integer) as topic_level,
        description as topic_description

    from source

)

select * from renamed
