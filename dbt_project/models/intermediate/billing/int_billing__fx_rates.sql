{#- Rates to the reporting currency as validity ranges [valid_from_date, valid_to_date): each
    delivered rate holds from its date until the next rate of the currency; the earliest rate
    also covers every earlier day, the latest every later day. The reporting currency itself
    converts at exactly 1 over all time (rows delivered for it are not used; the singular test
    fx_reporting_currency_rate_is_one rejects any that are not 1). docs/metrics.md "Subscription
    revenue (MRR) metrics": FX changes create no movement. -#}
{%- set reporting = reporting_currency() -%}
{%- set beginning_of_time = "date '0001-01-01'" -%}
{%- set end_of_time = "date '9999-12-31'" -%}

with

fx_rates as (

    select * from {{ ref('stg_billing__fx_rates') }}

),

delivered as (

    select
        currency_code,
        rate_date,
        rate_to_reporting
    from fx_rates
    where currency_code <> '{{ reporting }}'

),

ranged as (

    select
        currency_code,
        rate_date,
        rate_to_reporting,
        -- the earliest rate stands in for the days before it
        case
            when
                row_number() over (partition by currency_code order by rate_date) = 1
                then {{ beginning_of_time }}
            else rate_date
        end as valid_from_date,
        coalesce(
            lead(rate_date) over (partition by currency_code order by rate_date),
            {{ end_of_time }}
        ) as valid_to_date
    from delivered

),

reporting_identity as (

    select
        '{{ reporting }}' as currency_code,
        cast(null as date) as rate_date,
        cast(1 as decimal(18, 10)) as rate_to_reporting,
        {{ beginning_of_time }} as valid_from_date,
        {{ end_of_time }} as valid_to_date

),

final as (

    select
        *,
        false as is_reporting_currency
    from ranged
    union all
    select
        *,
        true as is_reporting_currency
    from reporting_identity

)

select * from final
