{#- ARR per customer in the months they answered a survey: 12 x MRR in the reporting currency
    (domain.md "B2B aggregations": ARR is the revenue weight). MRR of a month = for each
    subscription the period overlapping the month that started last (an upgrade inside the
    month counts at its new price, never twice), summed over the customer's subscriptions;
    converted with the latest fx rate on or before the month's last day (1 for the reporting
    currency). Null when a rate is missing; no row for a customer without a subscription in the
    month. When marts/revenue `mrr_monthly` is available this reads 12 x its MRR instead. -#}
{%- set reporting_currency = var('reporting_currency') -%}

with

subscriptions as (

    select * from {{ ref('stg_billing__subscriptions') }}

),

fx_rates as (

    select * from {{ ref('stg_billing__fx_rates') }}

),

responses as (

    select * from {{ ref('stg_surveys__responses') }}

),

response_months as (

    select distinct
        customer_id,
        response_month as month_start,
        cast(response_month + interval 1 month - interval 1 day as date) as month_end
    from responses

),

overlapping_periods as (

    select
        response_months.customer_id,
        response_months.month_start,
        response_months.month_end,
        subscriptions.subscription_id,
        subscriptions.currency_code,
        subscriptions.mrr_amount
    from response_months
    inner join subscriptions
        on
            response_months.customer_id = subscriptions.customer_id
            and response_months.month_end >= subscriptions.period_start_date
            and (
                subscriptions.period_end_date is null
                or response_months.month_start < subscriptions.period_end_date
            )
    qualify row_number() over (
        partition by
            response_months.customer_id,
            response_months.month_start,
            subscriptions.subscription_id
        order by subscriptions.period_start_date desc
    ) = 1

),

converted as (

    select
        overlapping_periods.customer_id,
        overlapping_periods.month_start,
        overlapping_periods.subscription_id,
        overlapping_periods.mrr_amount
        * case
            when overlapping_periods.currency_code = '{{ reporting_currency }}' then 1.0
            else fx_rates.rate_to_reporting
        end as mrr_reporting
    from overlapping_periods
    left join fx_rates
        on
            overlapping_periods.currency_code = fx_rates.currency_code
            and overlapping_periods.month_end >= fx_rates.rate_date
    qualify row_number() over (
        partition by
            overlapping_periods.customer_id,
            overlapping_periods.month_start,
            overlapping_periods.subscription_id
        order by fx_rates.rate_date desc nulls last
    ) = 1

),

final as (

    select
        customer_id,
        month_start as response_month,
        -- one missing rate makes the month's ARR unknown rather than understated
        cast(
            case when count(*) = count(mrr_reporting) then 12 * sum(mrr_reporting) end
            as double
        ) as arr
    from converted
    group by customer_id, month_start

)

select * from final
