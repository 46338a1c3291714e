{#- Finance's link from NPS to retention and revenue per segment x NPS category, with rollups
    where segment or nps_category reads 'all' (macros/rollups.sql, labelled_grouping_set_filter;
    the cx_revenue_linkage* marts select one set each) and the category 'no_response': the
    current accounts without an NPS response in the linkage horizon, so that the categories'
    customers and ARR add up to the segment's (docs/metrics.md "Linking NPS to retention and revenue", "CLV and CAC", "Survey metrics"),
    assembled from the one home of each formula: int_finance__segment_linkage_values (current
    accounts, ARR, the NPS variants, revenue at risk and the value of one NPS point),
    int_finance__cohort_outcomes (logo churn, NRR, churn gap) and int_finance__clv_cells (churn,
    ARPU, lifetime per var clv_lifetime, CLV: as clv_by_segment). -#}
{#- A table, not a view: its published slices and its tests read it, so it is computed once. -#}
{{ config(materialized='table') }}
{%- set z = var('ci_z') -%}
{%- set account_groups = {
    'all': 'answered', 'promoter': 'promoter', 'passive': 'passive', 'detractor': 'detractor',
} -%}

-- jinja loops below generate column lists: they are not an indent level
-- sqlfluff:indentation:template_blocks_indent:False
with

cohort_outcomes as (

    select * from {{ ref('int_finance__cohort_outcomes') }}

),

clv_cells as (

    select * from {{ ref('int_finance__clv_cells') }}

),

segment_figures as (

    select * from {{ ref('int_finance__segment_linkage_values') }}

),

measurement_window as (

    select * from {{ ref('int_finance__measurement_windows') }}

),

grid as (

    -- every segment x category cell, also where a figure has no data
    select * from {{ ref('int_finance__linkage_grid') }}

),

category_clv as (

    -- the linkage's 'all' category is every answered month
    select
        * replace (
            case when nps_category = 'answered' then 'all' else nps_category end as nps_category
        )
    from clv_cells
    where
        billing_model = 'subscription'
        and plan_tier = 'all'
        and acquisition_channel = 'all'
        and nps_category != 'all'

),

final as (

    select
        grid.segment,
        grid.nps_category,
        (select sources.category_source from {{ ref('int_surveys__category_sources') }} as sources)
            as category_source,
        -- the reporting currency of every amount
        '{{ reporting_currency() }}' as currency,
        measurement_window.as_of_date,
        measurement_window.cohort_date,
        measurement_window.cohort_horizon_date,
        measurement_window.linkage_horizon_months,
        coalesce(
            case grid.nps_category
                {%- for category, group in account_groups.items() %}
                when '{{ category }}' then account_figures.{{ group }}_customers
                {%- endfor %}
                when 'no_response'
                    then account_figures.segment_customers - account_figures.answered_customers
            end,
            0
        ) as customers,
        cast(coalesce(
            case grid.nps_category
                {%- for category, group in account_groups.items() %}
                when '{{ category }}' then account_figures.{{ group }}_arr
                {%- endfor %}
                when 'no_response' then account_figures.segment_arr - account_figures.answered_arr
            end,
            0
        ) as double) as arr,
        coalesce(cohort_outcomes.cohort_customers, 0) as cohort_customers,
        coalesce(cohort_outcomes.cohort_churned, 0) as cohort_churned,
        cohort_outcomes.logo_churn_rate,
        cohort_outcomes.logo_churn_se,
        cohort_outcomes.logo_churn_ci_low,
        cohort_outcomes.logo_churn_ci_high,
        cohort_outcomes.cohort_mrr_start,
        cohort_outcomes.cohort_mrr_end,
        cohort_outcomes.nrr,
        cohort_outcomes.nrr_se,
        cohort_outcomes.nrr_ci_low,
        cohort_outcomes.nrr_ci_high,
        category_clv.at_risk_months,
        category_clv.churned as churned_months,
        category_clv.monthly_churn,
        category_clv.monthly_churn_se,
        category_clv.monthly_churn_ci_low,
        category_clv.monthly_churn_ci_high,
        category_clv.lifetime_months as expected_lifetime_months,
        category_clv.lifetime_se as expected_lifetime_se,
        category_clv.lifetime_ci_low as expected_lifetime_ci_low,
        category_clv.lifetime_ci_high as expected_lifetime_ci_high,
        cast(category_clv.customer_months as bigint) as customer_months,
        category_clv.arpu,
        category_clv.arpu_se,
        category_clv.cac,
        category_clv.crc,
        category_clv.clv,
        category_clv.clv_se,
        category_clv.clv_ci_low,
        category_clv.clv_ci_high,
        -- segment-level figures, on the nps_category = 'all' rows only
        segment_figures.churn_gap_detractor_vs_promoter,
        segment_figures.churn_gap_se,
        segment_figures.churn_gap_ci_low,
        segment_figures.churn_gap_ci_high,
        segment_figures.detractor_arr,
        segment_figures.revenue_at_risk,
        segment_figures.revenue_at_risk_ci_low,
        segment_figures.revenue_at_risk_ci_high,
        segment_figures.retention_slope,
        segment_figures.retention_slope_se,
        segment_figures.nps_point_value_per_year,
        segment_figures.nps_point_value_se,
        segment_figures.nps_point_value_ci_low,
        segment_figures.nps_point_value_ci_high,
        segment_figures.responses,
        segment_figures.nps_respondent,
        segment_figures.nps_respondent_se,
        segment_figures.nps_respondent_ci_low,
        segment_figures.nps_respondent_ci_high,
        segment_figures.accounts_answered,
        segment_figures.nps_account,
        segment_figures.nps_account_se,
        segment_figures.nps_account_ci_low,
        segment_figures.nps_account_ci_high,
        segment_figures.nps_revenue_weighted,
        segment_figures.nps_revenue_weighted_se,
        -- clipped where computed (clipped_bound): null on the category rows, as the estimate
        segment_figures.nps_revenue_weighted_ci_low,
        segment_figures.nps_revenue_weighted_ci_high,
        segment_figures.accounts_answered_incl_inactive,
        segment_figures.nps_account_incl_inactive,
        segment_figures.nps_account_incl_inactive_se,
        segment_figures.nps_account_incl_inactive_ci_low,
        segment_figures.nps_account_incl_inactive_ci_high,
        -- 0, not null, on a segment total without a current account (one-time buyers only)
        case when grid.nps_category = 'all' then coalesce(segment_figures.segment_customers, 0) end
            as segment_customers,
        case when grid.nps_category = 'all' then coalesce(segment_figures.segment_arr, 0) end
            as segment_arr,
        segment_figures.answered_arr,
        segment_figures.revenue_coverage,
        cast({{ z }} as double) as ci_z
    from grid
    cross join measurement_window
    left join segment_figures as account_figures
        on grid.segment = account_figures.segment
    left join cohort_outcomes
        on
            grid.segment = cohort_outcomes.segment
            and grid.nps_category = cohort_outcomes.nps_category
    left join category_clv
        on grid.segment = category_clv.segment and grid.nps_category = category_clv.nps_category
    left join segment_figures
        on grid.segment = segment_figures.segment and grid.nps_category = 'all'

)

select * from final
