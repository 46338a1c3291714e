{#- Every survey response with what the topic marts slice and weigh by
    (docs/metrics.md "Text feedback"): period, segment, language, NPS category and points (NPS
    surveys only; docs/metrics.md "Survey metrics"), the customer's ARR in the response month, and
    whether the comment was tagged (has statements in text.feedback_statements). Language is the
    translation's source language, else the language given with the response, else 'unknown'. -#}

with

responses as (

    select * from {{ ref('stg_surveys__responses') }}

),

customers as (

    select * from {{ ref('stg_crm__customers') }}

),

statements as (

    select * from {{ ref('stg_text__feedback_statements') }}

),

translations as (

    select * from {{ ref('stg_text__feedback_translations') }}

),

customer_arr as (

    select * from {{ ref('int_revenue__customer_arr_months') }}

),

statement_summary as (

    select
        response_id,
        count(*) as statements,
        avg(sentiment_score) as mean_sentiment
    from statements
    group by response_id

),

enriched as (

    select
        -- ids
        responses.response_id,
        responses.customer_id,

        -- attributes
        responses.survey_type,
        coalesce(customers.segment, 'unknown') as segment,
        customers.plan_tier,
        coalesce(
            translations.source_language, responses.language, 'unknown'
        ) as language,
        case
            when responses.survey_type = 'nps'
                then {{ nps_category('responses.score') }}
        end as nps_category,
        case
            when responses.survey_type = 'nps'
                then {{ nps_points('responses.score') }}
        end as nps_points,
        coalesce(statement_summary.statements, 0) as statements,
        statement_summary.mean_sentiment,

        -- amounts
        customer_arr.arr,

        -- dates
        responses.response_date,
        responses.response_month,
        {{ topic_period_start('responses.response_date') }} as period_start,

        -- flags
        responses.has_comment,
        statement_summary.response_id is not null as has_tagged_comment

    from responses
    left join customers
        on responses.customer_id = customers.customer_id
    left join statement_summary
        on responses.response_id = statement_summary.response_id
    left join translations
        on responses.response_id = translations.response_id
    left join customer_arr
        on
            responses.customer_id = customer_arr.customer_id
            and responses.response_month = customer_arr.response_month

)

select * from enriched
