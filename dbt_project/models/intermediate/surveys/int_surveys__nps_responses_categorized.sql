{#- NPS responses only, bucketed (promoter 9-10, passive 7-8, detractor 0-6; docs/metrics.md "Survey
    metrics") and joined to the customer attributes the marts slice by. -#}

with

responses as (

    select * from {{ ref('stg_surveys__responses') }}

),

customers as (

    select * from {{ ref('stg_crm__customers') }}

),

nps_responses as (

    select * from responses
    where survey_type = 'nps'

),

categorized as (

    select
        nps_responses.response_id,
        nps_responses.customer_id,
        nps_responses.responded_at,
        nps_responses.response_date,
        nps_responses.response_month,
        nps_responses.score as nps_score,
        {{ nps_category('nps_responses.score') }} as nps_category,
        {{ nps_points('nps_responses.score') }} as nps_points,
        coalesce(nps_responses.language, 'unknown') as language,
        nps_responses.survey_channel,
        nps_responses.has_comment,
        customers.segment,
        customers.plan_tier,
        customers.acquisition_channel
    from nps_responses
    left join customers
        on nps_responses.customer_id = customers.customer_id

)

select * from categorized
