{#- Subscription periods renamed from raw.subscriptions
    (docs/metrics.md "Subscription revenue (MRR) metrics": the MRR of a customer-month comes from
    the periods active in it). -#}

with

source as (

    select * from {{ source('billing', 'subscriptions') }}

),

renamed as (

    select
        -- ids
        subscription_id,
        customer_id,

        -- attributes
        plan_tier,
        currency as currency_code,

        -- amounts
        mrr as mrr_amount,

        -- dates: [period_start_date, period_end_date), end exclusive, null = ongoing
        period_start as period_start_date,
        period_end as period_end_date,

        -- flags
        period_end is null as is_ongoing,

        -- lineage
        _source_file as source_file,
        _source_row as source_row

    from source

)

select * from renamed
