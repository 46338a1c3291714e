{#- Onboarding, support and success costs renamed from raw.service_costs: the numerator of
    the CRC (docs/metrics.md "CLV and CAC"). -#}

with

source as (

    select * from {{ source('finance', 'service_costs') }}

),

renamed as (

    select
        -- keys
        month as cost_month,
        cost_type,
        currency as currency_code,

        -- amounts
        amount as cost_amount,

        -- lineage
        _source_file as source_file,
        _source_row as source_row

    from source

)

select * from renamed
