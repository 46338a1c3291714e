{#- Every customer's window totals (int_finance__customer_window_totals) in each cell of the
    CLV grain it belongs to and NPS group, the rows int_finance__cell_measures aggregates:
    the NPS group 'all' in all eight cells of int_finance__customer_cells (billing_model x
    segment x plan_tier x acquisition_channel with 'all' rollups); the NPS categories and
    'answered' (every category: a customer whose category changed in the window is one
    cluster there) in the subscription segment cells (plan_tier and acquisition_channel
    'all'), what marts.cx_revenue_linkage publishes. docs/metrics.md "CLV and CAC". -#}

with

window_customers as (

    select * from {{ ref('int_finance__customer_window_totals') }}
    where nps_category = 'all'

),

category_customers as (

    select * from {{ ref('int_finance__customer_window_totals') }}
    where nps_category != 'all'

),

customer_cells as (

    select * from {{ ref('int_finance__customer_cells') }}

),

acquisition_costs as (

    select * from {{ ref('int_finance__acquisition_costs') }}

),

rollup_flags as (

    select flags.is_rolled from (values (false), (true)) as flags (is_rolled)

),

cell_customers_all as (

    select
        customer_cells.billing_model,
        customer_cells.segment,
        customer_cells.plan_tier,
        customer_cells.acquisition_channel,
        customer_cells.grouping_level,
        window_customers.nps_category,
        window_customers.customer_id,
        window_customers.revenue,
        window_customers.exposure_months,
        window_customers.at_risk_months,
        window_customers.churned,
        window_customers.lapses,
        window_customers.orders,
        acquisition_costs.cac,
        case
            when acquisition_costs.cac is null
                then coalesce(acquisition_costs.cac_null_reason, 'no_acquisition_channel')
        end as cac_null_reason
    from window_customers
    inner join customer_cells
        on
            window_customers.customer_id = customer_cells.customer_id
            and window_customers.billing_model = customer_cells.billing_model
    left join acquisition_costs
        on customer_cells.customer_acquisition_channel = acquisition_costs.acquisition_channel

),

cell_customers_categories as (

    -- segment x category with rollups; a customer whose category changed is one cluster
    -- in 'answered'
    select
        case
            when segment_rollup.is_rolled then 'all' else category_customers.segment
        end as segment,
        case
            when category_rollup.is_rolled then 'answered' else category_customers.nps_category
        end as nps_category,
        category_customers.customer_id,
        sum(category_customers.revenue) as revenue,
        sum(category_customers.exposure_months) as exposure_months,
        sum(category_customers.at_risk_months) as at_risk_months,
        sum(category_customers.churned) as churned,
        cast(null as double) as lapses,
        cast(null as double) as orders,
        cast(null as double) as cac,
        cast(null as varchar) as cac_null_reason
    from category_customers
    cross join rollup_flags as segment_rollup
    cross join rollup_flags as category_rollup
    group by all

),

final as (

    select * from cell_customers_all
    union all
    select
        'subscription' as billing_model,
        segment,
        'all' as plan_tier,
        'all' as acquisition_channel,
        2 + cast(segment = 'all' as integer) as grouping_level,
        * exclude (segment)
    from cell_customers_categories

)

select * from final
