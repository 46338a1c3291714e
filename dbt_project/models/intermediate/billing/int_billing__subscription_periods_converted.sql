{#- Every staged subscription period with its MRR in the reporting currency. Each period is
    converted once, at the rate in effect on its period_start_date (int_billing__fx_rates), so reporting
    MRR changes only where a period changes: FX moves create no MRR movement
    (docs/metrics.md "Subscription revenue (MRR) metrics"). -#}
{%- set reporting = reporting_currency() -%}

with

subscriptions as (

    select * from {{ ref('stg_billing__subscriptions') }}

),

fx_rates as (

    select * from {{ ref('int_billing__fx_rates') }}

),

converted as (

    select
        subscriptions.subscription_id
        || ':'
        || strftime(subscriptions.period_start_date, '%Y-%m-%d') as subscription_period_id,
        subscriptions.subscription_id,
        subscriptions.customer_id,
        subscriptions.plan_tier,
        subscriptions.period_start_date,
        subscriptions.period_end_date,
        subscriptions.is_ongoing,
        subscriptions.currency_code,
        subscriptions.mrr_amount,
        fx_rates.rate_date as fx_rate_date,
        {{ fx_rate_or_error(
            'fx_rates.rate_to_reporting', 'subscriptions.currency_code', 'subscription periods'
        ) }} as fx_rate
    from subscriptions
    left join fx_rates
        on {{ fx_rate_join(
            'fx_rates',
            'subscriptions.currency_code',
            'subscriptions.period_start_date'
        ) }}

),

final as (

    select
        subscription_period_id,
        subscription_id,
        customer_id,
        plan_tier,
        period_start_date,
        period_end_date,
        is_ongoing,
        currency_code,
        mrr_amount,
        fx_rate_date,
        fx_rate,
        {{ to_reporting('mrr_amount', 'fx_rate') }} as mrr_reporting,
        '{{ reporting }}' as reporting_currency
    from converted

)

select * from final
