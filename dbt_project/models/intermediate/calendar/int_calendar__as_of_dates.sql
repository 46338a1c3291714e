{#- One row: the date the marts are computed "as of". Configured (var as_of_date, env
    CXLINK_AS_OF_DATE) or, when empty, the latest event in the data. Every horizon of docs/metrics.md
    "Linking NPS to retention and revenue" and "Subscription revenue (MRR) metrics" ends on it. -#}
{%- set configured = configured_as_of_date() -%}

with

responses as (

    select * from {{ ref('stg_surveys__responses') }}

),

invoices as (

    select * from {{ ref('stg_billing__invoices') }}

),

subscriptions as (

    select * from {{ ref('stg_billing__subscriptions') }}

),

latest_events as (

    select
        (select max(response_date) from responses) as max_response_date,
        (select max(issued_date) from invoices) as max_invoice_date,
        (select max(period_start_date) from subscriptions) as max_period_start_date

),

final as (

    select
        {%- if configured %}
            {{ configured }} as as_of_date,
            'configured' as as_of_date_source,
        {%- else %}
            -- greatest() skips nulls: an empty entity does not blank the date
            greatest(
                max_response_date, max_invoice_date, max_period_start_date
            ) as as_of_date,
            'derived_from_data' as as_of_date_source,
        {%- endif %}
        max_response_date,
        max_invoice_date,
        max_period_start_date
    from latest_events

)

select * from final
