{#- Per CLV cell (billing_model x segment x plan_tier x acquisition_channel, 'all' rollups) the
    window estimates the CLV formulas use (domain.md "CLV and CAC"), each with its n and a
    standard error:
    - subscription: ARPU = net invoiced revenue (all line types, refunds negative) / active
      customer-months; monthly churn = churned / at-risk customer-months
      (int_finance__customer_months);
    - one_time: ARPU per active buyer-month, monthly transactions = orders / active
      buyer-months, average order value = net revenue / orders, monthly lapse rate = lapses /
      active buyer-months (int_finance__one_time_buyers).
    Ratio SEs are customer-clustered (linearization of a ratio of sums): SE(Y/X) =
    sqrt(sum_c (y_c - (Y/X) x_c)^2) / X. Subscription churn is the discrete-time hazard, whose SE
    is binomial over at-risk customer-months, sqrt(p (1 - p) / n); the lapse rate is a Poisson
    rate, SE sqrt(lapses) / exposure. CAC of a cell = average of the channel CACs
    (int_finance__acquisition_costs) over the cell's customers, i.e. weighted by its acquisition
    mix (spend is only known per channel). -#}
{%- set dpm = days_per_month() -%}

with

customer_months as (

    select * from {{ ref('int_finance__customer_months') }}

),

one_time_buyers as (

    select * from {{ ref('int_finance__one_time_buyers') }}

),

customer_cells as (

    select * from {{ ref('int_finance__customer_cells') }}

),

acquisition_costs as (

    select * from {{ ref('int_finance__acquisition_costs') }}

),

subscription_customers as (

    select
        customer_id,
        'subscription' as billing_model,
        cast(sum(net_revenue) as double) as revenue,
        cast(count(*) filter (where is_active_in_month) as double) as exposure_months,
        count(*) filter (where is_active_at_start) as at_risk_months,
        count(*) filter (where is_churned) as churned,
        cast(null as double) as lapses,
        cast(null as double) as orders
    from customer_months
    group by customer_id
    having count(*) filter (where is_active_in_month) > 0

),

one_time_customers as (

    select
        customer_id,
        'one_time' as billing_model,
        cast(window_net_revenue as double) as revenue,
        window_active_months as exposure_months,
        cast(null as bigint) as at_risk_months,
        cast(null as bigint) as churned,
        cast(cast(has_lapsed_in_window as integer) as double) as lapses,
        cast(window_orders as double) as orders
    from one_time_buyers
    where window_active_months > 0

),

window_customers as (

    select * from subscription_customers
    union all
    select * from one_time_customers

),

cell_customers as (

    select
        customer_cells.billing_model,
        customer_cells.segment,
        customer_cells.plan_tier,
        customer_cells.acquisition_channel,
        customer_cells.grouping_level,
        window_customers.customer_id,
        window_customers.revenue,
        window_customers.exposure_months,
        window_customers.at_risk_months,
        window_customers.churned,
        window_customers.lapses,
        window_customers.orders,
        acquisition_costs.cac
    from window_customers
    inner join customer_cells
        on
            window_customers.customer_id = customer_cells.customer_id
            and window_customers.billing_model = customer_cells.billing_model
    left join acquisition_costs
        on customer_cells.customer_acquisition_channel = acquisition_costs.acquisition_channel

),

totals as (

    select
        billing_model,
        segment,
        plan_tier,
        acquisition_channel,
        grouping_level,
        count(*) as customers,
        sum(exposure_months) as exposure_months,
        sum(revenue) as revenue,
        sum(at_risk_months) as at_risk_months,
        sum(churned) as churned,
        sum(lapses) as lapses,
        sum(orders) as orders,
        -- null when any customer's channel has no CAC
        case when count(cac) = count(*) then avg(cac) end as cac
    from cell_customers
    group by billing_model, segment, plan_tier, acquisition_channel, grouping_level

),

ratios as (

    select
        *,
        revenue / nullif(exposure_months, 0) as arpu,
        orders / nullif(exposure_months, 0) as monthly_transactions,
        revenue / nullif(orders, 0) as average_order_value
    from totals

),

clustered as (

    select
        cell_customers.billing_model,
        cell_customers.segment,
        cell_customers.plan_tier,
        cell_customers.acquisition_channel,
        sum(
            (cell_customers.revenue - ratios.arpu * cell_customers.exposure_months)
            * (cell_customers.revenue - ratios.arpu * cell_customers.exposure_months)
        ) as arpu_residual_square_sum,
        sum(
            (cell_customers.orders - ratios.monthly_transactions * cell_customers.exposure_months)
            * (cell_customers.orders - ratios.monthly_transactions * cell_customers.exposure_months)
        ) as transactions_residual_square_sum,
        sum(
            (cell_customers.revenue - ratios.average_order_value * cell_customers.orders)
            * (cell_customers.revenue - ratios.average_order_value * cell_customers.orders)
        ) as order_value_residual_square_sum
    from cell_customers
    inner join ratios
        on
            cell_customers.billing_model = ratios.billing_model
            and cell_customers.segment = ratios.segment
            and cell_customers.plan_tier = ratios.plan_tier
            and cell_customers.acquisition_channel = ratios.acquisition_channel
    group by
        cell_customers.billing_model,
        cell_customers.segment,
        cell_customers.plan_tier,
        cell_customers.acquisition_channel

),

final as (

    select
        ratios.billing_model,
        ratios.segment,
        ratios.plan_tier,
        ratios.acquisition_channel,
        ratios.grouping_level,
        ratios.customers,
        ratios.exposure_months as customer_months,
        cast(ratios.revenue as double) as net_revenue,
        ratios.arpu,
        sqrt(clustered.arpu_residual_square_sum) / nullif(ratios.exposure_months, 0) as arpu_se,
        cast(ratios.at_risk_months as bigint) as at_risk_months,
        cast(coalesce(ratios.churned, ratios.lapses) as bigint) as churned,
        case
            when ratios.billing_model = 'subscription'
                then cast(ratios.churned as double) / nullif(ratios.at_risk_months, 0)
            else ratios.lapses / nullif(ratios.exposure_months, 0)
        end as monthly_churn,
        case
            when ratios.billing_model = 'subscription'
                then sqrt(
                    cast(ratios.churned as double) * (ratios.at_risk_months - ratios.churned)
                    / (cast(ratios.at_risk_months as double) * ratios.at_risk_months)
                    / nullif(ratios.at_risk_months, 0)
                )
            else sqrt(ratios.lapses) / nullif(ratios.exposure_months, 0)
        end as monthly_churn_se,
        case
            when ratios.billing_model = 'subscription' then 'discrete_hazard_binomial'
            else 'poisson_rate'
        end as churn_se_method,
        cast(ratios.orders as bigint) as orders,
        ratios.monthly_transactions,
        sqrt(clustered.transactions_residual_square_sum)
        / nullif(ratios.exposure_months, 0) as monthly_transactions_se,
        ratios.average_order_value,
        sqrt(clustered.order_value_residual_square_sum)
        / nullif(ratios.orders, 0) as average_order_value_se,
        ratios.cac
    from ratios
    inner join clustered
        on
            ratios.billing_model = clustered.billing_model
            and ratios.segment = clustered.segment
            and ratios.plan_tier = clustered.plan_tier
            and ratios.acquisition_channel = clustered.acquisition_channel

)

select * from final
