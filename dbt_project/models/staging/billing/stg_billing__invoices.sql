{#- Invoice lines renamed from raw.invoices (docs/metrics.md "CLV and CAC": ARPU counts
    original, renewal, upsell and cross-sell revenue; "Transactional customers": orders). -#}

with

source as (

    select * from {{ source('billing', 'invoices') }}

),

renamed as (

    select
        -- ids
        invoice_id,
        customer_id,
        subscription_id,

        -- attributes
        line_type,
        currency as currency_code,

        -- amounts
        amount as invoice_amount,

        -- timestamps and dates
        issued_at,
        cast(issued_at as date) as issued_date,
        cast(date_trunc('month', issued_at) as date) as issued_month,

        -- flags
        amount < 0 as is_credit,

        -- lineage
        _source_file as source_file,
        _source_row as source_row

    from source

)

select * from renamed
