{#- The source of every NPS category: NPS responses bucketed (promoter 9-10, passive 7-8,
    detractor 0-6; docs/metrics.md "Survey metrics") and, where var csat_as_nps lets CSAT stand
    in for NPS, CSAT responses mapped by var csat_nps_mapping (default 5 / 4 / 1-3;
    docs/metrics.md "CSAT and CES"), labelled category_source = 'csat_mapped'. 'auto' maps CSAT
    only when no NPS response is loaded at all, so one company's categories never mix scales
    unless 'always' asks for it. Joined to the customer attributes the marts slice by. The NPS
    marts read the 'nps' rows only; the linkage and CLV models read every row. -#}
{%- set mode = csat_as_nps() -%}

with

responses as (

    select * from {{ ref('stg_surveys__responses') }}

),

customers as (

    select * from {{ ref('stg_crm__customers') }}

),

survey_presence as (

    -- one row, also on an empty table
    select count(*) filter (where survey_type = 'nps') > 0 as has_nps
    from responses

),

category_responses as (

    select responses.*
    from responses
    cross join survey_presence
    where
        responses.survey_type = 'nps'
        {%- if mode == 'always' %}
            or responses.survey_type = 'csat'
        {%- elif mode == 'auto' %}
            or (responses.survey_type = 'csat' and not survey_presence.has_nps)
        {%- endif %}

),

categorized as (

    select
        category_responses.response_id,
        category_responses.customer_id,
        category_responses.responded_at,
        category_responses.response_date,
        category_responses.response_month,
        category_responses.survey_type,
        case
            when category_responses.survey_type = 'nps' then 'nps' else 'csat_mapped'
        end as category_source,
        category_responses.score as source_score,
        case
            when category_responses.survey_type = 'nps' then category_responses.score
        end as nps_score,
        case
            when category_responses.survey_type = 'nps'
                then {{ nps_category('category_responses.score') }}
            else {{ csat_nps_category('category_responses.score') }}
        end as nps_category,
        case
            when category_responses.survey_type = 'nps'
                then {{ nps_points('category_responses.score') }}
            else {{ csat_nps_points('category_responses.score') }}
        end as nps_points,
        coalesce(category_responses.language, 'unknown') as language,
        category_responses.survey_channel,
        category_responses.has_comment,
        customers.segment,
        customers.plan_tier,
        customers.acquisition_channel
    from category_responses
    left join customers
        on category_responses.customer_id = customers.customer_id

)

select * from categorized
