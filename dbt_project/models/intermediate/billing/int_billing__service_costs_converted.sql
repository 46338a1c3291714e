{#- Every staged service costs row with its amount in the reporting currency, converted at
    the rate in effect on the first day of its month (int_billing__fx_rates). The costs of
    docs/metrics.md "CLV and CAC" (CRC). -#}
{%- set reporting = reporting_currency() -%}

with

service_costs as (

    select * from {{ ref('stg_finance__service_costs') }}

),

fx_rates as (

    select * from {{ ref('int_billing__fx_rates') }}

),

converted as (

    select
        service_costs.cost_month,
        service_costs.cost_type,
        service_costs.currency_code,
        service_costs.cost_amount,
        fx_rates.rate_date as fx_rate_date,
        {{ fx_rate_or_error(
            'fx_rates.rate_to_reporting', 'service_costs.currency_code', 'service costs'
        ) }} as fx_rate
    from service_costs
    left join fx_rates
        on {{ fx_rate_join(
            'fx_rates',
            'service_costs.currency_code',
            'service_costs.cost_month'
        ) }}

),

final as (

    select
        cost_month,
        cost_type,
        currency_code,
        cost_amount,
        fx_rate_date,
        fx_rate,
        {{ to_reporting('cost_amount', 'fx_rate') }} as cost_reporting,
        '{{ reporting }}' as reporting_currency
    from converted

)

select * from final
