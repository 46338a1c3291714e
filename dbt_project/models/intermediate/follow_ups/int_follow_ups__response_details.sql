{#- What a follow-up shows of the response that triggered it (docs/metrics.md "Follow-up rules"):
    every survey response dated on or before the as-of date with its comment as written and in
    English (text.feedback_translations: the translation, or the original where it needed none),
    both with e-mail-shaped text removed (macro redact_emails), the comment's language, and the
    topics it mentions (int_text__response_topics: level-2 topics and their level-1 parents),
    as one text, topic ids in alphabetical order. -#}

with

responses as (

    select * from {{ ref('stg_surveys__responses') }}

),

translations as (

    select * from {{ ref('stg_text__feedback_translations') }}

),

response_topics as (

    select * from {{ ref('int_text__response_topics') }}

),

follow_up_window as (

    select * from {{ ref('int_follow_ups__window') }}

),

topic_lists as (

    select
        response_id,
        string_agg(topic_id, ', ' order by topic_id) as topics
    from response_topics
    group by response_id

),

final as (

    select
        -- ids
        responses.response_id,
        responses.customer_id,

        -- attributes
        responses.survey_type,
        responses.score,
        {{ redact_emails('responses.comment_text') }} as comment_original,
        {{ redact_emails('translations.translated_text') }} as comment_translated,
        coalesce(translations.source_language, responses.language) as comment_language,
        translations.translation_status,
        topic_lists.topics,

        -- dates
        responses.responded_at,
        responses.response_date

    from responses
    cross join follow_up_window
    left join translations
        on responses.response_id = translations.response_id
    left join topic_lists
        on responses.response_id = topic_lists.response_id
    where responses.response_date <= follow_up_window.as_of_date

)

select * from final
