{#- Exchange rates to the reporting currency renamed from raw.fx_rates
    (docs/metrics.md "Subscription revenue (MRR) metrics": FX changes create no MRR movement). -#}

with

source as (

    select * from {{ source('billing', 'fx_rates') }}

),

renamed as (

    select
        -- keys
        date as rate_date,
        currency as currency_code,

        -- amounts: reporting-currency units per unit of currency_code
        rate_to_reporting,

        -- lineage
        _source_file as source_file,
        _source_row as source_row

    from source

)

select * from renamed
