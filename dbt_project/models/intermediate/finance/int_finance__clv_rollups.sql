{#- Customer lifetime value and its inputs per billing model and every grouping set of
    segment x plan_tier x acquisition_channel, a rolled-up dimension reading 'all' and
    grouping_level counting them (docs/metrics.md "CLV and CAC"); each clv_* mart selects one
    set (macros/rollups.sql, labelled_grouping_set_filter). The NPS group 'all' rows of
    int_finance__clv_cells, where the CLV formulas, the lifetime choice (var
    clv_lifetime: 1 / monthly churn or the Kaplan-Meier RMST) and their intervals live. Added
    here: the ARPU interval, CLV / CAC and the CAC payback, CAC / (ARPU x gross margin), whose
    interval maps the ARPU interval's bounds (monotone in ARPU; no bound where ARPU may be
    <= 0). Every bound is null where its estimate is (macro clipped_bound). -#}
{#- A table, not a view: its published slices and its tests read it, so it is computed once. -#}
{{ config(materialized='table') }}
{%- set z = var('ci_z') -%}
{%- set arpu_low = wald_bound('arpu', 'arpu_se', z, 'lower') -%}
{%- set arpu_high = wald_bound('arpu', 'arpu_se', z, 'upper') -%}
{%- set payback = 'cac / nullif(arpu * gross_margin, 0)' -%}

with

clv_cells as (

    select * from {{ ref('int_finance__clv_cells') }}

),

final as (

    select
        billing_model,
        segment,
        plan_tier,
        acquisition_channel,
        grouping_level,
        -- the reporting currency of every amount
        '{{ reporting_currency() }}' as currency,
        window_start_month,
        window_end_month,
        customers,
        customer_months,
        net_revenue,
        arpu,
        arpu_se,
        {{ arpu_low }} as arpu_ci_low,
        {{ arpu_high }} as arpu_ci_high,
        gross_margin,
        at_risk_months,
        churned,
        monthly_churn,
        monthly_churn_se,
        monthly_churn_ci_low,
        monthly_churn_ci_high,
        lifetime_months_inverse_churn,
        lifetime_inverse_churn_se,
        lifetime_inverse_churn_ci_low,
        lifetime_inverse_churn_ci_high,
        lifetimes_observed,
        lifetime_events,
        max_follow_up_months,
        rmst_horizon_months,
        rmst_horizon_capped,
        rmst_months as lifetime_months_rmst,
        rmst_se_months as lifetime_rmst_se,
        lifetime_rmst_ci_low,
        lifetime_rmst_ci_high,
        orders,
        monthly_transactions,
        monthly_transactions_se,
        average_order_value,
        average_order_value_se,
        cac,
        cac_null_reason,
        crc,
        crc_null_reason,
        clv_lifetime_method,
        lifetime_months,
        lifetime_se,
        lifetime_ci_low,
        lifetime_ci_high,
        clv_before_costs,
        clv_before_costs_se,
        clv_before_costs_ci_low,
        clv_before_costs_ci_high,
        gross_margin_value,
        gross_margin_value_se,
        gross_margin_value_ci_low,
        gross_margin_value_ci_high,
        clv_formula,
        clv,
        clv_se,
        clv_ci_low,
        clv_ci_high,
        clv_null_reason,
        clv / nullif(cac, 0) as clv_to_cac,
        clv_ci_low / nullif(cac, 0) as clv_to_cac_ci_low,
        clv_ci_high / nullif(cac, 0) as clv_to_cac_ci_high,
        {{ payback }} as cac_payback_months,
        {{ clipped_bound(
            payback,
            'case when ' ~ arpu_high ~ ' > 0 then cac / (' ~ arpu_high ~ ' * gross_margin) end'
        ) }} as cac_payback_ci_low,
        {{ clipped_bound(
            payback,
            'case when ' ~ arpu_low ~ ' > 0 then cac / (' ~ arpu_low ~ ' * gross_margin) end'
        ) }} as cac_payback_ci_high,
        cast({{ z }} as double) as ci_z
    from clv_cells
    where nps_category = 'all'

)

select * from final
