{#- Finance's link from NPS to retention and revenue, one row per segment x NPS category, with
    'all' rollups (domain.md "Linking NPS to retention and revenue", "CLV and CAC", "B2B
    aggregations", "Uncertainty of NPS"). Category rows: the current accounts and their ARR,
    the seed-method cohort's logo churn and NRR over the linkage horizon, the expected lifetime
    and CLV. Rows where nps_category = 'all' add the segment's derived figures: churn gap
    detractor vs promoter, revenue at risk, value of one NPS point, respondent / account /
    revenue-weighted NPS and revenue coverage. Every estimate has its n and a CI (var ci_z);
    the YAML names each method. -#}
{%- set z = var('ci_z') -%}
{%- set cohort_churned = 'cohort_totals.cohort_churned' -%}
{%- set cohort_customers = 'cohort_totals.cohort_customers' -%}
{%- set churned_months = 'months_totals.churned_months' -%}
{%- set at_risk_months = 'months_totals.at_risk_months' -%}
{%- set gap = 'segment_figures.churn_gap' -%}
{%- set gap_se = 'segment_figures.churn_gap_se' -%}
{%- set slope = 'segment_figures.retention_slope' -%}
{%- set slope_se = 'segment_figures.retention_slope_se' -%}
{%- set weighted = 'segment_figures.weighted_mean_points' -%}
{%- set weighted_se = 'segment_figures.weighted_points_se' -%}
{%- set r_p, r_n, r_d = (
    'segment_figures.promoter_responses',
    'segment_figures.passive_responses',
    'segment_figures.detractor_responses',
) -%}
{%- set a_p, a_n, a_d = (
    'segment_figures.promoter_accounts',
    'segment_figures.passive_accounts',
    'segment_figures.detractor_accounts',
) -%}

with

cohort as (

    select * from {{ ref('int_finance__nps_linkage_cohort') }}

),

current_accounts as (

    select * from {{ ref('int_finance__nps_current_accounts') }}

),

customer_months as (

    select * from {{ ref('int_finance__customer_months') }}

),

customers as (

    select * from {{ ref('stg_crm__customers') }}

),

cell_measures as (

    select * from {{ ref('int_finance__cell_measures') }}

),

acquisition_costs as (

    select * from {{ ref('int_finance__acquisition_costs') }}

),

measurement_window as (

    select * from {{ ref('int_finance__measurement_window') }}

),

segment_rollup as (

    select flags.is_rolled from (values (false), (true)) as flags (is_rolled)

),

category_rollup as (

    select flags.is_rolled from (values (false), (true)) as flags (is_rolled)

),

grid as (

    -- every segment x category cell, also where a figure has no data
    select
        segments.segment,
        categories.nps_category
    from (
        select distinct segment from customers
        union
        select 'all'
    ) as segments
    cross join (
        values ('promoter'), ('passive'), ('detractor'), ('all')
    ) as categories (nps_category)

),

-- the seed-method cohort: logo churn and NRR over the horizon
cohort_expanded as (

    select
        case when segment_rollup.is_rolled then 'all' else cohort.segment end as segment,
        case
            when category_rollup.is_rolled then 'all' else cohort.nps_category
        end as nps_category,
        cohort.customer_id,
        cohort.nps_points,
        cast(cohort.is_churned as integer) as churned,
        cast(cohort.mrr_start as double) as mrr_start,
        cast(cohort.mrr_end as double) as mrr_end
    from cohort
    cross join segment_rollup
    cross join category_rollup

),

cohort_totals as (

    select
        segment,
        nps_category,
        count(*) as cohort_customers,
        sum(churned) as cohort_churned,
        sum(mrr_start) as cohort_mrr_start,
        sum(mrr_end) as cohort_mrr_end
    from cohort_expanded
    group by segment, nps_category

),

cohort_nrr_variance as (

    -- one row per customer: the ratio estimator's linearized variance sum_c (y_c - R x_c)^2
    select
        cohort_expanded.segment,
        cohort_expanded.nps_category,
        sum(
            (
                cohort_expanded.mrr_end
                - cohort_totals.cohort_mrr_end / nullif(cohort_totals.cohort_mrr_start, 0)
                * cohort_expanded.mrr_start
            ) * (
                cohort_expanded.mrr_end
                - cohort_totals.cohort_mrr_end / nullif(cohort_totals.cohort_mrr_start, 0)
                * cohort_expanded.mrr_start
            )
        ) as nrr_residual_square_sum
    from cohort_expanded
    inner join cohort_totals
        on
            cohort_expanded.segment = cohort_totals.segment
            and cohort_expanded.nps_category = cohort_totals.nps_category
    group by cohort_expanded.segment, cohort_expanded.nps_category

),

cohort_figures as (

    select
        cohort_totals.*,
        cast(cohort_totals.cohort_churned as double)
        / cohort_totals.cohort_customers as logo_churn_rate,
        sqrt(
            cast(cohort_totals.cohort_churned as double)
            * (cohort_totals.cohort_customers - cohort_totals.cohort_churned)
            / (
                cast(cohort_totals.cohort_customers as double)
                * cohort_totals.cohort_customers
                * cohort_totals.cohort_customers
            )
        ) as logo_churn_se,
        {{ wilson_interval(cohort_churned, cohort_customers, z, 'lower') }} as logo_churn_ci_low,
        {{ wilson_interval(cohort_churned, cohort_customers, z, 'upper') }} as logo_churn_ci_high,
        cohort_totals.cohort_mrr_end / nullif(cohort_totals.cohort_mrr_start, 0) as nrr,
        sqrt(cohort_nrr_variance.nrr_residual_square_sum)
        / nullif(cohort_totals.cohort_mrr_start, 0) as nrr_se
    from cohort_totals
    inner join cohort_nrr_variance
        on
            cohort_totals.segment = cohort_nrr_variance.segment
            and cohort_totals.nps_category = cohort_nrr_variance.nps_category

),

-- value of one NPS point: OLS slope of retention on the +1/0/-1 score over the cohort
slope_sums as (

    select
        segment,
        count(*) as n,
        avg(cast(nps_points as double)) as mean_points,
        avg(1.0 - churned) as mean_retained
    from cohort_expanded
    where nps_category = 'all'
    group by segment

),

slope_fit as (

    select
        cohort_expanded.segment,
        sum(
            (cohort_expanded.nps_points - slope_sums.mean_points)
            * (1.0 - cohort_expanded.churned - slope_sums.mean_retained)
        ) / nullif(sum(
            (cohort_expanded.nps_points - slope_sums.mean_points)
            * (cohort_expanded.nps_points - slope_sums.mean_points)
        ), 0) as retention_slope,
        sum(
            (cohort_expanded.nps_points - slope_sums.mean_points)
            * (cohort_expanded.nps_points - slope_sums.mean_points)
        ) as points_square_sum
    from cohort_expanded
    inner join slope_sums
        on cohort_expanded.segment = slope_sums.segment
    where cohort_expanded.nps_category = 'all'
    group by cohort_expanded.segment

),

slope_se as (

    -- heteroskedasticity-robust (HC0, White) SE of the slope:
    -- sqrt(sum (s_i - s_bar)^2 e_i^2) / sum (s_i - s_bar)^2
    select
        cohort_expanded.segment,
        sqrt(sum(
            (cohort_expanded.nps_points - slope_sums.mean_points)
            * (cohort_expanded.nps_points - slope_sums.mean_points)
            * (
                1.0 - cohort_expanded.churned - slope_sums.mean_retained
                - slope_fit.retention_slope * (cohort_expanded.nps_points - slope_sums.mean_points)
            ) * (
                1.0 - cohort_expanded.churned - slope_sums.mean_retained
                - slope_fit.retention_slope * (cohort_expanded.nps_points - slope_sums.mean_points)
            )
        )) / nullif(slope_fit.points_square_sum, 0) as retention_slope_se
    from cohort_expanded
    inner join slope_sums
        on cohort_expanded.segment = slope_sums.segment
    inner join slope_fit
        on cohort_expanded.segment = slope_fit.segment
    where cohort_expanded.nps_category = 'all'
    group by cohort_expanded.segment, slope_fit.points_square_sum

),

-- the current accounts (as-of date) by the category of their latest answer in the period
accounts_expanded as (

    select
        case
            when segment_rollup.is_rolled then 'all' else current_accounts.segment
        end as segment,
        case
            when category_rollup.is_rolled then 'all'
            else current_accounts.latest_nps_category
        end as nps_category,
        current_accounts.*
        exclude (segment)
    from current_accounts
    cross join segment_rollup
    cross join category_rollup

),

current_figures as (

    select
        segment,
        nps_category,
        count(*) filter (where is_active and latest_nps_category is not null) as customers,
        coalesce(sum(cast(arr as double)) filter (
            where is_active and latest_nps_category is not null
        ), 0) as arr
    from accounts_expanded
    group by segment, nps_category

),

survey_figures as (

    -- segment level: every account of the segment, answered or not
    select
        segment,
        count(*) filter (where is_active) as segment_customers,
        coalesce(sum(cast(arr as double)) filter (where is_active), 0) as segment_arr,
        coalesce(sum(cast(arr as double)) filter (
            where is_active and latest_nps_category is not null
        ), 0) as answered_arr,
        sum(responses) as responses,
        sum(promoter_responses) as promoter_responses,
        sum(passive_responses) as passive_responses,
        sum(detractor_responses) as detractor_responses,
        count(latest_nps_category) as accounts_answered,
        count(*) filter (where latest_nps_category = 'promoter') as promoter_accounts,
        count(*) filter (where latest_nps_category = 'passive') as passive_accounts,
        count(*) filter (where latest_nps_category = 'detractor') as detractor_accounts,
        sum(cast(arr as double) * latest_nps_points) filter (
            where latest_nps_category is not null
        ) / nullif(sum(cast(arr as double)) filter (
            where latest_nps_category is not null
        ), 0) as weighted_mean_points,
        sum(cast(arr as double)) filter (where latest_nps_category is not null) as weight_sum
    from accounts_expanded
    where nps_category = 'all'
    group by segment

),

weighted_nps_variance as (

    -- ratio estimator sum w s / sum w, linearized: sum w_i^2 (s_i - m)^2 / (sum w)^2
    select
        accounts_expanded.segment,
        sqrt(sum(
            cast(accounts_expanded.arr as double) * cast(accounts_expanded.arr as double)
            * (accounts_expanded.latest_nps_points - survey_figures.weighted_mean_points)
            * (accounts_expanded.latest_nps_points - survey_figures.weighted_mean_points)
        )) / nullif(survey_figures.weight_sum, 0) as weighted_points_se
    from accounts_expanded
    inner join survey_figures
        on accounts_expanded.segment = survey_figures.segment
    where
        accounts_expanded.nps_category = 'all'
        and accounts_expanded.latest_nps_category is not null
    group by accounts_expanded.segment, survey_figures.weight_sum

),

-- expected lifetime and ARPU: the CLV window's customer-months by the category before each month
months_by_customer as (

    select
        customer_months.customer_id,
        customers.segment,
        customer_months.latest_nps_category as nps_category,
        count(*) filter (where customer_months.is_active_at_start) as at_risk_months,
        count(*) filter (where customer_months.is_churned) as churned_months,
        count(*) filter (where customer_months.is_active_in_month) as active_months,
        cast(sum(customer_months.net_revenue) as double) as revenue
    from customer_months
    inner join customers
        on customer_months.customer_id = customers.customer_id
    where customer_months.latest_nps_category is not null
    group by customer_months.customer_id, customers.segment, customer_months.latest_nps_category

),

months_expanded as (

    -- a customer whose category changed inside the window sits in several category rows; the
    -- 'all' rows merge them back into one cluster per customer
    select
        case
            when segment_rollup.is_rolled then 'all' else months_by_customer.segment
        end as segment,
        case
            when category_rollup.is_rolled then 'all' else months_by_customer.nps_category
        end as nps_category,
        months_by_customer.customer_id,
        sum(months_by_customer.at_risk_months) as at_risk_months,
        sum(months_by_customer.churned_months) as churned_months,
        sum(months_by_customer.active_months) as active_months,
        sum(months_by_customer.revenue) as revenue
    from months_by_customer
    cross join segment_rollup
    cross join category_rollup
    group by all

),

months_totals as (

    select
        segment,
        nps_category,
        sum(at_risk_months) as at_risk_months,
        sum(churned_months) as churned_months,
        sum(active_months) as customer_months,
        sum(revenue) as revenue
    from months_expanded
    group by segment, nps_category

),

arpu_variance as (

    select
        months_expanded.segment,
        months_expanded.nps_category,
        sum(
            (
                months_expanded.revenue
                - months_totals.revenue / nullif(months_totals.customer_months, 0)
                * months_expanded.active_months
            ) * (
                months_expanded.revenue
                - months_totals.revenue / nullif(months_totals.customer_months, 0)
                * months_expanded.active_months
            )
        ) as arpu_residual_square_sum
    from months_expanded
    inner join months_totals
        on
            months_expanded.segment = months_totals.segment
            and months_expanded.nps_category = months_totals.nps_category
    group by months_expanded.segment, months_expanded.nps_category

),

lifetime_figures as (

    select
        months_totals.segment,
        months_totals.nps_category,
        months_totals.at_risk_months,
        months_totals.churned_months,
        cast(months_totals.churned_months as double)
        / nullif(months_totals.at_risk_months, 0) as monthly_churn,
        sqrt(
            cast(months_totals.churned_months as double)
            * (months_totals.at_risk_months - months_totals.churned_months)
            / (cast(months_totals.at_risk_months as double) * months_totals.at_risk_months)
            / nullif(months_totals.at_risk_months, 0)
        ) as monthly_churn_se,
        {{ wilson_interval(churned_months, at_risk_months, z, 'lower') }} as monthly_churn_ci_low,
        {{ wilson_interval(churned_months, at_risk_months, z, 'upper') }} as monthly_churn_ci_high,
        months_totals.customer_months,
        months_totals.revenue / nullif(months_totals.customer_months, 0) as arpu,
        sqrt(arpu_variance.arpu_residual_square_sum)
        / nullif(months_totals.customer_months, 0) as arpu_se
    from months_totals
    inner join arpu_variance
        on
            months_totals.segment = arpu_variance.segment
            and months_totals.nps_category = arpu_variance.nps_category

),

segment_costs as (

    select
        cell_measures.segment,
        cell_measures.cac,
        acquisition_costs.crc
    from cell_measures
    cross join acquisition_costs
    where
        cell_measures.billing_model = 'subscription'
        and cell_measures.plan_tier = 'all'
        and cell_measures.acquisition_channel = 'all'
        and acquisition_costs.acquisition_channel = 'all'

),

joined as (

    select
        grid.segment,
        grid.nps_category,
        coalesce(current_figures.customers, 0) as customers,
        coalesce(current_figures.arr, 0) as arr,
        coalesce(cohort_figures.cohort_customers, 0) as cohort_customers,
        coalesce(cohort_figures.cohort_churned, 0) as cohort_churned,
        cohort_figures.logo_churn_rate,
        cohort_figures.logo_churn_se,
        cohort_figures.logo_churn_ci_low,
        cohort_figures.logo_churn_ci_high,
        cohort_figures.cohort_mrr_start,
        cohort_figures.cohort_mrr_end,
        cohort_figures.nrr,
        cohort_figures.nrr_se,
        lifetime_figures.at_risk_months,
        lifetime_figures.churned_months,
        lifetime_figures.monthly_churn,
        lifetime_figures.monthly_churn_se,
        lifetime_figures.monthly_churn_ci_low,
        lifetime_figures.monthly_churn_ci_high,
        lifetime_figures.customer_months,
        lifetime_figures.arpu,
        lifetime_figures.arpu_se,
        1.0 / nullif(lifetime_figures.monthly_churn, 0) as expected_lifetime_months,
        lifetime_figures.monthly_churn_se
        / nullif(lifetime_figures.monthly_churn * lifetime_figures.monthly_churn, 0)
            as expected_lifetime_se,
        segment_costs.cac,
        segment_costs.crc
    from grid
    left join current_figures
        on
            grid.segment = current_figures.segment
            and grid.nps_category = current_figures.nps_category
    left join cohort_figures
        on
            grid.segment = cohort_figures.segment
            and grid.nps_category = cohort_figures.nps_category
    left join lifetime_figures
        on
            grid.segment = lifetime_figures.segment
            and grid.nps_category = lifetime_figures.nps_category
    left join segment_costs
        on grid.segment = segment_costs.segment

),

with_clv as (

    select
        *,
        arpu * expected_lifetime_months - (cac + crc) as clv,
        -- delta method, ARPU and lifetime independent; CAC and CRC are accounting figures
        sqrt(
            expected_lifetime_months * expected_lifetime_months * arpu_se * arpu_se
            + arpu * arpu * expected_lifetime_se * expected_lifetime_se
        ) as clv_se
    from joined

),

gaps as (

    select
        detractors.segment,
        detractors.logo_churn_rate - promoters.logo_churn_rate as churn_gap,
        sqrt(
            detractors.logo_churn_se * detractors.logo_churn_se
            + promoters.logo_churn_se * promoters.logo_churn_se
        ) as churn_gap_se,
        detractors.arr as detractor_arr
    from joined as detractors
    inner join joined as promoters
        on
            detractors.segment = promoters.segment
            and detractors.nps_category = 'detractor'
            and promoters.nps_category = 'promoter'

),

segment_figures as (

    select
        survey_figures.*,
        gaps.churn_gap,
        gaps.churn_gap_se,
        gaps.detractor_arr,
        slope_fit.retention_slope,
        slope_se.retention_slope_se,
        weighted_nps_variance.weighted_points_se
    from survey_figures
    left join gaps
        on survey_figures.segment = gaps.segment
    left join slope_fit
        on survey_figures.segment = slope_fit.segment
    left join slope_se
        on survey_figures.segment = slope_se.segment
    left join weighted_nps_variance
        on survey_figures.segment = weighted_nps_variance.segment

),

final as (

    select
        with_clv.segment,
        with_clv.nps_category,
        with_clv.segment = 'all' and with_clv.nps_category = 'all' as is_total,
        measurement_window.as_of_date,
        measurement_window.cohort_date,
        measurement_window.cohort_horizon_date,
        measurement_window.linkage_horizon_months,
        with_clv.customers,
        cast(with_clv.arr as double) as arr,
        with_clv.cohort_customers,
        cast(with_clv.cohort_churned as bigint) as cohort_churned,
        with_clv.logo_churn_rate,
        with_clv.logo_churn_se,
        cast(with_clv.logo_churn_ci_low as double) as logo_churn_ci_low,
        cast(with_clv.logo_churn_ci_high as double) as logo_churn_ci_high,
        cast(with_clv.cohort_mrr_start as double) as cohort_mrr_start,
        with_clv.cohort_mrr_end,
        with_clv.nrr,
        with_clv.nrr_se,
        greatest(0.0, {{ wald_bound('with_clv.nrr', 'with_clv.nrr_se', z, 'lower') }})
            as nrr_ci_low,
        {{ wald_bound('with_clv.nrr', 'with_clv.nrr_se', z, 'upper') }} as nrr_ci_high,
        cast(with_clv.at_risk_months as bigint) as at_risk_months,
        cast(with_clv.churned_months as bigint) as churned_months,
        with_clv.monthly_churn,
        with_clv.monthly_churn_se,
        cast(with_clv.monthly_churn_ci_low as double) as monthly_churn_ci_low,
        cast(with_clv.monthly_churn_ci_high as double) as monthly_churn_ci_high,
        with_clv.expected_lifetime_months,
        with_clv.expected_lifetime_se,
        1.0 / nullif(with_clv.monthly_churn_ci_high, 0) as expected_lifetime_ci_low,
        1.0 / nullif(with_clv.monthly_churn_ci_low, 0) as expected_lifetime_ci_high,
        cast(with_clv.customer_months as bigint) as customer_months,
        with_clv.arpu,
        with_clv.arpu_se,
        with_clv.cac,
        with_clv.crc,
        with_clv.clv,
        with_clv.clv_se,
        {{ wald_bound('with_clv.clv', 'with_clv.clv_se', z, 'lower') }} as clv_ci_low,
        {{ wald_bound('with_clv.clv', 'with_clv.clv_se', z, 'upper') }} as clv_ci_high,
        -- segment-level figures, on the nps_category = 'all' rows only
        segment_figures.churn_gap as churn_gap_detractor_vs_promoter,
        segment_figures.churn_gap_se,
        {{ wald_bound(gap, gap_se, z, 'lower') }} as churn_gap_ci_low,
        {{ wald_bound(gap, gap_se, z, 'upper') }} as churn_gap_ci_high,
        segment_figures.detractor_arr,
        segment_figures.detractor_arr * segment_figures.churn_gap as revenue_at_risk,
        segment_figures.detractor_arr
        * {{ wald_bound(gap, gap_se, z, 'lower') }} as revenue_at_risk_ci_low,
        segment_figures.detractor_arr
        * {{ wald_bound(gap, gap_se, z, 'upper') }} as revenue_at_risk_ci_high,
        segment_figures.retention_slope,
        segment_figures.retention_slope_se,
        -- one NPS point = 0.01 on the mean +1/0/-1 score; retention over the horizon, annualised
        0.01 * segment_figures.retention_slope * segment_figures.segment_arr
        * 12.0 / measurement_window.linkage_horizon_months as nps_point_value_per_year,
        0.01 * segment_figures.retention_slope_se * segment_figures.segment_arr
        * 12.0 / measurement_window.linkage_horizon_months as nps_point_value_se,
        0.01 * {{ wald_bound(slope, slope_se, z, 'lower') }}
        * segment_figures.segment_arr * 12.0 / measurement_window.linkage_horizon_months
            as nps_point_value_ci_low,
        0.01 * {{ wald_bound(slope, slope_se, z, 'upper') }}
        * segment_figures.segment_arr * 12.0 / measurement_window.linkage_horizon_months
            as nps_point_value_ci_high,
        cast(segment_figures.responses as bigint) as responses,
        {{ nps_score(r_p, r_n, r_d) }} as nps_respondent,
        {{ nps_standard_error(r_p, r_n, r_d) }} as nps_respondent_se,
        {{ adjusted_wald_nps_ci(r_p, r_n, r_d, z, 'lower') }} as nps_respondent_ci_low,
        {{ adjusted_wald_nps_ci(r_p, r_n, r_d, z, 'upper') }} as nps_respondent_ci_high,
        segment_figures.accounts_answered,
        {{ nps_score(a_p, a_n, a_d) }} as nps_account,
        {{ nps_standard_error(a_p, a_n, a_d) }} as nps_account_se,
        {{ adjusted_wald_nps_ci(a_p, a_n, a_d, z, 'lower') }} as nps_account_ci_low,
        {{ adjusted_wald_nps_ci(a_p, a_n, a_d, z, 'upper') }} as nps_account_ci_high,
        100.0 * segment_figures.weighted_mean_points as nps_revenue_weighted,
        100.0 * segment_figures.weighted_points_se as nps_revenue_weighted_se,
        greatest(-100.0, 100.0 * {{ wald_bound(weighted, weighted_se, z, 'lower') }})
            as nps_revenue_weighted_ci_low,
        least(100.0, 100.0 * {{ wald_bound(weighted, weighted_se, z, 'upper') }})
            as nps_revenue_weighted_ci_high,
        segment_figures.segment_customers,
        segment_figures.segment_arr,
        segment_figures.answered_arr,
        segment_figures.answered_arr / nullif(segment_figures.segment_arr, 0) as revenue_coverage,
        cast({{ z }} as double) as ci_z
    from with_clv
    left join segment_figures
        on with_clv.segment = segment_figures.segment and with_clv.nps_category = 'all'
    cross join measurement_window

)

select * from final
