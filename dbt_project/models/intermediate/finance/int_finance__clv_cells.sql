{#- Customer lifetime value per CLV cell x NPS group of int_finance__cell_measures
    (docs/metrics.md "CLV and CAC"): the one place the CLV formulas live; the clv_* marts read
    its nps_category = 'all' rows (int_finance__clv_rollups), marts.cx_revenue_linkage its
    subscription rows by segment and NPS category. One chain for both billing models (one-time
    ARPU = monthly transactions x average order value):
    clv_before_costs = ARPU x L (revenue-based), gross_margin_value = ARPU x gross margin x L (the
    e-commerce form), clv = ARPU x L - (CAC + CRC) (the seed formula). L is 1 / monthly churn or
    the Kaplan-Meier RMST of the same cell and NPS group (var clv_lifetime). A missing input
    nulls only the figures that need it, and *_null_reason says why. Intervals: subscription
    churn Wilson on at-risk customer-months, the one-time lapse rate (Poisson) Wald clipped at
    0; 1/p maps the churn bounds (no upper bound when churn's reaches 0); the RMST Wald clipped
    to [0, its horizon]; the values' SEs by the delta method with ARPU and L independent (CAC,
    CRC and the margin are accounting figures or settings without sampling error). Every
    bound is null where its estimate is (macro clipped_bound). -#}
{%- set z = var('ci_z') -%}
{%- set churned = 'cell_measures.churned' -%}
{%- set at_risk = 'cell_measures.at_risk_months' -%}
{%- set churn = 'cell_measures.monthly_churn' -%}
{%- set churn_se = 'cell_measures.monthly_churn_se' -%}
{%- set inverse_churn = '1.0 / nullif(monthly_churn, 0)' -%}
{%- set values = {
    'clv_before_costs': 'arpu * lifetime_months',
    'gross_margin_value': 'arpu * gross_margin * lifetime_months',
    'clv': 'arpu * lifetime_months - (cac + crc)',
} -%}

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

    select
        crc,
        crc_null_reason
    from acquisition_costs
    where acquisition_channel = 'all'

),

joined as (

    select
        cell_measures.*,
        lifetime_km.lifetimes_observed,
        lifetime_km.lifetime_events,
        lifetime_km.max_follow_up_months,
        lifetime_km.rmst_horizon_months,
        lifetime_km.rmst_horizon_capped,
        lifetime_km.rmst_months,
        lifetime_km.rmst_se_months,
        retention_cost.crc,
        -- int_finance__acquisition_costs always has its 'all' row; the coalesce guards the join
        case
            when retention_cost.crc is null
                then coalesce(retention_cost.crc_null_reason, 'no_customers_acquired_in_window')
        end as crc_null_reason,
        measurement_window.window_start_month,
        measurement_window.window_end_month,
        measurement_window.gross_margin,
        measurement_window.clv_lifetime_method,
        case
            when cell_measures.billing_model = 'subscription'
                then {{ wilson_interval(churned, at_risk, z, 'lower') }}
            else {{ clipped_bound(churn, wald_bound(churn, churn_se, z, 'lower'), floor='0.0') }}
        end as monthly_churn_ci_low,
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
    -- no acquisition costs leave CRC and the CLV null; a cross join would drop every cell
    left join retention_cost on true
    cross join measurement_window

),

lifetimes as (

    select
        *,
        {{ inverse_churn }} as lifetime_months_inverse_churn,
        -- delta method: d(1/p)/dp = -1/p^2
        monthly_churn_se / nullif(monthly_churn * monthly_churn, 0) as lifetime_inverse_churn_se,
        {{ clipped_bound(inverse_churn, '1.0 / nullif(monthly_churn_ci_high, 0)') }}
            as lifetime_inverse_churn_ci_low,
        {{ clipped_bound(inverse_churn, '1.0 / nullif(monthly_churn_ci_low, 0)') }}
            as lifetime_inverse_churn_ci_high,
        {{ clipped_bound(
            'rmst_months', wald_bound('rmst_months', 'rmst_se_months', z, 'lower'), floor='0.0'
        ) }} as lifetime_rmst_ci_low,
        {{ clipped_bound(
            'rmst_months', wald_bound('rmst_months', 'rmst_se_months', z, 'upper'),
            ceiling='rmst_horizon_months'
        ) }} as lifetime_rmst_ci_high
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
        {{ values['clv_before_costs'] }} as clv_before_costs,
        {{ values['gross_margin_value'] }} as gross_margin_value,
        {{ values['clv'] }} as clv,
        '{{ values['clv'] }}' as clv_formula,
        -- CAC, CRC and the margin carry no sampling error
        sqrt(
            lifetime_months * lifetime_months * arpu_se * arpu_se
            + arpu * arpu * lifetime_se * lifetime_se
        ) as clv_se
    from chosen_lifetimes

),

final as (

    select
        *,
        clv_se as clv_before_costs_se,
        gross_margin * clv_se as gross_margin_value_se,
        {{ wald_bound('clv_before_costs', 'clv_se', z, 'lower') }} as clv_before_costs_ci_low,
        {{ wald_bound('clv_before_costs', 'clv_se', z, 'upper') }} as clv_before_costs_ci_high,
        {{ wald_bound('gross_margin_value', 'gross_margin * clv_se', z, 'lower') }}
            as gross_margin_value_ci_low,
        {{ wald_bound('gross_margin_value', 'gross_margin * clv_se', z, 'upper') }}
            as gross_margin_value_ci_high,
        {{ wald_bound('clv', 'clv_se', z, 'lower') }} as clv_ci_low,
        {{ wald_bound('clv', 'clv_se', z, 'upper') }} as clv_ci_high,
        -- why the CLV is null: the first missing input, in the formula's order
        case
            when clv is not null then null
            when arpu is null then 'no_revenue_exposure'
            when lifetime_months is null and clv_lifetime_method = 'rmst'
                then 'no_lifetime_observed'
            when lifetime_months is null then 'no_churn_observed'
            when cac is null then coalesce(cac_null_reason, 'no_acquisition_channel')
            else crc_null_reason
        end as clv_null_reason
    from clv

)

select * from final
