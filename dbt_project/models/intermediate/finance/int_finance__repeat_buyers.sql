{#- One row per one-time buyer with at least one order on or before the as-of date
    (int_finance__one_time_lines), for the repeat-purchase marts (docs/metrics.md
    "Transactional customers"). A repeat customer has >= 2 orders; time to the second purchase
    = days from the first order to the second (0 for a second order the same day). Without a
    second order the buyer is censored at the as-of date: duration_days = days of follow-up
    since the first order, the Kaplan-Meier input of int_finance__second_order_km. net_revenue:
    every line of the buyer up to the as-of date (refunds negative), reporting currency. -#}

with

lines as (

    select * from {{ ref('int_finance__one_time_lines') }}

),

as_of as (

    select as_of_date from {{ ref('int_calendar__as_of_dates') }}

),

buyers as (

    select
        customer_id,
        any_value(segment) as segment,
        min(issued_date) filter (where order_number = 1) as first_order_date,
        min(issued_date) filter (where order_number = 2) as second_order_date,
        count(*) filter (where is_order) as orders,
        sum(amount_reporting) as net_revenue
    from lines
    group by customer_id

),

final as (

    select
        buyers.customer_id,
        buyers.segment,
        buyers.first_order_date,
        cast(date_trunc('month', buyers.first_order_date) as date) as first_order_month,
        buyers.second_order_date,
        cast(buyers.orders as integer) as orders,
        buyers.orders >= 2 as is_repeat,
        cast(buyers.second_order_date - buyers.first_order_date as integer)
            as days_to_second_order,
        cast(as_of.as_of_date - buyers.first_order_date as integer) as follow_up_days,
        cast(
            coalesce(buyers.second_order_date, as_of.as_of_date) - buyers.first_order_date
            as integer
        ) as duration_days,
        cast(buyers.net_revenue as decimal(38, 4)) as net_revenue
    from buyers
    cross join as_of
    -- a buyer whose lines up to the as-of date are all credits has no first order
    where buyers.first_order_date is not null

)

select * from final
