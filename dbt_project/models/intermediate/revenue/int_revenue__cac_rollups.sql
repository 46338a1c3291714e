{#- Customer acquisition cost per acquisition month and channel (docs/metrics.md "CLV and CAC"):
    CAC = sales and marketing spend / new customers, where customers acquired in month m are set
    against the spend of month m - lag (var cac_lag_months). A customer is new in the month of
    their first subscription period, or of their first invoice when they never subscribed
    (one-time buyers). group by month, rollup(acquisition_channel): the channel is null on the
    month's total, grouping_id names the set (macros/rollups.sql); cac_by_channel and cac_total
    select one each. -#}
{#- A table, not a view: its published slices and its tests read it, so it is computed once. -#}
{{ config(materialized='table') }}
{%- set lag = cac_lag_months() -%}

with

subscriptions as (

    select * from {{ ref('int_billing__subscription_periods_converted') }}

),

invoices as (

    select * from {{ ref('int_billing__invoices_converted') }}

),

spend as (

    select * from {{ ref('int_billing__marketing_spend_converted') }}

),

customers as (

    select * from {{ ref('stg_crm__customers') }}

),

as_of as (

    select cast(date_trunc('month', as_of_date) as date) as as_of_month
    from {{ ref('int_calendar__as_of_dates') }}

),

first_subscription as (

    select
        customer_id,
        cast(date_trunc('month', min(period_start_date)) as date) as first_month
    from subscriptions
    group by customer_id

),

first_invoice as (

    select
        customer_id,
        min(invoice_month) as first_month
    from invoices
    group by customer_id

),

acquired as (

    -- subscribers by their first period; customers who never subscribed by their first invoice
    select
        customers.customer_id,
        customers.acquisition_channel,
        coalesce(first_subscription.first_month, first_invoice.first_month) as acquisition_month
    from customers
    left join first_subscription
        on customers.customer_id = first_subscription.customer_id
    left join first_invoice
        on customers.customer_id = first_invoice.customer_id
    where coalesce(first_subscription.first_month, first_invoice.first_month) is not null

),

new_customers as (

    select
        acquisition_month as month,
        acquisition_channel,
        count(*) as new_customers
    from acquired
    group by acquisition_month, acquisition_channel

),

spend_by_month as (

    -- spend of month s buys the customers of month s + lag
    select
        cast(spend_month + interval {{ lag }} month as date) as month,
        acquisition_channel,
        sum(spend_reporting) as spend
    from spend
    group by spend_month, acquisition_channel

),

spend_window as (

    -- acquisition months whose lagged spend month lies inside the delivered spend data
    select
        cast(min(spend_month) + interval {{ lag }} month as date) as first_month,
        cast(max(spend_month) + interval {{ lag }} month as date) as last_month
    from spend

),

joined as (

    select
        coalesce(new_customers.month, spend_by_month.month) as month,
        coalesce(new_customers.acquisition_channel, spend_by_month.acquisition_channel)
            as acquisition_channel,
        coalesce(new_customers.new_customers, 0) as new_customers,
        spend_by_month.spend
    from new_customers
    full outer join spend_by_month
        on
            new_customers.month = spend_by_month.month
            and new_customers.acquisition_channel = spend_by_month.acquisition_channel

),

in_window as (

    -- spend is 0 where the spend data covers the month but has no row for the channel, and
    -- unknown (null) outside the spend data; months after the as-of month are not reported
    select
        joined.month,
        joined.acquisition_channel,
        joined.new_customers,
        case
            when joined.month between spend_window.first_month and spend_window.last_month
                then coalesce(joined.spend, 0)
        end as spend
    from joined
    cross join spend_window
    cross join as_of
    where joined.month <= as_of.as_of_month

),

summed as (

    select
        month,
        acquisition_channel,
        {{ grouping_id(['acquisition_channel']) }} as grouping_id,
        sum(new_customers) as new_customers,
        -- null when any channel's spend is unknown for the month
        case when count(spend) = count(*) then sum(spend) end as spend
    from in_window
    group by month, rollup(acquisition_channel)

),

final as (

    select
        month,
        cast(month - interval {{ lag }} month as date) as spend_month,
        {{ lag }} as cac_lag_months,
        acquisition_channel,
        grouping_id,
        -- the reporting currency of spend and cac
        '{{ reporting_currency() }}' as currency,
        cast(spend as decimal(38, 4)) as spend,
        cast(new_customers as bigint) as new_customers,
        {{ safe_ratio('spend', 'new_customers') }} as cac
    from summed

)

select * from final
