{#- Weekly product usage renamed from raw.product_usage (docs/metrics.md "Customer health and
    closing the loop": usage trend and seat utilisation are health indicators). Optional input:
    the model is empty when no usage was delivered. -#}

with

source as (

    select * from {{ source('product', 'product_usage') }}

),

renamed as (

    select
        -- keys
        customer_id,
        week as week_start,

        -- counts
        active_users,
        seats,
        key_events,

        -- dates
        cast(date_trunc('month', week) as date) as week_month,

        -- lineage
        _source_file as source_file,
        _source_row as source_row

    from source

)

select * from renamed
