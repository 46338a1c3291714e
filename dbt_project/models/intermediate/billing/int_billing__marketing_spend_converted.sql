{#- Every staged marketing spend row with its amount in the reporting currency, converted at
    the rate in effect on the first day of its month (int_billing__fx_rates). The spend of
    docs/metrics.md "CLV and CAC" (CAC). -#}
{%- set reporting = reporting_currency() -%}

with

marketing_spend as (

    select * from {{ ref('stg_finance__marketing_spend') }}

),

fx_rates as (

    select * from {{ ref('int_billing__fx_rates') }}

),

converted as (

    select
        marketing_spend.spend_month,
        marketing_spend.acquisition_channel,
        marketing_spend.currency_code,
        marketing_spend.spend_amount,
        fx_rates.rate_date as fx_rate_date,
        {{ fx_rate_or_error(
            'fx_rates.rate_to_reporting', 'marketing_spend.currency_code', 'marketing spend'
        ) }} as fx_rate
    from marketing_spend
    left join fx_rates
        on {{ fx_rate_join(
            'fx_rates',
            'marketing_spend.currency_code',
            'marketing_spend.spend_month'
        ) }}

),

final as (

    select
        spend_month,
        acquisition_channel,
        currency_code,
        spend_amount,
        fx_rate_date,
        fx_rate,
        {{ to_reporting('spend_amount', 'fx_rate') }} as spend_reporting,
        '{{ reporting }}' as reporting_currency
    from converted

)

select * from final
