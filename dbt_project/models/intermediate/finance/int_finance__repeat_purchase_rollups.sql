{#- Repeat purchase of one-time buyers (docs/metrics.md "Transactional customers") per grouping
    set of segment (macros/rollups.sql: grouping_id 0 per segment, 1 over every buyer with
    segment null); repeat_purchase_by_segment and repeat_purchase_overall select one set each.
    Over the whole history up to the as-of date: repeat rate = buyers with >= 2 orders / buyers
    with a Wilson interval (var ci_z); orders and net revenue (refunds negative) with their
    per-buyer means; time to the second purchase as the Kaplan-Meier median
    (int_finance__second_order_km, buyers without a second order censored at the as-of date)
    and as the median over the repeat buyers alone (quantile_disc: an observed day count). -#}
{#- A table: its two published slices and their tests read it, so it is computed once. -#}
{{ config(materialized='table') }}
{%- set dimensions = ['segment'] -%}
{%- set z = var('ci_z') -%}

with

buyers as (

    select * from {{ ref('int_finance__repeat_buyers') }}

),

second_order_km as (

    select * from {{ ref('int_finance__second_order_km') }}

),

as_of as (

    select as_of_date from {{ ref('int_calendar__as_of_dates') }}

),

sums as (

    select
        {{ grouping_id(dimensions) }} as grouping_id,
        segment,
        count(*) as customers,
        count(*) filter (where is_repeat) as repeat_customers,
        -- 0, not null, on the one row of a data set without one-time buyers
        coalesce(sum(orders), 0) as orders,
        coalesce(sum(net_revenue), 0) as net_revenue,
        min(first_order_date) as first_order_date,
        quantile_disc(days_to_second_order, 0.5) as median_days_repeaters,
        max(follow_up_days) as max_follow_up_days
    from buyers
    group by rollup(segment)

),

final as (

    select
        sums.grouping_id,
        sums.segment,
        -- the reporting currency of net_revenue and net_revenue_per_customer
        '{{ reporting_currency() }}' as currency,
        sums.first_order_date,
        as_of.as_of_date,
        cast(sums.customers as integer) as customers,
        cast(sums.repeat_customers as integer) as repeat_customers,
        {{ safe_ratio('sums.repeat_customers', 'sums.customers') }} as repeat_rate,
        {{ wilson_interval('sums.repeat_customers', 'sums.customers', z, 'lower') }}
            as repeat_rate_ci_low,
        {{ wilson_interval('sums.repeat_customers', 'sums.customers', z, 'upper') }}
            as repeat_rate_ci_high,
        cast(sums.orders as integer) as orders,
        {{ safe_ratio('sums.orders', 'sums.customers') }} as orders_per_customer,
        cast(sums.net_revenue as decimal(38, 4)) as net_revenue,
        {{ safe_ratio('sums.net_revenue', 'sums.customers') }} as net_revenue_per_customer,
        second_order_km.median_days_to_second_order,
        cast(sums.median_days_repeaters as integer) as median_days_to_second_order_repeaters,
        cast(sums.max_follow_up_days as integer) as max_follow_up_days,
        cast({{ z }} as double) as ci_z
    from sums
    cross join as_of
    left join second_order_km
        on
            sums.grouping_id = second_order_km.grouping_id
            and sums.segment is not distinct from second_order_km.segment

)

select * from final
