{#- Every staged invoice line with its amount in the reporting currency, converted at the rate
    in effect on the issue date (int_billing__fx_rates). Refunds and credits stay negative.
    The revenue of docs/metrics.md "Subscription revenue (MRR) metrics" and "CLV and CAC". -#}
{%- set reporting = reporting_currency() -%}

with

invoices as (

    select * from {{ ref('stg_billing__invoices') }}

),

fx_rates as (

    select * from {{ ref('int_billing__fx_rates') }}

),

converted as (

    select
        invoices.invoice_id,
        invoices.customer_id,
        invoices.subscription_id,
        invoices.issued_at,
        invoices.issued_date,
        invoices.issued_month as invoice_month,
        invoices.line_type,
        invoices.is_credit,
        invoices.invoice_amount as amount,
        invoices.currency_code as currency,
        fx_rates.rate_date as fx_rate_date,
        {{ fx_rate_or_error(
            'fx_rates.rate_to_reporting', 'invoices.currency_code', 'invoices'
        ) }} as fx_rate
    from invoices
    left join fx_rates
        on {{ fx_rate_join(
            'fx_rates',
            'invoices.currency_code',
            'invoices.issued_date'
        ) }}

),

final as (

    select
        invoice_id,
        customer_id,
        subscription_id,
        issued_at,
        issued_date,
        invoice_month,
        line_type,
        is_credit,
        amount,
        currency,
        fx_rate_date,
        fx_rate,
        {{ to_reporting('amount', 'fx_rate') }} as amount_reporting,
        '{{ reporting }}' as reporting_currency
    from converted

)

select * from final
