{#- Customer lifetime value and its inputs per billing model x segment x plan_tier x
    acquisition_channel, with 'all' rollups (domain.md "CLV and CAC"). Subscription rows use the
    seed formula CLV = ARPU x lifetime months - (CAC + CRC); one_time rows (customers billed only
    by one_time invoices) the non-subscription form CLV = monthly transactions x average order
    value x gross margin x lifespan months, which equals ARPU x gross margin x lifespan because
    monthly transactions x AOV = revenue / buyer-months = ARPU. The lifetime is 1 / monthly churn
    or the Kaplan-Meier RMST (var clv_lifetime). Intervals: Wald from delta-method SEs that treat
    ARPU and the lifetime as independent estimates; CAC, CRC and the gross margin are accounting
    figures or settings without sampling error. -#}
{%- set z = var('ci_z') -%}
{%- set churned = 'cell_measures.churned' -%}
{%- set at_risk = 'cell_measures.at_risk_months' -%}
{%- set churn = 'cell_measures.monthly_churn' -%}
{%- set churn_se = 'cell_measures.monthly_churn_se' -%}

with

cell_measures as (

    select * from {{ ref('int_finance__cell_measures') }}

),

lifetime_km as (

    select * from {{ ref('int_finance__lifetime_km') }}

),

acquisition_costs as (

    select * from {{ ref('int_finance__acquisition_costs') }}

),

measurement_window as (

    select * from {{ ref('int_finance__measurement_window') }}

),

retention_cost as (

    select crc
    from acquisition_costs
    where acquisition_channel = 'all'

),

joined as (

    select
        cell_measures.*,
        lifetime_km.lifetimes_observed,
        lifetime_km.lifetime_events,
        lifetime_km.rmst_months,
        lifetime_km.rmst_se_months,
        retention_cost.crc,
        measurement_window.window_start_month,
        measurement_window.window_end_month,
        measurement_window.rmst_horizon_months,
        measurement_window.gross_margin,
        measurement_window.clv_lifetime_method,
        -- the subscription churn interval is Wilson on at-risk customer-months; the one-time
        -- lapse rate (a Poisson rate) gets a Wald interval clipped at 0
        case
            when cell_measures.billing_model = 'subscription'
                then {{ wilson_interval(churned, at_risk, z, 'lower') }}
            else greatest(0.0, {{ wald_bound(churn, churn_se, z, 'lower') }})
        end as monthly_churn_ci_low,
        case
            when cell_measures.billing_model = 'subscription'
                then {{ wilson_interval(churned, at_risk, z, 'upper') }}
            else {{ wald_bound(churn, churn_se, z, 'upper') }}
        end as monthly_churn_ci_high
    from cell_measures
    left join lifetime_km
        on
            cell_measures.billing_model = lifetime_km.billing_model
            and cell_measures.segment = lifetime_km.segment
            and cell_measures.plan_tier = lifetime_km.plan_tier
            and cell_measures.acquisition_channel = lifetime_km.acquisition_channel
    cross join retention_cost
    cross join measurement_window

),

lifetimes as (

    select
        *,
        1.0 / nullif(monthly_churn, 0) as lifetime_months_inverse_churn,
        -- delta method: d(1/p)/dp = -1/p^2
        monthly_churn_se / nullif(monthly_churn * monthly_churn, 0) as lifetime_inverse_churn_se,
        case
            when clv_lifetime_method = 'rmst' then rmst_months
            else 1.0 / nullif(monthly_churn, 0)
        end as lifetime_months,
        case
            when clv_lifetime_method = 'rmst' then rmst_se_months
            else monthly_churn_se / nullif(monthly_churn * monthly_churn, 0)
        end as lifetime_se
    from joined

),

clv as (

    select
        *,
        case
            when billing_model = 'subscription'
                then arpu * lifetime_months - (cac + crc)
            else monthly_transactions * average_order_value * gross_margin * lifetime_months
        end as clv,
        -- delta method, ARPU and lifetime independent; the one-time form scales by the margin
        case when billing_model = 'subscription' then 1.0 else gross_margin end
        * sqrt(
            lifetime_months * lifetime_months * arpu_se * arpu_se
            + arpu * arpu * lifetime_se * lifetime_se
        ) as clv_se
    from lifetimes

),

final as (

    select
        billing_model,
        segment,
        plan_tier,
        acquisition_channel,
        grouping_level,
        grouping_level = 3 as is_total,
        window_start_month,
        window_end_month,
        customers,
        customer_months,
        net_revenue,
        arpu,
        arpu_se,
        {{ wald_bound('arpu', 'arpu_se', z, 'lower') }} as arpu_ci_low,
        {{ wald_bound('arpu', 'arpu_se', z, 'upper') }} as arpu_ci_high,
        gross_margin,
        at_risk_months,
        churned,
        monthly_churn,
        monthly_churn_se,
        cast(monthly_churn_ci_low as double) as monthly_churn_ci_low,
        cast(monthly_churn_ci_high as double) as monthly_churn_ci_high,
        lifetime_months_inverse_churn,
        lifetime_inverse_churn_se,
        -- the interval of 1/p maps the churn interval's bounds (no upper bound when it reaches 0)
        1.0 / nullif(monthly_churn_ci_high, 0) as lifetime_inverse_churn_ci_low,
        1.0 / nullif(monthly_churn_ci_low, 0) as lifetime_inverse_churn_ci_high,
        lifetimes_observed,
        lifetime_events,
        rmst_horizon_months,
        rmst_months as lifetime_months_rmst,
        rmst_se_months as lifetime_rmst_se,
        greatest(0.0, {{ wald_bound('rmst_months', 'rmst_se_months', z, 'lower') }})
            as lifetime_rmst_ci_low,
        least(
            cast(rmst_horizon_months as double),
            {{ wald_bound('rmst_months', 'rmst_se_months', z, 'upper') }}
        ) as lifetime_rmst_ci_high,
        orders,
        monthly_transactions,
        monthly_transactions_se,
        average_order_value,
        average_order_value_se,
        cac,
        crc,
        clv_lifetime_method,
        lifetime_months,
        lifetime_se,
        case
            when billing_model = 'subscription' then 'arpu * lifetime_months - (cac + crc)'
            else 'monthly_transactions * average_order_value * gross_margin * lifetime_months'
        end as clv_formula,
        clv,
        clv_se,
        {{ wald_bound('clv', 'clv_se', z, 'lower') }} as clv_ci_low,
        {{ wald_bound('clv', 'clv_se', z, 'upper') }} as clv_ci_high,
        clv / nullif(cac, 0) as clv_to_cac,
        {{ wald_bound('clv', 'clv_se', z, 'lower') }} / nullif(cac, 0) as clv_to_cac_ci_low,
        {{ wald_bound('clv', 'clv_se', z, 'upper') }} / nullif(cac, 0) as clv_to_cac_ci_high,
        cac / nullif(arpu * gross_margin, 0) as cac_payback_months,
        -- monotone in ARPU: the ARPU interval's bounds, none above when ARPU may be <= 0
        case
            when {{ wald_bound('arpu', 'arpu_se', z, 'upper') }} > 0
                then cac / ({{ wald_bound('arpu', 'arpu_se', z, 'upper') }} * gross_margin)
        end as cac_payback_ci_low,
        case
            when {{ wald_bound('arpu', 'arpu_se', z, 'lower') }} > 0
                then cac / ({{ wald_bound('arpu', 'arpu_se', z, 'lower') }} * gross_margin)
        end as cac_payback_ci_high,
        cast({{ z }} as double) as ci_z
    from clv

)

select * from final
