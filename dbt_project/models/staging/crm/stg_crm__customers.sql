{#- CRM customers renamed from raw.customers, with the slices CLV is segmented by
    (docs/metrics.md "CLV and CAC": pricing tier, persona, segment, acquisition channel). -#}

with

source as (

    select * from {{ source('crm', 'customers') }}

),

renamed as (

    select
        -- ids
        customer_id,

        -- attributes
        segment,
        plan_tier,
        acquisition_channel,
        country as country_code,
        persona,

        -- personal data: stops here, no later model selects it
        email,
        name as customer_name,

        -- dates
        signup_date,
        cast(date_trunc('month', signup_date) as date) as signup_month,

        -- lineage
        _source_file as source_file,
        _source_row as source_row

    from source

)

select * from renamed
