{#- Customer lifetime value per CLV cell x NPS group of int_finance__cell_measures
    (docs/metrics.md "CLV and CAC"): the one place the CLV formulas live; marts.clv_by_segment
    reads its nps_category = 'all' rows, marts.cx_revenue_linkage its subscription rows by
    segment and NPS category. Subscription: the seed formula CLV = ARPU x lifetime months -
    (CAC + CRC); one_time: CLV = monthly transactions x average order value x gross margin x
    lifespan months (= ARPU x gross margin x lifespan). The lifetime is 1 / monthly churn or
    the Kaplan-Meier RMST of the same cell and NPS group (var clv_lifetime). Intervals: the
    subscription churn is Wilson on at-risk customer-months, the one-time lapse rate (a
    Poisson rate) Wald clipped at 0; the interval of 1/p maps the churn interval's bounds (no
    upper bound when it reaches 0); the RMST's is Wald clipped to [0, horizon]; CLV SEs by the
    delta method with ARPU and the lifetime independent (CAC, CRC and the gross margin are
    accounting figures or settings without sampling error). -#}
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

    select * from {{ ref('int_finance__cell_lifetimes_km') }}

),

acquisition_costs as (

    select * from {{ ref('int_finance__acquisition_costs') }}

),

measurement_window as (

    select * from {{ ref('int_finance__measurement_windows') }}

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
        cast(case
            when cell_measures.billing_model = 'subscription'
                then {{ wilson_interval(churned, at_risk, z, 'lower') }}
            else greatest(0.0, {{ wald_bound(churn, churn_se, z, 'lower') }})
        end as double) as monthly_churn_ci_low,
        cast(case
            when cell_measures.billing_model = 'subscription'
                then {{ wilson_interval(churned, at_risk, z, 'upper') }}
            else {{ wald_bound(churn, churn_se, z, 'upper') }}
        end as double) as monthly_churn_ci_high
    from cell_measures
    left join lifetime_km
        on
            cell_measures.billing_model = lifetime_km.billing_model
            and cell_measures.segment = lifetime_km.segment
            and cell_measures.plan_tier = lifetime_km.plan_tier
            and cell_measures.acquisition_channel = lifetime_km.acquisition_channel
            and cell_measures.nps_category = lifetime_km.nps_category
    -- No acquisition costs (no spend, or nobody acquired in the window) leaves CRC and the
    -- subscription CLV null; a cross join would drop every cell instead.
    left join retention_cost on true
    cross join measurement_window

),

lifetimes as (

    select
        *,
        1.0 / nullif(monthly_churn, 0) as lifetime_months_inverse_churn,
        -- delta method: d(1/p)/dp = -1/p^2
        monthly_churn_se / nullif(monthly_churn * monthly_churn, 0) as lifetime_inverse_churn_se,
        1.0 / nullif(monthly_churn_ci_high, 0) as lifetime_inverse_churn_ci_low,
        1.0 / nullif(monthly_churn_ci_low, 0) as lifetime_inverse_churn_ci_high,
        greatest(0.0, {{ wald_bound('rmst_months', 'rmst_se_months', z, 'lower') }})
            as lifetime_rmst_ci_low,
        least(
            cast(rmst_horizon_months as double),
            {{ wald_bound('rmst_months', 'rmst_se_months', z, 'upper') }}
        ) as lifetime_rmst_ci_high
    from joined

),

chosen_lifetimes as (

    select
        *,
        case
            when clv_lifetime_method = 'rmst' then rmst_months
            else lifetime_months_inverse_churn
        end as lifetime_months,
        case
            when clv_lifetime_method = 'rmst' then rmst_se_months
            else lifetime_inverse_churn_se
        end as lifetime_se,
        case
            when clv_lifetime_method = 'rmst' then lifetime_rmst_ci_low
            else lifetime_inverse_churn_ci_low
        end as lifetime_ci_low,
        case
            when clv_lifetime_method = 'rmst' then lifetime_rmst_ci_high
            else lifetime_inverse_churn_ci_high
        end as lifetime_ci_high
    from lifetimes

),

clv as (

    select
        *,
        case
            when billing_model = 'subscription'
                then arpu * lifetime_months - (cac + crc)
            else monthly_transactions * average_order_value * gross_margin * lifetime_months
        end as clv,
        case
            when billing_model = 'subscription' then 'arpu * lifetime_months - (cac + crc)'
            else 'monthly_transactions * average_order_value * gross_margin * lifetime_months'
        end as clv_formula,
        -- the one-time form scales by the margin
        case when billing_model = 'subscription' then 1.0 else gross_margin end
        * sqrt(
            lifetime_months * lifetime_months * arpu_se * arpu_se
            + arpu * arpu * lifetime_se * lifetime_se
        ) as clv_se
    from chosen_lifetimes

),

final as (

    select
        *,
        {{ wald_bound('clv', 'clv_se', z, 'lower') }} as clv_ci_low,
        {{ wald_bound('clv', 'clv_se', z, 'upper') }} as clv_ci_high
    from clv

)

select * from final
