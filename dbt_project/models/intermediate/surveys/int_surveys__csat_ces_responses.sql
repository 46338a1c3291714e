{#- CSAT (1-5) and CES (1-7) responses, each in its band (docs/metrics.md "CSAT and CES"; macros/
    csat_ces.sql): CSAT satisfied 4-5 / neutral 3 / dissatisfied 1-2; CES low_effort /
    neutral / high_effort, the three scores at the easy end of var ces_easy_end being
    low_effort. is_top_band marks satisfied and low_effort (the published shares). Joined to
    the customer attributes the marts slice by. -#}

with

responses as (

    select * from {{ ref('stg_surveys__responses') }}

),

customers as (

    select * from {{ ref('stg_crm__customers') }}

),

csat_ces_responses as (

    select * from responses
    where survey_type in ('csat', 'ces')

),

banded as (

    select
        csat_ces_responses.response_id,
        csat_ces_responses.customer_id,
        csat_ces_responses.responded_at,
        csat_ces_responses.response_date,
        csat_ces_responses.response_month,
        csat_ces_responses.survey_type,
        csat_ces_responses.score,
        case csat_ces_responses.survey_type
            when 'csat' then {{ csat_band('csat_ces_responses.score') }}
            else {{ ces_band('csat_ces_responses.score') }}
        end as band,
        coalesce(csat_ces_responses.language, 'unknown') as language,
        csat_ces_responses.survey_channel,
        customers.segment,
        customers.plan_tier,
        customers.acquisition_channel
    from csat_ces_responses
    left join customers
        on csat_ces_responses.customer_id = customers.customer_id

),

final as (

    select
        *,
        band in ('satisfied', 'low_effort') as is_top_band
    from banded

)

select * from final
