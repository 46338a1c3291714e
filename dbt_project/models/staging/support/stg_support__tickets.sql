{#- Support tickets renamed from raw.support_tickets (docs/metrics.md "Customer health and
    closing the loop": support tickets are one of the health indicators). Optional input: the
    model is empty when no tickets were delivered. -#}

with

source as (

    select * from {{ source('support', 'support_tickets') }}

),

renamed as (

    select
        -- ids
        ticket_id,
        customer_id,

        -- attributes
        priority,
        category,
        csat_score,

        -- timestamps and dates (UTC)
        opened_at,
        closed_at,
        cast(opened_at as date) as opened_date,
        cast(date_trunc('month', opened_at) as date) as opened_month,

        -- flags
        closed_at is null as is_open,

        -- lineage
        _source_file as source_file,
        _source_row as source_row

    from source

)

select * from renamed
