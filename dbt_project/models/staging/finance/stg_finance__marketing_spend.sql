{#- Sales and marketing spend renamed from raw.marketing_spend: the numerator of the CAC
    (docs/metrics.md "CLV and CAC"). -#}

with

source as (

    select * from {{ source('finance', 'marketing_spend') }}

),

renamed as (

    select
        -- keys
        month as spend_month,
        channel as acquisition_channel,
        currency as currency_code,

        -- amounts
        amount as spend_amount,

        -- lineage
        _source_file as source_file,
        _source_row as source_row

    from source

)

select * from renamed
