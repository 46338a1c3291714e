{#- One row per one-time buyer (billing_model 'one_time' of int_finance__customer_cells: no
    subscription period, at least one one_time invoice line), for the non-subscription CLV of
    docs/metrics.md "CLV and CAC" (monthly transactions x average order value x gross margin x
    lifespan). A buyer counts as active from the first order until var one_time_lapse_months
    after the latest order (then it has lapsed: the lifetime event) or until the as-of date
    (still active: censored). Orders are one_time lines with a positive amount (macro
    is_one_time_order); net revenue also counts refunds. Window figures cover the CLV window [window_start_month,
    window_end_month). -#}
{%- set dpm = days_per_month() -%}

with

invoices as (

    select * from {{ ref('int_billing__invoices_converted') }}

),

customer_cells as (

    select * from {{ ref('int_finance__customer_cells') }}

),

measurement_window as (

    select * from {{ ref('int_finance__measurement_windows') }}

),

buyers as (

    select distinct customer_id
    from customer_cells
    where billing_model = 'one_time'

),

orders as (

    select
        invoices.customer_id,
        min(invoices.issued_date) filter (
            where {{ is_one_time_order('invoices') }}
        ) as first_order_date,
        max(invoices.issued_date) filter (
            where {{ is_one_time_order('invoices') }}
        ) as last_order_date,
        count(*) filter (
            where
            {{ is_one_time_order('invoices') }}
            and invoices.invoice_month >= measurement_window.window_start_month
            and invoices.invoice_month < measurement_window.window_end_month
        ) as window_orders,
        coalesce(sum(invoices.amount_reporting) filter (
            where
            invoices.invoice_month >= measurement_window.window_start_month
            and invoices.invoice_month < measurement_window.window_end_month
        ), 0) as window_net_revenue
    from invoices
    inner join buyers
        on invoices.customer_id = buyers.customer_id
    cross join measurement_window
    group by invoices.customer_id

),

spans as (

    select
        orders.*,
        cast(
            orders.last_order_date
            + to_months(measurement_window.one_time_lapse_months) as date
        ) as lapse_date,
        measurement_window.as_of_date,
        measurement_window.window_start_month,
        measurement_window.window_end_month
    from orders
    cross join measurement_window
    -- a buyer whose only one_time lines are credits has no order to start a lifetime
    where
        orders.first_order_date is not null
        and orders.first_order_date <= measurement_window.as_of_date

),

final as (

    select
        customer_id,
        first_order_date,
        last_order_date,
        lapse_date,
        lapse_date <= as_of_date as has_lapsed,
        least(lapse_date, as_of_date) as active_until_date,
        cast(least(lapse_date, as_of_date) - first_order_date as integer) as active_days,
        -- days of [first order, active until) inside the window
        cast(greatest(
            0,
            least(least(lapse_date, as_of_date), window_end_month)
            - greatest(first_order_date, window_start_month)
        ) as integer) as window_active_days,
        cast(greatest(
            0,
            least(least(lapse_date, as_of_date), window_end_month)
            - greatest(first_order_date, window_start_month)
        ) as double) / {{ dpm }} as window_active_months,
        lapse_date >= window_start_month and lapse_date < window_end_month
        and lapse_date <= as_of_date as has_lapsed_in_window,
        cast(window_orders as integer) as window_orders,
        cast(window_net_revenue as decimal(38, 4)) as window_net_revenue
    from spans

)

select * from final
