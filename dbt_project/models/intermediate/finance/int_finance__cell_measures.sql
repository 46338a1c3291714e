{#- Per CLV cell (billing_model x segment x plan_tier x acquisition_channel, 'all' rollups) and
    NPS group (nps_category of the month, 'answered', 'all'; int_finance__customer_window_totals)
    the window estimates the CLV formulas use (docs/metrics.md "CLV and CAC"), each with its n
    and a standard error:
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
    (int_finance__acquisition_costs) over the cell's customers (NPS group 'all'), i.e. weighted
    by its acquisition mix (spend is only known per channel); its NPS groups share it.
    NPS categories are measured for the subscription segment cells (plan_tier and
    acquisition_channel 'all'), what marts.cx_revenue_linkage publishes. One template, two
    instances: 'all' grouped by the cell, the categories by segment and category, each
    aggregate keyed as before the split, so that sums of doubles keep their last digits. -#}
{%- set instances = {
    'all': {
        'keys': ['billing_model', 'segment', 'plan_tier', 'acquisition_channel', 'grouping_level'],
        'filter': "nps_category = 'all'",
        'constants': {'nps_category': "'all'"},
    },
    'categories': {
        'keys': ['segment', 'nps_category'],
        'filter': "nps_category != 'all'",
        'constants': {
            'billing_model': "'subscription'",
            'plan_tier': "'all'",
            'acquisition_channel': "'all'",
            'grouping_level': "2 + cast(ratios.segment = 'all' as integer)",
        },
    },
} -%}
{%- set columns = [
    'billing_model', 'segment', 'plan_tier', 'acquisition_channel', 'grouping_level',
    'nps_category',
] -%}

-- the loops below generate whole CTEs: they are not an indent level
-- sqlfluff:indentation:template_blocks_indent:False
with
{% for name, instance in instances.items() %}
{%- set keys = instance['keys'] %}
{%- set cluster_keys = keys | reject('equalto', 'grouping_level') | list %}
-- one import per instance: DuckDB materializes a CTE read twice, which would reorder rows
cell_customers_{{ name }} as (

    select * from {{ ref('int_finance__cell_customers') }}
    where {{ instance['filter'] }}

),
totals_{{ name }} as (

    select
        {{ keys | join(', ') }},
        count(*) as customers,
        sum(exposure_months) as exposure_months,
        sum(revenue) as revenue,
        sum(at_risk_months) as at_risk_months,
        sum(churned) as churned,
        sum(lapses) as lapses,
        sum(orders) as orders,
        -- null when any customer's channel has no CAC
        case when count(cac) = count(*) then avg(cac) end as cac,
        case -- why not: no spend first, as it explains every channel
            when count(cac) = count(*) then null
            when bool_or(cac_null_reason = 'no_spend_in_window') then 'no_spend_in_window'
            else min(cac_null_reason)
        end as cac_null_reason
    from cell_customers_{{ name }}
    group by {{ keys | join(', ') }}

),

ratios_{{ name }} as (

    select
        *,
        revenue / nullif(exposure_months, 0) as arpu,
        orders / nullif(exposure_months, 0) as monthly_transactions,
        revenue / nullif(orders, 0) as average_order_value
    from totals_{{ name }}

),

residuals_{{ name }} as (

    select
        {{ 'cell_customers.' ~ cluster_keys | join(', cell_customers.') }},
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
    from cell_customers_{{ name }} as cell_customers
    inner join ratios_{{ name }} as ratios
        on
        {%- for key in cluster_keys %}
            {{ 'and ' if not loop.first }}cell_customers.{{ key }} = ratios.{{ key }}
        {%- endfor %}
    group by {{ 'cell_customers.' ~ cluster_keys | join(', cell_customers.') }}

),

measures_{{ name }} as (

    select
        {%- for column in columns %}
        {{ instance['constants'].get(column, 'ratios.' ~ column) }} as {{ column }},
        {%- endfor %}
        ratios.* exclude ({{ keys | join(', ') }}),
        residuals.arpu_residual_square_sum,
        residuals.transactions_residual_square_sum,
        residuals.order_value_residual_square_sum
    from ratios_{{ name }} as ratios
    inner join residuals_{{ name }} as residuals
        on
        {%- for key in cluster_keys %}
            {{ 'and ' if not loop.first }}ratios.{{ key }} = residuals.{{ key }}
        {%- endfor %}

),
{% endfor %}
measures as (

    select * from measures_all
    union all
    -- acquisition comes before any answer: every NPS group pays its cell's CAC
    select
        categories.* replace (
            all_groups.cac as cac, all_groups.cac_null_reason as cac_null_reason
        )
    from measures_categories as categories
    left join measures_all as all_groups
        on
            categories.billing_model = all_groups.billing_model
            and categories.segment = all_groups.segment
            and categories.plan_tier = all_groups.plan_tier
            and categories.acquisition_channel = all_groups.acquisition_channel

),

final as (

    select
        billing_model,
        segment,
        plan_tier,
        acquisition_channel,
        grouping_level,
        nps_category,
        customers,
        exposure_months as customer_months,
        cast(revenue as double) as net_revenue,
        arpu,
        sqrt(arpu_residual_square_sum) / nullif(exposure_months, 0) as arpu_se,
        cast(at_risk_months as bigint) as at_risk_months,
        cast(coalesce(churned, lapses) as bigint) as churned,
        case
            when billing_model = 'subscription'
                then cast(churned as double) / nullif(at_risk_months, 0)
            else lapses / nullif(exposure_months, 0)
        end as monthly_churn,
        case
            when billing_model = 'subscription'
                then sqrt(
                    cast(churned as double) * (at_risk_months - churned)
                    / (cast(at_risk_months as double) * at_risk_months)
                    / nullif(at_risk_months, 0)
                )
            else sqrt(lapses) / nullif(exposure_months, 0)
        end as monthly_churn_se,
        case
            when billing_model = 'subscription' then 'discrete_hazard_binomial'
            else 'poisson_rate'
        end as churn_se_method,
        cast(orders as bigint) as orders,
        monthly_transactions,
        sqrt(transactions_residual_square_sum)
        / nullif(exposure_months, 0) as monthly_transactions_se,
        average_order_value,
        sqrt(order_value_residual_square_sum) / nullif(orders, 0) as average_order_value_se,
        cac,
        cac_null_reason
    from measures

)

select * from final
