{#- Per billed customer and NPS group the CLV window's totals the cell estimates of
    int_finance__cell_measures are built from (docs/metrics.md "CLV and CAC", "Linking NPS to
    retention and revenue"). Subscription customers (int_finance__customer_months): net
    invoiced revenue, active / at-risk / churned customer-months, per nps_category of the
    month (the latest answer before it; a customer whose category changed in the window has a
    row for each) and 'all' (every month; only customers with an active month in the window,
    as the CLV has always counted them).
    One-time buyers (int_finance__one_time_buyers): revenue, active buyer-months, lapse and
    orders in the window, 'all' only (their answers are not tracked by month). -#}

-- the loops below generate whole CTEs: they are not an indent level
-- sqlfluff:indentation:template_blocks_indent:False
with

one_time_buyers as (

    select * from {{ ref('int_finance__one_time_buyers') }}

),

customers as (

    select * from {{ ref('stg_crm__customers') }}

),

{%- for group in ['categories', 'all'] %}
subscription_{{ group }} as (

    -- refs, not import CTEs: DuckDB materializes a CTE read twice, which reorders its rows
    -- and so the last digits of the sums downstream
    select
        customer_months.customer_id,
        customers.segment,
        {{ 'customer_months.latest_nps_category' if group == 'categories' else "'all'" }}
            as nps_category,
        cast(sum(customer_months.net_revenue) as double) as revenue,
        count(*) filter (where customer_months.is_active_in_month) as exposure_months,
        count(*) filter (where customer_months.is_active_at_start) as at_risk_months,
        count(*) filter (where customer_months.is_churned) as churned
    from {{ ref('int_finance__customer_months') }} as customer_months
    inner join {{ ref('stg_crm__customers') }} as customers
        on customer_months.customer_id = customers.customer_id
    {% if group == 'categories' -%}
    where customer_months.latest_nps_category is not null
    group by
        customer_months.customer_id, customers.segment, customer_months.latest_nps_category
    {%- else -%}
    group by customer_months.customer_id, customers.segment
    having count(*) filter (where customer_months.is_active_in_month) > 0
    {%- endif %}

),
{% endfor %}
subscription_groups as (

    select * from subscription_categories
    union all
    select * from subscription_all

),

subscription_customers as (

    select
        customer_id,
        segment,
        'subscription' as billing_model,
        nps_category,
        revenue,
        cast(exposure_months as double) as exposure_months,
        cast(at_risk_months as bigint) as at_risk_months,
        cast(churned as bigint) as churned,
        cast(null as double) as lapses,
        cast(null as double) as orders
    from subscription_groups

),

one_time_customers as (

    select
        one_time_buyers.customer_id,
        customers.segment,
        'one_time' as billing_model,
        'all' as nps_category,
        cast(one_time_buyers.window_net_revenue as double) as revenue,
        one_time_buyers.window_active_months as exposure_months,
        cast(null as bigint) as at_risk_months,
        cast(null as bigint) as churned,
        cast(cast(one_time_buyers.has_lapsed_in_window as integer) as double) as lapses,
        cast(one_time_buyers.window_orders as double) as orders
    from one_time_buyers
    inner join customers
        on one_time_buyers.customer_id = customers.customer_id
    where one_time_buyers.window_active_months > 0

),

final as (

    select * from subscription_customers
    union all
    select * from one_time_customers

)

select * from final
