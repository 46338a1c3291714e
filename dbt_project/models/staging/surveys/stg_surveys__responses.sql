{#- Survey responses (NPS, CSAT, CES) renamed from raw.feedback (docs/metrics.md "Survey metrics"
    and "CSAT and CES"). The raw `language` keeps its name: it is the comment language the marts
    publish as `language`. -#}

with

source as (

    select * from {{ source('surveys', 'feedback') }}

),

renamed as (

    select
        -- ids
        response_id,
        customer_id,

        -- attributes
        survey_type,
        score,
        channel as survey_channel,
        comment as comment_text,
        nullif(lower(trim(language)), '') as language,

        -- timestamps and dates (UTC)
        responded_at,
        cast(responded_at as date) as response_date,
        cast(date_trunc('month', responded_at) as date) as response_month,

        -- flags
        nullif(trim(comment), '') is not null as has_comment,

        -- lineage
        _source_file as source_file,
        _source_row as source_row

    from source

)

select * from renamed
